"""Review (审核) of monthly returns: hard rules that block, soft rules that need an explanation.

The rules are in `rules.py` (one registry, `RULES`); this package runs them on batches:
`hard_violations` on candidate returns (before anything is written), `review_returns` on stored
returns (their soft findings), and `finding_message` renders a finding for a person.
"""

from kaifaqu.returns.review.engine import hard_violations, returns_in_hand, review_returns
from kaifaqu.returns.review.messages import finding_message
from kaifaqu.returns.review.rules import RULES, RULES_BY_CODE, Rule

__all__ = [
    "RULES",
    "RULES_BY_CODE",
    "Rule",
    "finding_message",
    "hard_violations",
    "returns_in_hand",
    "review_returns",
]
