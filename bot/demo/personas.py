"""The demo's organisation: who works there, the stories their year tells, and how each
person answers a prompt (an `Actor` at the keyboard, typing what that person would type)."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from dialogs.banks import BankQuestion
from dialogs.checkin import SHARE_STEP
from dialogs.messages import Locale, Outbound

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
