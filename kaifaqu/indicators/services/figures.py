"""Writes for the figures other offices publish, entered with their source."""

from decimal import Decimal

from kaifaqu.accounts.models import User
from kaifaqu.core.services import model_create, model_update
from kaifaqu.geo.models import Zone
from kaifaqu.indicators.models import ReportedFigure


def reported_figure_record(
    *,
    by: User | None,
    zone: Zone,
    indicator: str,
    year: int,
    value: Decimal,
    source: str,
    months: int = 12,
    source_url: str = "",
) -> ReportedFigure:
    """Enter a figure for a period, or correct the one entered before (the change is audited)."""
    existing = ReportedFigure.objects.filter(
        zone=zone, indicator=indicator, year=year, months=months
    ).first()
    data = {"value": value, "source": source, "source_url": source_url}
    if existing is not None:
        return model_update(instance=existing, fields=data.keys(), data=data, by=by)[0]
    return model_create(
        model=ReportedFigure,
        data={
            "zone": zone,
            "indicator": indicator,
            "year": year,
            "months": months,
            "entered_by": by,
            **data,
        },
        by=by,
    )
