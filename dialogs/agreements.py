"""The third contract as pure logic: agreement views, the rules of negotiation and
follow-up, and every agreement message in the person's language.

The guided drafting dialog is in dialogs.agreement_draft, HR's register in
dialogs.agreement_register, and a stored notice's data in dialogs.payload."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from typing import Literal

from dialogs.agreement_texts import ta
from dialogs.answers import NAVIGATION, option
from dialogs.dates import add_months, local_day
from dialogs.messages import MAX_ID, Choice, Locale, Outbound, PersonRef, Question
from dialogs.texts import format_day
from dialogs.tips import tips_block

Role = Literal["employee", "manager"]
# Whose a term is besides the employee's: the manager at the hirer, or the agency.
TermParty = Literal["manager", "agency"]
# Who a party is: the two in the chat, and an agency worker's agency (by e-mail).
PartyRole = Literal["employee", "manager", "agency"]
Outcome = Literal["on_track", "partly", "perception_gap", "not_kept", "no_longer_relevant"]

CATEGORIES = (
    "performance_requirements",
    "pay",
    "working_hours",
    "place_of_work",
    "development",
    "employability",
    "other",
)
CADENCES = ("monthly", "quarterly", "none")
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3}
STATUSES = ("draft", "proposed", "signed", "at_risk", "completed", "dropped")
RUNNING = ("signed", "at_risk")
FOLLOW_UP_ANSWERS = ("on_track", "partly", "not", "no_longer_relevant")
# The follow-up scale: two steps apart is a perception gap (the psychological contracts diverge).
SCALE = {"on_track": 0, "partly": 1, "not": 2}
GAP_STEPS = 2
AT_RISK_OUTCOMES: tuple[Outcome, ...] = ("perception_gap", "not_kept")
# Why a follow-up round was asked before its time: a shared check-in answer said "not kept".
ASKED_AFTER_CHECKIN = "checkin"
# Actions that need typed text next (a comment, a new wording, a reason).
TEXT_ACTIONS = ("comment", "amend", "renegotiate", "close", "drop")
ACTIONS = ("propose", "accept", "sign", *TEXT_ACTIONS, "cancel")
# Typed instead of an answer, these end a dialog (drafting, or a text being asked for).
CANCEL_WORDS = frozenset({"cancel", "annuleren", "annuleer"})
# A list's buttons open one agreement each: navigation, read as the command typed.
MENU_KEY = NAVIGATION
MAX_TEXT = 2000
MIN_RATIONALE = 10
LIST_BUTTONS = 10
_TOKEN = re.compile(
    r"^a(?:(?P<agreement>\d+)\.v(?P<version>\d+)|f(?P<followup>\d+)|d(?P<dialog>\d+))"
    r"(?:\.(?P<step>[a-z_]+))?$"
)


# ---- tokens ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: Literal["agreement", "followup", "dialog"]
    id: int
    version: int = 0
    step: str = ""


def agreement_token(agreement_id: int, version: int) -> str:
    return f"a{agreement_id}.v{version}"


def followup_token(followup_id: int) -> str:
    return f"af{followup_id}"


def dialog_token(dialog_id: int, step: str) -> str:
    return f"ad{dialog_id}.{step}"


def parse_token(token: str) -> Token | None:
    """An agreement prompt's token, or None when the token belongs to something else."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    numbers = (match["agreement"], match["version"], match["followup"], match["dialog"])
    if any(n is not None and int(n) > MAX_ID for n in numbers):
        return None  # no row has such an id; the database would refuse to even look
    step = match["step"] or ""
    if match["agreement"]:
        return Token("agreement", int(match["agreement"]), int(match["version"]), step)
    if match["followup"]:
        return Token("followup", int(match["followup"]), step=step)
    return Token("dialog", int(match["dialog"]), step=step)


# ---- the record as dialogs see it -------------------------------------------------------

