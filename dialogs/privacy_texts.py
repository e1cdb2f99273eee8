"""Every chat text of the data rights (export, erasure), in Dutch and English."""

from __future__ import annotations

from dialogs.catalog import Catalog

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en). Placeholders use str.format names.
    "export.title": ("Je gegevens", "Your data"),
    "export.attached": (
        "Alles wat Jaarrond over je bewaart staat in het bijgevoegde bestand {filename} "
        "(JSON, leesbaar voor mens en machine).",
        "Everything Jaarrond stores about you is in the attached file {filename} "
        "(JSON, readable by people and machines).",
    ),
    "erase.title": ("Je gegevens wissen", "Erase your data"),
    "erase.ask": (
        "Hiermee wis je alles wat Jaarrond over je bewaart: je antwoorden, onderwerpen, "
        "check-ins en de teksten van je afspraken (je leidinggevende of medewerker ziet alleen "
        "nog dat de gegevens van de andere partij gewist zijn). Dit kan niet ongedaan worden. "
        "Wil je eerst een kopie? Typ dan 'exporteren'.",
        "This erases everything Jaarrond stores about you: your answers, topics, check-ins "
        "and the texts of your agreements (your manager or employee only sees that the other "
        "party's data was erased). This cannot be undone. Want a copy first? Type 'export'.",
    ),
    "erase.question": ("Zeker weten?", "Are you sure?"),
    "erase.button": ("Ja, wis alles", "Yes, erase everything"),
    "erase.keep": ("Nee, niets wissen", "No, erase nothing"),
    "erase.hint": (
        "Typ 1 of 'ja' om alles te wissen, 2 of 'nee' om alles te houden.",
        "Type 1 or 'yes' to erase everything, 2 or 'no' to keep everything.",
    ),
    "erase.kept": (
        "Er is niets gewist; je gegevens blijven zoals ze waren.",
        "Nothing was erased; your data stays as it was.",
    ),
    "erase.done": (
        "Je gegevens zijn gewist. Jaarrond stuurt je geen berichten meer; HR kan je opnieuw "
        "toevoegen als je dat wilt.",
        "Your data was erased. Jaarrond will not message you again; HR can add you again if "
        "you want.",
    ),
    "erase.tombstone": (
        "De gegevens van de andere partij van deze afspraak zijn gewist.",
        "The other party's data of this agreement was erased.",
    ),
}
PRIVACY_CATALOG = Catalog(_TEXTS)


tp = PRIVACY_CATALOG.text


# Both languages, for what is stored once and read by either party.
both = PRIVACY_CATALOG.both
