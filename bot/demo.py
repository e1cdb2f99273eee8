"""`jaarrond demo`: a small organisation living through a year on a simulated clock.

Only the people are simulated. Everything else is the real bot: the organisation is
imported and the schedules are applied through the services HR uses, the planner and the
dispatcher run on every tick, and each persona answers its prompts through the engine,
exactly as a chat platform hands messages in. The output depends on the seed alone (no
wall clock, fixed ordering), so two runs with the same seed print the same bytes.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import random
import sys
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import event, select

from bot.agreements.notices import follow_up_moment
from bot.bootstrap import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.dialogue.digests import team_digest
from bot.org.organisation import import_org
from bot.org.people import find_by_email, locale_of
from bot.privacy.export import export_person
from bot.progress import Progress, unseen
from bot.reports import views
from bot.reports.pdf import table_line
from bot.reports.works_council import works_council_overview
from bot.schedules.calendar import next_slot
from bot.schedules.file import apply_schedules
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.database import Database
from bot.storage.models import Answer, Occurrence, OutboxMessage, Person, Schedule, Topic
from dialogs import agreements as ag
from dialogs.agreement_texts import ta
from dialogs.banks import Bank, BankQuestion
from dialogs.channel import InboundHandler
from dialogs.checkin import SHARE_STEP
from dialogs.digest import render_digest, sparkline
from dialogs.messages import Inbound, Locale, MessageRef, Outbound, PersonRef
from dialogs.report_texts import tr
from dialogs.texts import t

# A Monday morning before anyone's working day, so the first week is a whole one.
START = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)
START_DAY = START.date()
DOMAIN = "example.org"
THEMES = ("workload", "five_ages", "relationship")
# (id, theme, cadence, day, time): the day of a monthly or quarterly schedule is the
# first such weekday of the period. Times are read in each person's own time zone.
SCHEDULES: tuple[tuple[str, str, str, str, str], ...] = (
    ("workload-biweekly", "workload", "biweekly", "thu", "14:00"),
    ("five-ages-monthly", "five_ages", "monthly", "tue", "10:00"),
    ("relationship-quarterly", "relationship", "quarterly", "wed", "10:00"),
)
# A persona answering the same prompt over and over is a bug in the demo, not a story.
MAX_TURNS = 40
# The manager reads the digest while the workload peak is at its height: the point is
# that it shows then, not months later at the annual review. A shorter run reads it at
# its end.
DIGEST_AT = datetime(2027, 5, 14, 14, 0, tzinfo=UTC)
MONTH_INITIALS = "JFMAMJJASOND"

# ---- the people --------------------------------------------------------------------------

Story = Literal["steady", "peak", "home", "drift"]
STORY_NAMES: dict[Story, str] = {
    "steady": "",
    "peak": "workload peak in spring",
    "home": "a change at home after a month",
    "drift": "quiet drift over the year",
}


@dataclass(frozen=True)
class Persona:
    """One simulated person: who they are in the organisation and how they tend to answer."""

    user: str
    name: str
    department: str
    locale: Locale
    story: Story = "steady"
    manager: str = ""
    timezone: str = "Europe/Amsterdam"
    hr: bool = False
    # The five_ages phase a person names does not change within one year.
    phase: str = "established"
    # Chances per prompt (later), per closed question (skip; free text thrice as often)
    # and per finished check-in (share).
    later_rate: float = 0.05
    skip_rate: float = 0.03
    share_rate: float = 0.85

    @property
    def email(self) -> str:
        return f"{self.user}@{DOMAIN}"


PEOPLE: tuple[Persona, ...] = (
    Persona("anna", "Anna de Vries", "Support", "nl"),
    Persona("bram", "Bram Jansen", "Support", "nl", manager="anna", story="peak", phase="growing"),
    Persona(
        "carla",
        "Carla Mendes",
        "Support",
        "en",
        manager="anna",
        story="drift",
        timezone="Europe/Lisbon",
        share_rate=0.7,
    ),
    Persona(
        "finn", "Finn Murphy", "Support", "en", manager="anna", share_rate=0.3, later_rate=0.15
    ),
    Persona("daan", "Daan Mulder", "Development", "en"),
    Persona(
        "eva", "Eva de Groot", "Development", "nl", manager="daan", story="home", phase="growing"
    ),
    Persona("hannah", "Hannah Clarke", "Development", "en", manager="daan", skip_rate=0.12),
    Persona("jasmijn", "Jasmijn Koster", "Development", "nl", manager="daan", later_rate=0.12),
    Persona("renate", "Renate Hofman", "HR", "nl", hr=True),
)
DIGEST_FOR = next(p for p in PEOPLE if p.story == "peak").manager
OVERVIEW_FOR = next(p for p in PEOPLE if p.story == "home").user


def org_csv(people: Iterable[Persona]) -> str:
    """The organisation as the HR export `jaarrond org import` reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["email", "name", "manager_email", "locale", "timezone", "department", "hr"])
    for p in people:
        manager = f"{p.manager}@{DOMAIN}" if p.manager else ""
        hr = "true" if p.hr else "false"
        writer.writerow([p.email, p.name, manager, p.locale, p.timezone, p.department, hr])
    return buffer.getvalue()


