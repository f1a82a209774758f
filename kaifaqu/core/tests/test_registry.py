"""What a higher app contributes to a lower one (core/registry.py) is registered once."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from kaifaqu.core.registry import Registry
from kaifaqu.core.views.related import RELATED_RECORDS
from kaifaqu.indicators.models import Indicator
from kaifaqu.indicators.sources import COMPUTED_SOURCES


def test_an_entry_is_registered_once_and_kept_in_order() -> None:
    registry: Registry[int] = Registry("numbers")
    registry.register("one", 1)
    registry.register("two", 2)
    with pytest.raises(ImproperlyConfigured, match="'one' is registered already"):
        registry.register("one", 3)
    assert registry.items() == [("one", 1), ("two", 2)]
    assert registry.get("three") is None and "two" in registry


def test_the_higher_apps_fill_the_lower_apps_registries_at_start_up() -> None:
    # projects computes 固定资产投资 for the indicators; enterprises and projects list their
    # records on the pages of geo and enterprises — none of these imports upward.
    assert Indicator.FIXED_ASSET_INVESTMENT in COMPUTED_SOURCES
    assert set(RELATED_RECORDS) == {
        "geo.zone:enterprises",
        "geo.park:enterprises",
        "geo.zone:projects",
        "geo.park:projects",
        "enterprises.enterprise:projects",
    }