# An agency worker has two partners: the agency employs them (pay, the contract), the hirer's
# manager directs the work (everything else). A term is the agency's by its theme, or by a
# tag in front of it.
AGENCY_CATEGORIES = frozenset({"pay"})
TERM_TAGS: Mapping[str, TermParty] = {
    "agency": "agency",
    "bureau": "agency",
    "uitzendbureau": "agency",
    "manager": "manager",
    "leidinggevende": "manager",
}
_TAG = re.compile(r"^\s*(?P<tag>[^\W\d_]+)\s*:\s*", re.UNICODE)


@dataclass(frozen=True)
class Term:
    """One part of an agency worker's agreement, and whose it is besides the employee's."""

    party: TermParty
    text: str


def as_term_party(value: str) -> TermParty:
    return "agency" if value == "agency" else "manager"


def default_party(category: str) -> TermParty:
    return "agency" if category in AGENCY_CATEGORIES else "manager"


def split_terms(text: str, category: str) -> tuple[Term, ...]:
    """An agency worker's agreement text as terms. A line that starts with a tag
    (`agency:` / `bureau:` or `manager:` / `leidinggevende:`) starts a term of that party;
    other lines continue the term above them; text before the first tag is the theme's
    (pay: the agency's, any other theme: the manager's)."""
    terms: list[tuple[TermParty, list[str]]] = []
    for line in text.splitlines():
        match = _TAG.match(line)
        party = TERM_TAGS.get(match["tag"].casefold()) if match else None
        if match is not None and party is not None:
            terms.append((party, [line[match.end() :]]))
        elif terms:
            terms[-1][1].append(line)
        elif line.strip():
            terms.append((default_party(category), [line]))
    return tuple(
        Term(party, joined) for party, lines in terms if (joined := "\n".join(lines).strip())
    )


def join_terms(terms: Sequence[Term]) -> str:
    """Terms back as one text, each starting with its party's tag (read by split_terms)."""
    return "\n".join(f"{t.party}: {t.text}" for t in terms)


@dataclass(frozen=True)
class Terms:
    """What one version says; a signature covers all of it."""

    category: str
    text: str
    start: date
    i_deal: bool = False
    rationale: str = ""
    review: date | None = None
    cadence: str = "quarterly"
    # An agency worker's agreement: its terms, each naming whose it is; () for an agreement
    # between the employee and the manager alone (the whole text is theirs).
    parts: tuple[Term, ...] = ()

    def parties(self) -> frozenset[TermParty]:
        """Who besides the employee is party to these terms."""
        return frozenset(t.party for t in self.parts) if self.parts else frozenset({"manager"})

    def of(self, party: TermParty) -> Terms:
        """Only the terms of `party` (with the employee): what that party may read."""
        if not self.parts:
            return self if party == "manager" else replace(self, text="")
        own = tuple(t for t in self.parts if t.party == party)
        return replace(self, text="\n".join(t.text for t in own), parts=own)


def terms_problem(terms: Terms) -> str | None:
    """The text key explaining why these terms cannot be stored, or None when they can."""
    if terms.category not in CATEGORIES:
        return "refused.category"
    if terms.cadence not in CADENCES:
        return "refused.cadence"
    if not terms.text.strip():
        return "refused.empty_text"
    if terms.i_deal and len(terms.rationale.strip()) < MIN_RATIONALE:
        return "refused.rationale"
    return None


@dataclass(frozen=True)
class Party:
    person_id: int  # 0 for the agency, which is no person here
    name: str  # empty once the person's data was erased
    role: PartyRole

    def called(self, loc: Locale) -> str:
        """How the party is named to a reader; an erased party has no name left."""
        return self.name or ta("erased_party", loc)


@dataclass(frozen=True)
class VersionView:
    number: int
    author: Party
    terms: Terms
    created_at: datetime


@dataclass(frozen=True)
class SignatureView:
    version: int
    signer: Party
    signed_at: datetime


