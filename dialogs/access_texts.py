"""Every text of access and the audit log ("who viewed my data"), in Dutch and English."""

from __future__ import annotations

from dialogs.catalog import Catalog

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en). Placeholders use str.format names.
    "viewed.title": ("Wie je gegevens heeft ingezien", "Who viewed your data"),
    "viewed.none": (
        "Niemand heeft je gegevens ingezien.",
        "Nobody has viewed your data.",
    ),
    "viewed.intro": (
        "Elke keer dat een leidinggevende of HR je gegevens bekijkt, wordt dat vastgelegd. "
        "De laatste {count}:",
        "Every time a manager or HR views your data, it is recorded. The latest {count}:",
    ),
    "viewed.line": ("{when}: {who}, {what}", "{when}: {who}, {what}"),
    "viewed.operator": ("beheerder (opdrachtregel)", "operator (command line)"),
    "what.digest": (
        "je gedeelde antwoorden in het teamoverzicht",
        "your shared answers in the team digest",
    ),
    "what.home_team": (
        "je aantallen in het teamblok van het overzicht",
        "your counts in the team part of their home view",
    ),
    "what.agreement": ("afspraak #{object}", "agreement #{object}"),
    "what.brief": ("je gespreksvoorbereiding", "your review brief"),
    "what.denied": (
        "probeerde iets van jou te bekijken (geweigerd)",
        "tried to view something of yours (refused)",
    ),
    "what.other": ("{what}", "{what}"),
}
ACCESS_CATALOG = Catalog(_TEXTS)


tx = ACCESS_CATALOG.text
