"""The Bot Connector's published limits for proactive messages, as throttle keys.

Per app per tenant: 50 requests per second (all operations). Per bot per conversation
("thread"): 7 operations a second, 8 in 2 s, 60 in 30 s and 1,800 in an hour.
"""

from __future__ import annotations

from collections.abc import Hashable

from adapters.ratelimit import Limit, Now, Rate, Sleep, Throttle, Window

TENANT_PER_SECOND = 50.0
CONVERSATION_WINDOWS = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))


def teams_throttle(tenant_per_second: float, clock: Now, sleep: Sleep) -> Throttle:
    def tenant() -> list[Limit]:
        if tenant_per_second <= 0:
            return []
        return [Rate(tenant_per_second, max(1, int(tenant_per_second)))]

    def conversation() -> list[Limit]:
        return [Window(count, seconds) for count, seconds in CONVERSATION_WINDOWS]

    return Throttle({"tenant": tenant, "conversation": conversation}, clock=clock, sleep=sleep)


def send_keys(tenant: str, conversation: str) -> list[Hashable]:
    return [("tenant", tenant), ("conversation", conversation)]
