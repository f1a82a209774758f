"""Importing a roster (名录) file: all or nothing, every bad row with its row and reason.

The file is read by the import framework (`core.imports`: bounded, headers matched tolerantly);
`write` checks every row (the USCC and the name against the registered enterprise, in the user's
scope; year, category, kind of entry, dates, an exit's reason; one row per enterprise, year and
category), and only when none is wrong hands the entries to `roster_entries_import`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from kaifaqu.core.imports import ImportKind, ImportPage
from kaifaqu.enterprises.imports.spec import ROSTERS, TEMPLATE
from kaifaqu.enterprises.imports.writer import write

__all__ = ["ROSTERS_IMPORT", "rosters_import"]

ROSTERS_IMPORT = ImportKind(
    kind="rosters",
    spec=ROSTERS,
    write=write,
    # The statistics office's, as every write of the rosters (enterprises.rosterentry).
    action="enterprises.import_rosters",
    refusal=gettext_lazy("You may not import rosters."),
    template=TEMPLATE,
    template_url="enterprises:roster-import-template",
    units=(),  # a roster holds no money
    phases={},
    page=ImportPage(
        title=gettext_lazy("Import a roster"),
        pretitle=gettext_lazy("Rosters"),
        pretitle_url="enterprises:roster-list",
        help=gettext_lazy(
            "One row per enterprise, year and category of the statistical roster (名录): "
            "统一社会信用代码, 单位详细名称 (checked against the code's enterprise), 名录年份, "
            "名录类别 (规上工业… or its code), 入库方式 (年度 or 新开业月度入库), 入库日期, "
            "退库日期 and 退库原因. Headers are matched whatever their spacing or brackets; "
            "unknown columns are ignored."
        ),
        done=gettext_lazy(
            "%(rows)s rows read: %(created)s entries created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        ),
        done_link=("enterprises:roster-list", gettext_lazy("Rosters")),
    ),
)
# rosters_import(*, by, file, filename): import a roster file; nothing is written when any row
# is wrong. `by` None is the platform itself; a person must be of the statistics office, and
# only enterprises in their scope may be named.
rosters_import = ROSTERS_IMPORT.run
