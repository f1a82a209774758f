"""Writes of the indicators: entered figures, price indexes, value-added rates and targets,
roll-ups."""

from kaifaqu.indicators.services.figures import reported_figure_record
from kaifaqu.indicators.services.inputs import (
    price_index_create,
    price_index_update,
    target_create,
    target_update,
)
from kaifaqu.indicators.services.rates import value_added_rate_create, value_added_rate_update

__all__ = [
    "price_index_create",
    "price_index_update",
    "reported_figure_record",
    "target_create",
    "target_update",
    "value_added_rate_create",
    "value_added_rate_update",
]
