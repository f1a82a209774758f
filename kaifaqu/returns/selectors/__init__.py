"""Reads of the intake, one module per area."""

from kaifaqu.returns.selectors.returns import (
    clean_awaiting_review,
    return_context,
    returns_with_finding_counts,
    review_queue,
)

__all__ = ["clean_awaiting_review", "return_context", "returns_with_finding_counts", "review_queue"]