@dataclass(frozen=True)
class CommentView:
    version: int
    author: Party
    text: str
    created_at: datetime


@dataclass(frozen=True)
class FollowUpView:
    period: str
    role: Role
    answer: str | None
    comment: str


@dataclass(frozen=True)
class AgreementView:
    agreement_id: int
    status: str
    employee: Party
    manager: Party
    versions: tuple[VersionView, ...]  # oldest first; the last one is current
    signatures: tuple[SignatureView, ...] = ()
    comments: tuple[CommentView, ...] = ()
    accepted_version: int | None = None
    signed_version: int | None = None
    close_reason: str = ""
    follow_ups: tuple[FollowUpView, ...] = ()  # the latest period's answers
    # An agency worker's agreement: the agency, party to its own terms (by e-mail).
    agency: str = ""
    # Whose terms the view holds: None for all of them (the employee's view).
    only: TermParty | None = None

    @property
    def current(self) -> VersionView:
        return self.versions[-1]

    def version(self, number: int) -> VersionView | None:
        return next((v for v in self.versions if v.number == number), None)

    def party(self, person_id: int) -> Party | None:
        return next((p for p in (self.employee, self.manager) if p.person_id == person_id), None)

    def other(self, person_id: int) -> Party:
        return self.manager if person_id == self.employee.person_id else self.employee

    def signed_by(self, version: int, person_id: int) -> bool:
        return any(
            s.version == version and s.signer.person_id == person_id for s in self.signatures
        )


def seen_by(view: AgreementView, person_id: int) -> AgreementView:
    """The agreement as one chat party may read it: the employee all of it, the manager of
    an agency worker only the terms that are the manager's."""
    if person_id != view.manager.person_id or not view.agency:
        return view
    versions = tuple(replace(v, terms=v.terms.of("manager")) for v in view.versions)
    return replace(view, versions=versions, only="manager")


def actions_for(view: AgreementView, person_id: int) -> tuple[str, ...]:
    """What this party can do with the agreement now, in the order buttons are shown."""
    author = view.current.author.person_id == person_id
    if view.status == "draft":
        return ("propose", "amend", "drop") if author else ()
    if view.status == "proposed":
        number = view.current.number
        first: tuple[str, ...] = ()
        if view.accepted_version == number and not view.signed_by(number, person_id):
            first = ("sign",)
        elif view.accepted_version != number and not author:
            first = ("accept",)
        return (*first, "comment", "amend", "drop")
    if view.status in RUNNING:
        return ("renegotiate", "close", "drop")
    return ()


# ---- rules: follow-up, perception gap, drafter -------------------------------------------


def perception(employee: str, manager: str) -> Outcome:
    """How two answers about one agreement compare: the early warning of a breach."""
    if "no_longer_relevant" in (employee, manager):
        return "no_longer_relevant"
    if abs(SCALE[employee] - SCALE[manager]) >= GAP_STEPS:
        return "perception_gap"
    if "not" in (employee, manager):
        return "not_kept"
    if employee == manager == "on_track":
        return "on_track"
    return "partly"


def next_follow_up(anchor: date, cadence: str, after: date) -> date | None:
    """The first follow-up day after `after`, counted in whole periods from `anchor`, so
    short months never make the rhythm drift."""
    months = CADENCE_MONTHS.get(cadence)
    if months is None:
        return None
    n = 1
    while (due := add_months(anchor, n * months)) <= after:
        n += 1
    return due


def period_of(day: date) -> str:
    return f"{day:%Y-%m}"


def early_period(day: date) -> str:
    """The period of a round asked early (after a check-in said "not kept"): its day."""
    return day.isoformat()


def period_day(period: str) -> date | None:
    """The day of an early round's period; None for a month."""
    try:
        return date.fromisoformat(period) if len(period) == len("2027-05-20") else None
    except ValueError:
        return None


def other_role(role: Role) -> Role:
    return "employee" if role == "manager" else "manager"


