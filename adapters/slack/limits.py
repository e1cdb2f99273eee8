"""Slack's published Web API limits, and the keys the adapter throttles its calls under.

chat.postMessage: about one message per second per channel, plus a workspace-wide limit
Slack does not publish (configurable here); conversations.open and conversations.history are
Tier 3 (50+ per minute). Limits apply per app per workspace; a bot token stands for one
workspace, so the token is the workspace part of every key (kept in memory only).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from adapters.ratelimit import Now, Rate, Sleep, Throttle

# Which throttle key a Retry-After of each method pauses.
METHOD_KINDS = {
    "chat.postMessage": "post",
    "conversations.open": "open",
    "conversations.history": "history",
}


@dataclass(frozen=True)
class SlackLimits:
    """Zero for a rate switches that limit off (a fake Web API in a benchmark)."""

    channel_per_second: float = 1.0
    channel_burst: int = 1
    workspace_per_second: float = 5.0
    workspace_burst: int = 5
    opens_per_minute: float = 50.0
    history_per_minute: float = 50.0

    def throttle(self, clock: Now, sleep: Sleep) -> Throttle:
        def rate(per_second: float, burst: int) -> list[Rate]:
            return [Rate(per_second, burst)] if per_second > 0 else []

        return Throttle(
            {
                "post": lambda: rate(self.workspace_per_second, self.workspace_burst),
                "channel": lambda: rate(self.channel_per_second, self.channel_burst),
                "open": lambda: rate(self.opens_per_minute / 60, 3),
                "history": lambda: rate(self.history_per_minute / 60, 3),
            },
            clock=clock,
            sleep=sleep,
        )


UNLIMITED = SlackLimits(0, 1, 0, 1, 0, 0)


def post_keys(token: str, channel: str) -> list[Hashable]:
    return [("post", token), ("channel", token, channel)]
