"""The embedded setup's data key file (imported by settings: no Django here)."""

import os
from pathlib import Path

from .envelope import new_key_text


def local_key_file(path: Path) -> str:
    """The embedded setup's key: generated on first use into a file only its owner may read.

    `make run` needs no configuration; production settings never call this (they require
    KFQ_DATA_KEY). Losing the file makes the embedded database's contacts unreadable.
    """
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = new_key_text()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(text + "\n")
    return text
