"""What an agency contact reads: e-mail and the page a link opens, in Dutch and English.

An agency contact is outside the organisation's chat and has no language setting here, so
every text is written in both languages, Dutch first. They read only the terms that are the
agency's (pay, the contract) of the agreements of the agency's workers; never check-in
answers, the manager's digest or the manager's terms. Texts are plain; names, terms and
comments are shown exactly as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dialogs.agreement_texts import AGREEMENT_CATALOG
from dialogs.catalog import Catalog
from dialogs.messages import LOCALES, Locale
from dialogs.texts import format_day

_TEXTS: dict[str, tuple[str, str]] = {
    "subject.sign": (
        "Afspraak #{id} met {employee}: graag uw handtekening",
        "Agreement #{id} with {employee}: your signature, please",
    ),
    "subject.follow_up": (
        "Afspraak #{id} met {employee}: wordt ze nagekomen?",
        "Agreement #{id} with {employee}: is it being kept?",
    ),
    "subject.news": ("Afspraak #{id} met {employee}", "Agreement #{id} with {employee}"),
    "greeting": ("Beste {agency},", "Dear {agency},"),
    "intro": (
        "{employee} werkt via {agency} bij ons. In hun afspraak #{id} zijn de volgende punten "
        "met u als uitzendbureau (loon, contract); de andere punten zijn tussen {employee} en "
        "de leidinggevende en staan hier niet.",
        "{employee} works with us through {agency}. In their agreement #{id} the terms below "
        "are with you as the agency (pay, the contract); the other terms are between "
        "{employee} and their manager and are not shown here.",
    ),
    "start": ("Gaat in op {day}.", "Starts on {day}."),
    "ask.sign": (
        "Wilt u versie {version} ondertekenen? Open de link, lees de punten en teken:",
        "Would you sign version {version}? Open the link, read the terms and sign:",
    ),
    "ask.follow_up": (
        "Worden deze punten nagekomen? Uw antwoord ({period}) ziet {employee}:",
        "Are these terms being kept? {employee} sees your answer ({period}):",
    ),
    "link_note": (
        "De link werkt één keer en tot {day}.",
        "The link works once, until {day}.",
    ),
    "news.signed_all": (
        "Iedereen heeft versie {version} ondertekend: de afspraak geldt.",
        "Everyone signed version {version}: the agreement applies.",
    ),
    "news.completed": (
        "De afspraak is afgerond. Reden: {reason}",
        "The agreement was completed. Reason: {reason}",
    ),
    "news.dropped": (
        "De afspraak is vervallen. Reden: {reason}",
        "The agreement was dropped. Reason: {reason}",
    ),
    "footer": (
        "U krijgt deze e-mail omdat u de contactpersoon van {agency} bent voor {employee}.",
        "You receive this e-mail as the contact at {agency} for {employee}.",
    ),
    # The page a link opens.
    "page.title": ("Afspraak #{id} met {employee}", "Agreement #{id} with {employee}"),
    "page.sign": ("Onderteken versie {version}", "Sign version {version}"),
    "page.signed": (
        "Dank u: u hebt versie {version} ondertekend.",
        "Thank you: you signed version {version}.",
    ),
    "page.answered": ("Dank u voor uw antwoord: {answer}.", "Thank you for your answer: {answer}."),
    "page.gone": (
        "Deze link werkt niet (meer): hij is al gebruikt, verlopen of vervangen door een "
        "nieuwere e-mail.",
        "This link does not work (any more): it was used, it expired, or a newer e-mail "
        "replaced it.",
    ),
    "page.outdated": (
        "Er is intussen een nieuwere versie van deze afspraak; u krijgt daarover een nieuwe "
        "e-mail.",
        "There is a newer version of this agreement by now; you will get a new e-mail about it.",
    ),
    "page.unknown_answer": (
        "Kies een van de antwoorden hieronder.",
        "Choose one of the answers below.",
    ),
}
AGENCY_CATALOG = Catalog(_TEXTS)


tx = AGENCY_CATALOG.text


# One text in Dutch, then in English.
both = AGENCY_CATALOG.both


@dataclass(frozen=True)
class AgencyTerms:
    """An agreement as the agency contact may read it: the agency's terms only."""

    agreement_id: int
    employee: str
    agency: str
    version: int
    text: str
    start: date


@dataclass(frozen=True)
class MailText:
    """What a mail says (the outbox message carries it to bot.delivery.mail)."""

    subject: str
    body: str


def _block(terms: AgencyTerms, loc: Locale, ask: str, link: str, until: date | None) -> str:
    names = {"employee": terms.employee, "agency": terms.agency, "id": terms.agreement_id}
    lines = [tx("greeting", loc, **names), "", tx("intro", loc, **names), "", terms.text]
    lines += ["", tx("start", loc, day=format_day(terms.start, loc))]
    if ask:
        lines += ["", ask, link]
        if until is not None:
            lines.append(tx("link_note", loc, day=format_day(until, loc)))
    lines += ["", tx("footer", loc, **names)]
    return "\n".join(lines)


def _both_blocks(blocks: list[str]) -> str:
    return "\n\n-----\n\n".join(blocks)


def sign_mail(terms: AgencyTerms, link: str, until: date) -> MailText:
    names = {"employee": terms.employee, "id": terms.agreement_id}
    body = _both_blocks(
        [
            _block(terms, loc, tx("ask.sign", loc, version=terms.version), link, until)
            for loc in LOCALES
        ]
    )
    return MailText(both("subject.sign", **names), body)


def follow_up_mail(terms: AgencyTerms, period: str, link: str, until: date) -> MailText:
    names = {"employee": terms.employee, "id": terms.agreement_id}
    body = _both_blocks(
        [
            _block(
                terms,
                loc,
                tx("ask.follow_up", loc, period=period, employee=terms.employee),
                link,
                until,
            )
            for loc in LOCALES
        ]
    )
    return MailText(both("subject.follow_up", **names), body)


def news_mail(terms: AgencyTerms, event: str, values: dict[str, object]) -> MailText:
    names = {"employee": terms.employee, "id": terms.agreement_id}
    body = _both_blocks(
        [_block(terms, loc, tx(f"news.{event}", loc, **values), "", None) for loc in LOCALES]
    )
    return MailText(both("subject.news", **names), body)


def answer_label(answer: str) -> str:
    """A follow-up answer in both languages, as the agreement texts name it."""
    return AGREEMENT_CATALOG.both(f"answer.{answer}")