def suggested_drafter(history: Sequence[tuple[int, Role]], year: int) -> Role:
    """Who drafts this year: the manager the first time, then the parties alternate.

    `history` holds (year, drafter) of the pair's earlier agreements in creation order;
    the year's first agreement counts. Years without agreements still count as turns.
    """
    earlier = [(y, role) for y, role in history if y < year]
    if not earlier:
        return "manager"
    last_year = max(y for y, _ in earlier)
    last_role = next(role for y, role in earlier if y == last_year)
    return other_role(last_role) if (year - last_year) % 2 else last_role


# ---- rendering: the agreement and what a party can do -----------------------------------


def optional_day(day: date | None, loc: Locale) -> str:
    """The day in the reader's format, or the text saying there is none."""
    return format_day(day, loc) if day else ta("no_date", loc)


def describe(view: AgreementView, reader: PersonRef) -> str:
    """The agreement as plain lines: who, what, the current wording and where it stands."""
    loc, zone, viewer_id = reader.locale, reader.timezone, reader.person_id
    view = seen_by(view, viewer_id)
    current = view.current
    terms = current.terms
    other = view.other(viewer_id)
    lines = [
        ta("show.with", loc, name=other.called(loc), role=ta(f"role.{other.role}", loc)),
        ta("show.category", loc, category=ta(f"category.{terms.category}", loc)),
        ta("show.status", loc, status=ta(f"status.{view.status}", loc)),
        ta(
            "show.version",
            loc,
            number=current.number,
            author=current.author.called(loc),
            day=format_day(local_day(current.created_at, zone), loc),
        ),
        "",
        terms.text,
        "",
    ]
    if view.agency:
        key = "show.agency_hidden" if view.only == "manager" else "show.agency"
        lines.insert(1, ta(key, loc, agency=view.agency))
    if terms.i_deal:
        lines.append(ta("show.i_deal", loc, rationale=terms.rationale))
    lines.append(
        ta(
            "show.review",
            loc,
            day=optional_day(terms.review, loc),
            cadence=ta(f"cadence.{terms.cadence}", loc),
        )
    )
    for signature in view.signatures:
        if signature.version in (view.signed_version, current.number):
            day = format_day(local_day(signature.signed_at, zone), loc)
            lines.append(
                ta(
                    "show.signed",
                    loc,
                    name=signature.signer.called(loc),
                    version=signature.version,
                    day=day,
                )
            )
    if view.signed_version and view.signed_version != current.number:
        lines.append(ta("show.in_force", loc, version=view.signed_version))
    lines += [
        ta("show.comment", loc, name=c.author.called(loc), text=c.text) for c in view.comments[-3:]
    ]
    for follow_up in view.follow_ups:
        answer = (
            ta(f"answer.{follow_up.answer}", loc) if follow_up.answer else ta("answer.none", loc)
        )
        line = ta("show.follow_up", loc, role=ta(f"role.{follow_up.role}", loc), answer=answer)
        lines.append(f"{line} {follow_up.comment}".rstrip())
    if view.close_reason:
        lines.append(ta("show.reason", loc, reason=view.close_reason))
    return "\n".join(lines).strip()


def title_of(view: AgreementView, loc: Locale) -> str:
    category = ta(f"category.{view.current.terms.category}", loc)
    marker = f" · {ta('i_deal', loc)}" if view.current.terms.i_deal else ""
    return ta("title", loc, id=view.agreement_id, category=category) + marker


def action_question(view: AgreementView, ref: PersonRef) -> Question | None:
    """The party's possible actions as one question: buttons, or numbered lines."""
    actions = actions_for(view, ref.person_id)
    if not actions:
        return None
    loc = ref.locale
    return Question(
        question_id="agreement",
        kind="choice",
        prompt=ta("what_now", loc),
        choices=tuple(_action(a, loc) for a in actions),
        hint=ta("choice_hint", loc, count=len(actions)),
        token=agreement_token(view.agreement_id, view.current.number),
    )


