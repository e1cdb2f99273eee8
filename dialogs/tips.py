"""Coaching tips: short prompts for both parties at the moments of the dialogue that
matter, one YAML bank per moment (`dialogs/tips/`), read and checked by the question banks'
loader (`dialogs/banks.py`).

The tips teach the skills of a creative dialogue: listen, summarise, ask further, and
switch between content, procedure, interaction and emotion. They are about the
conversation, never about a person: a tip that names health is refused at load, and no tip
can be tied to a check-in theme or topic (so none to the health age). Nothing records who
was shown a tip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from dialogs.banks import BankError, Text, bank_files, bilingual, located, read_yaml
from dialogs.hr_questions import health_words_in
from dialogs.messages import Locale

Party = Literal["employee", "manager"]
PARTIES: tuple[Party, ...] = ("employee", "manager")
# Every moment, and the situations within it a tip may be tied to (`about:`); a tip
# without `about` is for the moment as a whole.
MOMENTS: dict[str, tuple[str, ...]] = {
    # The review brief: each agenda item's kind gets an opening question.
    "review_brief": (
        "topic",
        "perception_gap",
        "not_kept",
        "at_risk",
        "trend",
        "year",
        "contract",
    ),
    # Before talking about an agreement at risk: why it is at risk.
    "at_risk": ("perception_gap", "not_kept"),
    "talked": (),
    "agreement_new": ("i_deal",),
    # The `coach` command when nothing in particular is coming up.
    "general": (),
}
# Situations every party must have a tip for: each agenda item has an opening question
# in both copies of the brief, and an i-deal's drafter is either party.
REQUIRED: dict[str, tuple[str, ...]] = {
    "review_brief": MOMENTS["review_brief"],
    "agreement_new": ("i_deal",),
}
# Short enough to read in a chat message at a glance.
MAX_TIP = 280
_TIP_KEYS = frozenset({"id", "for", "about", "text"})
_TOP_KEYS = frozenset({"moment", "title", "tips"})


@dataclass(frozen=True)
class Tip:
    tip_id: str
    parties: tuple[Party, ...]
    text: Text
    about: str | None = None


@dataclass(frozen=True)
class TipBank:
    moment: str
    title: Text
    tips: tuple[Tip, ...]

    def select(self, party: Party, about: str | None = None) -> tuple[Tip, ...]:
        """The party's tips for the moment as a whole (`about` None), or for one situation."""
        return tuple(t for t in self.tips if party in t.parties and t.about == about)


def _tip(raw: Any, moment: str, index: int) -> Tip:
    path: tuple[str | int, ...] = ("tips", index)
    where = f"tips[{index}]"
    if not isinstance(raw, Mapping):
        raise BankError(f"{where}: expected a mapping with id, for and text", path)
    tip_id = raw.get("id")
    if not isinstance(tip_id, str) or not tip_id.strip():
        raise BankError(f"{where}: 'id' is required, a short name such as {moment}.listen", path)
    where = f"{where} ({tip_id})"
    unknown = sorted(set(map(str, raw)) - _TIP_KEYS)
    if unknown:
        raise BankError(
            f"{where}: unknown field {', '.join(unknown)}; a tip has only "
            f"{', '.join(sorted(_TIP_KEYS))}",
            path,
        )
    parties = raw.get("for")
    if (
        not isinstance(parties, list)
        or not parties
        or any(p not in PARTIES for p in parties)
        or len(set(parties)) != len(parties)
    ):
        raise BankError(
            f"{where}.for: list who the tip is for: [employee], [manager] or [employee, manager]",
            (*path, "for") if "for" in raw else path,
        )
    about = raw.get("about")
    if about is not None and about not in MOMENTS[moment]:
        allowed = ", ".join(MOMENTS[moment]) or "nothing (leave 'about' out)"
        raise BankError(
            f"{where}.about: at {moment} a tip can be about {allowed}", (*path, "about")
        )
    text = bilingual(raw.get("text"), f"{where}.text", (*path, "text") if "text" in raw else path)
    for locale, words in (("nl", text.nl), ("en", text.en)):
        if len(words) > MAX_TIP:
            raise BankError(
                f"{where}.text.{locale}: {len(words)} characters; keep a tip under {MAX_TIP} "
                f"so it reads at a glance",
                (*path, "text", locale),
            )
    found = health_words_in((text.nl, text.en))
    if found:
        raise BankError(
            f"{where}.text: mentions {', '.join(found)}; tips are about the conversation, "
            f"never about a person's health: rephrase it without those words",
            (*path, "text"),
        )
    return Tip(tip_id.strip(), tuple(cast(list[Party], parties)), text, about)


