"""Start-up fixes for botbuilder 4.17's per-request costs, applied from our side.

What the SDK does for every inbound activity, and what it costs:
- It builds a new ConnectorClient and a new UserTokenClient. Each builds an msrest
  Configuration whose ClientRetryPolicy runs `[i for i in range(999) if i not in safe_codes]`
  over a 500-element *list*: about 13 ms of CPU, twice per request.
- Each new client brings new credentials, so a new MSAL app with an empty token cache: with
  an app id set that is a fresh, blocking token request to Entra ID for each send.
- Each sends through `requests` on the default thread pool, with a new session (so a new
  connection to the Bot Connector) per client; under load the worker threads fight the
  event loop for the GIL.

The fixes, all here so they leave when botbuilder leaves:
- `fix_retry_policy`: `safe_codes` as a frozenset; the same retry list in microseconds.
- `ReusingAuthentication`: wraps the SDK's BotFrameworkAuthentication (authentication itself
  is untouched) so clients are built once per (app id, service URL, audience) and reused.
- Reused connector clients send through one pooled aiohttp session on the event loop
  (`_AiohttpSender`), with the bearer token fetched off the loop and reused for a few
  minutes (`_BearerPolicy`), retrying 429/5xx like the SDK's own retry policy did.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from botbuilder.schema import Activity
from botframework.connector.auth import (  # type: ignore[import-untyped]
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
)
from msrest.exceptions import ClientRequestError
from msrest.pipeline import Request, Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import HTTPClientResponse
from msrest.universal_http.requests import ClientRetryPolicy
from multidict import CIMultiDict

log = logging.getLogger(__name__)

# MSAL hands out tokens with at least five minutes left; reusing one for four is safe.
TOKEN_REUSE_SECONDS = 240.0
# Like msrest's retry policy (3 retries, backoff factor 0.8), but capped so a turn still
# answers the Bot Connector within its 15 s.
RETRIES = 3
BACKOFF_FACTOR = 0.8
MAX_RETRY_WAIT = 5.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)


def fix_retry_policy() -> None:
    """Idempotent: msrest only ever tests membership in `safe_codes`, so a frozenset of the
    same codes builds the identical retry list, in microseconds instead of ~13 ms."""
    codes = ClientRetryPolicy.safe_codes
    if not isinstance(codes, frozenset):
        # setattr: msrest declares a list; anything supporting `in` is all it needs.
        setattr(ClientRetryPolicy, "safe_codes", frozenset(codes))  # noqa: B010


def _app_id(claims_identity: ClaimsIdentity) -> str:
    """The bot's app id as the SDK reads it from the claims (audience, else appid)."""
    claims = claims_identity.claims or {}
    value = claims.get(AuthenticationConstants.AUDIENCE_CLAIM)
    if value is None:
        value = claims.get(AuthenticationConstants.APP_ID_CLAIM)
    return str(value or "")


class _BufferedResponse(HTTPClientResponse):
    """An HTTP response read to the end, as msrest's deserializers expect."""

    def __init__(self, request: Any, status: int, headers: Mapping[str, str], body: bytes) -> None:
        super().__init__(request, None)
        self.status_code = status
        # Case-insensitive like requests' headers: msrest looks up 'content-type'.
        self.headers = CIMultiDict(headers)
        self._body = body

    def body(self) -> bytes:
        return self._body


