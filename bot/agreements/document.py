"""The third contract as a document: every agreement a person signed, in Markdown and PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.service import AgreementService
from bot.documents.pdf import Page
from bot.org.people import Defaults, find_by_email, person_ref
from bot.storage.agreement_models import Agreement
from bot.storage.database import Database
from bot.storage.models import Person
from dialogs import agreements as ag
from dialogs.agreement_texts import ta
from dialogs.dates import local_day
from dialogs.messages import PersonRef
from dialogs.texts import format_day

# While a renegotiation runs, the last signed version stays in force, so it stays listed.
IN_FORCE = ("signed", "at_risk", "proposed")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+\.)", re.MULTILINE)

Format = Literal["md", "pdf"]


@dataclass(frozen=True)
class ContractEntry:
    view: ag.AgreementView
    signed: ag.VersionView
    signatures: tuple[ag.SignatureView, ...]


@dataclass(frozen=True)
class ThirdContract:
    person: PersonRef
    generated_at: datetime
    entries: tuple[ContractEntry, ...]


async def load_third_contract(
    session: AsyncSession, employee: Person, defaults: Defaults, now: datetime
) -> ThirdContract:
    """The agreements in force for this employee, each in the version both signed."""
    service = AgreementService(defaults)
    agreements = await session.scalars(
        select(Agreement)
        .where(
            Agreement.employee_id == employee.id,
            Agreement.signed_version.is_not(None),
            Agreement.status.in_(IN_FORCE),
        )
        .order_by(Agreement.id)
    )
    entries = []
    for agreement in agreements:
        view = await service.view(session, agreement)
        signed = view.version(agreement.signed_version or 0)
        if signed is None:
            continue
        signatures = tuple(s for s in view.signatures if s.version == signed.number)
        entries.append(ContractEntry(view, signed, signatures))
    return ThirdContract(person_ref(employee, defaults), now, tuple(entries))


def _lines(contract: ThirdContract) -> list[tuple[str, str]]:
    """The document as (kind, text) lines, shared by both formats: kind is title,
    heading, subheading, text (the person's own words) or plain."""
    ref = contract.person
    loc, zone = ref.locale, ref.timezone

    def day(moment: datetime) -> str:
        return format_day(local_day(moment, zone), loc)

    lines = [
        ("title", ta("doc.title", loc, name=ref.name)),
        ("plain", ta("doc.generated", loc, day=day(contract.generated_at))),
        ("plain", ta("doc.intro", loc, name=ref.name)),
    ]
    if not contract.entries:
        lines.append(("plain", ta("doc.none", loc)))
    for entry in contract.entries:
        view, terms = entry.view, entry.signed.terms
        category = ta(f"category.{terms.category}", loc)
        heading = ta("doc.agreement", loc, id=view.agreement_id, category=category)
        if terms.i_deal:
            heading += f" ({ta('i_deal', loc)})"
        status = ta(f"status.{view.status}", loc)
        start = format_day(terms.start, loc)
        lines += [
            ("heading", heading),
            ("plain", ta("doc.meta", loc, status=status, version=entry.signed.number, start=start)),
        ]
        if view.current.number != entry.signed.number:
            lines.append(("plain", ta("doc.renegotiating", loc, version=view.current.number)))
        lines.append(("text", terms.text))
        if terms.i_deal:
            lines.append(("plain", ta("show.i_deal", loc, rationale=terms.rationale)))
        lines.append(
            (
                "plain",
                ta(
                    "show.review",
                    loc,
                    day=format_day(terms.review, loc) if terms.review else ta("no_date", loc),
                    cadence=ta(f"cadence.{terms.cadence}", loc),
                ),
            )
        )
        lines.append(("subheading", ta("doc.signatures", loc)))
        for signature in entry.signatures:
            role = ta(f"role.{signature.signer.role}", loc)
            line = ta(
                "doc.signature_line",
                loc,
                name=signature.signer.name,
                role=role,
                day=day(signature.signed_at),
            )
            lines.append(("item", line))
        lines.append(("subheading", ta("doc.versions", loc)))
        for version in view.versions:
            line = ta(
                "doc.version_line",
                loc,
                number=version.number,
                author=version.author.name,
                day=day(version.created_at),
            )
            lines.append(("item", line))
    return lines


def _md_escape(text: str) -> str:
    """The person's words as literal Markdown: no markup, links or HTML sneaks in."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(r"\1\\\2", escaped)


def to_markdown(contract: ThirdContract) -> str:
    prefix = {"title": "# ", "heading": "## ", "subheading": "### ", "item": "- "}
    out = ""
    previous = ""
    for kind, text in _lines(contract):
        safe = _md_escape(text)
        if kind == "text":
            block = "\n".join(f"> {line}" if line else ">" for line in safe.split("\n"))
        else:
            block = prefix.get(kind, "") + safe
        # Items of one list stay together; everything else is its own paragraph.
        separator = "" if not out else "\n" if previous == kind == "item" else "\n\n"
        out += separator + block
        previous = kind
    return out + "\n"


def to_pdf(contract: ThirdContract, *, font_path: Path | None = None) -> bytes:
    """The document as PDF in the shipped Unicode font (or `font_path`). A character no font
    has is written by its name in brackets, and a note at the end says so."""
    loc = contract.person.locale
    page = Page(ta("doc.title", loc, name=contract.person.name), font_path=font_path)
    sizes = {"title": 18.0, "heading": 14.0, "subheading": 11.0}
    for kind, text in _lines(contract):
        if kind in ("heading", "subheading"):
            page.heading(text, sizes[kind])
            continue
        indent = 6.0 if kind in ("text", "item") else 0.0
        shown = f"- {text}" if kind == "item" else text
        page.paragraph(shown, sizes.get(kind, 10.0), bold=kind == "title", indent=indent)
        page.ln(1.5)
    if page.replaced:
        page.ln(4)
        page.paragraph(ta("doc.replaced_chars", loc), 9)
    return bytes(page.output())


async def export_third_contract(
    db: Database,
    email: str,
    fmt: Format,
    defaults: Defaults,
    now: datetime,
    *,
    font_path: Path | None = None,
) -> bytes:
    """`jaarrond agreements export`: the document of the person with this email."""
    async with db.session() as session:
        person = await find_by_email(session, email)
        if person is None:
            raise LookupError(f"nobody with email {email} in Jaarrond")
        contract = await load_third_contract(session, person, defaults, now)
    if fmt == "pdf":
        return to_pdf(contract, font_path=font_path)
    return to_markdown(contract).encode("utf-8")
