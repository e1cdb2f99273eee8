"""Every table of Jaarrond in one metadata: import this, not the model modules one by one,
wherever the whole schema is walked (migrations, backup, erasure, key rotation, privacy)."""

from __future__ import annotations

from bot.storage import (  # noqa: F401  (their tables join Base.metadata)
    agreement_models,
    audit_models,
    console_models,
    dialogue_models,
    drift_models,
    slack_channels,
    teams_references,
)
from bot.storage.models import Base

metadata = Base.metadata