def _action(action: str, loc: Locale) -> Choice:
    return option(action, loc, partial(ta, f"action.{action}"))


def cancel_button(loc: Locale) -> Choice:
    """Cancel, typed in either language (or any of the words that end a dialog)."""
    return option("cancel", loc, partial(ta, "action.cancel"), *CANCEL_WORDS)


def show(view: AgreementView, ref: PersonRef, lead: str = "") -> Outbound:
    loc = ref.locale
    text = "\n\n".join(p for p in (lead, describe(view, ref)) if p)
    question = action_question(view, ref)
    key = question.token if question else agreement_token(view.agreement_id, view.current.number)
    return Outbound(ref, text, title_of(view, loc), question=question, key=key)


def notice(
    view: AgreementView, ref: PersonRef, event: str, actor: str, **values: object
) -> Outbound:
    """A message about what the other party did, with what the reader can do next."""
    lead = ta(f"notice.{event}", ref.locale, name=actor, **values)
    return show(view, ref, lead)


def text_prompt(purpose: str, view: AgreementView, dialog_id: int, ref: PersonRef) -> Outbound:
    """Ask for typed text: a comment, a new wording, or the reason to close or drop. A
    text question, so platforms with input fields submit it under the dialog's token."""
    loc = ref.locale
    view = seen_by(view, ref.person_id)
    number = view.current.number
    body = ""
    if purpose in ("amend", "renegotiate"):
        body = f"{ta('ask.current_text', loc)}\n{view.current.terms.text}"
    token = dialog_token(dialog_id, purpose)
    question = Question(
        question_id=f"agreement_{purpose}",
        kind="text",
        prompt=ta(f"ask.{purpose}", loc, id=view.agreement_id, version=number, next=number + 1),
        hint=ta("cancel_hint", loc),
        token=token,
    )
    return Outbound(
        ref,
        body,
        title_of(view, loc),
        question=question,
        actions=(cancel_button(loc),),
        key=token,
    )


def render_list(
    mine: Sequence[AgreementView], team: Sequence[AgreementView], ref: PersonRef
) -> Outbound:
    """A person's own agreements and, for a manager, those with their reports."""
    loc = ref.locale
    blocks = []
    for heading, views in (("list.mine", mine), ("list.team", team)):
        if views:
            lines = [_list_line(v, ref.person_id, loc) for v in views]
            blocks.append("\n".join([ta(heading, loc), *lines]))
    if not blocks:
        return Outbound(ref, ta("list.empty", loc), ta("list.title", loc))
    shown = [*mine, *team][:LIST_BUTTONS]
    actions = tuple(Choice(f"agreement show {v.agreement_id}", f"#{v.agreement_id}") for v in shown)
    text = "\n\n".join([*blocks, ta("list.hint", loc)])
    return Outbound(ref, text, ta("list.title", loc), actions=actions, key=MENU_KEY)


def _list_line(view: AgreementView, viewer_id: int, loc: Locale) -> str:
    terms = seen_by(view, viewer_id).current.terms
    excerpt = terms.text if len(terms.text) <= 60 else terms.text[:57] + "..."
    return ta(
        "list.line",
        loc,
        id=view.agreement_id,
        category=ta(f"category.{terms.category}", loc),
        status=ta(f"status.{view.status}", loc),
        name=view.other(viewer_id).called(loc),
        text=excerpt,
    )


