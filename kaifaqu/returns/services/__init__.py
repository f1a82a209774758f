"""Writes of the intake, one module per area; import them from here."""

from kaifaqu.returns.services.bulk import BulkAcceptance, BulkAcceptError, returns_bulk_accept
from kaifaqu.returns.services.estimates import estimates_create
from kaifaqu.returns.services.gaps import gap_assign, gap_close, gaps_refresh
from kaifaqu.returns.services.proxies import proxy_figure_record
from kaifaqu.returns.services.returns import (
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
    "BulkAcceptError",
    "BulkAcceptance",
    "estimates_create",
    "gap_assign",
    "gap_close",
    "gaps_refresh",
    "proxy_figure_record",
    "return_accept",
    "return_explain",
    "return_hard_violations",
    "return_save",
    "return_send_back",
    "return_submit",
    "returns_bulk_accept",
    "statistics_settings_for",
    "statistics_settings_update",
]
