"""The Teams app package an admin uploads: manifest with the bot's id, icons, Dutch texts."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "teams"
ICONS = ("color.png", "outline.png")
DEFAULT_URL = "https://example.org/jaarrond"
LOCALIZATION_SCHEMA = "https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.Localization.schema.json"
# The Dutch texts of the app listing; command titles are the Dutch words the bot understands.
DUTCH: dict[str, str] = {
    "name.short": "Jaarrond",
    "name.full": "Jaarrond: het gesprek met je leidinggevende, het hele jaar",
    "description.short": "Korte check-ins die het gesprek met je leidinggevende gaande houden.",
    "description.full": (
        "Jaarrond stelt je korte check-ins in een persoonlijke chat: over je werkbelasting, "
        "je levensfase in je werk en de samenwerking. Jij bepaalt wat je deelt met je "
        "leidinggevende; antwoorden over gezondheid blijven privé. Typ 'hulp' in de chat om "
        "te zien wat Jaarrond kan."
    ),
}
# Teams lists at most ten commands; `skip` is left to the check-in's own buttons and hint.
DUTCH_COMMANDS = (
    ("hulp", "Wat Jaarrond kan"),
    ("home", "Je overzicht: volgende check-ins, antwoorden en onderwerpen"),
    ("checkin", "Start nu een check-in, bijvoorbeeld: checkin workload"),
    ("onderwerp", "Zet een onderwerp op de agenda met je leidinggevende"),
    ("pauze", "Geen check-ins tot een datum, bijvoorbeeld: pauze tot 12-4-2027"),
    ("hervat", "Een pauze beëindigen"),
    ("coach", "Gesprekstips voor wat er nu bij jou speelt"),
    ("stoppen", "Stop de huidige check-in; je antwoorden blijven bewaard"),
    ("overzicht", "Overzicht van je team (voor leidinggevenden)"),
    ("exporteren", "Al je gegevens als JSON"),
)


class PackageError(ValueError):
    """The package cannot be built as asked; the message says why."""


def _fill(node: Any, values: dict[str, str]) -> Any:
    """Replace whole-value placeholders such as "{{APP_ID}}" inside the parsed manifest."""
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str) and node.startswith("{{") and node.endswith("}}"):
        name = node[2:-2]
        if name not in values:
            raise PackageError(f"the manifest template has an unknown placeholder {node}")
        return values[name]
    return node


def _dutch(manifest: dict[str, Any]) -> dict[str, Any]:
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    if len(commands) != len(DUTCH_COMMANDS):
        raise PackageError("the Dutch command list does not match the manifest's commands")
    texts: dict[str, Any] = {"$schema": LOCALIZATION_SCHEMA, **DUTCH}
    for n, (title, description) in enumerate(DUTCH_COMMANDS):
        texts[f"bots[0].commandLists[0].commands[{n}].title"] = title
        texts[f"bots[0].commandLists[0].commands[{n}].description"] = description
    return texts


def build_package(
    app_id: str,
    out_path: Path,
    *,
    website_url: str = DEFAULT_URL,
    privacy_url: str = DEFAULT_URL,
    terms_url: str = DEFAULT_URL,
    template_dir: Path = DEPLOY,
) -> Path:
    """Write the zip to upload in Teams admin (or 'Upload a custom app'); returns its path."""
    try:
        app_id = str(uuid.UUID(app_id.strip()))
    except ValueError as exc:
        raise PackageError(
            f"'{app_id}' is not an app id; use the Microsoft App ID (a GUID) of the Azure Bot"
        ) from exc
    urls = {"WEBSITE_URL": website_url, "PRIVACY_URL": privacy_url, "TERMS_URL": terms_url}
    for name, url in urls.items():
        if not url.startswith("https://"):
            raise PackageError(f"{name.lower()} must be an https:// address, not '{url}'")
    template = json.loads((template_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest = _fill(template, {"APP_ID": app_id, **urls})
    languages = manifest.get("localizationInfo", {}).get("additionalLanguages", [])
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            package.write(template_dir / icon, icon)
        for language in languages:
            if language.get("languageTag") == "nl-nl":
                dutch = json.dumps(_dutch(manifest), indent=2, ensure_ascii=False)
                package.writestr(language["file"], dutch)
    return out_path