def schedules_yaml(people: Iterable[Persona]) -> str:
    """The schedules file HR would apply: every check-in goes to everyone with a manager.

    The managers and HR have no manager in this small organisation, so nobody would
    read their answers; leaving them out keeps the year short to simulate.
    """
    audience = json.dumps({"emails": [p.email for p in people if p.manager]})
    lines = ["defaults:", "  timezone: Europe/Amsterdam", "schedules:"]
    for sid, theme, cadence, day, time in SCHEDULES:
        lines += [
            f"  - id: {sid}",
            f"    theme: {theme}",
            f"    cadence: {cadence}",
            f"    day: {day}",
            f'    time: "{time}"',
            f"    audience: {audience}",
        ]
    return "\n".join(lines) + "\n"


def schedules_summary() -> str:
    return ", ".join(
        f"{theme} {cadence} ({'' if cadence == 'weekly' else 'first '}{day} {time})"
        for _, theme, cadence, day, time in SCHEDULES
    )


# ---- how the year weighs on them ---------------------------------------------------------

WORKLOAD_TOPICS = frozenset({"demands", "effort_balance", "recovery"})
RELATION_TOPICS = frozenset(
    {"exchange", "authority", "reciprocity", "equality", "coherence", "cooperation"}
)
# The bank topics each story weighs on; all other answers stay around the person's usual.
STORY_TOPICS: dict[Story, frozenset[str]] = {
    "steady": frozenset(),
    "peak": WORKLOAD_TOPICS | {"health"},
    "home": frozenset({"private_situation", "health", "recovery", "calendar"}),
    "drift": RELATION_TOPICS | {"effort_balance", "recovery"},
}


def _trapezoid(day: date, rise: date, top: date, top_end: date, gone: date) -> float:
    """0 before `rise`, climbing to 1 at `top`, 1 until `top_end`, back to 0 at `gone`."""
    if day <= rise or day >= gone:
        return 0.0
    if day < top:
        return (day - rise).days / (top - rise).days
    if day <= top_end:
        return 1.0
    return (gone - day).days / (gone - top_end).days


def story_level(story: Story, day: date) -> float:
    """How hard a persona's story weighs on `day`: 0 not at all, 1 as hard as it gets."""
    if story == "peak":
        return _trapezoid(
            day, date(2027, 3, 1), date(2027, 4, 12), date(2027, 5, 17), date(2027, 6, 21)
        )
    if story == "home":
        # Something changes at home a month in; it eases in the second half of the year.
        after = [START_DAY + timedelta(days=d) for d in (21, 28, 180, 400)]
        return 0.9 * _trapezoid(day, *after)
    if story == "drift":
        return 0.85 * min((day - START_DAY).days / 364, 1.0)
    return 0.0


def strain(persona: Persona, topic: str, day: date) -> float:
    return story_level(persona.story, day) if topic in STORY_TOPICS[persona.story] else 0.0


