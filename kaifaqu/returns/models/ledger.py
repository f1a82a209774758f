"""The return ledger: a month of returns of a block of enterprises in one row, for reads across
many months.

A province's import of one month compares every row with the twelve months before it (the
review's swings and medians) and with the year's earlier months (1–本月累计). Read from the
returns table that is 2.6 million rows for 200,000 enterprises, several times longer than
reading the file itself. The ledger holds the same figures by month, in blocks of BLOCK
enterprises by id: a month of the province is some 200 rows of 72 KB, read in a fraction of a
second, and an import of a month rewrites only that month's rows (an earlier layout, one row per
enterprise and year, rewrote 768 bytes of every enterprise to change 64 of them).

The ledger is derived, never entered: each row mirrors the figures of its month's returns of the
enterprises with ids from block × BLOCK to block × BLOCK + BLOCK − 1, whatever their status,
estimates (估算) excepted (they are no firm's own history, which review compares with),
packed as BLOCK × LEDGER_FIELDS little-endian int64 in whole units (yuan, kWh, persons); slot
id − block × BLOCK holds enterprise id's figures, NO_VALUE for a figure not given or an
enterprise without a return. It is kept up to date by services/ledger.py, called explicitly by
every service that writes returns (no signals), and can be rebuilt from the returns at any time
(`kfq rollup --all`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import IsFirstOfMonth
from kaifaqu.returns.models.returns import MONTHLY_FIELDS

# The figures kept: every figure of the monthly form, so that the review (which compares the
# summed ones) and the indicator engine's roll-ups (which read them all, employees included) read
# the ledger instead of the returns.
LEDGER_FIELDS: tuple[str, ...] = MONTHLY_FIELDS
# Kept as they are stored (a head count), not × 10,000 like money and electricity.
LEDGER_COUNTS: frozenset[str] = frozenset({"employees"})
# Enterprises per row: 1,024 × 9 figures × 8 bytes = 72 KB, so that a month of a province is a
# few hundred rows and a single saved return rewrites 72 KB.
BLOCK = 1024
NO_VALUE = np.iinfo(np.int64).min
DTYPE = np.dtype("<i8")


class ReturnLedger(models.Model):
    period = models.DateField(_("month"))
    block = models.PositiveIntegerField(_("block of enterprises"))
    figures = models.BinaryField(_("figures of the enterprises"))

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_returnledger"
        verbose_name = _("return ledger")
        verbose_name_plural = _("return ledgers")
        constraints = [
            models.UniqueConstraint(fields=["period", "block"], name="stat_ledger_one_per_block"),
            models.CheckConstraint(
                name="stat_ledger_period_first_of_month",
                condition=IsFirstOfMonth("period"),
                violation_error_message=_("A month is stored as its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.block}"

    def enterprise_figures(self, enterprise_id: int) -> np.ndarray:
        """The figures of one enterprise of the block (LEDGER_FIELDS, NO_VALUE where none)."""
        if enterprise_id // BLOCK != self.block:
            raise ValueError(f"enterprise {enterprise_id} is not in block {self.block}")
        return unpack([bytes(self.figures)])[0][enterprise_id % BLOCK]


def unpack(blobs: list[bytes]) -> list[np.ndarray]:
    """Packed rows → one read-only (BLOCK, len(LEDGER_FIELDS)) array each, over the row's own
    bytes (no copy: a month of a province is 13 MB)."""
    # bytes from SQLite and psycopg; memoryview from other drivers (frombuffer takes either).
    return [np.frombuffer(blob, dtype=DTYPE).reshape(BLOCK, len(LEDGER_FIELDS)) for blob in blobs]


def pack(blocks: Iterable[np.ndarray]) -> list[bytes]:
    """(BLOCK, len(LEDGER_FIELDS)) arrays → one packed value each."""
    return [np.ascontiguousarray(block, dtype=DTYPE).tobytes() for block in blocks]
