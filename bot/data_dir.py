"""Where the terminal writes files that hold personal data: exports, briefs, the chat's log.

Never the current directory: run from a checkout, a data export would show up in
`git status`, one `git add .` away from being shared. The default is the per-user data
folder of the operating system; `JAARROND_DATA_DIR` chooses another, outside any checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


class DataDirError(ValueError):
    """The data folder cannot be used; the message says what to change."""


def data_dir(configured: str) -> Path:
    """The data folder, made if missing and readable by its owner only."""
    folder = Path(configured).expanduser() if configured else Path(user_data_dir("jaarrond"))
    folder = folder.resolve()
    checkout = checkout_of(folder)
    if checkout is not None:
        raise DataDirError(
            f"JAARROND_DATA_DIR {folder} is inside the git checkout {checkout}; files there "
            "hold personal data and would show up in git status. Choose a folder outside it."
        )
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    except OSError as exc:
        raise DataDirError(
            f"cannot use {folder} as the data folder ({exc.strerror}); "
            "set JAARROND_DATA_DIR to a folder you can write"
        ) from exc
    return folder


def checkout_of(folder: Path) -> Path | None:
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    return None
