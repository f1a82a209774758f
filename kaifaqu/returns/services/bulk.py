"""Accepting many returns without findings at once (批量审核通过): all or nothing, set-based.

A month of a province is some 200,000 returns, most of them without any finding; accepted one by
one through `return_accept` that is 200,000 transactions of a dozen statements each. Here the
selection (ids, or a filter: zone, park, month) is read once into polars, checked as a whole, and
written in one transaction by a handful of statements, whatever its size:

- the ids go into a temporary table (PostgreSQL: COPY; SQLite: executemany);
- ONE `UPDATE` sets the status of those still submitted and still without findings; if it
  changed fewer rows than were checked (someone decided or re-reviewed one meanwhile), nothing
  is kept;
- ONE `INSERT … SELECT` writes a `ReviewDecision` per return (by, at, the comment);
- the audit log gets one entry per return, as `return_accept`'s save writes one (status
  submitted → accepted, the actor, the request's correlation id), written set-based with
  `additional_data` {"bulk_accept": n}: each return's history says who accepted it, when, and that
  it was one of n accepted together. The decision rows are not logged again: they are the record
  of the decision themselves (by, at), and are never changed;
- the changed (zone, month) pairs are marked once (`returns_changed`): the roll-up follows in the
  background, as after a single acceptance.

The return ledger holds figures only (models/ledger.py): a status change leaves it as it is, so
there is nothing to update (a `ledger_update` of 200,000 keys would rebuild the whole month's
ledger, reading every return of it, for no change).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.frames import insert_frame, queryset_frame, timestamp
from kaifaqu.core.permissions import can_write
from kaifaqu.returns.models import (
    Return,
    ReturnStatus,
    ReviewDecision,
    ReviewDecisionKind,
    ReviewFinding,
)
from kaifaqu.returns.selectors.returns import clean_awaiting_review
from kaifaqu.returns.services.changes import returns_changed
from kaifaqu.returns.services.month_guard import ensure_month_takes_returns

# Ids per read of a given list (SQLite binds at most 32,766 parameters a statement).
READ_CHUNK = 20_000
STAGING = "kfq_bulk_accept"
COLUMNS: dict[str, tuple[Any, Any]] = {
    "id": ("pk", pl.Int64),
    "enterprise_id": ("enterprise_id", pl.Int64),
    "zone_id": ("enterprise__zone_id", pl.Int64),
    "period": ("period", pl.Date),
    "status": ("status", pl.Utf8),
    "name": ("enterprise__name", pl.Utf8),
}


@dataclass(frozen=True)
class Offender:
    """A return that keeps a bulk acceptance from going through, and why."""

    return_id: int
    label: str  # the enterprise and month; only the id for a return the user may not see
    reason: str  # "unknown", "status", "findings"
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.return_id,
            "return": self.label,
            "reason": self.reason,
            "message": self.message,
        }


class BulkAcceptError(ValidationError):
    """Nothing was accepted: each offending return with its reason."""

    def __init__(self, offenders: list[Offender]) -> None:
        self.offenders = offenders
        super().__init__(
            [ValidationError(f"{o.label}: {o.message}", code=o.reason) for o in offenders]
        )


@dataclass(frozen=True)
class BulkAcceptance:
    accepted: int
    months: int  # (zone, month) pairs marked for the roll-up


def _offenders(by: User, ids: list[int]) -> tuple[pl.DataFrame, list[Offender]]:
    """The given returns the user may see, and every one that may not be accepted."""
    findings = ReviewFinding.objects.filter(return_record=OuterRef("pk"))
    frames = []
    for start in range(0, len(ids), READ_CHUNK):
        chunk = ids[start : start + READ_CHUNK]
        queryset = (
            Return.objects.for_user(by).filter(pk__in=chunk).annotate(has_findings=Exists(findings))
        )
        frames.append(
            queryset_frame(queryset, {**COLUMNS, "has_findings": ("has_findings", pl.Boolean)})
        )
    seen = pl.concat(frames)
    offenders: list[Offender] = []
    missing = sorted(set(ids) - set(seen["id"].to_list()))
    for pk in missing:
        # Unknown or someone else's: the same words, so that nothing leaks about others' returns.
        offenders.append(
            Offender(
                pk,
                _("Return %(id)s") % {"id": pk},
                "unknown",
                _("No such return in your scope."),
            )
        )
    for row in seen.sort("id").iter_rows(named=True):
        label = f"{row['name']} {row['period']:%Y-%m}"
        if row["status"] != ReturnStatus.SUBMITTED:
            status = ReturnStatus(row["status"]).label
            offenders.append(
                Offender(
                    row["id"],
                    label,
                    "status",
                    _("it is %(status)s, not awaiting review.") % {"status": str(status).lower()},
                )
            )
        elif row["has_findings"]:
            offenders.append(
                Offender(
                    row["id"],
                    label,
                    "findings",
                    _("it has review findings: decide on it on its own."),
                )
            )
    return seen.drop("has_findings"), offenders


@transaction.atomic
def returns_bulk_accept(
    *,
    by: User,
    return_ids: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
    comment: str = "",
) -> BulkAcceptance:
    """Accept submitted returns without findings, all or none.

    Either `return_ids` (each must be submitted, without findings and in the user's scope: if
    one is not, nothing is accepted and `BulkAcceptError` lists every offender) or `filters`
    (zone, park, period, q: every clean submitted return matching them in the user's scope).
    """
    if not can_write(by, ReviewDecision):
        raise PermissionDenied(_("Only the statistics office reviews returns."))
    if (return_ids is None) == (filters is None):
        raise ValidationError(_("Choose the returns, or a filter, to accept."), code="selection")
    if return_ids is not None:
        ids = sorted({int(pk) for pk in return_ids})
        if not ids:
            raise ValidationError(_("No return was chosen."), code="empty")
        chosen, offenders = _offenders(by, ids)
        if offenders:
            raise BulkAcceptError(offenders)
    else:
        assert filters is not None
        chosen = queryset_frame(clean_awaiting_review(user=by, filters=filters), COLUMNS)
    if chosen.is_empty():
        return BulkAcceptance(accepted=0, months=0)
    # A closed month takes no decision: all or nothing, like every other refusal here.
    ensure_month_takes_returns(
        (zone_id, period)
        for zone_id, period in chosen.select("zone_id", "period").unique().iter_rows()
    )
    now = timezone.now()
    # On a refusal below the transaction is rolled back, the temporary table with it.
    _stage(chosen["id"])
    updated = _update_status(now)
    if updated != chosen.height:
        # Decided, sent back or given a finding since it was read: nothing is kept.
        raise ValidationError(
            _(
                "Some of these returns changed while they were being accepted; nothing was "
                "accepted. Try again."
            ),
            code="changed",
        )
    _insert_decisions(by=by, now=now, comment=comment.strip())
    _drop_stage()
    _log(chosen, by=by, now=now)
    months = returns_changed(
        (zone_id, period)
        for zone_id, period in chosen.select("zone_id", "period").unique().iter_rows()
    )
    return BulkAcceptance(accepted=chosen.height, months=months)


def _stage(ids: pl.Series) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} (id bigint PRIMARY KEY)")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {STAGING} (id) FROM STDIN") as copy:
                copy.write("\n".join(map(str, ids.to_list())) + "\n")
        else:
            cursor.executemany(
                f"INSERT INTO {STAGING} (id) VALUES (%s)", [(pk,) for pk in ids.to_list()]
            )


def _drop_stage() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")


def _update_status(now: datetime) -> int:
    q = connection.ops.quote_name
    table = q(Return._meta.db_table)
    findings = q(ReviewFinding._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {q('status')} = %s, {q('updated_at')} = %s "
            f"WHERE {q('id')} IN (SELECT id FROM {STAGING}) AND {q('status')} = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {findings} f "
            f"WHERE f.{q('return_record_id')} = {table}.{q('id')})",
            [
                ReturnStatus.ACCEPTED.value,
                connection.ops.adapt_datetimefield_value(now),
                ReturnStatus.SUBMITTED.value,
            ],
        )
        return int(cursor.rowcount)


def _insert_decisions(*, by: User, now: datetime, comment: str) -> None:
    q = connection.ops.quote_name
    columns = [
        "return_record_id",
        "kind",
        "comment",
        "by_id",
        "at",
        "explanation_source",
        "explanation_note",
    ]
    # Typed on PostgreSQL: a SELECT list does not take the target columns' types.
    casts = ("::bigint", "::timestamptz") if connection.vendor == "postgresql" else ("", "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(ReviewDecision._meta.db_table)} "
            f"({', '.join(q(c) for c in columns)}) "
            f"SELECT id, %s, %s, %s{casts[0]}, %s{casts[1]}, '', '' FROM {STAGING} ORDER BY id",
            [
                ReviewDecisionKind.ACCEPTED.value,
                comment,
                by.pk,
                connection.ops.adapt_datetimefield_value(now),
            ],
        )


def _log(chosen: pl.DataFrame, *, by: User, now: datetime) -> None:
    """One audit entry per accepted return, as the ORM's save would write it, in bulk."""
    content_type = ContentType.objects.get_for_model(Return)
    changes = json.dumps({"status": [ReturnStatus.SUBMITTED.value, ReturnStatus.ACCEPTED.value]})
    extra = json.dumps({"bulk_accept": chosen.height})
    # The request's address, as auditlog's middleware (or `acting_as`) set it for this request.
    request: dict[str, Any] = auditlog_value.get(None) or {}
    entries = chosen.select(
        pl.lit(content_type.pk).alias("content_type_id"),
        pl.col("id").cast(pl.Utf8).alias("object_pk"),
        pl.col("id").alias("object_id"),
        pl.concat_str([pl.col("name"), pl.col("period").dt.strftime("%Y-%m")], separator=" ").alias(
            "object_repr"
        ),
        pl.lit(int(LogEntry.Action.UPDATE)).alias("action"),
        pl.lit("").alias("changes_text"),
        pl.lit(changes).alias("changes"),
        pl.lit(by.pk).alias("actor_id"),
        pl.lit(get_cid() or uuid.uuid4().hex).alias("cid"),
        timestamp(now).alias("timestamp"),
        pl.lit(extra).alias("additional_data"),
        pl.lit(request.get("remote_addr"), dtype=pl.Utf8).alias("remote_addr"),
    )
    # The rows bypass auditlog's signals (insert_frame): they are written here in its form.
    insert_frame(LogEntry, entries)
