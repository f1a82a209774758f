"""A zone's enterprise list, in name order a page at a time, reads the zone's firms through
their (zone, name) index: through the name index alone PostgreSQL walked a province's 200,000
firms by name until it had found a page of one zone's (45 ms; docs/benchmarks.md, session 12)."""

import pytest

from kaifaqu.conftest import Personas
from kaifaqu.core.tests.query_plans import query_plan
from kaifaqu.enterprises.selectors import enterprise_list

INDEX = "ent_zone_name"


@pytest.mark.django_db
def test_a_zones_page_of_enterprises_in_name_order_is_read_through_the_zone_name_index(
    personas: Personas,
) -> None:
    page = enterprise_list(user=personas.zone_admin)[:50]
    assert [firm.name for firm in page] == sorted(firm.name for firm in page)
    shown = query_plan(page, without_sort=True)
    assert INDEX in shown
    assert "TEMP B-TREE" not in shown.upper()  # SQLite: no sort of the zone's firms
    assert "Sort" not in shown  # PostgreSQL: idem (still planned where no index gives the order)
