"""Every text table is a Catalog, complete in Dutch and English, filled one way."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import adapters
import dialogs
from dialogs.catalog import Catalog, placeholders


def _catalogs() -> dict[str, Catalog]:
    """Every Catalog a module of dialogs or adapters holds, by each name it has there; found
    rather than listed, so a new catalog is checked without editing this test."""
    found: dict[str, Catalog] = {}
    for package in (dialogs, adapters):
        for module_info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(module_info.name)
            for name, value in vars(module).items():
                if isinstance(value, Catalog):
                    found[f"{module_info.name}.{name}"] = value
    return found


CATALOGS = _catalogs()
# Each catalog once, by the first name it was found under (others import it).
DISTINCT = {id(catalog): name for name, catalog in reversed(sorted(CATALOGS.items()))}


def test_the_texts_of_every_part_are_found() -> None:
    modules = {name.rsplit(".", 1)[0] for name in CATALOGS}
    assert {
        "dialogs.texts",
        "dialogs.access_texts",
        "dialogs.agreement_texts",
        "dialogs.console_texts",
        "dialogs.digest_texts",
        "dialogs.privacy_texts",
        "dialogs.report_texts",
        "dialogs.agency",
        "adapters.slack.blocks",
        "adapters.teams.cards",
    } <= modules
    assert len(DISTINCT) >= 10


@pytest.mark.parametrize("name", sorted(DISTINCT.values()))
def test_every_key_has_dutch_and_english_with_the_same_placeholders(name: str) -> None:
    assert CATALOGS[name].problems() == []


def test_a_missing_language_or_a_lost_placeholder_is_reported() -> None:
    catalog = Catalog(
        {
            "fine": ("Hallo {name}", "Hello {name}"),
            "lost": ("Nog {n:dag|dagen}", "Days left"),
            "empty": ("Leeg", " "),
            "short": ("Alleen Nederlands",),  # type: ignore[dict-item]
        }
    )
    assert catalog.problems() == [
        "lost: placeholders differ, nl ['n'] and en []",
        "empty: needs a text in each of nl, en",
        "short: needs a text in each of nl, en",
    ]


def test_a_text_is_filled_in_the_readers_language_with_counted_nouns() -> None:
    catalog = Catalog({"left": ("Nog {n:dag|dagen} voor {who}", "{n:day|days} left for {who}")})
    assert catalog.text("left", "nl", n=1, who="Anna") == "Nog 1 dag voor Anna"
    assert catalog.text("left", "en", n=3, who="Anna") == "3 days left for Anna"
    assert catalog.both("left", n=2, who="Bram") == "Nog 2 dagen voor Bram / 2 days left for Bram"
    assert catalog.every_language("left", n=1, who="C") == ["Nog 1 dag voor C", "1 day left for C"]


def test_a_text_without_values_is_shown_as_written() -> None:
    # Typed braces in a stored label must not be taken for placeholders.
    catalog = Catalog({"what": ("{what}", "{what}")})
    assert catalog.text("what", "nl") == "{what}"
    assert catalog["what"] == ("{what}", "{what}") and "what" in catalog and len(catalog) == 1


def test_placeholders_are_named_without_format_or_plural_forms() -> None:
    assert placeholders("{n:dag|dagen} voor {person.name} om {at:%H:%M}") == {"n", "person", "at"}
    assert placeholders("geen") == frozenset()
