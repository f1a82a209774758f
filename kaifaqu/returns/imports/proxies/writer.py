"""Writing imported proxy figures: compare with what is stored, write only what differs.

A month's tax or electricity list of a zone is thousands of rows, not millions: bulk inserts and
updates through the ORM are enough. They bypass django-auditlog's signals, so the change-log
entries are written here in bulk, in the form auditlog gives them, naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import polars as pl
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from kaifaqu.accounts.models import User
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.models import ProxyFigure, ProxyKind

KEY = ["enterprise_id", "period", "kind"]
CHUNK = 2_000
STORED_SCHEMA = {
    "id": pl.Int64,
    "enterprise_id": pl.Int64,
    "period": pl.Date,
    "kind": pl.Utf8,
    "value|old": pl.Int64,
    "source|old": pl.Utf8,
}


@dataclass(frozen=True)
class Plan:
    created: pl.DataFrame
    updated: pl.DataFrame  # with the stored `id`, `value|old` and `source|old`
    unchanged: int


def stored_figures(figures: pl.DataFrame) -> pl.DataFrame:
    """The stored figures of the file's enterprises and months, values in whole units."""
    if not figures.height:
        return pl.DataFrame(schema=STORED_SCHEMA)
    first, last = figures["period"].min(), figures["period"].max()
    ids = figures["enterprise_id"].unique().to_list()
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), CHUNK):
        rows += ProxyFigure.objects.filter(
            enterprise_id__in=ids[start : start + CHUNK], period__gte=first, period__lte=last
        ).values_list("id", "enterprise_id", "period", "kind", "value", "source")
    return pl.DataFrame(
        [(pk, e, p, k, int(v * 10_000), s) for pk, e, p, k, v, s in rows],
        schema=STORED_SCHEMA,
        orient="row",
    )


def plan(figures: pl.DataFrame, stored: pl.DataFrame) -> Plan:
    joined = figures.join(stored, on=KEY, how="left")
    existing = joined.filter(pl.col("id").is_not_null())
    changed = existing.filter(
        (pl.col("value") != pl.col("value|old"))
        | (pl.col("source_given") & (pl.col("source") != pl.col("source|old")))
    )
    return Plan(
        created=joined.filter(pl.col("id").is_null()).select(figures.columns),
        updated=changed,
        unchanged=existing.height - changed.height,
    )


def _wan(whole: int) -> Decimal:
    """Whole yuan or kWh to the stored 万 with four places, exactly."""
    return Decimal(whole).scaleb(-4).quantize(Decimal("0.0001"))


def write(plan: Plan, *, by: User, now: datetime, file_name: str) -> None:
    created = [
        ProxyFigure(
            enterprise_id=row["enterprise_id"],
            period=row["period"],
            kind=row["kind"],
            value=_wan(row["value"]),
            source=row["source"],
        )
        for row in plan.created.iter_rows(named=True)
    ]
    ProxyFigure.objects.bulk_create(created, batch_size=CHUNK)
    updated = [
        ProxyFigure(pk=row["id"], value=_wan(row["value"]), source=row["source"], updated_at=now)
        for row in plan.updated.iter_rows(named=True)
    ]
    ProxyFigure.objects.bulk_update(updated, ["value", "source", "updated_at"], batch_size=CHUNK)
    _log(plan, created=created, by=by, now=now, file_name=file_name)


def _log(
    plan: Plan, *, created: list[ProxyFigure], by: User, now: datetime, file_name: str
) -> None:
    ids = pl.concat([plan.created["enterprise_id"], plan.updated["enterprise_id"]]).unique()
    names = dict(Enterprise.objects.filter(pk__in=ids.to_list()).values_list("pk", "name"))
    kinds = dict(ProxyKind.choices)
    content_type = ContentType.objects.get_for_model(ProxyFigure)

    def entry(pk: Any, row: dict[str, Any], action: int, changes: dict[str, Any]) -> LogEntry:
        return LogEntry(
            content_type=content_type,
            object_pk=str(pk),
            object_id=pk,
            object_repr=(
                f"{names.get(row['enterprise_id'], '')} {row['period']:%Y-%m} {kinds[row['kind']]}"
            ),
            action=action,
            changes=changes,
            changes_text="",
            actor=by,
            timestamp=now,
            additional_data={"import": file_name},
        )

    entries = [
        entry(
            figure.pk,
            row,
            LogEntry.Action.CREATE,
            {
                "enterprise": ["None", str(row["enterprise_id"])],
                "period": ["None", str(row["period"])],
                "kind": ["None", row["kind"]],
                "value": ["None", str(figure.value)],
                "source": ["None", row["source"]],
            },
        )
        for figure, row in zip(created, plan.created.iter_rows(named=True), strict=True)
    ]
    for row in plan.updated.iter_rows(named=True):
        changes = {}
        if row["value"] != row["value|old"]:
            changes["value"] = [str(_wan(row["value|old"])), str(_wan(row["value"]))]
        if row["source"] != row["source|old"]:
            changes["source"] = [row["source|old"], row["source"]]
        entries.append(entry(row["id"], row, LogEntry.Action.UPDATE, changes))
    LogEntry.objects.bulk_create(entries, batch_size=1_000)
