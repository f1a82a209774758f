"""The return ledger: an enterprise's year of returns in one row, for reads across many months.

A province's import of one month compares every row with the twelve months before it (the
review's swings and medians) and with the year's earlier months (1–本月累计). Read from the
returns table that is 2.6 million rows for 200,000 enterprises, several times longer than
reading the file itself; from the ledger it is two rows per enterprise.

The ledger is derived, never entered: each row mirrors the figures of the enterprise's returns of
one year, whatever their status, packed as 12 months × LEDGER_FIELDS little-endian int64 in whole
units (yuan, kWh), NO_VALUE for a figure not given or a month without a return. It is kept up to
date by services/ledger.py (signals for single saves, explicit calls for bulk writes) and can be
rebuilt from the returns at any time (`kfq rollup --all`).
"""

from __future__ import annotations

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.statistics.models.returns import SUMMED_FIELDS

# The figures kept: those summed into 1–N月 (which include every figure the review compares).
LEDGER_FIELDS: tuple[str, ...] = SUMMED_FIELDS
MONTHS = 12
SLOTS = MONTHS * len(LEDGER_FIELDS)
NO_VALUE = np.iinfo(np.int64).min
DTYPE = np.dtype("<i8")


class ReturnLedger(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
        # The unique (enterprise, year) index serves lookups by enterprise.
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    figures = models.BinaryField(_("figures of the months"))

    class Meta:
        verbose_name = _("return ledger")
        verbose_name_plural = _("return ledgers")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="stat_ledger_one_per_year")
        ]
        indexes = [models.Index(fields=["year"], name="stat_ledger_year")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"

    def months(self) -> np.ndarray:
        """The figures as a (12, len(LEDGER_FIELDS)) array, NO_VALUE where none."""
        return unpack([bytes(self.figures)])[0]


def unpack(blobs: list[bytes]) -> np.ndarray:
    """Packed rows → an array of shape (rows, 12, len(LEDGER_FIELDS))."""
    if not blobs:
        return np.empty((0, MONTHS, len(LEDGER_FIELDS)), dtype=np.int64)
    # bytes from SQLite and psycopg; memoryview from other drivers.
    flat = np.frombuffer(b"".join(blobs), dtype=DTYPE)
    return flat.reshape(len(blobs), MONTHS, len(LEDGER_FIELDS)).astype(np.int64, copy=False)


def pack(months: np.ndarray) -> list[bytes]:
    """An array of shape (rows, 12, len(LEDGER_FIELDS)) → one packed value per row."""
    rows = np.ascontiguousarray(months, dtype=DTYPE).reshape(len(months), SLOTS)
    return [row.tobytes() for row in rows]
