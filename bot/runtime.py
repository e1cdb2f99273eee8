"""The running bot: its parts, and the one order they start and stop in.

`bot.bootstrap.build_runtime` builds the parts; this module only knows the order. Start:
the HTTP port first (a taken port is known before anyone answers a question), then the
terminal chat when no platform is configured, the chat platforms, and the tick last, so
nothing is sent before a way to send it exists. Stop, the other way round where it matters:
readiness says no at once, the tick takes no new work and its sends in progress finish or
go back to the outbox, then the HTTP server takes no requests, the platforms close and the
database's connections are let go.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.lifecycle import TickLoop
from bot.storage.database import Database
from dialogs.channel import ChatAdapter

if TYPE_CHECKING:
    from aiohttp import web

    from adapters.console import BetweenInputs

log = logging.getLogger(__name__)


@dataclass
class WebServer:
    """The shared HTTP server: health, metrics, the console and the platforms' endpoints."""

    application: web.Application
    host: str
    port: int
    _runner: web.AppRunner | None = field(default=None, init=False, repr=False)

    @property
    def serving(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        from bot.web import start_web

        self._runner = await start_web(self.application, self.host, self.port)
        log.info("HTTP server on http://%s:%s", self.host, self.port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()


@dataclass
class Runtime:
    """Everything `jaarrond run` keeps running, started and stopped in one order."""

    db: Database
    server: WebServer
    platforms: Sequence[ChatAdapter]
    ticks: TickLoop
    # Per configured platform: is its connection up? The health endpoint reads this.
    ready: MutableMapping[str, bool]
    # With no platform configured: asks who chats in this terminal and mounts that chat.
    open_chat: Callable[[], Awaitable[BetweenInputs]] | None = None
    # The terminal chat `open_chat` mounted, once started.
    chat: BetweenInputs | None = None
    _started: list[ChatAdapter] = field(default_factory=list, init=False, repr=False)
    _stopped: bool = field(default=False, init=False, repr=False)

    async def start(self) -> None:
        """Start every part in order; a part that fails stops the ones already started."""
        try:
            await self.server.start()
            if self.open_chat is not None:
                self.chat = await self.open_chat()
            for platform in self.platforms:
                await platform.start()
                self._started.append(platform)
                self.ready[platform.platform] = True
            self.ticks.start()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop every part that runs, in order; a second stop does nothing."""
        if self._stopped:
            return
        self._stopped = True
        log.info("stopping: no new work; sends in progress get %ss", self.ticks.grace)
        self.ready.update(dict.fromkeys(self.ready, False))
        await self.ticks.stop()
        await self.server.stop()
        for platform in reversed(self._started):
            await platform.stop()
        self._started.clear()
        await self.db.dispose()
        log.info("stopped")
