"""The platform-free message model every adapter and dialog speaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Locale = Literal["nl", "en"]
LOCALES: tuple[Locale, ...] = ("nl", "en")

# The largest id an INTEGER column holds: a larger number typed or clicked names nothing.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class PersonRef:
    """Who a message is for or from, as the engine knows them."""

    person_id: int
    email: str
    name: str
    locale: Locale
    timezone: str
    slack_user_id: str | None = None
    teams_user_id: str | None = None


@dataclass(frozen=True)
class Choice:
    """One option of a question or one action button.

    `value` travels back in the Inbound when chosen; `label` is shown literally.
    """

    value: str
    label: str
    # More words that choose this option when typed: its label in the other language, a
    # short name. Matched by the answer grammar (dialogs.answers), never shown.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A question as shown to one person, already in their language."""

    question_id: str
    kind: Literal["scale", "choice", "text"]
    prompt: str
    choices: tuple[Choice, ...] = ()
    hint: str = ""
    # The labelled ends of a scale, e.g. "far too little" and "far too much".
    low: str = ""
    high: str = ""
    # Identifies this exact prompt, so a click on an older one is recognised as stale.
    token: str = ""
    # A choice question that also takes other typed text as its answer (a date besides
    # "in 3 months"); text that is no option goes to the question's owner as typed.
    other: bool = False


@dataclass(frozen=True)
class Attachment:
    """A file that travels with a message, such as a person's data export."""

    filename: str
    content: bytes
    media_type: str = "application/json"
    # What the file is, in the recipient's language, where a platform asks (Teams' consent
    # card); empty: the platform's own default.
    description: str = ""


@dataclass(frozen=True)
class Outbound:
    """A reply or proactive message; every text in it is plain and rendered literally."""

    recipient: PersonRef
    text: str
    title: str = ""
    question: Question | None = None
    actions: tuple[Choice, ...] = ()
    # A stable key (e.g. the occurrence key) so a send can be reconciled after a crash.
    key: str = ""
    # A file for the recipient; platforms without files get a note with the text instead.
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Inbound:
    """Something a person did in a chat: typed text or clicked a choice."""

    platform: str
    user_id: str
    text: str = ""
    # Set when a button or card choice was used: the prompt token and the chosen value.
    token: str = ""
    value: str | None = None
    event_id: str = ""
    display_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


OutcomeKind = Literal["recorded", "again", "refused", "unknown", "none"]


@dataclass(frozen=True)
class Outcome:
    """What the engine did with one inbound, said outright so that no adapter has to guess
    it from the replies' texts.

    - recorded: it answered the prompt `token`; `value` was recorded (or the control
      skip/later/stop carried out) and `label` is how that answer reads to the person;
    - again: it was read as an answer to `token` but is not one; the question is asked again;
    - refused: it answered a prompt that is outdated or not the person's; nothing changed;
    - unknown: neither a command nor an answer (a refused command reads the same);
    - none: a command was carried out, or nothing was asked (a repeated delivery).
    """

    kind: OutcomeKind = "none"
    token: str = ""
    value: str = ""
    label: str = ""


@dataclass(frozen=True)
class Turn:
    """The engine's answer to one inbound: the replies, what happened, and the menu it now
    expects an answer to (the last question shown to the person, None when none is open)."""

    replies: tuple[Outbound, ...] = ()
    outcome: Outcome = Outcome()
    menu: Question | None = None


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message lives on its platform, to update it later."""

    platform: str
    channel: str
    message_id: str


@dataclass(frozen=True)
class DirectoryUser:
    """A person as a chat platform's directory lists them (e.g. Slack users.list)."""

    platform: str
    user_id: str
    email: str
    timezone: str = ""
    locale: str = ""