# Per scale question: the usual answer, and which way strain pushes it (+1 up, -1 down).
SCALES: dict[str, tuple[float, int]] = {
    "workload.demands_level": (3.0, +1),
    "workload.demands_influence": (3.6, -1),
    "workload.effort_balance": (3.8, -1),
    "workload.recovery_time": (3.9, -1),
    "five_ages.professional_learning": (3.5, -1),
    "five_ages.private_attention": (4.2, -1),
    "five_ages.psychosocial_feel": (3.0, 0),
    "five_ages.psychosocial_seen": (1.6, +1),
    "five_ages.health_energy": (3.9, -1),
    "five_ages.health_fit": (4.1, -1),
}
USUAL_SCALE = (3.8, -1)
# Per choice question: the options people pick when all is well, and under strain.
CHOICES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "workload.demands_nature": (
        ("complex_tasks", "people_contact", "nothing_stands_out", "task_switching"),
        ("pace_deadlines", "task_switching"),
    ),
    "relationship.reciprocity_agreements": (
        ("kept", "mostly_kept", "kept", "no_agreements"),
        ("not_kept", "unclear"),
    ),
}


@dataclass(frozen=True)
class Phrases:
    """Short things people type, in both languages."""

    nl: tuple[str, ...]
    en: tuple[str, ...]

    def of(self, locale: Locale) -> tuple[str, ...]:
        return self.nl if locale == "nl" else self.en


# Free-text answers by (question, under strain). None starts with a command word, so the
# engine reads each one as an answer.
TEXTS: dict[tuple[str, bool], Phrases] = {
    ("workload.one_change", False): Phrases(
        nl=(
            "Minder vergaderingen op donderdag.",
            "Vaste focusuren in de agenda zouden helpen.",
            "Het gaat goed zo, niets dringends.",
            "Eerder weten wat er in de sprint komt.",
        ),
        en=(
            "Fewer meetings on Thursdays.",
            "Fixed focus hours in my calendar would help.",
            "It's fine as it is, nothing urgent.",
            "Knowing earlier what goes into the sprint.",
        ),
    ),
    ("workload.one_change", True): Phrases(
        nl=(
            "Minder tickets tegelijk op mijn bord.",
            "Een extra collega tijdens de piek.",
            "Samen prioriteiten stellen, alles tegelijk lukt niet.",
            "Na de release echt een paar rustige dagen.",
        ),
        en=(
            "Fewer tickets on my plate at once.",
            "An extra colleague during the peak.",
            "Setting priorities together; not everything fits at once.",
            "A few genuinely quiet days after the release.",
        ),
    ),
    ("relationship.better_together", False): Phrases(
        nl=(
            "Vaker even kort bijpraten, ook als er niets speelt.",
            "Het gaat goed, zo doorgaan.",
            "Duidelijker terugkoppeling op mijn voorstellen.",
        ),
        en=(
            "A quick catch-up more often, even when nothing's up.",
            "It works well, let's keep going.",
            "Clearer feedback on my proposals.",
        ),
    ),
    ("relationship.better_together", True): Phrases(
        nl=(
            "Dat afspraken ook echt worden nagekomen.",
            "Meer betrokken worden voordat er besloten wordt.",
            "Eerlijk zeggen wat er speelt, ook als het lastig is.",
        ),
        en=(
            "That agreements are actually kept.",
            "Being involved before decisions are made.",
            "Being open about what's going on, even when it's awkward.",
        ),
    ),
    ("five_ages.calendar_horizon", False): Phrases(
        nl=(
            "Meer verantwoordelijkheid in projecten.",
            "Me verder verdiepen in mijn vak.",
            "Nieuwe collega's inwerken en begeleiden.",
        ),
        en=(
            "More responsibility in projects.",
            "Going deeper into my field.",
            "Onboarding and coaching new colleagues.",
        ),
    ),
    ("five_ages.calendar_horizon", True): Phrases(
        nl=(
            "Vooral werk dat ik met thuis kan combineren.",
            "Eerst wat rust, daarna weer groeien.",
            "Een tijdje flexibele werktijden.",
        ),
        en=(
            "Mainly work I can combine with things at home.",
            "Some calm first, then growing again.",
            "Flexible hours for a while.",
        ),
    ),
}
ANY_TEXT = Phrases(nl=("Geen bijzonderheden.",), en=("Nothing in particular.",))
# Topics a story makes someone raise once, when it weighs hard.
STORY_TOPIC_TEXTS: dict[Story, Phrases] = {
    "peak": Phrases(
        nl=("De werkdruk is al weken te hoog; kunnen we samen prioriteiten stellen?",),
        en=("The workload has been too high for weeks; can we set priorities together?",),
    ),
    "home": Phrases(
        nl=("Thuis is er iets veranderd; ik wil het hebben over tijdelijk andere werktijden.",),
        en=("Something changed at home; I'd like to talk about different hours for a while.",),
    ),
}
# Everyday topics anyone raises now and then.
EVERYDAY_TOPICS = Phrases(
    nl=(
        "Ik wil graag een cursus volgen dit jaar.",
        "Kunnen we mijn thuiswerkdagen opnieuw bekijken?",
        "Ik zou graag eens met een ander team meedraaien.",
    ),
    en=(
        "I'd like to take a course this year.",
        "Could we look at my work-from-home days again?",
        "I'd like to spend some time with another team.",
    ),
)
EVERYDAY_TOPIC_RATE = 0.02
TOPIC_COMMAND: dict[Locale, str] = {"nl": "onderwerp", "en": "topic"}
SHARE_ANSWER: dict[tuple[Locale, bool], str] = {
    ("nl", True): "ja",
    ("nl", False): "nee",
    ("en", True): "yes",
    ("en", False): "no",
}


