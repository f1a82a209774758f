"""The audit trail: append-only (triggers), sealed (HMAC chain), verified and archived.

The trail is django-auditlog's LogEntry (data changes) and accounts' AccessEvent (logins,
failures, exports, refusals, reads of respondent figures, downloads). `kfq audit seal|verify|
archive` (cli/security.py) call `seal_pending`, `verify` and `archive` here.
"""

from kaifaqu.accounts.trail.archive import ArchiveResult, archive
from kaifaqu.accounts.trail.seal import Break, seal_pending, verify
from kaifaqu.accounts.trail.triggers import install_triggers, triggers_present

__all__ = [
    "ArchiveResult",
    "Break",
    "archive",
    "install_triggers",
    "seal_pending",
    "triggers_present",
    "verify",
]
