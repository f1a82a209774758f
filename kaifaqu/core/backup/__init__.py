"""Backup and restore of the whole platform: the database and the documents in one archive.

`kfq backup` and `kfq restore` call `run_backup` and `run_restore`; see docs/operations.md.
"""

from .errors import BackupError
from .run import run_backup, run_restore

__all__ = ["BackupError", "run_backup", "run_restore"]
