"""Every text a person sees from the bot, in Dutch and English."""

from __future__ import annotations

from datetime import date, datetime

from dialogs.catalog import Catalog
from dialogs.messages import Locale

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en). Placeholders use str.format names.
    "console.running": (
        "Jaarrond draait. Je bent {email}. Typ 'hulp', of 'afsluiten' om te stoppen.",
        "Jaarrond is running. You are {email}. Type 'help', or 'quit' to stop.",
    ),
    "console.log": (
        "Logboek: {path} (met 'jaarrond -v run' zie je het hier)",
        "Log: {path} ('jaarrond -v run' shows it here)",
    ),
    "first_run.next": (
        "Je staat geregistreerd als HR ({email}). Zo ga je verder:\n"
        "- typ hier 'help' om te zien wat ik kan, of 'checkin werkbelasting' om een check-in "
        "te proberen;\n"
        "- zet in een tweede terminal je organisatie erin met 'jaarrond org import "
        "examples/org.csv' en de schema's met 'jaarrond schedules apply "
        "examples/schedules.yaml' (of je eigen bestanden);\n"
        "- 'jaarrond admin link {email}' geeft een inloglink voor de beheeromgeving.\n"
        "Typ 'afsluiten' om te stoppen.",
        "You are registered as HR ({email}). What to do next:\n"
        "- type 'help' here to see what I can do, or 'checkin workload' to try a check-in;\n"
        "- in a second terminal, add your organisation with 'jaarrond org import "
        "examples/org.csv' and the schedules with 'jaarrond schedules apply "
        "examples/schedules.yaml' (or your own files);\n"
        "- 'jaarrond admin link {email}' gives a sign-in link for the admin console.\n"
        "Type 'quit' to stop.",
    ),
    "help.title": ("Jaarrond: zo werkt het", "Jaarrond: how it works"),
    "coach.title": ("Gesprekstips", "Conversation tips"),
    "coach.review": (
        "Je jaargesprek is in {month}. Jullie bereiden het allebei voor.",
        "Your annual review is in {month}. You both prepare for it.",
    ),
    "coach.review_reports": (
        "Het jaargesprek met {names} komt eraan ({month}). Jullie bereiden het allebei voor.",
        "The annual review with {names} is coming up ({month}). You both prepare for it.",
    ),
    "coach.at_risk": (
        "Afspraak {ids} vraagt om een gesprek ('{command} NUMMER' toont hem).",
        "Agreement {ids} calls for a conversation ('{command} NUMBER' shows it).",
    ),
    "coach.show_command": ("afspraak toon", "agreement show"),
    "coach.talked": (
        "Jullie spraken elkaar op {day}.",
        "You talked on {day}.",
    ),
    "coach.general": (
        "Er staat nu niets bijzonders op de agenda; deze tips helpen bij elk gesprek.",
        "Nothing in particular is coming up; these tips help in any conversation.",
    ),
    "help.body": (
        "Ik help je het gesprek met je leidinggevende het hele jaar gaande te houden.\n"
        "Opdrachten:\n"
        "  hulp: deze uitleg\n"
        "  checkin [thema]: start nu een check-in ({themes})\n"
        "  overslaan: sla de huidige vraag over\n"
        "  later: vraag het me de volgende werkochtend opnieuw\n"
        "  stoppen: stop de huidige check-in (je antwoorden blijven bewaard)\n"
        "  onderwerp TEKST: zet een onderwerp op de agenda met je leidinggevende\n"
        "  pauze tot DATUM: geen check-ins tot die datum (bijv. pauze tot 12-4-2027)\n"
        "  hervat: pauze beëindigen\n"
        "  start: je overzicht: volgende check-ins, antwoorden, onderwerpen\n"
        "  afspraken: je afspraken (het derde contract)\n"
        "  afspraak nieuw | afspraak toon NUMMER: een afspraak maken of bekijken\n"
        "  overzicht: overzicht van je team (voor leidinggevenden)\n"
        "  gesproken [met NAAM] [notitie]: leg vast dat jullie een gesprek hadden\n"
        "  jaargesprek gehouden [met NAAM] [notitie]: leg vast dat het jaargesprek plaatsvond\n"
        "  besproken NUMMER: markeer een onderwerp als besproken\n"
        "  voorbereiding [NAAM]: je voorbereiding op het jaargesprek als PDF (voor "
        "leidinggevenden ook die van een medewerker)\n"
        "  exporteren: al je gegevens als JSON-bestand\n"
        "  ingezien: wie jouw gegevens heeft ingezien, en wanneer\n"
        "  coach: gesprekstips voor wat er nu bij jou speelt\n"
        "  verwijder mijn gegevens: alles over jou wissen (eerst bevestigen)\n"
        "  rapport: groepscijfers (alleen HR)\n"
        "  beheer: een aanmeldlink voor de beheerpagina (alleen HR)\n"
        "Een vraag beantwoord je met het nummer of de naam van je keuze. De Engelse woorden "
        "(help, skip, topic, ...) werken ook.",
        "I help you keep the conversation with your manager going all year.\n"
        "Commands:\n"
        "  help: this explanation\n"
        "  checkin [theme]: start a check-in now ({themes})\n"
        "  skip: skip the current question\n"
        "  later: ask me again on the next working morning\n"
        "  stop: stop the current check-in (your answers are kept)\n"
        "  topic TEXT: put a topic on the agenda with your manager\n"
        "  pause until DATE: no check-ins until that date (e.g. pause until 4/12/2027)\n"
        "  resume: end a pause\n"
        "  home: your overview: next check-ins, answers, topics\n"
        "  agreements: your agreements (the third contract)\n"
        "  agreement new | agreement show NUMBER: make or see an agreement\n"
        "  digest: overview of your team (for managers)\n"
        "  talked [with NAME] [note]: log that you and your manager or report talked\n"
        "  review held [with NAME] [note]: record that the annual review took place\n"
        "  discussed NUMBER: mark a topic as discussed\n"
        "  brief [NAME]: your review brief as a PDF (managers: a report's too)\n"
        "  export: all your data as a JSON file\n"
        "  viewed: who viewed your data, and when\n"
        "  coach: conversation tips for where you are now\n"
        "  delete my data: erase everything about you (asks first)\n"
        "  report: group figures (HR only)\n"
        "  admin: a sign-in link to the admin console (HR only)\n"
        "Answer a question with the number or the name of your choice. The Dutch words "
        "(hulp, overslaan, onderwerp, ...) work too.",
    ),
    "unknown_command": (
        "Dat begrijp ik niet. Typ 'hulp' voor wat ik kan.",
        "I didn't understand that. Type 'help' to see what I can do.",
    ),
    "unknown_person": (
        "Ik ken je nog niet. Vraag HR je toe te voegen aan Jaarrond.",
        "I don't know you yet. Ask HR to add you to Jaarrond.",
    ),
    "action.skip": ("Overslaan", "Skip"),
    "action.later": ("Later", "Later"),
    "action.stop": ("Stoppen", "Stop"),
    "checkin.unknown_theme": (
        "Er is geen check-in '{theme}'.",
        "There is no check-in called '{theme}'.",
    ),
    "checkin.choose_theme": (
        "Welke check-in wil je doen?",
        "Which check-in would you like to do?",
    ),
    "checkin.still_open": (
        "Je hebt nog een check-in openstaan: typ 'checkin' om de vraag weer te zien.",
        "You still have a check-in open: type 'checkin' to see its question again.",
    ),
    "checkin.busy": (
        "Je bent al bezig met een check-in; hier is de vraag waar je was.",
        "You already have a check-in going; here is where you were.",
    ),
    "checkin.queued": (
        "Er staat nog een check-in voor je klaar ({theme}); die volgt hierna.",
        "Another check-in is waiting for you ({theme}); it comes next.",
    ),
    "checkin.progress": ("Vraag {n} van {total}", "Question {n} of {total}"),
    "checkin.scale_hint": (
        "Antwoord met een getal van 1 tot 5.",
        "Answer with a number from 1 to 5.",
    ),
    "checkin.choice_hint": (
        "Antwoord met een nummer van 1 tot {count}, of met de naam van je keuze.",
        "Answer with a number from 1 to {count}, or with the name of your choice.",
    ),
    "checkin.text_hint": (
        "Typ je antwoord. Vermeld geen medische details.",
        "Type your answer. Please don't include medical details.",
    ),
    "checkin.private_hint": (
        "Dit antwoord blijft privé: alleen jij ziet het.",
        "This answer stays private: only you can see it.",
    ),
    "checkin.controls_hint": (
        "Of typ overslaan, later of stoppen.",
        "Or type skip, later or stop.",
    ),
    "answer.not_an_option": (
        "'{answer}' is geen van de keuzes. Typ een nummer van 1 tot {count}, of de naam van "
        "je keuze.",
        "'{answer}' is not one of the options. Type a number from 1 to {count}, or the name "
        "of your choice.",
    ),
    "answer.shortened": (
        "Je antwoord was langer dan {limit} tekens; ik heb de eerste {limit} bewaard.",
        "Your answer was longer than {limit} characters; I kept the first {limit}.",
    ),
    "topic.shortened": (
        "Je onderwerp was langer dan {limit} tekens; ik heb de eerste {limit} bewaard.",
        "Your topic was longer than {limit} characters; I kept the first {limit}.",
    ),
    "answer.no_longer_open": (
        "Die vraag staat niet meer open; er is niets veranderd.",
        "That question is no longer open; nothing was changed.",
    ),
    "checkin.invalid_scale": (
        "'{answer}' is geen geldig antwoord. Kies een getal van 1 tot 5.",
        "'{answer}' is not a valid answer. Choose a number from 1 to 5.",
    ),
    "checkin.invalid_choice": (
        "'{answer}' is geen geldig antwoord. Kies een nummer van 1 tot {count}.",
        "'{answer}' is not a valid answer. Choose a number from 1 to {count}.",
    ),
    "checkin.invalid_text": (
        "Typ een antwoord, of skip om de vraag over te slaan.",
        "Type an answer, or skip to leave this question out.",
    ),
    "checkin.stale": (
        "Die vraag is al afgehandeld; er is niets veranderd.",
        "That question was already dealt with; nothing was changed.",
    ),
    "checkin.none_open": (
        "Je hebt nu geen check-in openstaan. Typ 'checkin' om er een te starten.",
        "You have no check-in open right now. Type 'checkin' to start one.",
    ),
    "checkin.summary_title": ("Je antwoorden", "Your answers"),
    "checkin.summary_empty": (
        "Je hebt alle vragen overgeslagen.",
        "You skipped every question.",
    ),
    "checkin.private_marker": ("privé", "private"),
    "checkin.skipped": ("overgeslagen", "skipped"),
    "checkin.share_question": (
        "Wil je deze check-in delen met {manager}? Antwoorden over gezondheid blijven "
        "hoe dan ook privé.",
        "Would you like to share this check-in with {manager}? Answers about health stay "
        "private either way.",
    ),
    "checkin.shared": (
        "Gedeeld met {manager}. Dank je wel!",
        "Shared with {manager}. Thank you!",
    ),
    "checkin.not_shared": (
        "Niet gedeeld: je antwoorden zie alleen jij (en ze tellen anoniem mee in "
        "groepscijfers van minstens 5 mensen). Dank je wel!",
        "Not shared: only you see your answers (they count anonymously in group "
        "figures of 5 people or more). Thank you!",
    ),
    "checkin.done_no_manager": (
        "Klaar, dank je wel! Je antwoorden zie alleen jij.",
        "Done, thank you! Only you can see your answers.",
    ),
    "checkin.health_topic_tip": (
        "Wil je het met {manager} hebben over bijvoorbeeld je energie, zonder medische "
        "details? Typ: topic Ik wil het graag hebben over mijn energie",
        "Would you like to talk with {manager} about, say, your energy, without medical "
        "details? Type: topic I'd like to talk about my energy",
    ),
    "checkin.snoozed": (
        "Prima, ik vraag het je opnieuw op {when}.",
        "Fine, I'll ask you again on {when}.",
    ),
    "checkin.reminder": (
        "Een herinnering: je check-in staat nog open. Het kost maar een minuutje.",
        "A reminder: your check-in is still open. It only takes a minute.",
    ),
    "checkin.resumed": (
        "Hier is je check-in weer, waar je gebleven was.",
        "Here is your check-in again, where you left off.",
    ),
    "checkin.stopped": (
        "Gestopt. De antwoorden die je al gaf blijven bewaard en zie alleen jij.",
        "Stopped. The answers you already gave are kept and only you can see them.",
    ),
    "share.yes": ("Ja, delen", "Yes, share"),
    "share.no": ("Nee, privé houden", "No, keep private"),
    "topic.saved": (
        "Genoteerd. {manager} ziet dit onderwerp in het teamoverzicht: {text}",
        "Noted. {manager} will see this topic in the team digest: {text}",
    ),
    "topic.saved_no_manager": (
        "Genoteerd: {text}",
        "Noted: {text}",
    ),
    "topic.empty": (
        "Schrijf het onderwerp achter 'onderwerp', bijvoorbeeld: onderwerp werkdruk in het "
        "voorjaar",
        "Write the topic after 'topic', for example: topic workload in spring",
    ),
    "pause.done": (
        "Gepauzeerd: geen check-ins tot {date}. Typ 'hervat' om eerder te hervatten.",
        "Paused: no check-ins until {date}. Type 'resume' to start again sooner.",
    ),
    "pause.not_a_date": (
        "Geef een datum, bijvoorbeeld: pauze tot 12-4-2027 (dag, maand, jaar) of pauze tot "
        "2027-04-12.",
        "Give a date, for example: pause until 4/12/2027 (month, day, year) or pause until "
        "2027-04-12.",
    ),
    "pause.no_such_day": (
        "De datum {given} bestaat niet (dag, maand, jaar). Kies een dag die bestaat, "
        "bijvoorbeeld: pauze tot 28-2-2027.",
        "The date {given} does not exist (month, day, year). Choose a day that does, for "
        "example: pause until 2/28/2027.",
    ),
    "pause.in_past": (
        "Die datum is al voorbij; kies een dag in de toekomst.",
        "That date has already passed; choose a day in the future.",
    ),
    "pause.too_long": (
        "Een pauze duurt hoogstens een jaar; kies een eerdere datum.",
        "A pause lasts a year at most; choose an earlier date.",
    ),
    "pause.resumed": (
        "Welkom terug: je krijgt weer check-ins.",
        "Welcome back: you will get check-ins again.",
    ),
    "pause.not_paused": (
        "Je check-ins staan niet op pauze.",
        "Your check-ins are not paused.",
    ),
    "home.title": ("Jaarrond", "Jaarrond"),
    "home.paused": ("Gepauzeerd tot {date}.", "Paused until {date}."),
    "home.budget": (
        "Deze maand {separate} losse vragen (hooguit {cap}); {along} meegenomen in een "
        "gesprek dat al liep; uitgesteld: {deferred}.",
        "This month {separate} separate prompts (at most {cap}); {along} asked along in a "
        "conversation already under way; deferred: {deferred}.",
    ),
    "home.budget_none": ("geen", "none"),
    "home.next": ("Volgende check-ins", "Next check-ins"),
    "home.next_none": ("Geen check-ins gepland.", "No check-ins planned."),
    "home.open": ("Lopende check-in", "Check-in in progress"),
    "home.open_line": (
        "{theme}: vraag {n} van {total}. Typ je antwoord of 'later'.",
        "{theme}: question {n} of {total}. Type your answer or 'later'.",
    ),
    "home.answers": ("Je recente antwoorden", "Your recent answers"),
    "home.answers_none": ("Nog geen antwoorden.", "No answers yet."),
    "home.visibility.private": ("privé", "private"),
    "home.visibility.shared": ("gedeeld", "shared"),
    "home.visibility.aggregate": ("alleen jij", "only you"),
    "home.topics": ("Je onderwerpen", "Your topics"),
    "home.topics_none": ("Geen open onderwerpen.", "No open topics."),
    "home.team": ("Je team", "Your team"),
    "home.team_line": (
        "{name}: {answers:gedeeld antwoord|gedeelde antwoorden}, "
        "{topics:open onderwerp|open onderwerpen}",
        "{name}: {answers:shared answer|shared answers}, {topics:open topic|open topics}",
    ),
    "home.schedules": ("Schema's (HR)", "Schedules (HR)"),
    "home.schedules_none": (
        "Nog geen schema's. Maak er een in de beheeromgeving (typ 'beheer').",
        "No schedules yet. Make one in the admin console (type 'admin').",
    ),
    "home.schedule_line": (
        "{id}: {theme}, {cadence}, {state}, volgende {next}",
        "{id}: {theme}, {cadence}, {state}, next {next}",
    ),
    "home.active": ("actief", "active"),
    "home.inactive": ("gepauzeerd", "paused"),
    "home.coach": ("Gesprekstips", "Conversation tips"),
    "home.export": ("Mijn gegevens exporteren", "Export my data"),
    "your_manager": ("je leidinggevende", "your manager"),
    "digest.title": ("Teamoverzicht voor {manager}", "Team digest for {manager}"),
    "digest.no_reports": (
        "Je hebt geen medewerkers in Jaarrond.",
        "You have no reports in Jaarrond.",
    ),
    "digest.nothing_shared": ("nog niets gedeeld", "nothing shared yet"),
    "digest.topics": ("Onderwerpen", "Topics"),
    "digest.shared_answers": ("Gedeelde antwoorden", "Shared answers"),
    "digest.last_value": ("laatst", "latest"),
    "export.title": ("Je gegevens", "Your data"),
    "export.body": (
        "Alles wat Jaarrond over je bewaart, als JSON:",
        "Everything Jaarrond stores about you, as JSON:",
    ),
}
CATALOG = Catalog(_TEXTS)


