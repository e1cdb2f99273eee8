"""Every text of the HR admin console, in chat and on its pages, in Dutch and English."""

from __future__ import annotations

from dialogs.catalog import Catalog

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en). Placeholders use str.format names.
    # --- chat -----------------------------------------------------------------------------
    "chat.link_title": ("Beheeromgeving", "Admin console"),
    "chat.link": (
        "Open de beheeromgeving met deze link. Hij werkt één keer en verloopt over {minutes} "
        "minuten; deel hem met niemand.\n{url}",
        "Open the admin console with this link. It works once and expires in {minutes} "
        "minutes; do not share it.\n{url}",
    ),
    "chat.refused": (
        "De beheeromgeving is alleen voor HR. Wil je iets aangepast zien, vraag het dan aan "
        "iemand van HR.",
        "The admin console is for HR only. If you would like something changed, please ask "
        "someone in HR.",
    ),
    "chat.unavailable": (
        "De beheeromgeving is op deze installatie niet ingeschakeld.",
        "The admin console is not switched on in this installation.",
    ),
    # --- frame ----------------------------------------------------------------------------
    "app.name": ("Jaarrond beheer", "Jaarrond admin"),
    "app.skip": ("Naar de inhoud", "Skip to content"),
    "nav.label": ("Hoofdmenu", "Main menu"),
    "nav.schedules": ("Schema's", "Schedules"),
    "nav.questions": ("Vragenbanken", "Question banks"),
    "nav.people": ("Mensen", "People"),
    "nav.reports": ("Rapportages", "Reports"),
    "nav.signed_in": ("Ingelogd als {name}", "Signed in as {name}"),
    "nav.logout": ("Uitloggen", "Sign out"),
    "common.save": ("Opslaan", "Save"),
    "common.cancel": ("Annuleren", "Cancel"),
    "common.edit": ("Bewerken", "Edit"),
    "common.yes": ("ja", "yes"),
    "common.no": ("nee", "no"),
    "common.optional": ("optioneel", "optional"),
    "common.errors": ("Nog niet opgeslagen. Los dit eerst op:", "Not saved yet. Fix these first:"),
    "common.saved": ("Opgeslagen.", "Saved."),
    "common.dutch": ("Nederlands", "Dutch"),
    "common.english": ("Engels", "English"),
    # --- sign in --------------------------------------------------------------------------
    "signin.title": ("Inloggen", "Sign in"),
    "signin.body": (
        "Je opent de beheeromgeving van Jaarrond. Klik op de knop om in te loggen; de link "
        "werkt daarna niet meer.",
        "You are opening the Jaarrond admin console. Press the button to sign in; the link "
        "stops working after that.",
    ),
    "signin.button": ("Inloggen", "Sign in"),
    "signin.refused_title": ("Deze link werkt niet (meer)", "This link does not work (any more)"),
    "signin.refused": (
        "De link is al gebruikt of verlopen. Typ 'beheer' in de chat met Jaarrond voor een "
        "nieuwe link.",
        "The link was already used or has expired. Type 'admin' in your chat with Jaarrond "
        "for a new one.",
    ),
    "signin.needed_title": ("Log in via de chat", "Sign in through chat"),
    "signin.needed": (
        "Je bent niet (meer) ingelogd. Typ 'beheer' in de chat met Jaarrond voor een link.",
        "You are not signed in (any more). Type 'admin' in your chat with Jaarrond for a link.",
    ),
    "signout.title": ("Uitgelogd", "Signed out"),
    "signout.body": (
        "Je bent uitgelogd. Typ 'beheer' in de chat om opnieuw in te loggen.",
        "You are signed out. Type 'admin' in the chat to sign in again.",
    ),
    "csrf.title": ("Verzoek geweigerd", "Request refused"),
    "csrf.body": (
        "Dit formulier kwam niet van deze pagina of is verouderd. Laad de pagina opnieuw en "
        "probeer het nog eens.",
        "This form did not come from this page or is out of date. Reload the page and try again.",
    ),
    "answers.title": ("Geen individuele antwoorden", "No individual answers"),
    "answers.body": (
        "De beheeromgeving toont nooit de antwoorden van een persoon; die zijn van de medewerker.",
        "The admin console never shows a person's answers; they belong to the employee.",
    ),
    "notfound.title": ("Niet gevonden", "Not found"),
    # --- schedules ------------------------------------------------------------------------
    "schedules.title": ("Schema's", "Schedules"),
    "schedules.intro": (
        "Welke check-in wie krijgt, hoe vaak en wanneer. Tijden gelden in de tijdzone van "
        "iedere ontvanger.",
        "Which check-in is asked of whom, how often and when. Times apply in each "
        "recipient's own time zone.",
    ),
    "schedules.new": ("Nieuw schema", "New schedule"),
    "schedules.export": ("Exporteren als YAML", "Export as YAML"),
    "schedules.none": ("Nog geen schema's.", "No schedules yet."),
    "schedules.col.id": ("Naam", "Id"),
    "schedules.col.theme": ("Thema", "Theme"),
    "schedules.col.when": ("Wanneer", "When"),
    "schedules.col.audience": ("Voor wie", "Audience"),
    "schedules.col.status": ("Status", "Status"),
    "schedules.col.next": ("Volgende keer per tijdzone", "Next run per time zone"),
    "schedules.col.actions": ("Acties", "Actions"),
    "schedules.active": ("actief", "active"),
    "schedules.paused": ("gepauzeerd", "paused"),
    "schedules.pause": ("Pauzeren", "Pause"),
    "schedules.resume": ("Hervatten", "Resume"),
    "schedules.delete": ("Verwijderen", "Delete"),
    "schedules.preview": ("Voorbeeld", "Preview"),
    "schedules.people": ("{count:persoon|personen}", "{count:person|people}"),
    "schedules.person": ("1 persoon", "1 person"),
    "schedules.nobody": ("niemand", "nobody"),
    "schedules.never": (
        "niet binnen een jaar: elke keer valt op een vrije dag en wordt overgeslagen",
        "not within a year: every time falls on a day off and is skipped",
    ),
    "schedules.audience.all": ("iedereen", "everyone"),
    "schedules.audience.department": ("afdeling {name}", "department {name}"),
    "schedules.audience.emails": ("{count:adres|adressen}", "{count:address|addresses}"),
    "schedules.paused_done": ("Schema '{id}' is gepauzeerd.", "Schedule '{id}' is paused."),
    "schedules.resumed_done": ("Schema '{id}' is hervat.", "Schedule '{id}' is resumed."),
    "schedules.deleted": ("Schema '{id}' is verwijderd.", "Schedule '{id}' was deleted."),
    "schedules.delete_refused": (
        "Schema '{id}' heeft al check-ins gepland en blijft daarom bestaan; pauzeer het in "
        "plaats daarvan.",
        "Schedule '{id}' already planned check-ins, so it stays; pause it instead.",
    ),
    "schedules.id_taken": (
        "schedule '{id}': id is already used by another schedule; pick another id",
        "schedule '{id}': id is already used by another schedule; pick another id",
    ),
    "form.schedule_new": ("Nieuw schema", "New schedule"),
    "form.schedule_edit": ("Schema '{id}' bewerken", "Edit schedule '{id}'"),
    "form.id": ("Naam (id)", "Id"),
    "form.id_hint": (
        "kleine letters, cijfers, - en _, bijvoorbeeld werkdruk-wekelijks",
        "lowercase letters, digits, - and _, for example workload-weekly",
    ),
    "form.theme": ("Thema", "Theme"),
    "form.cadence": ("Hoe vaak", "Cadence"),
    "form.day": ("Dag", "Day"),
    "form.day_hint": (
        "mon … sun; bij monthly en quarterly ook een dagnummer 1-28",
        "mon … sun; for monthly and quarterly also a day number 1-28",
    ),
    "form.time": ("Tijd", "Time"),
    "form.time_hint": ("UU:MM, bijvoorbeeld 09:00", "HH:MM, for example 09:00"),
    "form.audience": ("Voor wie", "Audience"),
    "form.audience_all": ("Iedereen", "Everyone"),
    "form.audience_department": ("Eén afdeling", "One department"),
    "form.audience_emails": ("Deze mensen", "These people"),
    "form.department": ("Afdeling", "Department"),
    "form.emails": ("E-mailadressen (één per regel)", "Email addresses (one per line)"),
    "form.timezone": ("Tijdzone", "Time zone"),
    "form.timezone_hint": (
        "voor wie zelf geen tijdzone heeft, bijvoorbeeld Europe/Amsterdam",
        "for people without one of their own, for example Europe/Amsterdam",
    ),
    "form.locale": ("Taal", "Language"),
    "form.locale_default": ("eigen taal van iedere persoon", "each person's own language"),
    "form.working_days": ("Werkdagen", "Working days"),
    "form.grace": ("Looptijd", "Grace"),
    "form.grace_hint": ("bijvoorbeeld 12h (standaard)", "for example 12h (the default)"),
    "form.remind_after": ("Herinnering na", "Remind after"),
    "form.remind_hint": (
        "bijvoorbeeld 1d (standaard), of off",
        "for example 1d (the default), or off",
    ),
    "form.holidays": ("Feestdagen van land", "Public holidays of country"),
    "form.holidays_hint": ("ISO-code, bijvoorbeeld NL", "ISO code, for example NL"),
    "form.on_day_off": ("Op een vrije dag", "On a day off"),
    "form.on_day_off.next_working_day": (
        "naar de volgende werkdag",
        "move to the next working day",
    ),
    "form.on_day_off.skip": ("overslaan", "skip"),
    "form.active": ("Actief", "Active"),
    "preview.title": ("Voorbeeld van '{id}'", "Preview of '{id}'"),
    "preview.intro": (
        "Zo ziet het eerste bericht eruit voor iemand met deze taal.",
        "This is the first message as a person with this language receives it.",
    ),
    "preview.locale.nl": ("Nederlandstalig", "In Dutch"),
    "preview.locale.en": ("Engelstalig", "In English"),
    "preview.sample_name": ("Sam", "Sam"),
    "preview.buttons": ("Knoppen", "Buttons"),
    "preview.scale": ("1 = {low}, 5 = {high}", "1 = {low}, 5 = {high}"),
    # --- questions ------------------------------------------------------------------------
    "questions.title": ("Vragenbanken", "Question banks"),
    "questions.intro": (
        "Alle vragen per thema, Nederlands en Engels naast elkaar. Vragen van HR zelf staan "
        "erbij en zijn te bewerken.",
        "Every question per theme, Dutch and English side by side. HR's own questions are "
        "included and can be edited.",
    ),
    "questions.add": ("Vraag toevoegen aan {theme}", "Add a question to {theme}"),
    "questions.col.id": ("Vraag", "Question"),
    "questions.col.kind": ("Soort", "Kind"),
    "questions.col.nl": ("Nederlands", "Dutch"),
    "questions.col.en": ("Engels", "English"),
    "questions.col.privacy": ("Privacy", "Privacy"),
    "questions.private": ("alleen medewerker", "employee only"),
    "questions.shareable": ("te delen met leidinggevende", "may be shared with manager"),
    "questions.own": ("van HR", "HR's own"),
    "kind.scale": ("schaal 1-5", "scale 1-5"),
    "kind.choice": ("keuze", "choice"),
    "kind.yes_no": ("ja/nee", "yes/no"),
    "kind.text": ("open tekst", "free text"),
    "form.question_new": ("Nieuwe vraag in {theme}", "New question in {theme}"),
    "form.question_edit": ("Vraag {id} bewerken", "Edit question {id}"),
    "form.topic": ("Onderwerp", "Topic"),
    "form.topic_hint": (
        "kleine letters en _, bijvoorbeeld recovery; 'health' maakt het een gezondheidsvraag",
        "lowercase letters and _, for example recovery; 'health' makes it a health question",
    ),
    "form.kind": ("Soort vraag", "Kind of question"),
    "form.text_nl": ("Vraag in het Nederlands", "Question in Dutch"),
    "form.text_en": ("Vraag in het Engels", "Question in English"),
    "form.low_nl": ("Laagste (1), Nederlands", "Lowest (1), Dutch"),
    "form.low_en": ("Laagste (1), Engels", "Lowest (1), English"),
    "form.high_nl": ("Hoogste (5), Nederlands", "Highest (5), Dutch"),
    "form.high_en": ("Hoogste (5), Engels", "Highest (5), English"),
    "form.options": ("Keuzes (alleen bij soort keuze)", "Options (for kind choice only)"),
    "form.option_value": ("Waarde {n}", "Value {n}"),
    "form.option_nl": ("Keuze {n}, Nederlands", "Option {n}, Dutch"),
    "form.option_en": ("Keuze {n}, Engels", "Option {n}, English"),
    "form.scale_labels": ("Uitersten van de schaal", "Ends of the scale"),
    "form.health": (
        "Gezondheidsvraag: antwoorden blijven bij de medewerker",
        "Health question: answers stay with the employee",
    ),
    "form.visible": (
        "Leidinggevende mag antwoorden zien als de medewerker ze deelt",
        "The manager may see answers when the employee shares them",
    ),
    "form.save_anyway": ("Toch opslaan", "Save anyway"),
    "question.saved": ("Vraag {id} is opgeslagen.", "Question {id} was saved."),
    "question.problem.theme": ("Kies een bestaand thema.", "Choose an existing theme."),
    "question.problem.kind": (
        "Kies een soort: schaal, keuze, ja/nee of open tekst.",
        "Choose a kind: scale, choice, yes/no or free text.",
    ),
    "question.problem.text": (
        "De vraag is nodig in het Nederlands én in het Engels.",
        "The question is needed in Dutch and in English.",
    ),
    "question.problem.topic": (
        "Het onderwerp mag alleen kleine letters, cijfers en _ bevatten.",
        "The topic may only hold lowercase letters, digits and _.",
    ),
    "question.problem.scale": (
        "Een schaalvraag heeft beide uitersten nodig, in beide talen.",
        "A scale question needs both ends, in both languages.",
    ),
    "question.problem.options": (
        "Een keuzevraag heeft minstens twee keuzes nodig, elk met een unieke waarde "
        "(kleine letters, cijfers, _) en een tekst in beide talen.",
        "A choice question needs at least two options, each with a unique value (lowercase "
        "letters, digits, _) and a label in both languages.",
    ),
    "question.problem.health_visible": (
        "Deze vraag gaat (lijkt te gaan) over gezondheid. Antwoorden op gezondheidsvragen "
        "zijn nooit zichtbaar voor leidinggevenden: zet 'Leidinggevende mag antwoorden zien' "
        "uit.",
        "This question is (or looks like it is) about health. Answers to health questions are "
        "never visible to managers: switch off 'The manager may see answers'.",
    ),
    "question.problem.missing": ("Deze vraag bestaat niet.", "This question does not exist."),
    "question.warning.health": (
        "Let op: deze vraag lijkt naar gezondheid te vragen ({words}). Overweeg haar als "
        "gezondheidsvraag te markeren, zodat de antwoorden bij de medewerker blijven.",
        "Note: this question looks like it asks about health ({words}). Consider marking it "
        "as a health question, so the answers stay with the employee.",
    ),
    # --- people ---------------------------------------------------------------------------
    "people.title": ("Mensen", "People"),
    "people.intro": (
        "Wie er in Jaarrond staat, wie HR is en in welke maand het jaargesprek valt. "
        "Antwoorden van personen staan hier nooit.",
        "Who is in Jaarrond, who is HR and in which month each review falls. People's "
        "answers are never shown here.",
    ),
    "people.col.email": ("E-mail", "Email"),
    "people.col.name": ("Naam", "Name"),
    "people.col.manager": ("Leidinggevende", "Manager"),
    "people.col.department": ("Afdeling", "Department"),
    "people.col.hr": ("HR", "HR"),
    "people.col.review": ("Jaargesprek", "Review month"),
    "people.col.left": ("Vertrokken", "Left"),
    "people.col.employment": ("Dienstverband", "Employment"),
    "people.employment.permanent": ("vast", "permanent"),
    "people.employment.temporary": ("tijdelijk", "temporary"),
    "people.employment.agency": ("uitzendkracht", "agency worker"),
    "people.count": ("{count:persoon|personen}", "{count:person|people}"),
    "people.hr_list": ("HR: {names}", "HR: {names}"),
    "import.title": ("Organisatie importeren (CSV)", "Import the organisation (CSV)"),
    "import.intro": (
        "Kolommen zoals bij 'jaarrond org import': email, name, manager_email, department, "
        "locale, timezone, hr, review_month, … Alles of niets: bij één fout wordt niets "
        "opgeslagen.",
        "Columns as for 'jaarrond org import': email, name, manager_email, department, "
        "locale, timezone, hr, review_month, … All or nothing: with one error nothing is "
        "saved.",
    ),
    "import.file": ("CSV-bestand", "CSV file"),
    "import.text": ("Of plak de CSV hier", "Or paste the CSV here"),
    "import.check": ("Controleren (niets opslaan)", "Check (save nothing)"),
    "import.apply": ("Importeren", "Import"),
    "import.errors": (
        "Er is niets geïmporteerd. Los dit eerst op:",
        "Nothing was imported. Fix these first:",
    ),
    "import.empty": ("Kies een bestand of plak CSV-tekst.", "Choose a file or paste CSV text."),
    "import.would": (
        "Controle: {created} nieuw, {updated} gewijzigd, {unchanged} ongewijzigd. Er is nog "
        "niets opgeslagen.",
        "Check: {created} new, {updated} changed, {unchanged} unchanged. Nothing was saved yet.",
    ),
    "import.done": (
        "Geïmporteerd: {created} nieuw, {updated} gewijzigd, {unchanged} ongewijzigd.",
        "Imported: {created} new, {updated} changed, {unchanged} unchanged.",
    ),
    "import.many_refused": (
        "Met dit bestand zouden {n} van de {of} mensen vertrekken. Controleer of het de hele "
        "organisatie is ('Controleren' toont wie er vertrekt) en vink dan hieronder aan dat er "
        "zoveel vertrekken.",
        "This file would make {n} of the {of} people leave. Check that it is the whole "
        "organisation ('Check' lists who leaves), then tick the box below to confirm that so "
        "many leave.",
    ),
    "import.many_leave": (
        "Ja, meer dan de helft van de organisatie vertrekt (anders wordt zo'n bestand geweigerd)",
        "Yes, more than half of the organisation leaves (such a file is refused otherwise)",
    ),
    "import.full": (
        "Het bestand is de hele organisatie: wie er niet in staat, vertrekt (geen check-ins "
        "of berichten meer; gegevens gewist na de bewaartermijn voor vertrekkers)",
        "The file is the whole organisation: whoever is not in it leaves (no more check-ins "
        "or messages; their data is erased after the leavers' retention period)",
    ),
    "import.left": ("Vertrekt ({count}): {emails}", "Leaving ({count}): {emails}"),
    "import.nobody_left": (
        "Niemand vertrekt: iedereen staat in het bestand.",
        "Nobody leaves: everyone is in the file.",
    ),
    "import.returned": (
        "Terug, weer actief ({count}): {emails}",
        "Back, active again ({count}): {emails}",
    ),
    "import.created": ("Nieuw", "New"),
    "import.updated": ("Gewijzigd", "Changed"),
    "import.col.field": ("Veld", "Field"),
    "import.col.before": ("Nu", "Now"),
    "import.col.after": ("Na import", "After the import"),
    # --- reports --------------------------------------------------------------------------
    "reports.title": ("Rapportages", "Reports"),
    "reports.intro": (
        "Alleen groepscijfers. Groepen kleiner dan {min} mensen worden niet getoond: daar "
        "staat 'minder dan {min}'. Gezondheidsantwoorden tellen nergens mee.",
        "Group figures only. Groups of fewer than {min} people are not shown: they read "
        "'fewer than {min}'. Health answers are never counted.",
    ),
    "reports.year": ("Jaar", "Year"),
    "reports.department": ("Afdeling", "Department"),
    "reports.department_hint": (
        "Geldt voor de HR-cijfers en de afspraken; het overzicht voor de ondernemingsraad "
        "gaat altijd over de hele organisatie.",
        "Applies to the HR figures and the agreements; the works-council overview always "
        "covers the whole organisation.",
    ),
    "reports.all_departments": ("Hele organisatie", "Whole organisation"),
    "reports.no_department": ("Zonder afdeling", "No department"),
    "reports.show": ("Tonen", "Show"),
    "reports.hr": (
        "HR-cijfers {year}: deelname en gemiddelden ({scope})",
        "HR figures {year}: participation and averages ({scope})",
    ),
    "reports.no_checkins": (
        "Nog geen check-ins in dit jaar.",
        "No check-ins in this year yet.",
    ),
    "reports.agreements": ("Afspraken {year} ({scope})", "Agreements {year} ({scope})"),
    "reports.works_council": (
        "Overzicht voor de ondernemingsraad {year}",
        "Works-council overview {year}",
    ),
    "reports.works_council_intro": (
        "Cijfers over de hele organisatie. Groepen kleiner dan {min} mensen worden niet "
        "getoond; voor onderwerpen die mensen zelf aandragen is dat {text_min}.",
        "Figures for the whole organisation. Groups of fewer than {min} people are not "
        "shown; for topics people raise themselves the minimum is {text_min}.",
    ),
    "reports.chart_empty": ("Nog niets te tonen.", "Nothing to show yet."),
    "reports.downloads": ("Downloads", "Downloads"),
    "reports.csv": ("HR-cijfers als CSV", "HR figures as CSV"),
    "reports.json": ("HR-cijfers als JSON", "HR figures as JSON"),
    "reports.pdf": ("Overzicht als PDF", "Overview as PDF"),
    "reports.html": ("Overzicht als HTML", "Overview as HTML"),
}
CONSOLE_CATALOG = Catalog(_TEXTS)


tc = CONSOLE_CATALOG.text
