"""The whole bot in memory: a recording adapter and a driver for conversations."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.agreements.service import AgreementService
from bot.bootstrap import App, build_app
from bot.clock import FixedClock
from bot.config import load_settings
from bot.org.organisation import import_org
from bot.org.people import find_by_email
from bot.schedules.store import apply_schedules
from bot.storage.database import Database
from dialogs import agreements as ag
from dialogs.channel import InboundHandler
from dialogs.messages import Inbound, MessageRef, Outbound, PersonRef, Turn

ORG_CSV = """email,name,manager_email,locale,timezone,department,hr
anna@example.org,Anna de Vries,,nl,Europe/Amsterdam,Support,false
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support,false
carla@example.org,Carla Smith,anna@example.org,en,America/New_York,Support,false
dirk@example.org,Dirk Bakker,,en,Asia/Kolkata,Development,false
hr@example.org,Hanna Rutgers,,nl,Europe/Amsterdam,HR,true
"""


class RecordingAdapter:
    """Collects every proactive message, like a chat platform that only listens."""

    platform = "console"

    def __init__(self, reachable: set[str] | None = None) -> None:
        self.sent: list[Outbound] = []
        self.reachable = reachable
        self.handler: InboundHandler | None = None
        self._ids = itertools.count(1)

    def mount(self, on_inbound: InboundHandler) -> None:
        self.handler = on_inbound

    def can_reach(self, person: PersonRef) -> bool:
        return self.reachable is None or person.email in self.reachable

    async def send(self, out: Outbound) -> MessageRef:
        self.sent.append(out)
        return MessageRef(self.platform, out.recipient.email, str(next(self._ids)))

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def to(self, email: str) -> list[Outbound]:
        return [o for o in self.sent if o.recipient.email == email]


@dataclass
class Testbot:
    __test__ = False  # a helper, not a test class
    app: App
    clock: FixedClock
    adapter: RecordingAdapter
    replies: list[Outbound] = field(default_factory=list)
    # The whole answer to the last message: the outcome and the menu it now expects.
    turn: Turn = field(default_factory=Turn)

    async def say(self, email: str, text: str = "", **extra: str) -> list[Outbound]:
        inbound = Inbound("console", email, text=text, **extra)  # type: ignore[arg-type]
        self.turn = await self.app.engine.handle(inbound)
        self.replies = list(self.turn.replies)
        return self.replies

    async def click(self, email: str, token: str, value: str) -> list[Outbound]:
        return await self.say(email, token=token, value=value)

    @property
    def last(self) -> Outbound:
        return self.replies[-1]

    async def tick(self) -> None:
        await self.app.ticker().tick()


# The weekly manager digest is off unless a test asks for it: the fixed clock starts on a
# Monday 09:00, the digest's moment, and other tests count what a tick sends.
QUIET = {"JAARROND_DIGEST_SCHEDULE": "off"}


async def make_testbot(
    db: Database, clock: FixedClock, org_csv: str = ORG_CSV, env: dict[str, str] | None = None
) -> Testbot:
    settings = load_settings(QUIET if env is None else env)
    app = build_app(settings, clock, db=db)
    adapter = RecordingAdapter()
    app.add_adapter(adapter)
    await import_org(db, org_csv, clock.now())
    return Testbot(app, clock, adapter)


# A weekly workload check-in for everybody, on Thursday afternoon or on Monday morning.
WEEKLY_ON_THURSDAY = """
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: all
"""
# Bram's alone, on Thursdays at 14:00 his time.
WEEKLY_FOR_BRAM = WEEKLY_ON_THURSDAY.replace(
    "audience: all", "audience: {emails: [bram@example.org]}"
)
WEEKLY_ON_MONDAY = """
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: mon
    time: "09:00"
    audience: all
"""


async def apply(bot: Testbot, yaml_text: str) -> None:
    await apply_schedules(bot.app.db, yaml_text, bot.app.banks.keys(), bot.clock.now())


async def signed_agreement(bot: Testbot, manager: str, employee: str, terms: ag.Terms) -> int:
    """An agreement the manager drafts, the employee accepts, and both sign, in chat."""
    async with bot.app.db.session() as session:
        author = await find_by_email(session, manager)
        counterpart = await find_by_email(session, employee)
        assert author is not None and counterpart is not None
        service = AgreementService(bot.app.defaults)
        agreement, _ = await service.create(session, author, counterpart.id, terms, bot.clock.now())
        agreement_id = agreement.id
    token = ag.agreement_token(agreement_id, 1)
    await bot.click(employee, token, "accept")
    await bot.click(employee, token, "sign")
    await bot.click(manager, token, "sign")
    return agreement_id
