"""Every text of the HR figures and the works-council overview, in Dutch and English."""

from __future__ import annotations

from dialogs.agreement_texts import AGREEMENT_CATALOG
from dialogs.catalog import Catalog
from dialogs.messages import Locale
from dialogs.texts import MONTH_ABBREVIATIONS, MONTH_NAMES

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en). Placeholders use str.format names.
    "fewer_than": ("minder dan {minimum}", "fewer than {minimum}"),
    "whole_organisation": ("hele organisatie", "whole organisation"),
    "department": ("Afdeling", "Department"),
    "total": ("Totaal", "Total"),
    "none": ("geen", "none"),
    "generated": ("Gemaakt op {at}", "Generated on {at}"),
    "hr.title": ("HR-cijfers {year}: {scope}", "HR figures {year}: {scope}"),
    "hr.intro": (
        "Alleen groepscijfers. Een cijfer over minder dan {minimum} mensen wordt niet getoond, "
        "ook niet als het uit andere cijfers af te leiden zou zijn. Antwoorden over gezondheid "
        "tellen nergens mee, ook niet in aantallen.",
        "Group figures only. A figure about fewer than {minimum} people is not shown, nor when "
        "it could be worked out from other figures. Answers about health are never counted, "
        "not even in totals.",
    ),
    "hr.chart.average": ("{theme}: gemiddelde score (1-5)", "{theme}: average score (1-5)"),
    "hr.chart.participation": (
        "{theme}: deelname (% van de gevraagden)",
        "{theme}: participation (% of those asked)",
    ),
    "hr.prompts": (
        "Aandachtsbudget: vragen per persoon per maand",
        "Attention budget: prompts per person per month",
    ),
    "hr.prompts.separate": (
        "Losse vragen (check-ins, opvolgvragen en reviewbriefings die apart kwamen)",
        "Separate prompts (check-ins, follow-up questions and review briefs on their own)",
    ),
    "hr.prompts.along": (
        "Meegenomen na een andere check-in, in hetzelfde gesprek",
        "Asked along, right after another check-in in the same conversation",
    ),
    "hr.prompts.deferred": (
        "Uitgestelde check-ins (de maand was vol)",
        "Deferred check-ins (the month was full)",
    ),
    "hr.agreements": ("Afspraken (derde contract)", "Agreements (third contract)"),
    "hr.agreements_by_category": ("Afspraken per onderwerp", "Agreements by category"),
    "hr.agreements_by_status": ("Afspraken per status", "Agreements by status"),
    "hr.i_deals_by_category": ("I-deals per onderwerp", "I-deals by category"),
    "chat.theme_line": (
        "{theme} ({period}): deelname {participation}, gemiddelde {average}",
        "{theme} ({period}): participation {participation}, average {average}",
    ),
    "chat.agreements": ("Afspraken dit jaar:", "Agreements this year:"),
    "chat.more": (
        "Alle cijfers per afdeling en maand: jaarrond report hr --format html.",
        "All figures by department and month: jaarrond report hr --format html.",
    ),
    "wc.title": (
        "Jaaroverzicht voor de ondernemingsraad {year}",
        "Annual overview for the works council {year}",
    ),
    "wc.intro": (
        "Dit overzicht bevat alleen cijfers over groepen van ten minste {minimum} mensen en "
        "niets over personen. Antwoorden over gezondheid tellen nergens mee.",
        "This overview holds only figures about groups of at least {minimum} people and "
        "nothing about individuals. Answers about health are never counted.",
    ),
    "wc.process": ("Proces", "Process"),
    "wc.content": ("Inhoud", "Content"),
    "wc.outcomes": ("Uitkomsten", "Outcomes"),
    "wc.records": (
        "Wat het systeem vastlegt en wie het ziet",
        "What the system records and who sees it",
    ),
    "wc.employees": ("Medewerkers met een leidinggevende", "Employees with a manager"),
    "wc.review_month_set": (
        "Medewerkers met een geplande beoordelingsmaand",
        "Employees with a planned review month",
    ),
    "wc.reviews_held": (
        "Jaargesprekken gehouden (vastgelegd in het jaar)",
        "Reviews held (recorded in the year)",
    ),
    "wc.briefs_sent": ("Voorbereidingen verstuurd", "Review briefs sent"),
    "wc.signed_share": (
        "Aandeel medewerkers met een ondertekend derde contract",
        "Share of employees with a signed third contract",
    ),
    "wc.followup_rate": (
        "Beantwoorde voortgangsvragen over afspraken",
        "Agreement follow-ups answered",
    ),
    "wc.checkins": ("Afgeronde check-ins", "Check-ins completed"),
    "wc.chart.signed_by_month": (
        "Afspraken ondertekend per maand",
        "Agreements signed per month",
    ),
    "wc.topics": (
        "Besproken thema's in check-ins (aantal antwoorden)",
        "Check-in topics (number of answers)",
    ),
    "wc.raised_topics": (
        "Onderwerpen die medewerkers op de agenda zetten",
        "Topics employees put on the agenda",
    ),
    "wc.categories": ("Afspraken per onderwerp", "Agreements by category"),
    "wc.employment": (
        "Medewerkers per dienstverband (vast, tijdelijk, uitzendkracht)",
        "Employees by employment (permanent, temporary, agency)",
    ),
    "wc.employment_signed": (
        "Met een ondertekend derde contract, per dienstverband",
        "With a signed third contract, by employment",
    ),
    "hr.agreements_by_employment": (
        "Medewerkers met een afspraak dit jaar, per dienstverband",
        "Employees with an agreement this year, by employment",
    ),
    "hr.people_by_employment": (
        "Medewerkers per dienstverband",
        "Employees by employment",
    ),
    "employment.permanent": ("Vast", "Permanent"),
    "employment.temporary": ("Tijdelijk", "Temporary"),
    "employment.agency": ("Uitzendkracht", "Agency worker"),
    "wc.i_deals": ("I-deals per onderwerp", "I-deals by category"),
    "wc.outcome.kept": ("Nagekomen of lopend volgens afspraak", "Kept or on track"),
    "wc.outcome.at_risk": ("Vraagt aandacht", "At risk"),
    "wc.outcome.dropped": ("Vervallen", "Dropped"),
    "wc.outcome.open": ("Nog niet ondertekend", "Not yet signed"),
    "wc.followup_answers": ("Antwoorden op voortgangsvragen", "Follow-up answers"),
    "wc.records.table": ("Gegevens", "Data"),
    "wc.records.what": ("Wat", "What"),
    "wc.records.who": ("Wie ziet het", "Who sees it"),
    "ladder.heading": (
        "Ontwikkelladder arbeidsverhoudingen",
        "Development ladder of labour relations",
    ),
    "ladder.note": (
        "Een indicatie, geen oordeel. De trede is geschat uit wat de dialoog zelf laat zien "
        "(deelname, afspraken, opvolging, gesprekken en hoe medewerkers de relatie ervaren), "
        "met regels die HR en de ondernemingsraad samen kunnen bijstellen. Een trede is bereikt "
        "als ten minste {quorum}% van de indicatoren met een cijfer hem haalt; cijfers over "
        "minder dan {minimum} mensen tellen niet mee.",
        "An indication, not a verdict. The stage is estimated from what the dialogue itself "
        "shows (participation, agreements, follow-up, conversations and how employees "
        "experience the relationship), with rules HR and the works council can adjust together. "
        "A stage is reached when at least {quorum}% of the indicators with a figure reach it; "
        "figures about fewer than {minimum} people do not count.",
    ),
    "ladder.stage.reactive": ("Reactief", "Reactive"),
    "ladder.stage.calculating": ("Calculerend", "Calculating"),
    "ladder.stage.proactive": ("Proactief", "Proactive"),
    "ladder.stage.integral": ("Integraal", "Integral"),
    "ladder.scope": ("{scope}: geschatte trede", "{scope}: estimated stage"),
    "ladder.stage_line": ("{year}: {stage}", "{year}: {stage}"),
    "ladder.no_data": ("te weinig cijfers voor een schatting", "too few figures for an estimate"),
    "ladder.hidden": (
        "minder dan {minimum} medewerkers: geen trede",
        "fewer than {minimum} employees: no stage",
    ),
    "ladder.basis": ("Wat hem daar zet: {items}.", "What puts it there: {items}."),
    "ladder.next": (
        "Naar {stage}: {needed:indicator moet|indicatoren moeten} daarvoor de drempel halen, "
        "uit: {items}.",
        "To reach {stage}: {needed:indicator needs|indicators need} to reach the threshold, "
        "from: {items}.",
    ),
    "ladder.top": ("Dit is de hoogste trede.", "This is the top stage."),
    "ladder.step": (
        "{indicator} {value} (drempel {target})",
        "{indicator} {value} (threshold {target})",
    ),
    "ladder.reading": ("{indicator} {value}", "{indicator} {value}"),
    "ladder.ind.checkin_participation": ("Deelname aan check-ins", "Check-in participation"),
    "ladder.ind.third_contract_share": (
        "Medewerkers met een ondertekend derde contract",
        "Employees with a signed third contract",
    ),
    "ladder.ind.i_deals_per_100": (
        "I-deals met uitleg per 100 medewerkers",
        "I-deals with a reason per 100 employees",
    ),
    "ladder.ind.followup_both_sides": (
        "Voortgangsvragen door beide kanten beantwoord",
        "Follow-up rounds answered by both sides",
    ),
    "ladder.ind.gaps_resolved": (
        "Verschillen in beleving opgelost",
        "Perception gaps resolved",
    ),
    "ladder.ind.conversations_per_employee": (
        "Gesprekken per medewerker",
        "Conversations per employee",
    ),
    "ladder.ind.reciprocity": ("Ervaren wederkerigheid (1-5)", "Experienced reciprocity (1-5)"),
    "ladder.ind.equality": ("Ervaren gelijkwaardigheid (1-5)", "Experienced equality (1-5)"),
    "ladder.ind.coherence": ("Ervaren samenhang (1-5)", "Experienced coherence (1-5)"),
    "ladder.col.indicator": ("Indicator", "Indicator"),
    "ladder.col.reaches": ("Haalt in {year}", "Reaches in {year}"),
    "ladder.col.next": ("Volgende trede bij", "Next stage at"),
    "ladder.departments": ("Trede per afdeling", "Stage by department"),
    "ladder.chart": (
        "Trede per indicator {year} (1 reactief - 4 integraal)",
        "Stage per indicator {year} (1 reactive - 4 integral)",
    ),
    "ladder.rules": ("Regels en bronnen", "Rules and sources"),
    "ladder.col.thresholds": (
        "Drempels calculerend / proactief / integraal",
        "Thresholds calculating / proactive / integral",
    ),
    "ladder.col.why": ("Waarom", "Why"),
    "ladder.col.source": ("Bron", "Source"),
    "ladder.stages": ("De treden", "The stages"),
    "ladder.stages_note": (
        "Vier treden, van een relatie die vooral om werk tegen loon draait naar een "
        "gelijkwaardige dialoog over ieders ontwikkeling.",
        "Four stages, from a relationship mostly about work for pay to a dialogue between "
        "equals about everyone's development.",
    ),
    "ladder.sources": ("Bronnen", "Sources"),
    "ladder.sources_note": (
        "De treden en indicatoren zijn onze eigen lezing van deze bronnen.",
        "The stages and indicators are this product's own reading of these sources.",
    ),
    "ladder.rules_note": (
        "De regels staan in {file}; elke indicator noemt zijn bron.",
        "The rules are in {file}; every indicator names its source.",
    ),
    "chat.ladder": (
        "Ontwikkelladder (een indicatie, geen oordeel): {stage}",
        "Development ladder (an indication, not a verdict): {stage}",
    ),
    "raised.open": ("open", "open"),
    "raised.discussed": ("besproken", "discussed"),
    "raised.closed": ("afgesloten", "closed"),
    "scope.all": ("Hele organisatie", "Whole organisation"),
    "scope.none": ("Zonder afdeling", "No department"),
    "col.figure": ("Cijfer", "Figure"),
    "col.value": ("Waarde", "Value"),
    "empty": ("Nog niets te tonen.", "Nothing to show yet."),
    "quarter": ("K{number}", "Q{number}"),
    # The check-in topics of the shipped question banks; a topic HR adds in the console
    # reads as its id with spaces (see `topic_label`).
    "topic.authority": ("Zeggenschap", "Authority"),
    "topic.calendar": ("Fase in het werkzame leven", "Stage of working life"),
    "topic.coherence": ("Samenhang", "Coherence"),
    "topic.cooperation": ("Samenwerking", "Cooperation"),
    "topic.demands": ("Wat het werk vraagt", "Demands of the work"),
    "topic.effort_balance": ("Inzet en wat gevraagd wordt", "Effort and what is asked"),
    "topic.equality": ("Gelijkwaardigheid", "Equality"),
    "topic.exchange": ("Geven en krijgen", "Give and take"),
    "topic.health": ("Gezondheid", "Health"),
    "topic.private_situation": ("Privésituatie", "Private situation"),
    "topic.professional": ("Vakmanschap en leren", "Skills and learning"),
    "topic.psychosocial": ("Leeftijd en beeldvorming", "Age and perception"),
    "topic.reciprocity": ("Wederkerigheid", "Reciprocity"),
    "topic.recovery": ("Herstel", "Recovery"),
}
REPORT_CATALOG = Catalog(_TEXTS)


tr = REPORT_CATALOG.text


def label(kind: str, value: str, locale: Locale) -> str:
    """How a category, status or raised-topic status reads; unknown values as stored."""
    key = f"{kind}.{value}"
    for catalog in (AGREEMENT_CATALOG, REPORT_CATALOG):
        if key in catalog:
            return catalog.text(key, locale)
    return value


def topic_label(topic: str, locale: Locale) -> str:
    """How a check-in topic reads: its catalog name, else its id in words."""
    key = f"topic.{topic}"
    if key not in REPORT_CATALOG:
        return topic.replace("_", " ").capitalize()
    return tr(key, locale)


def period_name(period: str, locale: Locale, *, short: bool = True) -> str:
    """A report period as people read it: '2027-03' is 'Mar' (or 'March'), '2027-Q1' 'Q1'."""
    year, _, part = period.partition("-")
    if part.startswith("Q") and part[1:].isdigit():
        return tr("quarter", locale, number=int(part[1:]))
    if part.isdigit() and 1 <= int(part) <= 12:
        names = MONTH_ABBREVIATIONS if short else MONTH_NAMES
        return names[locale][int(part) - 1]
    return period or year