@dataclass
class Actor:
    """A persona at the keyboard: reads one prompt and types what they would type."""

    persona: Persona
    rng: random.Random
    questions: Mapping[str, BankQuestion]
    # Prompts already put off once: the second time round the person answers.
    snoozed: set[str] = field(default_factory=set)
    story_topic_raised: bool = False
    theme: str = ""

    def respond(self, out: Outbound, day: date, *, proactive: bool) -> str:
        shown = out.question
        if shown is None:
            raise ValueError("respond() needs a message that asks something")
        if shown.question_id == SHARE_STEP:
            return self._share(day)
        question = self.questions[shown.question_id]
        self.theme = question.theme
        # Only a prompt that just arrived is put off, and the same one only once.
        fresh = proactive and out.key not in self.snoozed
        if fresh and self.rng.random() < self.persona.later_rate:
            self.snoozed.add(out.key)
            return "later"
        skip_rate = self.persona.skip_rate * (3 if question.kind == "text" else 1)
        if self.rng.random() < skip_rate:
            return "skip"
        return self._answer(question, [c.value for c in shown.choices], day)

    def _answer(self, question: BankQuestion, choices: list[str], day: date) -> str:
        level = strain(self.persona, question.topic, day)
        if question.kind == "scale":
            usual, direction = SCALES.get(question.question_id, USUAL_SCALE)
            raw = usual + direction * 2.3 * level + self.rng.gauss(0, 0.45)
            return str(min(5, max(1, round(raw))))
        if question.kind == "text":
            return self._text(question.question_id, level)
        # Typed as the option's number, as most people in a chat do.
        return str(choices.index(self._choose(question, level)) + 1)

    def _choose(self, question: BankQuestion, level: float) -> str:
        if question.question_id == "five_ages.calendar_phase":
            return self.persona.phase
        if question.kind == "yes_no":
            return "yes" if level > 0.4 or self.rng.random() < 0.1 else "no"
        calm, strained = CHOICES.get(question.question_id, (question.valid_values(), ()))
        return self.rng.choice(strained if level > 0.4 and strained else calm)

    def _text(self, question_id: str, level: float) -> str:
        phrases = TEXTS.get((question_id, level >= 0.4), ANY_TEXT)
        return self.rng.choice(phrases.of(self.persona.locale))

    def _share(self, day: date) -> str:
        # Someone whose home situation changed keeps that part to themselves and
        # raises it as a topic instead, in their own words.
        private = (
            self.persona.story == "home"
            and self.theme == "five_ages"
            and story_level("home", day) > 0.3
        )
        shared = not private and self.rng.random() < self.persona.share_rate
        return SHARE_ANSWER[(self.persona.locale, shared)]

    def topic(self, day: date) -> str | None:
        """A topic to raise after a check-in, as the `topic` command, or None."""
        locale = self.persona.locale
        story = STORY_TOPIC_TEXTS.get(self.persona.story)
        if story and not self.story_topic_raised and story_level(self.persona.story, day) >= 0.6:
            self.story_topic_raised = True
            return f"{TOPIC_COMMAND[locale]} {self.rng.choice(story.of(locale))}"
        if self.rng.random() < EVERYDAY_TOPIC_RATE:
            return f"{TOPIC_COMMAND[locale]} {self.rng.choice(EVERYDAY_TOPICS.of(locale))}"
        return None


