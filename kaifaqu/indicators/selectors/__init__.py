"""Reads of the indicator pages and API: which slices a user may open (slices.py), the table of
a slice as they may see it (table.py, masked as the roll-up decided: indicators/masking.py), and the enterprises behind a figure
(drill.py, statistics office only)."""

from kaifaqu.indicators.selectors.drill import (
    Contribution,
    DrillDown,
    drillable_indicator,
    indicator_contributions,
)
from kaifaqu.indicators.selectors.publication import (
    PublishedMonths,
    SliceMonth,
    published_months,
    reader_latest_month,
    sees_unpublished,
    slice_month,
)
from kaifaqu.indicators.selectors.slices import (
    Slice,
    SliceGroup,
    default_slice,
    latest_month,
    resolve_slice,
    slice_options,
    split_token,
)
from kaifaqu.indicators.selectors.table import (
    IndicatorRow,
    IndicatorTable,
    indicator_rows,
    period_label,
    sees_everything,
    slice_table,
)

__all__ = [
    "Contribution",
    "DrillDown",
    "IndicatorRow",
    "IndicatorTable",
    "PublishedMonths",
    "Slice",
    "SliceGroup",
    "SliceMonth",
    "default_slice",
    "drillable_indicator",
    "indicator_contributions",
    "indicator_rows",
    "latest_month",
    "period_label",
    "published_months",
    "reader_latest_month",
    "resolve_slice",
    "sees_everything",
    "sees_unpublished",
    "slice_month",
    "slice_options",
    "slice_table",
    "split_token",
]
