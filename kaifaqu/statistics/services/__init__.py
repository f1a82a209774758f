"""Writes for statistics, one module per area; import them from here."""

from kaifaqu.statistics.services.figures import reported_figure_record
from kaifaqu.statistics.services.gaps import gap_assign, gap_close, gaps_refresh
from kaifaqu.statistics.services.indicators import (
    price_index_create,
    price_index_update,
    target_create,
    target_update,
)
from kaifaqu.statistics.services.proxies import proxy_figure_record
from kaifaqu.statistics.services.returns import (
    return_accept,
    return_explain,
    return_hard_violations,
    return_save,
    return_send_back,
    return_submit,
    statistics_settings_for,
    statistics_settings_update,
)

__all__ = [
    "gap_assign",
    "gap_close",
    "gaps_refresh",
    "price_index_create",
    "price_index_update",
    "proxy_figure_record",
    "reported_figure_record",
    "return_accept",
    "return_explain",
    "return_hard_violations",
    "return_save",
    "return_send_back",
    "return_submit",
    "statistics_settings_for",
    "statistics_settings_update",
    "target_create",
    "target_update",
]
