from decimal import Decimal

import pytest

from kaifaqu.enterprises.models import CategoryThreshold, StatCategory
from kaifaqu.enterprises.thresholds import (
    category_for_industry,
    load_category_thresholds,
    revenue_threshold,
    section_of,
)

pytestmark = pytest.mark.django_db


def test_industry_threshold_is_2000_wan_from_2011_and_500_before() -> None:
    assert revenue_threshold(StatCategory.INDUSTRY, "3011", 2025) == Decimal("2000")
    assert revenue_threshold(StatCategory.INDUSTRY, "3011", 2011) == Decimal("2000")
    assert revenue_threshold(StatCategory.INDUSTRY, "3011", 2010) == Decimal("500")
    assert revenue_threshold(StatCategory.INDUSTRY, "3011", 2006) is None


def test_trade_and_catering_thresholds_follow_the_category() -> None:
    assert revenue_threshold(StatCategory.WHOLESALE, "5111", 2025) == Decimal("2000")
    assert revenue_threshold(StatCategory.RETAIL, "5211", 2025) == Decimal("500")
    assert revenue_threshold(StatCategory.ACCOMMODATION, "6110", 2025) == Decimal("200")
    assert revenue_threshold(StatCategory.CATERING, "6210", 2025) == Decimal("200")


def test_construction_and_real_estate_have_no_revenue_threshold() -> None:
    assert revenue_threshold(StatCategory.CONSTRUCTION, "4710", 2025) is None
    assert revenue_threshold(StatCategory.REAL_ESTATE, "7010", 2025) is None


def test_services_thresholds_depend_on_section_and_division() -> None:
    assert revenue_threshold(StatCategory.SERVICES, "5810", 2025) == Decimal("2000")  # G
    assert revenue_threshold(StatCategory.SERVICES, "6510", 2025) == Decimal("2000")  # I
    assert revenue_threshold(StatCategory.SERVICES, "7211", 2025) == Decimal("1000")  # L
    assert revenue_threshold(StatCategory.SERVICES, "7020", 2025) == Decimal("1000")  # K
    assert revenue_threshold(StatCategory.SERVICES, "8010", 2025) == Decimal("500")  # O
    assert revenue_threshold(StatCategory.SERVICES, "8411", 2025) == Decimal("2000")  # 卫生
    assert revenue_threshold(StatCategory.SERVICES, "8510", 2025) == Decimal("500")  # 社会工作
    assert revenue_threshold(StatCategory.SERVICES, "6610", 2025) is None  # J 金融: outside


def test_the_most_specific_scope_wins_and_a_new_version_takes_over() -> None:
    CategoryThreshold.objects.create(
        category=StatCategory.SERVICES,
        industry_scope="5810",
        valid_from=2026,
        threshold_wan=Decimal("3000"),
        source="test",
    )
    CategoryThreshold.objects.filter(category=StatCategory.SERVICES, industry_scope="G").update(
        valid_to=2025
    )
    assert revenue_threshold(StatCategory.SERVICES, "5810", 2025) == Decimal("2000")
    assert revenue_threshold(StatCategory.SERVICES, "5810", 2026) == Decimal("3000")
    assert revenue_threshold(StatCategory.SERVICES, "5411", 2026) is None


def test_loading_the_table_twice_adds_nothing() -> None:
    before = CategoryThreshold.objects.count()
    assert before == 19
    assert load_category_thresholds() == 0
    assert CategoryThreshold.objects.count() == before


def test_category_follows_the_industry_section() -> None:
    assert section_of("3011") == "C"
    assert category_for_industry("0610") == StatCategory.INDUSTRY
    assert category_for_industry("3011") == StatCategory.INDUSTRY
    assert category_for_industry("4411") == StatCategory.INDUSTRY
    assert category_for_industry("4710") == StatCategory.CONSTRUCTION
    assert category_for_industry("5111") == StatCategory.WHOLESALE
    assert category_for_industry("5211") == StatCategory.RETAIL
    assert category_for_industry("6110") == StatCategory.ACCOMMODATION
    assert category_for_industry("6210") == StatCategory.CATERING
    assert category_for_industry("7010") == StatCategory.REAL_ESTATE
    assert category_for_industry("7020") == StatCategory.SERVICES
    assert category_for_industry("6510") == StatCategory.SERVICES
    assert category_for_industry("0111") is None
    assert category_for_industry("6610") is None
