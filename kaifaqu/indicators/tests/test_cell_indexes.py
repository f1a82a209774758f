"""A slice's months with cells, latest first (the month an indicator page opens on), are read
through the (slice, month) index: the cells' unique index leads with the month, and PostgreSQL
read the whole table for the province's few cells (61 ms at 400,000 cells; docs/benchmarks.md,
session 12)."""

from datetime import date

import pytest

from kaifaqu.conftest import World
from kaifaqu.core.tests.query_plans import query_plan
from kaifaqu.indicators.models import SliceKind
from kaifaqu.indicators.selectors.publication import slice_months
from kaifaqu.indicators.selectors.slices import Slice
from kaifaqu.indicators.services.rollups import rollup_rebuild
from kaifaqu.indicators.tests.indicator_helpers import three_firms_accepted, unchanged_prices


@pytest.mark.django_db
def test_a_slices_months_are_read_through_the_slice_month_index(world: World) -> None:
    three_firms_accepted(world)
    unchanged_prices(world)
    rollup_rebuild()
    province = Slice(kind=SliceKind.PROVINCE, key=world.zone_a.region.code[:2], label="")
    months = slice_months(province)
    assert list(months)[:2] == [date(2025, 3, 1), date(2025, 2, 1)]
    assert "stat_cell_slice_month" in query_plan(months)
