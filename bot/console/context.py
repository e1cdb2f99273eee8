"""What the console's handlers share: the database, the clock and the services."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.clock import Clock
from bot.console.access import ConsoleSignin
from bot.org.people import Defaults
from bot.schedules.questions import QuestionBanks
from bot.storage.database import Database
from dialogs.ladder import Rules


@dataclass(frozen=True)
class ConsoleContext:
    db: Database
    clock: Clock
    access: ConsoleSignin
    defaults: Defaults
    questions: QuestionBanks
    # The development ladder's rules; None: the built-in ones.
    ladder_rules: Rules | None = None

    @property
    def themes(self) -> list[str]:
        return sorted(self.questions.live)


CONTEXT = web.AppKey("console_context", ConsoleContext)


def context_of(request: web.Request) -> ConsoleContext:
    return request.app[CONTEXT]
