"""Installing the data keys at start.

Apart from the rotation, which loads every table's model: each command installs the keys,
and most never rotate them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.config import Settings
from bot.storage.sealed import generate_key, has_keys, install_keys

log = logging.getLogger(__name__)


def ensure_keys(settings: Settings, *, remind: bool = False) -> None:
    """Install the configured keys; development without keys gets a local key file.

    Production without keys never gets here: the settings refuse to load (see bot.config).
    A process that already holds keys and configures none (a test harness) keeps its own.
    The development key is announced when it is made, and with `remind` (the running bot),
    not by every command.
    """
    if settings.data_keys:
        install_keys(settings.data_keys)
        return
    if has_keys():
        return
    if settings.profile != "development":
        raise RuntimeError("JAARROND_DATA_KEYS is required outside development")
    path = Path(settings.data_key_file)
    made = not path.exists()
    if made:
        path.write_text(generate_key() + "\n", encoding="ascii")
        os.chmod(path, 0o600)
    if made or remind:
        log.warning(
            "development: personal text is sealed with the key in %s; set JAARROND_DATA_KEYS "
            "before real use (a lost key makes sealed data unreadable)",
            path,
        )
    install_keys([path.read_text(encoding="ascii").strip()])