# ---- agreements: the third contract --------------------------------------------------------


@dataclass(frozen=True)
class AgreementPlan:
    """One agreement a manager drafts with a report, typed in the manager's language."""

    manager: str
    employee: str
    at: datetime
    category: str
    text: str
    review_months: str
    cadence: str = "monthly"
    rationale: str = ""  # an i-deal's reason; empty for an ordinary agreement

    def answers(self, employee_id: int) -> dict[str, str]:
        """The drafting dialog's steps and what the manager picks or types at each."""
        return {
            "agreement_counterpart": str(employee_id),
            "agreement_category": self.category,
            "agreement_text": self.text,
            "agreement_i_deal": "yes" if self.rationale else "no",
            "agreement_rationale": self.rationale,
            "agreement_review": self.review_months,
            "agreement_cadence": self.cadence,
            "agreement_confirm": "propose",
        }


# Each manager sits down with one report early in the year: Anna with Bram about the
# course he wants to take, Daan with Eva about different hours once things changed at home.
AGREEMENTS: tuple[AgreementPlan, ...] = (
    AgreementPlan(
        "anna",
        "bram",
        datetime(2027, 1, 12, 13, 0, tzinfo=UTC),
        "development",
        "Bram volgt dit jaar de opleiding klantcommunicatie: elke vrijdagmiddag is "
        "studietijd, zonder tickets.",
        "12",
    ),
    AgreementPlan(
        "daan",
        "eva",
        datetime(2027, 2, 2, 13, 0, tzinfo=UTC),
        "working_hours",
        "For the next six months Eva works 08:00-15:00 on weekdays and is not scheduled "
        "for evening releases.",
        "6",
        rationale="A change at home: these hours let Eva be there after school while the "
        "situation settles.",
    ),
)
AGREEMENT_COMMAND: dict[Locale, str] = {"nl": "afspraak nieuw", "en": "agreement new"}
# Drawn per agreement month, in the order the outcomes get worse.
ROUND_MARKS: dict[str, str] = {
    "on_track": "=",
    "partly": "~",
    "no_longer_relevant": "-",
    "perception_gap": "!",
    "not_kept": "!",
}


def follow_up_answer(persona: Persona, day: date) -> str:
    """How a party sees an agreement on `day`. The workload peak crowds out Bram's study
    afternoons, while his manager still thinks all is well: a perception gap."""
    if persona.story != "peak":
        return "on_track"
    level = story_level("peak", day)
    if level >= 0.5:
        return "not"
    return "partly" if level > 0 else "on_track"


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


def month_of(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m}"


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


# ---- what the run prints ------------------------------------------------------------------


@dataclass
class MonthRow:
    month: str
    prompts: int = 0
    completed: int = 0
    answers: int = 0
    shared: int = 0
    topics: int = 0


TABLE_COLUMNS = (
    ("Prompts sent", "prompts"),
    ("Check-ins completed", "completed"),
    ("Answers", "answers"),
    ("Shared", "shared"),
    ("Topics raised", "topics"),
)


def months_between(first: datetime, last: datetime) -> list[str]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


