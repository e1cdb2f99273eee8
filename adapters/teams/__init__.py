"""Microsoft Teams as a chat platform, through botbuilder's CloudAdapter."""

from adapters.teams.adapter import TeamsAdapter, TeamsConfigError, check_settings
from adapters.teams.cards import render
from adapters.teams.convert import to_inbound
from adapters.teams.references import MemoryReferenceStore, ReferenceStore

__all__ = [
    "MemoryReferenceStore",
    "ReferenceStore",
    "TeamsAdapter",
    "TeamsConfigError",
    "check_settings",
    "render",
    "to_inbound",
]
