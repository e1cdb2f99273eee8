"""The demo's year on a simulated clock: the planner and the dispatcher tick at every moment
something falls due, the managers draft their agreements, and each persona answers what the
bot sends, through the engine as a chat platform would hand it in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, select

from bot.agreements.notices import follow_up_moment
from bot.bootstrap import App
from bot.clock import FixedClock
from bot.demo.agreements import AGREEMENT_COMMAND, AGREEMENTS, AgreementPlan, follow_up_answer
from bot.demo.personas import DIGEST_FOR, DOMAIN, START, Actor
from bot.demo.report import digest_section, month_of
from bot.org.people import find_by_email
from bot.progress import Progress
from bot.schedules.calendar import next_slot
from bot.storage.agreement_models import Agreement
from bot.storage.database import Database
from bot.storage.models import OutboxMessage, Person, Schedule
from dialogs import agreements as ag
from dialogs.channel import InboundHandler
from dialogs.messages import Inbound, MessageRef, Outbound, PersonRef

# A persona answering the same prompt over and over is a bug in the demo, not a story.
MAX_TURNS = 40
# The manager reads the digest while the workload peak is at its height: the point is
# that it shows then, not months later at the annual review. A shorter run reads it at
# its end.
DIGEST_AT = datetime(2027, 5, 14, 14, 0, tzinfo=UTC)


def is_agreement(out: Outbound) -> bool:
    return ag.parse_token(out.question.token if out.question else out.key) is not None


# ---- the simulated chat platform ---------------------------------------------------------


class PersonaChannel:
    """The chat platform the personas use: it only collects what the dispatcher sends.

    Registered as "console" because the dispatcher routes only to the platforms it knows.
    Prompts are answered after the tick, never inside send(): the dispatcher is still
    working through the outbox then.
    """

    platform = "console"

    def __init__(self) -> None:
        self._inbox: list[Outbound] = []
        self._sent = 0

    def mount(self, on_inbound: InboundHandler) -> None:
        # The simulation drives the engine itself, once the tick has finished.
        return None

    def can_reach(self, person: PersonRef) -> bool:
        return True

    async def send(self, out: Outbound) -> MessageRef:
        self._inbox.append(out)
        self._sent += 1
        return MessageRef(self.platform, out.recipient.email, str(self._sent))

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def take(self) -> list[Outbound]:
        taken, self._inbox = self._inbox, []
        return taken


# ---- the simulation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rhythm:
    """One schedule as seen from one time zone: the moments its prompts fall due.

    The demo's schedules fall on working days and name no public holidays, so no slot is
    ever moved to another day and these moments are all the planner can find due.
    """

    cadence: str
    day: str
    time: str
    zone: ZoneInfo

    def next_after(self, moment: datetime) -> datetime:
        return next_slot(self.cadence, self.day, self.time, self.zone, moment).due_utc


def week_of(moment: datetime, weeks: int) -> int:
    """The simulated week `moment` falls in, counted from 1, at most `weeks`."""
    return min(weeks, (moment - START) // timedelta(weeks=1) + 1)


@dataclass
class Simulation:
    app: App
    clock: FixedClock
    channel: PersonaChannel
    actors: dict[str, Actor]
    rhythms: list[Rhythm]
    prompts: Counter[str] = field(default_factory=Counter)
    last_moment: datetime = START
    digest: list[str] = field(default_factory=list)
    drafted: set[AgreementPlan] = field(default_factory=set)

    async def run(self, end: datetime, progress: Progress) -> None:
        """Jump from one due moment to the next: schedule slots and snoozed prompts.

        Nothing can fall due in between, so ticking only then is exact, and a year takes
        a few hundred ticks instead of half a million minutes.
        """
        ticker = self.app.ticker()
        digest_at = min(DIGEST_AT, end)
        weeks = (end - START) // timedelta(weeks=1)
        while (moment := await self.next_moment()) <= end:
            if not self.digest and moment > digest_at:
                await self.read_digest(digest_at)
            self.clock.set(moment)
            for plan in self.plans_due(moment):
                await self.draft(plan)
            await ticker.tick()
            for out in self.channel.take():
                if is_agreement(out):
                    await self.settle(out)
                    continue
                self.prompts[month_of(moment)] += 1
                await self.converse(out)
            self.last_moment = moment
            progress(week_of(moment, weeks), weeks)
        if not self.digest:
            await self.read_digest(digest_at)
        self.clock.set(end)

    async def read_digest(self, moment: datetime) -> None:
        """The manager opens the digest: the clock moves there, never back."""
        self.clock.set(max(moment, self.clock.now()))
        self.digest = await digest_section(self.app, f"{DIGEST_FOR}@{DOMAIN}")

    async def next_moment(self) -> datetime:
        """The next schedule slot, snoozed prompt, agreement meeting, follow-up round or
        agreement notice, whichever comes first."""
        now = self.clock.now()
        candidates = [rhythm.next_after(now) for rhythm in self.rhythms]
        candidates += [p.at for p in AGREEMENTS if p not in self.drafted and p.at > now]
        async with self.app.db.session() as session:
            snoozed = await session.scalar(
                select(OutboxMessage.next_attempt_at)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at > now)
                .order_by(OutboxMessage.next_attempt_at)
                .limit(1)
            )
            notice = await session.scalar(
                select(OutboxMessage.next_attempt_at)
                .where(OutboxMessage.status == "pending", OutboxMessage.occurrence_id.is_(None))
                .order_by(OutboxMessage.next_attempt_at)
                .limit(1)
            )
            rounds = await session.scalars(
                select(Agreement.next_follow_up_on).where(
                    Agreement.status.in_(ag.RUNNING), Agreement.next_follow_up_on.is_not(None)
                )
            )
            zone = self.app.defaults.timezone
            candidates += [m for d in rounds if d and (m := follow_up_moment(d, zone)) > now]
        if snoozed is not None:
            candidates.append(snoozed)
        if notice is not None:
            # One queued while answering waits for the next tick, a minute on.
            candidates.append(max(notice, now + timedelta(minutes=1)))
        return min(candidates)

    def plans_due(self, moment: datetime) -> list[AgreementPlan]:
        return [p for p in AGREEMENTS if p not in self.drafted and p.at <= moment]

    async def draft(self, plan: AgreementPlan) -> None:
        """The manager drafts the agreement in the chat and proposes it to the report."""
        self.drafted.add(plan)
        manager = self.actors[f"{plan.manager}@{DOMAIN}"].persona
        async with self.app.db.session() as session:
            employee = await find_by_email(session, f"{plan.employee}@{DOMAIN}")
            if employee is None:
                raise RuntimeError(f"{plan.employee} was not imported")
            answers = plan.answers(employee.id)
        inbound = Inbound("console", manager.email, text=AGREEMENT_COMMAND[manager.locale])
        for _ in range(MAX_TURNS):
            replies = (await self.app.engine.handle(inbound)).replies
            asked = next((r.question for r in replies if r.question is not None), None)
            if asked is None or asked.question_id not in answers:
                if asked is not None and asked.question_id != "agreement":
                    raise RuntimeError(f"{manager.email} cannot draft: {asked.question_id}")
                return
            value = answers[asked.question_id]
            inbound = Inbound("console", manager.email, token=asked.token, value=value)
        raise RuntimeError(f"{manager.email} keeps drafting an agreement; a demo bug")

    async def settle(self, prompt: Outbound) -> None:
        """A party acts on an agreement message: accept it, sign it, or answer the
        follow-up. A notice that only tells what happened needs nothing."""
        email = prompt.recipient.email
        persona = self.actors[email].persona
        current: Outbound | None = prompt
        turns = 0
        while current is not None and current.question is not None:
            turns += 1
            if turns > MAX_TURNS:
                raise RuntimeError(f"{email} keeps getting asked {current.key}; a demo bug")
            token = ag.parse_token(current.question.token)
            values = [c.value for c in current.question.choices]
            if token is None or token.kind == "dialog":
                return
            if token.kind == "followup":
                value = follow_up_answer(persona, self.clock.now().date())
            elif "accept" in values or "sign" in values:
                value = "accept" if "accept" in values else "sign"
            else:
                return
            inbound = Inbound("console", email, token=current.question.token, value=value)
            replies = (await self.app.engine.handle(inbound)).replies
            current = next((r for r in replies if r.question is not None), None)

    async def converse(self, prompt: Outbound) -> None:
        """Answer a prompt and every question that follows, until the check-in ends."""
        if prompt.question is None:
            return  # a notice that asks nothing needs no answer
        actor = self.actors[prompt.recipient.email]
        email = actor.persona.email
        day = self.clock.now().date()
        current: Outbound | None = prompt
        turns = 0
        while current is not None:
            turns += 1
            if turns > MAX_TURNS:
                raise RuntimeError(f"{email} keeps getting asked {current.key}; a demo bug")
            if is_agreement(current):
                # A follow-up question that rode along, asked after the check-in's end.
                await self.settle(current)
                break
            text = actor.respond(current, day, proactive=current is prompt)
            turn = await self.app.engine.handle(Inbound("console", email, text=text))
            current = next((r for r in turn.replies if r.question is not None), None)
        topic = actor.topic(day)
        if topic is not None:
            await self.app.engine.handle(Inbound("console", email, text=topic))


async def rhythms_of(db: Database, default_timezone: str) -> list[Rhythm]:
    """Every (schedule, time zone) pair whose moments can fall due."""
    async with db.session() as session:
        schedules = list(
            await session.scalars(select(Schedule).where(Schedule.active).order_by(Schedule.id))
        )
        person_zones = set(await session.scalars(select(Person.timezone)))
    rhythms = []
    for s in schedules:
        zones = sorted({z or s.timezone or default_timezone for z in person_zones})
        rhythms += [Rhythm(s.cadence, s.day, s.time, ZoneInfo(zone)) for zone in zones]
    return rhythms


def _disposable_sqlite(dbapi_connection: Any, _record: object) -> None:
    # The demo database is thrown away on the next run: no need to wait for the disk.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA journal_mode=MEMORY")
    cursor.close()


async def fresh_database(path: str) -> Database:
    target = Path(path)
    if not target.parent.is_dir():
        raise ValueError(f"cannot create the demo database: {target.parent} is not a folder")
    try:
        for leftover in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{leftover}").unlink(missing_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot replace the demo database {path}: {exc.strerror}") from exc
    database = Database(f"sqlite+aiosqlite:///{path}")
    event.listen(database.engine.sync_engine, "connect", _disposable_sqlite)
    await database.upgrade()
    return database