async def monthly_rows(db: Database, prompts: Counter[str], months: list[str]) -> list[MonthRow]:
    """What happened per month, read back from the database the bot wrote."""
    rows = {m: MonthRow(m, prompts=prompts[m]) for m in months}

    def row(moment: datetime) -> MonthRow:
        return rows.setdefault(month_of(moment), MonthRow(month_of(moment)))

    async with db.session() as session:
        closed = await session.execute(
            select(Occurrence.closed_at, Occurrence.shared).where(Occurrence.status == "completed")
        )
        for closed_at, shared in closed:
            if closed_at is not None:
                row(closed_at).completed += 1
                row(closed_at).shared += bool(shared)
        for answered_at in await session.scalars(select(Answer.answered_at)):
            row(answered_at).answers += 1
        for raised_at in await session.scalars(select(Topic.raised_at)):
            row(raised_at).topics += 1
    return [rows[m] for m in sorted(rows)]


def table(rows: list[MonthRow]) -> list[str]:
    total = MonthRow("Total")
    for r in rows:
        for _, attr in TABLE_COLUMNS:
            setattr(total, attr, getattr(total, attr) + getattr(r, attr))
    header = f"{'Month':<8}" + "".join(f"  {title}" for title, _ in TABLE_COLUMNS)
    lines = [header, "-" * len(header)]
    for r in [*rows, total]:
        cells = "".join(f"  {getattr(r, attr):>{len(title)}}" for title, attr in TABLE_COLUMNS)
        lines.append(f"{r.month:<8}{cells}")
    return lines


def header(seed: int, weeks: int) -> list[str]:
    teams: dict[str, list[Persona]] = defaultdict(list)
    for p in PEOPLE:
        teams[p.department].append(p)
    org = ", ".join(f"{name} ({len(members)})" for name, members in teams.items())
    names = {p.user: p.name for p in PEOPLE}
    stories = [
        f"  {p.name} ({p.department}, {p.locale}, {p.timezone}): {STORY_NAMES[p.story]}"
        for p in PEOPLE
        if p.story != "steady"
    ]
    return [
        f"Jaarrond demo: seed {seed}, {weeks} weeks from Monday {START:%Y-%m-%d} "
        "on a simulated clock",
        f"People: {len(PEOPLE)} in {org}",
        f"Schedules for everyone with a manager: {schedules_summary()}, "
        "each at the person's own local time",
        "Stories:",
        *stories,
        "Everyone else answers around their usual, sometimes skips, says later or keeps "
        "a check-in to themselves.",
        "Agreements, drafted by the manager in the chat, then accepted and signed by both:",
        *[
            f"  {names[p.manager]} with {names[p.employee]} on {p.at:%Y-%m-%d}: "
            f"{ta(f'category.{p.category}', 'en')}{' (i-deal)' if p.rationale else ''}, "
            f"followed up {p.cadence}"
            for p in AGREEMENTS
        ],
    ]


async def digest_section(app: App, manager_email: str) -> list[str]:
    async with app.db.session() as session:
        manager = await find_by_email(session, manager_email)
        if manager is None:
            raise RuntimeError(f"{manager_email} was not imported")
        locale = locale_of(manager, app.defaults)
        digest = await team_digest(
            session, manager, app.clock.now(), app.banks, locale, app.defaults
        )
    title, body = render_digest(digest, locale)
    moment = f"{app.clock.now():%Y-%m-%d %H:%M} UTC"
    return [f"== {title} ==", f"(as {manager.name} reads it on {moment})", body]


def _month_mean(values: list[str]) -> str:
    """The month's scale answers as one point, rounded half up."""
    numbers = [int(v) for v in values]
    return str(int(sum(numbers) / len(numbers) + 0.5))


def question_line(
    question: BankQuestion, by_month: dict[str, list[str]], months: list[str], locale: Locale
) -> str:
    """One question over the year: a point per month, then the question as asked."""
    if question.kind == "scale":
        chart = "".join(
            sparkline((_month_mean(by_month[m]),) if m in by_month else ("",)) for m in months
        )
    else:
        chart = "".join("•" if m in by_month else "·" for m in months)
    prompt = question.text(locale)
    if question.is_health:
        prompt += f" ({t('checkin.private_marker', locale)})"
    last_month = max(by_month)
    latest = question.label_of(by_month[last_month][-1], locale)
    return f"  {chart}  {prompt}\n  {' ' * len(months)}  {t('digest.last_value', locale)}: {latest}"


