"""Retries of Slack Web API calls: an HTTP 429 waits for its Retry-After, and tells the
adapter's throttle, so the other calls of that method wait too."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from adapters.ratelimit import Sleep

# Told of every Retry-After honoured: (Web API method, bot token, seconds).
RetryAfterListener = Callable[[str, str, float], None]


class RetryAfter(AsyncRetryHandler):
    """Honours HTTP 429 with its Retry-After, through an injectable sleep.

    slack_sdk's own handler adds up to a second of jitter and always waits; a wait longer
    than `max_wait` is not worth holding a request for: the error goes up, and the outbox
    retries later with its own back-off.
    """

    def __init__(
        self,
        sleep: Sleep,
        max_retries: int = 3,
        max_wait: float = 30.0,
        listener: RetryAfterListener | None = None,
    ) -> None:
        super().__init__(max_retry_count=max_retries)
        self._sleep = sleep
        self._max_wait = max_wait
        self._listener = listener

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code == 429
            and _retry_after(response) <= self._max_wait
        )

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        seconds = _retry_after(response) if response is not None else 1.0
        if self._listener is not None:
            # Other calls of the method wait too: Slack's limit is per workspace, not per call.
            method = request.url.rstrip("/").rsplit("/", 1)[-1]
            self._listener(method, _bearer(request.headers), seconds)
        await self._sleep(seconds)
        state.increment_current_attempt()


def _bearer(headers: Mapping[str, str | list[str]]) -> str:
    for name, value in headers.items():
        if name.lower() == "authorization":
            text = value[0] if isinstance(value, list) else value
            return text.removeprefix("Bearer ").strip()
    return ""


def _retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                break
    return 1.0
