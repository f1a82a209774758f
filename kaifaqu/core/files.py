"""Files the platform creates are its account's alone: 0600 files, 0700 folders."""

import os
import stat
from pathlib import Path
from typing import Any

# kfq's start-up umask: files and folders any library creates are private by default.
PRIVATE_UMASK = 0o077


def private_sqlite_files(sender: Any, connection: Any, **_kwargs: Any) -> None:
    """On each new SQLite connection: the database file and its -wal and -shm files to 0600.

    SQLite creates the -wal and -shm files with the database file's permissions, so the file
    is narrowed first; a stat per connection costs next to nothing.
    """
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:":
        return
    for path in (Path(name), Path(name + "-wal"), Path(name + "-shm")):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
