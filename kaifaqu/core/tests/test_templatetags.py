"""The template filters that show amounts stored in 万元."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from kaifaqu.core.templatetags.kfq import count, pct, wan, yi, yi_as_published


def test_yi_shows_wan_in_yi_with_four_places() -> None:
    assert yi(Decimal("45000")) == "4.5000"
    assert yi(Decimal("123456789")) == "12,345.6789"
    assert yi(None) == "—"


def test_wan_shows_wan_with_grouped_thousands() -> None:
    assert wan(Decimal("45000")) == "45,000.00"
    assert wan(Decimal("3000.005")) == "3,000.01"  # half up, not half to even


def test_count_and_pct() -> None:
    assert count(12345) == "12,345"
    assert pct(Decimal("12.25")) == "12.3%"
    assert pct(None) == "—"


@pytest.mark.parametrize(
    ("wan_value", "shown"),
    [
        ("727630", "72.763"),  # GDP 72.763 亿元
        ("966559", "96.6559"),  # fiscal revenue 96.6559 亿元
        ("57730", "5.773"),
        ("188817", "18.8817"),
        ("300000", "30.00"),  # at least two places
        ("12345678.9", "1,234.5679"),  # never more than four (1 万元)
        ("0", "0.00"),
    ],
)
def test_yi_as_published_keeps_the_published_digits_between_two_and_four_places(
    wan_value: str, shown: str
) -> None:
    assert yi_as_published(Decimal(wan_value)) == shown


def test_the_filters_work_in_templates() -> None:
    template = Template(
        "{% load kfq %}{{ v|yi }} {{ v|wan }} {{ v|yi_as_published }} {{ v|count }} {{ v|pct }}"
    )
    assert (
        template.render(Context({"v": Decimal("727630")}))
        == "72.7630 727,630.00 72.763 727,630 727,630.0%"
    )


@pytest.mark.parametrize(
    ("view_name", "statistics", "targets"),
    [
        ("indicators:priceindex-list", "active", ""),
        ("indicators:indicator-table", "", ""),
        ("indicators:target-progress", "", "active"),
        ("indicators:target-list", "", "active"),
        ("indicators:zone-ranking", "", "active"),
    ],
)
def test_a_nav_item_can_leave_out_the_sub_areas_that_have_their_own(
    view_name: str, statistics: str, targets: str
) -> None:
    class Match:
        pass

    class Request:
        resolver_match = Match()

    Request.resolver_match.view_name = view_name  # type: ignore[attr-defined]
    context = Context({"request": Request()})
    tags = "{% load kfq %}"
    left = Template(
        tags
        + "{% nav_active 'indicators:' '!indicators:indicator-' '!indicators:target-' '!indicators:zone-ranking' %}"
    )
    right = Template(tags + "{% nav_active 'indicators:target-' 'indicators:zone-ranking' %}")
    assert (left.render(context), right.render(context)) == (statistics, targets)
