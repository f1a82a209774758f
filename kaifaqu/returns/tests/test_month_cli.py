"""`kfq month`: open the months due, a month's status, its close (refused with the reasons, then
done) and its publication, as a named user."""

from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from kaifaqu.cli import main
from kaifaqu.conftest import Personas, World
from kaifaqu.indicators.models import Publication
from kaifaqu.returns.models import ReportingMonth, ReportingMonthStatus
from kaifaqu.returns.services import return_accept
from kaifaqu.returns.services.months import non_response_record
from kaifaqu.returns.tests.month_fixtures import make_march, march_month, the_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(world: World, personas: Personas) -> dict[str, Any]:
    return make_march(world, personas)


def kfq(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_open_due_opens_last_month_for_the_zones_with_a_roster(
    world: World, march: dict[str, Any]
) -> None:
    result = kfq("month", "open-due", "--today", "2025-04-03")
    # On 3 April the month due is March, open already (the fixture); on 2 May it is April, and
    # zone 甲 has a 2025 roster (zones 乙 and 丙 have none).
    assert result.exit_code == 0, result.output
    assert "0 reporting months opened" in result.output
    result = kfq("month", "open-due", "--today", "2025-05-02")
    assert "1 reporting months opened" in result.output
    assert ReportingMonth.objects.filter(zone=world.zone_a, period=date(2025, 4, 1)).exists()


def test_status_gives_the_hand_worked_rates_and_what_blocks_the_close(
    world: World, march: dict[str, Any]
) -> None:
    result = kfq("month", "status", "--zone", str(world.zone_a.pk), "--month", "2025-03")
    assert result.exit_code == 0, result.output
    assert "response rate 60.0% (3 of 5 firms); accepted 20.0% (1 of 5)" in result.output
    assert "returns due by 2025-04-10" in result.output
    assert "park 一园\t33.3%\t1/3" in result.output
    assert "cannot close:" in result.output and march["silent"].name in result.output


def test_close_is_refused_with_the_reasons_then_done_and_published(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    zone = str(world.zone_a.pk)
    refused = kfq("month", "close", "--zone", zone, "--month", "2025-03", "--as", "statistician")
    assert refused.exit_code == 1
    assert march["waiting"].name in refused.output
    assert march_month(world).status == ReportingMonthStatus.OPEN
    return_accept(by=personas.statistician, return_record=the_return(march["waiting"]))
    for key in ("sent_back", "silent", "draft"):
        non_response_record(
            by=personas.statistician,
            reporting_month=march["month"],
            enterprise=march[key],
            reason="suspended",
        )
    closed = kfq("month", "close", "--zone", zone, "--month", "2025-03", "--as", "statistician")
    assert closed.exit_code == 0, closed.output
    assert march_month(world).status == ReportingMonthStatus.CLOSED
    published = kfq(
        "month", "publish", "--zone", zone, "--month", "2025-03", "--as", "statistician"
    )
    assert published.exit_code == 0, published.output
    assert "published, revision 0" in published.output
    assert Publication.objects.get().published_by == personas.statistician
    again = kfq("month", "publish", "--zone", zone, "--month", "2025-03", "--as", "statistician")
    assert again.exit_code == 1 and "2025-03" in again.output


def test_the_zone_admin_may_not_close_and_another_zone_is_refused(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    zone = str(world.zone_a.pk)
    admin = kfq("month", "close", "--zone", zone, "--month", "2025-03", "--as", "zone_admin")
    assert admin.exit_code == 1 and "Traceback" not in admin.output
    other = kfq("month", "publish", "--zone", zone, "--month", "2025-03", "--as", "statistician_b")
    assert other.exit_code == 1
    assert march_month(world).status == ReportingMonthStatus.OPEN
    assert not Publication.objects.exists()


def test_close_all_closes_and_publishes_every_zone_that_can_close_and_names_the_others(
    world: World, personas: Personas, march: dict[str, Any]
) -> None:
    from kaifaqu.returns.services.months import reporting_month_open

    # Zone 乙's March has no firm that must report: it can close at once; 甲's cannot yet. Each
    # zone's statistician closes the zones of its scope: its own.
    reporting_month_open(by=personas.statistician_b, zone=world.zone_b, period=date(2025, 3, 1))
    first = kfq("month", "close-all", "--month", "2025-03", "--as", "statistician")
    assert first.exit_code == 1
    assert "0 closed, 0 published" in first.output
    assert f"zone {world.zone_a.pk} not closed" in first.output
    assert march["waiting"].name in first.output
    other = kfq("month", "close-all", "--month", "2025-03", "--as", "statistician_b")
    assert other.exit_code == 0, other.output
    assert "1 closed, 1 published" in other.output
    assert march_month(world).status == ReportingMonthStatus.OPEN
    assert list(Publication.objects.values_list("zone_id", flat=True)) == [world.zone_b.pk]
    return_accept(by=personas.statistician, return_record=the_return(march["waiting"]))
    for key in ("sent_back", "silent", "draft"):
        non_response_record(
            by=personas.statistician,
            reporting_month=march["month"],
            enterprise=march[key],
            reason="suspended",
        )
    second = kfq("month", "close-all", "--month", "2025-03", "--as", "statistician")
    assert second.exit_code == 0, second.output
    assert "1 closed, 1 published" in second.output
    assert sorted(Publication.objects.values_list("zone_id", flat=True)) == sorted(
        [world.zone_a.pk, world.zone_b.pk]
    )
    # A statistician's scope is their zone; the zone administrator and the system administrator
    # may not run months at all.
    for username in ("zone_admin", "sysadmin"):
        refused = kfq("month", "close-all", "--month", "2025-03", "--as", username)
        assert refused.exit_code == 1 and "Traceback" not in refused.output