async def overview_section(app: App, email: str, months: list[str]) -> list[str]:
    """One employee's own year, private answers included: what they see of themselves."""
    async with app.db.session() as session:
        person = await find_by_email(session, email)
        if person is None:
            raise RuntimeError(f"{email} was not imported")
        locale = locale_of(person, app.defaults)
        export = await export_person(session, person, app.clock.now())
    answers: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for a in export["answers"]:
        moment = datetime.fromisoformat(a["answered_at"])
        answers[a["question_id"]][month_of(moment)].append(a["value"])
    initials = "".join(MONTH_INITIALS[int(m[5:]) - 1] for m in months)
    lines = [
        f"== Year overview for {person.name} <{email}>: own view, private answers included ==",
        f"  {initials}  (one column per month, {months[0]} to {months[-1]})",
    ]
    for theme in THEMES:
        bank: Bank | None = app.banks.get(theme)
        answered = [q for q in bank.questions if q.question_id in answers] if bank else []
        if bank is None or not answered:
            continue
        lines.append(bank.title(locale))
        lines += [question_line(q, answers[q.question_id], months, locale) for q in answered]
    if export["topics"]:
        lines.append(f"{t('digest.topics', locale)}:")
        lines += [f"  {topic['raised_at'][:10]}  {topic['text']}" for topic in export["topics"]]
    return lines


def round_outcome(answers: Mapping[str, str | None]) -> str | None:
    """How one follow-up round ended, as the bot weighs it; None while it is incomplete."""
    employee, manager = answers.get("employee"), answers.get("manager")
    if employee is not None and manager is not None:
        return ag.perception(employee, manager)
    return "not_kept" if "not" in (employee, manager) else None


async def agreements_section(app: App, months: list[str]) -> list[str]:
    """Each agreement of the year: who with whom, its status now, a mark per follow-up
    month, and when a gap in how the two saw it was first flagged."""
    initials = "".join(MONTH_INITIALS[int(m[5:]) - 1] for m in months)
    lines = [
        "== Agreements: the third contract, followed up with both parties ==",
        f"  {initials}  (per follow-up month: = on track, ~ partly, ! gap or not kept)",
    ]
    async with app.db.session() as session:
        names = {pid: name for pid, name in await session.execute(select(Person.id, Person.name))}
        agreements = list(await session.scalars(select(Agreement).order_by(Agreement.id)))
        rounds: dict[int, dict[str, dict[str, str | None]]] = defaultdict(dict)
        for row in await session.scalars(select(AgreementFollowUp).order_by(AgreementFollowUp.id)):
            rounds[row.agreement_id].setdefault(row.period, {})[row.role] = row.answer
    for a in agreements:
        outcomes = {period: round_outcome(answers) for period, answers in rounds[a.id].items()}
        chart = "".join(ROUND_MARKS.get(outcomes.get(m) or "", "·") for m in months)
        flagged = [p for p, o in sorted(outcomes.items()) if o in ag.AT_RISK_OUTCOMES]
        kind = ta(f"category.{a.category}", "en") + (" (i-deal)" if a.is_i_deal else "")
        signed = f"signed {a.signed_at:%Y-%m-%d}" if a.signed_at else "not signed"
        gap = f"gap first flagged {flagged[0]}" if flagged else "no gap flagged"
        lines += [
            f"  #{a.id} {names[a.manager_id]} with {names[a.employee_id]}: {kind}",
            f"  {chart}  {signed}, status now {a.status}, {gap}",
        ]
    if not agreements:
        lines.append("  (none drafted yet)")
    return lines