def parse_tips(data: Any) -> TipBank:
    """Validate one tips document; raises BankError with the item's path."""
    if not isinstance(data, Mapping):
        raise BankError("expected a mapping with moment, title and tips at the top", ())
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise BankError(
            f"unknown field {', '.join(unknown)}; a tips file has only "
            f"{', '.join(sorted(_TOP_KEYS))}",
            (unknown[0],),
        )
    moment = data.get("moment")
    if moment not in MOMENTS:
        raise BankError(f"'moment' must be one of {', '.join(MOMENTS)}", ("moment",))
    title = bilingual(data.get("title"), "title", ("title",) if "title" in data else ())
    raw_tips = data.get("tips")
    if not isinstance(raw_tips, list) or not raw_tips:
        raise BankError("'tips' must be a non-empty list", ("tips",) if "tips" in data else ())
    tips = tuple(_tip(raw, moment, i) for i, raw in enumerate(raw_tips))
    ids = [t.tip_id for t in tips]
    for i, tip_id in enumerate(ids):
        if tip_id in ids[:i]:
            raise BankError(
                f"tips[{i}] ({tip_id}): the id is used twice; give it its own", ("tips", i)
            )
    bank = TipBank(moment, title, tips)
    for party in PARTIES:
        for about in (None, *REQUIRED.get(moment, ())):
            if not bank.select(party, about):
                what = f"about: {about}" if about else "without 'about'"
                raise BankError(
                    f"no tip for the {party} {what}; both parties take part in this moment, "
                    f"so add one with 'for: [{party}]'",
                    ("tips",),
                )
    return bank


def load_tips(extra_dirs: Iterable[Path] = ()) -> dict[str, TipBank]:
    """Every moment's bank: the built-in files, each replaced by a file for the same moment
    in `extra_dirs` (HR's own wording); each error names the file, the line and the item."""
    found: dict[str, TipBank] = {}
    origin: dict[str, str] = {}
    builtin = {source for source, _ in bank_files("tips")}
    for source, content in bank_files("tips", extra_dirs):
        data = read_yaml(source, content)
        try:
            bank = parse_tips(data)
        except BankError as error:
            raise located(error, source, content) from None
        if bank.moment in found and origin[bank.moment] not in builtin:
            raise BankError(
                f"{source}: moment '{bank.moment}' already has a tips file "
                f"({origin[bank.moment]}); keep one"
            )
        found[bank.moment], origin[bank.moment] = bank, source
    missing = [m for m in MOMENTS if m not in found]
    if missing:
        raise BankError(
            f"tips: no file for {', '.join(missing)}; add one with 'moment: {missing[0]}'"
        )
    return found


# The tips in use, for the whole process (like the question banks, read once at start):
# the built-in ones until `use_tips` installs a folder's.
_in_use: dict[str, TipBank] | None = None


def use_tips(extra_dirs: Iterable[Path] = ()) -> dict[str, TipBank]:
    """Read and check the tips (built in, replaced per moment by `extra_dirs`) and use
    them from now on."""
    global _in_use
    _in_use = load_tips(extra_dirs)
    return _in_use


def tips_in_use() -> dict[str, TipBank]:
    return _in_use if _in_use is not None else use_tips()


def tip_lines(
    moment: str, party: Party, locale: Locale, about: str | None = None
) -> tuple[str, ...]:
    """The party's tips at a moment (or for one situation in it), in their language."""
    return tuple(tip.text(locale) for tip in tips_in_use()[moment].select(party, about))


def tips_title(moment: str, locale: Locale) -> str:
    return tips_in_use()[moment].title(locale)


def tips_block(moment: str, party: Party, locale: Locale, about: str | None = None) -> str:
    """The moment's title and the party's tips, one per line, for a chat message."""
    bank = tips_in_use()[moment]
    lines = list(tip_lines(moment, party, locale))
    if about is not None:
        lines += tip_lines(moment, party, locale, about)
    return "\n".join([f"{bank.title(locale)}:", *(f"- {line}" for line in lines)])


def opener(moment: str, party: Party, locale: Locale, about: str) -> str:
    """The first of the party's tips for one situation: an agenda item's opening question."""
    lines = tip_lines(moment, party, locale, about)
    return lines[0] if lines else ""
