"""Every text of the digest's additions, conversations and the review brief, in Dutch and
English."""

from __future__ import annotations

from dialogs.catalog import Catalog

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en). Placeholders use str.format names.
    "digest.span": (
        "Let op: je hebt {count} directe medewerkers, meer dan {limit}. Met zoveel mensen is "
        "een echte dialoog met ieder lastig; bespreek de teamgrootte met HR.",
        "Note: you have {count} direct reports, more than {limit}. With that many people a real "
        "dialogue with each is hard; discuss the span of control with HR.",
    ),
    "digest.topics_open": ("Onderwerpen, nog niet besproken", "Topics raised, not yet discussed"),
    "digest.last_talk": ("Laatste gesprek: {ago} ({day})", "Last conversation: {ago} ({day})"),
    "digest.no_talk": (
        "Nog geen gesprek vastgelegd (leg het vast met: gesproken met {email})",
        "No conversation logged yet (log one with: talked with {email})",
    ),
    "digest.last_review": (
        "Laatste jaargesprek: {months:maand|maanden} geleden ({day})",
        "Last review held: {months:month|months} ago ({day})",
    ),
    "digest.last_review_now": (
        "Laatste jaargesprek: deze maand ({day})",
        "Last review held: this month ({day})",
    ),
    "digest.review": ("Beoordelingsgesprek: {month} ({ago})", "Review: {month} ({ago})"),
    "digest.review_now": (
        "Beoordelingsgesprek: deze maand ({month})",
        "Review: this month ({month})",
    ),
    "digest.due_review": (
        "Afspraak #{id} ({category}): evaluatiedatum {day}",
        "Agreement #{id} ({category}): review date {day}",
    ),
    "digest.due_follow_up": (
        "Afspraak #{id} ({category}): volgende opvolging {day}",
        "Agreement #{id} ({category}): next follow-up {day}",
    ),
    "digest.agreements_due": ("Afspraken binnenkort", "Agreements due soon"),
    "digest.monitoring": (
        "Deelname (met instemming van de OR): {missed} van {asked} check-ins niet beantwoord; "
        "mediane antwoordtijd {hours} uur",
        "Participation (with works-council consent): {missed} of {asked} check-ins not "
        "answered; median answer time {hours} h",
    ),
    # ---- drift: a lasting change in shared answers, worth a conversation -----------------
    "drift.line": (
        "Goed om over te praten: {change} sinds {month} (“{question}”)",
        "Worth a conversation: {change} since {month} (“{question}”)",
    ),
    "drift.towards": ("antwoordt vaker richting “{label}”", "answers lean towards “{label}”"),
    "drift.home": (
        "Wat je leidinggevende in het teamoverzicht leest",
        "What your manager reads in the team digest",
    ),
    "drift.home_clears": (
        "Dit verdwijnt als je antwoorden terugkeren, of zodra jullie erover gesproken hebben "
        "(typ: gesproken).",
        "This clears when your answers return, or once the two of you have talked about it "
        "(type: talked).",
    ),
    "drift.note_title": ("Voordat je leidinggevende het leest", "Before your manager reads it"),
    "drift.note": (
        "Je gedeelde check-in-antwoorden zijn al een tijd veranderd. In het volgende "
        "teamoverzicht leest {manager} over jou:\n{lines}\nMeer ziet {manager} er niet van, en "
        "nooit een score. Het verdwijnt als je antwoorden terugkeren, of zodra jullie erover "
        "gesproken hebben (typ: gesproken). Wil je het zelf aankaarten? Typ: onderwerp en "
        "waarover je wilt praten.",
        "Your shared check-in answers have changed for a while now. In the next team digest "
        "{manager} reads about you:\n{lines}\nThat is all {manager} sees of it, never a score. "
        "It clears when your answers return, or once the two of you have talked about it "
        "(type: talked). Want to raise it yourself? Type: topic and what you would like to "
        "discuss.",
    ),
    "ago.today": ("vandaag", "today"),
    "ago.days": ("{n:dag|dagen} geleden", "{n:day|days} ago"),
    "ago.weeks": ("{n} weken geleden", "{n} weeks ago"),
    "ago.months": ("{n} maanden geleden", "{n} months ago"),
    "in.days": ("over {n:dag|dagen}", "in {n:day|days}"),
    "in.weeks": ("over {n} weken", "in {n} weeks"),
    "in.months": ("over {n} maanden", "in {n} months"),
    # ---- conversations -------------------------------------------------------------------
    "talked.logged": (
        "Vastgelegd: gesprek tussen {employee} en {manager} op {day}.",
        "Logged: a conversation between {employee} and {manager} on {day}.",
    ),
    "talked.note": ("Gedeelde notitie: {note}", "Shared note: {note}"),
    "talked.notice": (
        "{who} heeft vastgelegd dat jullie op {day} een gesprek hadden.",
        "{who} logged that the two of you talked on {day}.",
    ),
    "talked.topics": (
        "Deze onderwerpen stonden nog open. Welke hebben jullie besproken?",
        "These topics were still open. Which did you discuss?",
    ),
    "talked.hint": (
        "Typ een nummer van 1 tot {count}, of het begin van het onderwerp.",
        "Type a number from 1 to {count}, or the start of the topic.",
    ),
    "talked.all": ("Alle besproken", "All discussed"),
    "talked.usage_manager": (
        "Met wie sprak je? Typ: gesproken met E-MAIL of NAAM [notitie]. Je medewerkers: {names}",
        "Who did you talk with? Type: talked with EMAIL or NAME [note]. Your reports: {names}",
    ),
    "talked.no_manager": (
        "Je hebt geen leidinggevende in Jaarrond, dus er is geen gesprek vast te leggen.",
        "You have no manager in Jaarrond, so there is no conversation to log.",
    ),
    "talked.unknown": (
        "'{who}' is niet een van je medewerkers. Je medewerkers: {names}",
        "'{who}' is not one of your reports. Your reports: {names}",
    ),
    "talked.ambiguous": (
        "'{who}' past bij meer mensen: {names}. Gebruik het e-mailadres.",
        "'{who}' matches several people: {names}. Use the email address.",
    ),
    # ---- the annual review, logged (`review held`) -----------------------------------------
    "review.usage": (
        "Leg het jaargesprek vast als het gehouden is: jaargesprek gehouden [met NAAM] [notitie].",
        "Record the annual review once it took place: review held [with NAME] [note].",
    ),
    "review.logged": (
        "Vastgelegd: het jaargesprek tussen {employee} en {manager} op {day}. De ander wordt "
        "gevraagd het te bevestigen.",
        "Recorded: the annual review between {employee} and {manager} on {day}. The other "
        "party is asked to confirm it.",
    ),
    "review.notice": (
        "{who} heeft vastgelegd dat jullie op {day} het jaargesprek hielden.",
        "{who} recorded that the two of you held the annual review on {day}.",
    ),
    "review.confirm": (
        "Klopt het dat het jaargesprek gehouden is?",
        "Did the annual review take place?",
    ),
    "review.yes": ("Ja, gehouden", "Yes, it took place"),
    "review.no": ("Nee, niet gehouden", "No, it did not"),
    "review.hint": ("Typ 1 (ja) of 2 (nee).", "Type 1 (yes) or 2 (no)."),
    "review.confirmed": (
        "Bevestigd: het jaargesprek is gehouden. {who} hoort het van me.",
        "Confirmed: the annual review took place. I'll let {who} know.",
    ),
    "review.disputed": (
        "Genoteerd: het jaargesprek telt niet als gehouden. {who} hoort het van me.",
        "Noted: the annual review does not count as held. I'll let {who} know.",
    ),
    "review.told_confirmed": (
        "{who} bevestigde dat jullie op {day} het jaargesprek hielden.",
        "{who} confirmed that the two of you held the annual review on {day}.",
    ),
    "review.told_disputed": (
        "{who} gaf aan dat het jaargesprek van {day} niet gehouden is; het telt niet als "
        "gehouden. Leg het opnieuw vast als het alsnog plaatsvindt.",
        "{who} answered that the annual review of {day} did not take place; it does not count "
        "as held. Record it again once it does.",
    ),
    "discussed.done": ("Gemarkeerd als besproken: {topics}", "Marked as discussed: {topics}"),
    "discussed.none": (
        "Geen van deze onderwerpen kon worden gemarkeerd: alleen open onderwerpen van jou of je "
        "medewerkers, opgebracht vóór een vastgelegd gesprek (typ eerst: gesproken).",
        "None of these topics could be marked: only open topics of yours or your reports, "
        "raised before a logged conversation (type talked first).",
    ),
    "discussed.usage": (
        "Leg eerst het gesprek vast met 'gesproken'; ik vraag dan welke open onderwerpen "
        "besproken zijn. Typ daarna hun nummers, bijvoorbeeld: besproken 1 3.",
        "First log the conversation with 'talked'; I then ask which open topics were "
        "discussed. Then type their numbers, for example: discussed 1 3.",
    ),
    # ---- the review brief ----------------------------------------------------------------
    "brief.title": ("Voorbereiding jaargesprek: {name}", "Review brief: {name}"),
    "brief.copy.employee": (
        "Jouw exemplaar. Wat als privé is gemarkeerd, staat alleen hierin.",
        "Your copy. What is marked private appears only in this copy.",
    ),
    "brief.copy.manager": (
        "Exemplaar van de leidinggevende: alleen wat {name} heeft gedeeld.",
        "The manager's copy: only what {name} shared.",
    ),
    "brief.meta": (
        "Beoordelingsgesprek in {month}, met {manager}. Periode: {start} tot {end}.",
        "Review in {month}, with {manager}. Period: {start} to {end}.",
    ),
    "brief.trends": ("Trends uit de check-ins", "Check-in trends"),
    "brief.no_trends": (
        "Geen gedeelde check-ins in deze periode.",
        "No shared check-ins in this period.",
    ),
    "brief.chart_scale": ("1 = {low}, 5 = {high}", "1 = {low}, 5 = {high}"),
    "brief.private": ("privé", "private"),
    "brief.private_legend": (
        "Open punten zijn privé-antwoorden: alleen jij ziet ze.",
        "Open dots are private answers: only you see them.",
    ),
    "brief.private_answers": (
        "Je privé-antwoorden (alleen in jouw exemplaar)",
        "Your private answers (only in your copy)",
    ),
    "brief.shared_answers": ("Laatste gedeelde antwoorden", "Latest shared answers"),
    "brief.answer_line": ("{question}: {answer} ({day})", "{question}: {answer} ({day})"),
    "brief.agreements": ("Afspraken (derde contract)", "Agreements (the third contract)"),
    "brief.no_agreements": ("Geen afspraken in deze periode.", "No agreements in this period."),
    "brief.agreement": (
        "#{id} {category}{i_deal}: {status}",
        "#{id} {category}{i_deal}: {status}",
    ),
    "brief.follow_up": (
        "{period}: medewerker {employee}, leidinggevende {manager}{gap}",
        "{period}: employee {employee}, manager {manager}{gap}",
    ),
    "brief.gap": (" — verschil in beleving", " — perception gap"),
    "brief.no_follow_ups": ("nog geen opvolging", "no follow-up yet"),
    "brief.topics": ("Opgebrachte onderwerpen", "Topics raised"),
    "brief.no_topics": ("Geen onderwerpen opgebracht.", "No topics raised."),
    "brief.topic_discussed": (
        "{text} ({raised}; besproken {day})",
        "{text} ({raised}; discussed {day})",
    ),
    "brief.topic_open": (
        "{text} ({raised}; nog niet besproken)",
        "{text} ({raised}; not yet discussed)",
    ),
    "brief.conversations": ("Vastgelegde gesprekken", "Conversations logged"),
    "brief.no_conversations": ("Geen gesprekken vastgelegd.", "No conversations logged."),
    "brief.conversation": ("{day}: {note}", "{day}: {note}"),
    "brief.agenda": ("Voorgestelde agenda", "Suggested agenda"),
    "brief.opening": ("Openingsvraag: {question}", "Opening question: {question}"),
    "agenda.topic": ("Onderwerp nog niet besproken: {text}", "Topic not yet discussed: {text}"),
    "agenda.agreement": (
        "Afspraak #{id} ({category}): {reason}",
        "Agreement #{id} ({category}): {reason}",
    ),
    "agenda.reason.perception_gap": ("jullie beleven het verschillend", "you see it differently"),
    "agenda.reason.not_kept": ("niet nagekomen", "not kept"),
    "agenda.reason.at_risk": ("vraagt aandacht", "at risk"),
    "agenda.trend": (
        "Verloop in het jaar, van {first} naar {last}: {question}",
        "Over the year from {first} to {last}: {question}",
    ),
    "agenda.year": (
        "Terugblik op het jaar en vooruitblik: wat wil {name} leren, wat heeft {name} nodig?",
        "Looking back and ahead: what does {name} want to learn, what does {name} need?",
    ),
    "agenda.contract": (
        "Het nieuwe derde contract: dit jaar schrijft de {role} het eerste voorstel.",
        "The new third contract: this year the {role} drafts the first proposal.",
    ),
    "brief.summary_counts": (
        "{charts:trend|trends}, {agreements:afspraak|afspraken} (aandacht nodig: {at_risk}), "
        "nog niet besproken: {open} van {topics:onderwerp|onderwerpen}.",
        "{charts:trend|trends}, {agreements:agreement|agreements} ({at_risk} at risk), not yet "
        "discussed: {open} of {topics:topic|topics}.",
    ),
    "brief.summary_hint": (
        "Het volledige document (PDF met grafieken) zit als bijlage bij dit bericht. Opnieuw "
        "opvragen kan altijd met: {command}",
        "The whole document (PDF with charts) is attached to this message. Ask for it again "
        "any time with: {command}",
    ),
    "brief.command": ("voorbereiding", "brief"),
    "brief.filename": ("voorbereiding-jaargesprek", "review-brief"),
    "brief.file_description": (
        "Voorbereiding jaargesprek van {name} (PDF)",
        "Review brief of {name} (PDF)",
    ),
    "brief.no_review_month": (
        "Voor {name} is nog geen maand voor het jaargesprek ingesteld, dus er is nog geen "
        "voorbereiding. HR zet die maand in het personeelsbestand.",
        "{name} has no review month set yet, so there is no review brief. HR sets that month "
        "in the org file.",
    ),
    "brief.not_found": (
        "Geen van je medewerkers heet '{who}'. Je medewerkers: {names}",
        "None of your reports is called '{who}'. Your reports: {names}",
    ),
    "brief.generated": ("Gemaakt op {day}.", "Generated on {day}."),
    "invite.title": ("Het nieuwe derde contract", "The new third contract"),
    "invite.body": (
        "De maand van het jaargesprek van {employee} is begonnen. Tijd voor nieuwe afspraken: "
        "dit jaar schrijft {drafter} het eerste voorstel (typ: afspraak nieuw).",
        "The review month of {employee} has begun. Time for new agreements: this year "
        "{drafter} drafts the first proposal (type: agreement new).",
    ),
    "role.employee": ("medewerker", "employee"),
    "role.manager": ("leidinggevende", "manager"),
}
DIALOGUE_CATALOG = Catalog(_TEXTS)


td = DIALOGUE_CATALOG.text