async def ladder_section(app: App) -> list[str]:
    """The development ladder as the works-council overview shows it: the organisation's
    estimated stage, what put it there and its indicators (departments here are too small)."""
    locale: Locale = "en"
    async with app.db.session() as session:
        overview = await works_council_overview(
            session,
            year=START.year,
            now=app.clock.now(),
            banks=app.banks,
            ladder_rules=app.ladder_rules,
        )
    lines = [f"== Works-council overview: {tr('ladder.heading', locale).lower()} =="]
    if overview.ladder is None:
        return [*lines, "  (no figures)"]
    note, scope, *_ = views.ladder_groups(overview.ladder, locale, None, departments=False)[
        0
    ].blocks
    lines += textwrap.wrap(note.note, 100, initial_indent="  ", subsequent_indent="  ")
    lines += textwrap.wrap(scope.note, 100, initial_indent="  ", subsequent_indent="  ")
    if scope.table is not None:
        lines += [
            f"  {table_line(scope.table.head, name, cells)}" for name, cells in scope.table.rows
        ]
    return lines


# ---- the command -------------------------------------------------------------------------


async def run_demo(
    settings: Settings,
    *,
    seed: int,
    weeks: int,
    path: str,
    out: TextIO = sys.stdout,
    progress: Progress = unseen,
) -> int:
    """Simulate the organisation for `weeks` weeks and print what the bot recorded;
    `progress` hears of every simulated week (done, total)."""
    if weeks < 1:
        raise ValueError("--weeks must be 1 or more")
    clock = FixedClock(START)
    database = await fresh_database(path)
    app = build_app(dataclasses.replace(settings, database_url=database.url), clock, db=database)
    try:
        return await _simulate(app, clock, seed, weeks, out, progress)
    finally:
        await database.dispose()


async def _simulate(
    app: App,
    clock: FixedClock,
    seed: int,
    weeks: int,
    out: TextIO,
    progress: Progress,
) -> int:
    await import_org(app.db, org_csv(PEOPLE), clock.now())
    await apply_schedules(app.db, schedules_yaml(PEOPLE), app.banks.keys(), clock.now())
    channel = PersonaChannel()
    app.add_adapter(channel)
    questions = {q.question_id: q for bank in app.banks.values() for q in bank.questions}
    # One generator per person, so one persona's choices never shift another's.
    actors = {p.email: Actor(p, random.Random(f"{seed}/{p.user}"), questions) for p in PEOPLE}
    rhythms = await rhythms_of(app.db, app.defaults.timezone)
    simulation = Simulation(app, clock, channel, actors, rhythms)
    await simulation.run(START + timedelta(weeks=weeks), progress)
    progress(weeks, weeks)

    months = months_between(START, simulation.last_moment)
    rows = await monthly_rows(app.db, simulation.prompts, months)
    sections = [
        header(seed, weeks),
        table(rows),
        simulation.digest,
        await overview_section(app, f"{OVERVIEW_FOR}@{DOMAIN}", months),
        await agreements_section(app, months),
        await ladder_section(app),
    ]
    out.write("\n\n".join("\n".join(lines) for lines in sections) + "\n")
    out.flush()
    return 0


def explore(path: Path) -> str:
    """What to type next: the commands that open the demo database, as its people would."""
    manager = f"{DIGEST_FOR}@{DOMAIN}"
    employee = next(p for p in PEOPLE if p.story == "peak")
    hr = next(p for p in PEOPLE if p.hr).email
    commands = (
        (f"jaarrond digest --manager {manager}", "a manager's team digest"),
        (f"jaarrond export --person {employee.email}", f"all that is stored about {employee.name}"),
        ("jaarrond report hr --year 2027 --out hr.html", "HR's figures"),
        ("jaarrond report works-council --year 2027 --out wc.html", "the works council's"),
        (
            f"jaarrond --now 2027-12-31T09:00:00Z chat --as {employee.email} --no-tick",
            f"chat as {employee.name}",
        ),
        (f"jaarrond admin link {hr}", "a sign-in link for the admin console,"),
        (f"jaarrond run --as {hr}", "which the running bot serves"),
    )
    width = max(len(command) for command, _ in commands)
    return "\n".join(
        [
            "",
            f"The demo database is {path}. To explore it, point Jaarrond at it:",
            f"  export JAARROND_DATABASE_URL=sqlite:///{path}",
            *(f"  {command:{width}}  # {what}" for command, what in commands),
            "Unset JAARROND_DATABASE_URL afterwards to return to your own database.",
        ]
    )