# What the adapter of every chat platform shows around a message, the same on each.
CHAT_TEXTS = Catalog(
    {
        "asked_again": (
            "Deze vraag staat hieronder opnieuw.",
            "This question is asked again below.",
        ),
        "error": (
            "Er ging iets mis; probeer het zo nog eens.",
            "Something went wrong; please try again in a moment.",
        ),
    }
)


WEEKDAY_NAMES: dict[Locale, tuple[str, ...]] = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES: dict[Locale, tuple[str, ...]] = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

# A chart's month ticks: short enough for twelve to fit under one chart.
MONTH_ABBREVIATIONS: dict[Locale, tuple[str, ...]] = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def format_day(day: date, locale: Locale) -> str:
    """A date as people say it: 'Tuesday 23 March 2027'."""
    weekday = WEEKDAY_NAMES[locale][day.weekday()]
    month = MONTH_NAMES[locale][day.month - 1]
    return f"{weekday} {day.day} {month} {day.year}"


def format_moment(moment: datetime, locale: Locale) -> str:
    """A local moment as people say it: 'Tuesday 23 March at 09:00'."""
    weekday = WEEKDAY_NAMES[locale][moment.weekday()]
    month = MONTH_NAMES[locale][moment.month - 1]
    at = "om" if locale == "nl" else "at"
    return f"{weekday} {moment.day} {month} {at} {moment:%H:%M}"


t = CATALOG.text
