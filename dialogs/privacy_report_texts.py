"""Every text of the privacy report (the information sheet for a works council and a DPIA),
in Dutch and English; each table's own words come from the privacy registry."""

from __future__ import annotations

from dialogs.catalog import Catalog

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en). Placeholders use str.format names.
    "title": ("Jaarrond: wat het vastlegt", "Jaarrond: what it records"),
    "generated": (
        "Gemaakt op {at} uit de draaiende configuratie (profiel {profile}).",
        "Generated at {at} from the running configuration (profile {profile}).",
    ),
    "location": (
        "Waar de gegevens staan: {location}. Back-ups bevatten dezelfde verzegelde waarden en "
        "volgen dezelfde bewaartermijnen (verwijder back-ups die ouder zijn dan de langste "
        "termijn).",
        "Where the data lives: {location}. Backups of it hold the same sealed values and must "
        "follow the same retention periods (delete backups older than the longest period).",
    ),
    "location.sqlite": ("SQLite-bestand {path}", "SQLite file {path}"),
    "location.postgres": (
        "PostgreSQL-database '{name}' op {host}:{port}",
        "PostgreSQL database '{name}' on {host}:{port}",
    ),
    "encryption": (
        "Versleuteling van opgeslagen gegevens: vrije tekst en gezondheidsantwoorden worden "
        "verzegeld met Fernet (AES-128-CBC + HMAC-SHA256), {keys}; de sleutels staan nooit in "
        "de database.",
        "Encryption at rest: free text and health answers are sealed with Fernet "
        "(AES-128-CBC + HMAC-SHA256), {keys}; the keys are never stored in the database.",
    ),
    "keys.set": (
        "{n:sleutel|sleutels} uit JAARROND_DATA_KEYS",
        "{n:key|keys} from JAARROND_DATA_KEYS",
    ),
    "keys.development": (
        "een sleutelbestand voor ontwikkeling (niet voor echte gegevens)",
        "a development key file (not for real data)",
    ),
    "platforms": (
        "Chatplatforms in gebruik: {platforms}. Wat in een chat staat, bewaart dat platform "
        "ook, onder zijn eigen bewaartermijnen.",
        "Chat platforms in use: {platforms}. Messages shown in a chat are also kept by that "
        "platform under its own retention.",
    ),
    "platform.console": ("terminal", "console"),
    "suppressed": (
        "Groepscijfers worden onderdrukt onder {minimum} personen voor scores en "
        "{text_minimum} voor vrije tekst.",
        "Group figures are suppressed below {minimum} people for scores and {text_minimum} "
        "for free text.",
    ),
    "rights": (
        "Iedereen kan 'exporteren' typen (een JSON-bestand met alles wat over die persoon is "
        "opgeslagen) en 'verwijder mijn gegevens'; HR kan beide met "
        "'jaarrond person export|erase EMAIL'.",
        "Every person can type 'export' (a JSON file of everything stored about them) and "
        "'delete my data'; HR can do both with 'jaarrond person export|erase EMAIL'.",
    ),
    "seen_by.intro": (
        "'Wie het ziet' (hieronder) noemt wie een tabel leest via de chat, de beheerconsole "
        "en de rapporten.",
        "Who can see it (below) names who reads a table through the chat, the admin console "
        "and the reports.",
    ),
    "seen_by": ("Wie het ziet", "Who can see it"),
    "retention": ("Bewaartermijn", "Retention"),
    "erasure": ("Bij wissen", "On erasure"),
    "no_personal_data": ("Geen persoonsgegevens.", "No personal data."),
    "column": ("Kolom", "Column"),
    "holds": ("Bevat", "Holds"),
    "encrypted": ("Versleuteld", "Encrypted"),
    "encrypted.yes": ("ja (Fernet)", "yes (Fernet)"),
    "encrypted.no": ("nee", "no"),
    # What erasure does with a table's rows about the person.
    "erase.delete": (
        "de rijen over de persoon worden verwijderd",
        "the rows about the person are deleted",
    ),
    "erase.anonymise": (
        "de rij blijft, de waarden van de persoon worden leeggemaakt",
        "the row stays, the person's values are cleared",
    ),
    "erase.tombstone": (
        "de rij blijft voor de andere partij als grafsteen, de teksten vervangen",
        "the row stays for the other party as a tombstone, its texts replaced",
    ),
    "erase.unlink": (
        "de rij blijft, de persoon wordt eruit gehaald",
        "the row stays, the person is taken out of it",
    ),
    "erase.none": ("gaat niet over een persoon", "not about a person"),
    # How long each kind is kept: a timed kind counts from a moment.
    "retention.answers": (
        "{days} dagen na het antwoord (of de check-in)",
        "{days} days after the answer (or check-in)",
    ),
    "retention.topics": (
        "{days} dagen nadat het onderwerp is ingebracht",
        "{days} days after the topic was raised",
    ),
    "retention.messages": (
        "{days} dagen nadat het bericht is gemaakt, zodra het verzonden is",
        "{days} days after the message was created, once sent",
    ),
    "retention.events": ("{days} dagen na ontvangst", "{days} days after receipt"),
    "retention.forever": (
        "bewaard tot het gewist wordt (geen termijn ingesteld)",
        "kept until erased (no period set)",
    ),
    "retention.person": (
        "zolang de persoon meedoet; geanonimiseerd bij wissen",
        "while the person takes part; anonymised on erasure",
    ),
    "retention.agreement": (
        "zolang beide partijen meedoen; de teksten gewist met de gegevens van een van beide",
        "while both parties take part; texts erased with either party's data",
    ),
    "retention.install": (
        "zolang de app in de werkruimte is geïnstalleerd",
        "while the app is installed in the workspace",
    ),
    "retention.config": ("configuratie; HR past het aan", "configuration; changed by HR"),
    "retention.leavers": (
        "; gewist {days} dagen nadat de persoon als vertrokken is gemarkeerd",
        "; erased {days} days after the person is marked as left",
    ),
}
PRIVACY_REPORT_CATALOG = Catalog(_TEXTS)
sheet_text = PRIVACY_REPORT_CATALOG.text
