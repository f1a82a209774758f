"""Indicators: figures entered from other offices, price indexes, targets, value-added rates and
the stored indicator table (roll-ups)."""

from kaifaqu.indicators.models.figures import Indicator, ReportedFigure, ReportedFigureQuerySet
from kaifaqu.indicators.models.inputs import (
    IndicatorCode,
    PriceIndex,
    PriceIndexQuerySet,
    Target,
    TargetKind,
    TargetQuerySet,
    indicator_unit,
    industrial_divisions,
)
from kaifaqu.indicators.models.provinces import province_code, province_region_code
from kaifaqu.indicators.models.publication import Publication, PublicationQuerySet
from kaifaqu.indicators.models.rates import ValueAddedRate, ValueAddedRateQuerySet
from kaifaqu.indicators.models.rollups import ZONE_KINDS, IndicatorCell, SliceKind

__all__ = [
    "ZONE_KINDS",
    "Indicator",
    "IndicatorCell",
    "IndicatorCode",
    "PriceIndex",
    "PriceIndexQuerySet",
    "Publication",
    "PublicationQuerySet",
    "ReportedFigure",
    "ReportedFigureQuerySet",
    "SliceKind",
    "Target",
    "TargetKind",
    "TargetQuerySet",
    "ValueAddedRate",
    "ValueAddedRateQuerySet",
    "indicator_unit",
    "industrial_divisions",
    "province_code",
    "province_region_code",
]
