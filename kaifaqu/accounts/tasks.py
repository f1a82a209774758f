"""Background tasks of accounts: sealing the audit trail a few seconds after it is written.

`audit_seal_soon` runs after each commit that wrote an audit row (apps.py). It queues
`audit_seal_task` KFQ_AUDIT_SEAL_DELAY_SECONDS from now unless one is queued and not started yet,
which will seal these rows too: one sealing pass for every audited request of those seconds.
Sealing in the request itself cost each audited request a pass of eight queries under the trail's
lock, for which every other audited request of the platform waited in turn (the load benchmark,
session 12). With a delay of 0, or a task backend that cannot defer, the request seals at once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from kaifaqu.accounts.trail import seal_pending
from kaifaqu.core.tasks import enqueue_deferred

logger = logging.getLogger(__name__)


@task()
def audit_seal_task() -> int:
    return seal_pending(recent_only=True)


def audit_seal_soon() -> None:
    """Seal the rows just committed now or in a few seconds; never fail the user's request
    (unsealed rows are sealed by the next pass, `kfq audit seal` from cron, verify or archive)."""
    try:
        if not enqueue_deferred(audit_seal_task, settings.KFQ_AUDIT_SEAL_DELAY_SECONDS):
            seal_pending(recent_only=True)
    except Exception:
        logger.exception("sealing the audit trail failed; `kfq audit seal` will retry")
