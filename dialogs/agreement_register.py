"""HR's transparency register of agreements as pure logic: small groups suppressed, i-deal
reasons without names, rendered in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dialogs.agreement_texts import ta
from dialogs.messages import Locale


@dataclass(frozen=True)
class RegisterCell:
    category: str
    status: str
    people: int | None  # None: fewer than the minimum group, so not shown


@dataclass(frozen=True)
class Register:
    cells: tuple[RegisterCell, ...]
    # (category, or "" when that category has too few i-deals to name it; rationale)
    rationales: tuple[tuple[str, str], ...]
    rationales_suppressed: bool
    min_group: int


def build_register(
    people: Mapping[tuple[str, str], int],
    rationales: Sequence[tuple[str, str]],
    i_deal_people: int,
    min_group: int,
    min_free_text: int,
) -> Register:
    """Suppress small cells; list rationales without names, in an order that says nothing.

    No totals are shown: a total next to one suppressed cell would give that cell away.
    """
    cells = tuple(
        RegisterCell(category, status, count if count >= min_group else None)
        for (category, status), count in sorted(people.items())
    )
    if i_deal_people < min_free_text:
        return Register(cells, (), bool(rationales), min_group)
    per_category: dict[str, int] = {}
    for category, _ in rationales:
        per_category[category] = per_category.get(category, 0) + 1
    named = sorted(
        (category if per_category[category] >= min_group else "", text)
        for category, text in rationales
    )
    return Register(cells, tuple(named), False, min_group)


def render_register(register: Register, loc: Locale) -> tuple[str, str]:
    lines = [ta("register.counts", loc)]
    for cell in register.cells:
        suppressed = ta("register.suppressed", loc, min=register.min_group)
        count = str(cell.people) if cell.people is not None else suppressed
        category = ta(f"category.{cell.category}", loc)
        lines.append(f"- {category} · {ta(f'status.{cell.status}', loc)}: {count}")
    if not register.cells:
        lines.append(ta("register.none", loc))
    lines += ["", ta("register.rationales", loc)]
    if register.rationales_suppressed:
        lines.append(ta("register.rationales_suppressed", loc))
    for category, text in register.rationales:
        label = ta(f"category.{category}", loc) if category else ta("register.unnamed", loc)
        lines.append(f"- {label}: {text}")
    if not register.rationales and not register.rationales_suppressed:
        lines.append(ta("register.none", loc))
    return ta("register.title", loc), "\n".join(lines)