class _AiohttpSender(AsyncHTTPSender[Any, Any]):
    """msrest's last pipeline step, on a shared aiohttp session instead of requests+threads."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> _AiohttpSender:
        return self

    async def __aexit__(self, *exc_details: object) -> None:
        return None  # the session belongs to ReusingAuthentication

    async def send(self, request: Request[Any], **config: Any) -> Response[Any, Any]:
        http = request.http_request
        for attempt in range(RETRIES + 1):
            try:
                async with self._session.request(
                    http.method, http.url, headers=http.headers, data=http.data
                ) as answer:
                    body = await answer.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                if attempt == RETRIES:
                    raise ClientRequestError(f"Error occurred in request: {exc}") from exc
                await asyncio.sleep(_backoff(attempt))
                continue
            if answer.status in RETRY_STATUSES and attempt < RETRIES:
                await asyncio.sleep(_retry_after(answer.headers, attempt))
                continue
            return Response(request, _BufferedResponse(http, answer.status, answer.headers, body))
        raise AssertionError("unreachable")


def _backoff(attempt: int) -> float:
    return float(min(BACKOFF_FACTOR * 2**attempt, MAX_RETRY_WAIT))


def _retry_after(headers: Mapping[str, str], attempt: int) -> float:
    """Honour Retry-After in seconds (as the Bot Connector sends it), within our cap."""
    value = headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_WAIT)
    except ValueError:
        return _backoff(attempt)


class _BearerPolicy(AsyncHTTPPolicy[Any, Any]):
    """Adds the bot's token; MSAL's blocking fetch runs in a thread, not on the loop."""

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials
        self._header = ""
        self._expires = 0.0
        self._lock = asyncio.Lock()

    def _anonymous(self) -> bool:
        app_id = getattr(self._credentials, "microsoft_app_id", None)
        return not app_id or app_id == AuthenticationConstants.ANONYMOUS_SKILL_APP_ID

    async def _authorization(self) -> str:
        if time.monotonic() < self._expires:
            return self._header
        async with self._lock:
            if time.monotonic() >= self._expires:
                token = await asyncio.to_thread(self._credentials.get_access_token)
                self._header = f"Bearer {token}"
                self._expires = time.monotonic() + TOKEN_REUSE_SECONDS
        return self._header

    async def send(self, request: Request[Any], **kwargs: Any) -> Response[Any, Any]:
        if self._credentials is not None and not self._anonymous():
            request.http_request.headers["Authorization"] = await self._authorization()
        assert self.next is not None  # set when the pipeline is built
        return await self.next.send(request, **kwargs)


class _ReusingConnectorFactory(ConnectorFactory):  # type: ignore[misc]
    """Hands out one cached client per (app id, service URL, audience)."""

    def __init__(self, inner: ConnectorFactory, app_id: str, owner: ReusingAuthentication) -> None:
        self._inner = inner
        self._app_id = app_id
        self._owner = owner

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        # No audience means the channel's default one: the same credentials, the same client.
        key = (self._app_id, service_url, audience or self._owner.get_originating_audience())
        client = self._owner.connectors.get(key)
        if client is None:
            client = self._owner.adopt(await self._inner.create(service_url, audience))
            # A concurrent request may have built one meanwhile; keep the first.
            client = self._owner.connectors.setdefault(key, client)
        return client


class ReusingAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """Delegates every call to the SDK's authentication; only caches the clients it makes.

    A client is only shared between requests for the same app id, service URL and audience:
    exactly what the SDK would have built anew for each of them.
    """

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner
        self.connectors: dict[tuple[str, str, str], Any] = {}
        self._token_clients: dict[str, Any] = {}
        self._session: aiohttp.ClientSession | None = None

    def adopt(self, client: Any) -> Any:
        """Move a new connector client onto the shared aiohttp session."""
        if self._session is None or self._session.closed:
            # Created lazily: an aiohttp session must be made inside the running loop.
            connector = aiohttp.TCPConnector(limit=100, limit_per_host=50)
            self._session = aiohttp.ClientSession(connector=connector, timeout=REQUEST_TIMEOUT)
        config = client.config
        policies = [
            config.user_agent_policy,
            _BearerPolicy(config.credentials),
            RawDeserializer(),
            config.http_logger_policy,
        ]
        config.pipeline = AsyncPipeline(policies, _AiohttpSender(self._session))
        return client

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            app_id = _app_id(result.claims_identity)
            result.connector_factory = _ReusingConnectorFactory(
                result.connector_factory, app_id, self
            )
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = self._inner.create_connector_factory(claims_identity)
        return _ReusingConnectorFactory(inner, _app_id(claims_identity), self)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> Any:
        app_id = _app_id(claims_identity)
        client = self._token_clients.get(app_id)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            client = self._token_clients.setdefault(app_id, client)
        return client

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self._inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)

    async def close(self) -> None:
        """Forget the cached clients and close the shared HTTP session."""
        self.connectors.clear()
        self._token_clients.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None


def speed_up(cloud_adapter: Any) -> ReusingAuthentication:
    """Apply every fix to a CloudAdapter (ours, or a bare one in the benchmark)."""
    fix_retry_policy()
    auth = cloud_adapter.bot_framework_authentication
    if not isinstance(auth, ReusingAuthentication):
        auth = ReusingAuthentication(auth)
        cloud_adapter.bot_framework_authentication = auth
    return auth
