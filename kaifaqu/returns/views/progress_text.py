"""A month's counts (`Progress`) written out once, in Python, for the tables that repeat them row
after row: the province's hundred zones, a zone's months, a zone's parks.

Each cell was a `{% blocktranslate %}` with its filters, and the rates an `{% include %}`: the
template engine's lookups for seven cells a row were most of the province's page (docs/
benchmarks.md, session 15). The texts are the templates' own messages (same msgids, same
translations) and numbers go through core.lib.formatting as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from kaifaqu.core.lib.formatting import count_text, percent_text
from kaifaqu.returns.selectors.months import Progress


@dataclass(frozen=True)
class ProgressText:
    firms: str  # the firms that must report: "3,244 家"
    response_rate: str  # "97.3%"
    reached_of: str  # "应报 3,244 家，已报 3,158 家"
    acceptance_rate: str
    accepted_of: str
    not_reported: str  # "12 家"
    estimated: str
    outstanding: str


def progress_text(progress: Progress) -> ProgressText:
    firms = gettext("%(n)s firms")
    expected = count_text(progress.expected)
    return ProgressText(
        firms=firms % {"n": expected},
        response_rate=percent_text(progress.response_rate),
        reached_of=gettext("%(reached)s of %(expected)s firms")
        % {"reached": count_text(progress.reached), "expected": expected},
        acceptance_rate=percent_text(progress.acceptance_rate),
        accepted_of=gettext("%(accepted)s of %(expected)s firms")
        % {"accepted": count_text(progress.accepted), "expected": expected},
        not_reported=firms % {"n": count_text(progress.not_reported)},
        estimated=firms % {"n": count_text(progress.estimated)},
        outstanding=firms % {"n": count_text(progress.outstanding)},
    )
