"""The keys of a row of enterprises' monthly figures: an enterprise of the user's scope and a
month, once per file (returns and the tax and electricity lists)."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.imports.cells import row_errors
from kaifaqu.core.imports.errors import RowError
from kaifaqu.core.imports.headers import MatchedColumn
from kaifaqu.core.imports.reading import ROW
from kaifaqu.core.imports.units import periods_of
from kaifaqu.returns.imports import lookups


def key_rows(
    frame: pl.DataFrame, *, by: User, uscc_column: MatchedColumn, period_column: MatchedColumn
) -> tuple[pl.DataFrame, list[RowError]]:
    """The rows with an enterprise of the user's scope and a month, one per enterprise and month
    (adds `period`, `enterprise_id`, `zone_id`, `industry`, `established_on`), and the errors of the others."""
    errors: list[RowError] = []
    frame = frame.join(periods_of(frame["period_text"]), on="period_text", how="left")
    errors += row_errors(
        frame.filter(pl.col("uscc").fill_null("") == "").select(ROW),
        uscc_column.header,
        "no_uscc",
        lambda row: _("The unified social credit code is missing."),
    )
    errors += row_errors(
        frame.filter(pl.col("period").is_null()).select(ROW, "period_text"),
        period_column.header,
        "period",
        lambda row: (
            _("“%(value)s” is not a month (write 2025-03, 2025年3月 or 202503).")
            % {"value": row["period_text"]}
            if row["period_text"]
            else _("The period is missing.")
        ),
    )
    scope = lookups.enterprises_in_scope(by)
    frame = frame.join(scope, on="uscc", how="left")
    outside = frame.filter((pl.col("uscc").fill_null("") != "") & pl.col("enterprise_id").is_null())
    if outside.height:
        known = lookups.known_usccs(outside["uscc"].unique().to_list())
        errors += row_errors(
            outside.select(ROW, "uscc"),
            uscc_column.header,
            "enterprise",
            lambda row: (
                (
                    _("The enterprise %(uscc)s is outside your scope.")
                    if row["uscc"] in known
                    else _("No enterprise with the code %(uscc)s is registered on the platform.")
                )
                % {"uscc": row["uscc"]}
            ),
        )
    keyed = frame.filter(pl.col("enterprise_id").is_not_null() & pl.col("period").is_not_null())
    first_row = keyed.group_by("enterprise_id", "period").agg(pl.col(ROW).min().alias("first"))
    keyed = keyed.join(first_row, on=["enterprise_id", "period"])
    errors += row_errors(
        keyed.filter(pl.col(ROW) != pl.col("first")).select(ROW, "first", "uscc", "period"),
        period_column.header,
        "duplicate",
        lambda row: (
            _("%(uscc)s already has a row for %(period)s (row %(first)s).")
            % {
                "uscc": row["uscc"],
                "period": row["period"].strftime("%Y-%m"),
                "first": row["first"],
            }
        ),
    )
    return keyed.filter(pl.col(ROW) == pl.col("first")), errors