def follow_up_prompt(
    view: AgreementView, followup_id: int, ref: PersonRef, because: str | None = None
) -> Outbound:
    """The follow-up question; a round asked early says why (`because`)."""
    loc = ref.locale
    view = seen_by(view, ref.person_id)
    other = view.other(ref.person_id)
    question = Question(
        question_id="follow_up",
        kind="choice",
        prompt=ta("follow_up.question", loc, name=other.called(loc)),
        choices=tuple(option(a, loc, partial(ta, f"answer.{a}")) for a in FOLLOW_UP_ANSWERS),
        hint=ta("follow_up.hint", loc, count=len(FOLLOW_UP_ANSWERS)),
        token=followup_token(followup_id),
    )
    intro = ta("follow_up.intro", loc)
    text = f"{intro}\n\n{view.current.terms.text}"
    if because == ASKED_AFTER_CHECKIN:
        role = "employee" if ref.person_id == view.employee.person_id else "manager"
        intro = ta(f"follow_up.intro_checkin.{role}", loc, employee=view.employee.called(loc))
        # Put at risk by a check-in: a conversation about it is likely, so its tips come too.
        text = f"{intro}\n\n{view.current.terms.text}\n\n{at_risk_tips(view, ref, 'not_kept')}"
    return Outbound(ref, text, title_of(view, loc), question=question, key=question.token)


def follow_up_thanks(
    view: AgreementView, followup_id: int, ref: PersonRef, waiting: bool
) -> Outbound:
    loc = ref.locale
    parts = [ta("follow_up.thanks", loc)]
    if waiting:
        parts.append(ta("follow_up.waiting", loc, name=view.other(ref.person_id).called(loc)))
    parts.append(ta("follow_up.comment_hint", loc))
    return Outbound(
        ref,
        " ".join(parts),
        title_of(view, loc),
        actions=(option("comment", loc, partial(ta, "action.add_comment")),),
        key=followup_token(followup_id),
    )


def perception_notice(
    view: AgreementView, outcome: Outcome, answers: Mapping[Role, str | None], ref: PersonRef
) -> Outbound:
    """Tell a party how both views of the agreement compare, naming each answer."""
    loc = ref.locale

    def said(role: Role) -> str:
        answer = answers.get(role)
        return ta(f"answer.{answer}", loc) if answer else ta("answer.none", loc)

    lead = ta(
        f"outcome.{outcome}",
        loc,
        employee=view.employee.called(loc),
        manager=view.manager.called(loc),
        employee_answer=said("employee"),
        manager_answer=said("manager"),
    )
    if outcome in AT_RISK_OUTCOMES:
        # A conversation is coming: how to name the difference without blame.
        lead = f"{lead}\n\n{at_risk_tips(view, ref, outcome)}"
    return show(view, ref, lead)


def at_risk_tips(view: AgreementView, ref: PersonRef, why: str | None = None) -> str:
    """The reader's tips before talking about an agreement at risk (`why`: the outcome that
    put it there, when known): content, then interaction, then emotion."""
    role: Role = "employee" if ref.person_id == view.employee.person_id else "manager"
    return tips_block("at_risk", role, ref.locale, why)


# ---- the overview hooks ----------------------------------------------------------------


@dataclass(frozen=True)
class Attention:
    """An agreement that needs a conversation: for the manager's digest and the home view."""

    agreement_id: int
    employee_name: str
    manager_name: str
    category: str
    text: str
    # checkin: a shared check-in answer said it was not kept; both are asked early.
    reason: Literal["perception_gap", "not_kept", "unanswered", "checkin"]
    period: str
    employee_answer: str | None = None
    manager_answer: str | None = None
    missing: tuple[str, ...] = ()  # who has not answered the follow-up


def attention_lines(items: Sequence[Attention], loc: Locale) -> tuple[str, ...]:
    def answer(value: str | None) -> str:
        return ta(f"answer.{value}", loc) if value else ta("answer.none", loc)

    return tuple(
        ta(
            f"attention.{item.reason}",
            loc,
            id=item.agreement_id,
            employee=item.employee_name,
            manager=item.manager_name,
            category=ta(f"category.{item.category}", loc),
            employee_answer=answer(item.employee_answer),
            manager_answer=answer(item.manager_answer),
            missing=", ".join(item.missing),
            day=format_day(day, loc) if (day := period_day(item.period)) else item.period,
        )
        for item in items
    )
