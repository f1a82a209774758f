"""The data of the home page charts, in the shape `static/kaifaqu/charts.js` draws.

Amounts go out as decimal strings in 亿元 (never floats); the browser converts them for drawing.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from kaifaqu.core.lib.money import MoneyUnit, from_wan
from kaifaqu.dashboard.selectors import ZoneHome

CENT = Decimal("0.01")


def _yi(amount_wan: Decimal) -> str:
    return str(from_wan(amount_wan, MoneyUnit.YI).quantize(CENT, rounding=ROUND_HALF_UP))


def stage_chart(home: ZoneHome) -> dict[str, Any]:
    return {
        "horizontal": False,
        "categories": [row.label for row in home.stages],
        "series": [
            {
                "name": _("Projects"),
                "values": [row.projects for row in home.stages],
                "integer": True,
            },
            {
                "name": _("Total investment (亿元)"),
                "values": [_yi(row.total_investment) for row in home.stages],
                "decimals": 2,
                "axis": 1,
            },
        ],
    }


def park_chart(home: ZoneHome) -> dict[str, Any]:
    categories = [row.park.name for row in home.parks]
    values = [row.tally.enterprises for row in home.parks]
    if home.outside_parks.enterprises:
        categories.append(_("Not in a park"))
        values.append(home.outside_parks.enterprises)
    return {
        "horizontal": True,
        "categories": categories,
        "series": [{"name": _("Enterprises"), "values": values, "integer": True}],
    }
