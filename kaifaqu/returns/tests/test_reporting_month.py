"""The reporting month (报告期): who must report, the response rate, 未报, reminders, the close that
refuses while a firm is open, the closed month that takes no return, and the revision."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from kaifaqu.conftest import Personas, World
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise, RosterEntry, StatCategory
from kaifaqu.returns.imports import returns_import
from kaifaqu.returns.models import (
    NonResponseReason,
    NonResponseTreatment,
    ReminderChannel,
    ReportingMonth,
    ReportingMonthStatus,
    Return,
    ReturnStatus,
)
from kaifaqu.returns.selectors.month_firms import month_firms
from kaifaqu.returns.selectors.months import (
    FirmState,
    close_blockers,
    month_firm_states,
    month_progress,
    progress_of,
)
from kaifaqu.returns.services import (
    return_accept,
    return_save,
    return_send_back,
    return_submit,
)
from kaifaqu.returns.services.month_guard import reporting_month_ensure
from kaifaqu.returns.services.months import (
    non_response_record,
    reminder_record,
    reporting_month_close,
    reporting_month_open,
    reporting_month_reopen,
    reporting_months_open_due,
)
from kaifaqu.returns.tests.helpers import firm, stored_return

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


def on_roster(*firms: Enterprise, year: int = 2025, **details: object) -> None:
    RosterEntry.objects.bulk_create(
        RosterEntry(enterprise=each, year=year, category=StatCategory.INDUSTRY, **details)
        for each in firms
    )


@pytest.fixture
def march(world: World, personas: Personas) -> dict[str, Enterprise]:
    """Zone 甲's March 2025: six roster firms (two more enter late or left early)."""
    firms = {
        "accepted": world.ent_a1,  # park 一园
        "waiting": world.ent_a2,  # park 二园
        "sent_back": firm(world.zone_a, 31, park=world.park_a2),
        "silent": firm(world.zone_a, 32, park=world.park_a1, statistics_phone="0349-1234567"),
    }
    on_roster(*firms.values())
    later = firm(world.zone_a, 33, park=world.park_a1)
    gone = firm(world.zone_a, 34, park=world.park_a1)
    on_roster(later, entered_on=date(2025, 4, 1))
    on_roster(gone, exited_on=date(2025, 2, 28), exit_reason="注销")
    firms["later"], firms["gone"] = later, gone
    stored_return(firms["accepted"], MARCH, status=ReturnStatus.ACCEPTED, gross_output=100)
    stored_return(firms["waiting"], MARCH, status=ReturnStatus.SUBMITTED, gross_output=50)
    stored_return(firms["sent_back"], MARCH, status=ReturnStatus.RETURNED, gross_output=70)
    reporting_month_open(by=personas.statistician, zone=world.zone_a, period=MARCH)
    return firms


def march_month(world: World) -> ReportingMonth:
    return ReportingMonth.objects.get(zone=world.zone_a, period=MARCH)


def test_the_response_rate_counts_the_firms_that_must_report_worked_by_hand(
    world: World, march: dict[str, Enterprise]
) -> None:
    progress = month_progress([world.zone_a.pk], Month(2025, 3))[world.zone_a.pk]
    # Four firms must report (one entered in April, one left in February); three returns reached
    # the office (accepted, awaiting review, sent back): 3 / 4 = 75.0 %; one accepted: 25.0 %.
    assert progress.total.expected == 4
    assert progress.total.reached == 3
    assert progress.total.response_rate == Decimal("75.0")
    assert progress.total.acceptance_rate == Decimal("25.0")
    assert progress.total.outstanding == 3
    # By park: 一园 has the accepted firm and the silent one; 二园 the waiting and the sent back.
    one, two = progress.by_park[world.park_a1.pk], progress.by_park[world.park_a2.pk]
    assert (one.expected, one.reached, one.response_rate) == (2, 1, Decimal("50.0"))
    assert (two.expected, two.reached, two.response_rate) == (2, 2, Decimal("100.0"))


def test_the_firms_list_says_each_firms_state_and_how_to_reach_it(
    world: World, personas: Personas, march: dict[str, Enterprise]
) -> None:
    reminder_record(
        by=personas.statistician,
        reporting_month=march_month(world),
        enterprise=march["silent"],
        channel=ReminderChannel.PHONE,
        note="答应周五前报",
    )
    lines = {line.enterprise.pk: line for line in month_firms(march_month(world))}
    assert set(lines) == {firm.pk for key, firm in march.items() if key not in ("later", "gone")}
    assert lines[march["accepted"].pk].state == FirmState.ACCEPTED
    assert lines[march["waiting"].pk].state == FirmState.AWAITING_REVIEW
    assert lines[march["sent_back"].pk].state == FirmState.SENT_BACK
    silent = lines[march["silent"].pk]
    assert (silent.state, silent.reminders) == (FirmState.NOT_STARTED, 1)
    assert silent.enterprise.statistics_phone == "0349-1234567"


def test_the_month_cannot_close_while_a_firm_is_open_and_says_which(
    world: World, personas: Personas, march: dict[str, Enterprise]
) -> None:
    month = march_month(world)
    blockers = close_blockers(month)
    assert len(blockers) == 3  # awaiting review, sent back, not started
    assert any(march["silent"].name in line for line in blockers)
    with pytest.raises(ValidationError) as refused:
        reporting_month_close(by=personas.statistician, reporting_month=month)
    assert march["waiting"].name in " ".join(refused.value.messages)
    assert march_month(world).status == ReportingMonthStatus.OPEN


def test_the_month_closes_once_every_firm_is_accepted_or_recorded_not_reported(
    world: World, personas: Personas, march: dict[str, Enterprise]
) -> None:
    statistician, month = personas.statistician, march_month(world)
    return_accept(by=statistician, return_record=Return.objects.get(enterprise=march["waiting"]))
    for key, reason in (("sent_back", NonResponseReason.SUSPENDED), ("silent", "deregistered")):
        record = non_response_record(
            by=statistician, reporting_month=month, enterprise=march[key], reason=reason
        )
        # A firm that produced nothing counts as nothing (its base of last year stays).
        assert record.treatment == NonResponseTreatment.ZERO
    progress = month_progress([world.zone_a.pk], Month(2025, 3))[world.zone_a.pk].total
    assert (progress.accepted, progress.not_reported, progress.outstanding) == (2, 2, 0)
    closed = reporting_month_close(by=statistician, reporting_month=month)
    assert closed.status == ReportingMonthStatus.CLOSED
    assert closed.closed_by == statistician and closed.closed_at is not None


def test_a_firm_with_an_accepted_or_waiting_return_is_not_recorded_not_reported(
    world: World, personas: Personas, march: dict[str, Enterprise]
) -> None:
    for key in ("accepted", "waiting"):
        with pytest.raises(ValidationError):
            non_response_record(
                by=personas.statistician,
                reporting_month=march_month(world),
                enterprise=march[key],
                reason=NonResponseReason.UNREACHABLE,
            )
    # Nor a firm that does not report this month.
    with pytest.raises(ValidationError):
        non_response_record(
            by=personas.statistician,
            reporting_month=march_month(world),
            enterprise=march["later"],
            reason=NonResponseReason.UNREACHABLE,
        )


def close_march(world: World, personas: Personas, march: dict[str, Enterprise]) -> ReportingMonth:
    statistician, month = personas.statistician, march_month(world)
    return_accept(by=statistician, return_record=Return.objects.get(enterprise=march["waiting"]))
    for key in ("sent_back", "silent"):
        non_response_record(
            by=statistician,
            reporting_month=month,
            enterprise=march[key],
            reason=NonResponseReason.SUSPENDED,
        )
    return reporting_month_close(by=statistician, reporting_month=month)


def test_a_closed_month_takes_no_return_from_the_form_the_review_or_an_import(
    world: World, personas: Personas, march: dict[str, Enterprise]
) -> None:
    close_march(world, personas, march)
    with pytest.raises(ValidationError, match="2025-03"):
        return_save(
            by=personas.statistician,
            enterprise=march["silent"],
            period=MARCH,
            values={"gross_output": Decimal("10")},
        )
    sent_back = Return.objects.get(enterprise=march["sent_back"])
    with pytest.raises(ValidationError, match="2025-03"):
        return_submit(by=personas.statistician, return_record=sent_back)
    # Another month of the zone still takes returns (and opens itself).
    return_save(
        by=personas.statistician,
        enterprise=march["silent"],
        period=date(2025, 4, 1),
        values={"gross_output": Decimal("10")},
    )
    assert ReportingMonth.objects.get(zone=world.zone_a, period=date(2025, 4, 1)).is_open
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["统一社会信用代码", "报告期", "工业总产值(万元)"])
    sheet.append([march["silent"].uscc, "2025-03", 12])
    buffer = BytesIO()
    book.save(buffer)
    result = returns_import(
        by=personas.statistician,
        file=BytesIO(buffer.getvalue()),
        filename="march.xlsx",
    )
    assert [error.row for error in result.errors] == [2]
    assert "2025-03" in result.errors[0].message
    assert not Return.objects.filter(enterprise=march["silent"], period=MARCH).exists()


def test_a_revision_reopens_the_month_and_lets_the_office_send_an_accepted_return_back(
    world: World, personas: Personas, march: dict[str, Enterprise]
) -> None:
    statistician = personas.statistician
    month = close_march(world, personas, march)
    accepted = Return.objects.get(enterprise=march["accepted"])
    with pytest.raises(ValidationError):
        return_send_back(by=statistician, return_record=accepted, comment="产值填错")
    with pytest.raises(ValidationError):
        reporting_month_reopen(by=statistician, reporting_month=month, reason=" ")
    reopened = reporting_month_reopen(
        by=statistician, reporting_month=month, reason="甲一水泥更正3月产值"
    )
    assert (reopened.status, reopened.revision, reopened.in_revision) == ("open", 1, True)
    return_send_back(by=statistician, return_record=accepted, comment="产值填错，请更正")
    accepted.refresh_from_db()
    assert accepted.status == ReturnStatus.RETURNED
    # The firm corrects its own figure; the office accepts it and closes the revision.
    return_save(
        by=personas.reporter,
        enterprise=march["accepted"],
        period=MARCH,
        values={"gross_output": Decimal("90")},
    )
    return_submit(by=personas.reporter, return_record=accepted)
    return_accept(by=statistician, return_record=accepted)
    closed = reporting_month_close(by=statistician, reporting_month=reopened)
    assert (closed.status, closed.revision) == ("closed", 1)


def test_only_the_zones_statistics_office_runs_its_month(
    world: World, personas: Personas, march: dict[str, Enterprise]
) -> None:
    month = march_month(world)
    for persona in (personas.zone_admin, personas.statistician_b, personas.province_viewer):
        with pytest.raises(PermissionDenied):
            reminder_record(
                by=persona,
                reporting_month=month,
                enterprise=march["silent"],
                channel=ReminderChannel.PHONE,
            )
        with pytest.raises(PermissionDenied):
            reporting_month_close(by=persona, reporting_month=month)
    with pytest.raises(PermissionDenied):
        reporting_month_open(by=personas.zone_admin, zone=world.zone_a, period=date(2025, 5, 1))


def test_the_first_return_opens_the_month_with_the_calendars_deadline(world: World) -> None:
    # March 2025: the 5th working day of April 2025, 清明 taking 4–6 April: 1, 2, 3, 7, 8 April.
    month = reporting_month_ensure(zone_id=world.zone_a.pk, period=date(2025, 3, 15))
    assert (month.period, month.deadline, month.status) == (MARCH, date(2025, 4, 8), "open")
    assert reporting_month_ensure(zone_id=world.zone_a.pk, period=MARCH).pk == month.pk


def test_open_due_opens_the_month_being_reported_for_every_zone_with_a_roster(
    world: World,
) -> None:
    on_roster(world.ent_a1, world.ent_b)
    assert reporting_months_open_due(today=date(2025, 4, 3)) == 2
    assert set(ReportingMonth.objects.values_list("zone_id", "period")) == {
        (world.zone_a.pk, MARCH),
        (world.zone_b.pk, MARCH),
    }
    assert reporting_months_open_due(today=date(2025, 4, 20)) == 0


def test_the_month_page_reads_every_state_as_the_count_in_the_database_does(
    world: World, personas: Personas, march: dict[str, Enterprise]
) -> None:
    # The page's one read of the firms (month_firm_states) against the province's count
    # (month_progress, one SQL pass): every state, and what belongs to another month or zone.
    draft = firm(world.zone_a, 35, park=world.park_a2)
    estimated = firm(world.zone_a, 36, park=world.park_a2)
    not_reported = firm(world.zone_a, 37)
    on_roster(draft, estimated, not_reported)
    stored_return(draft, MARCH, status=ReturnStatus.DRAFT, gross_output=1)
    Return.objects.create(
        enterprise=estimated,
        period=MARCH,
        status=ReturnStatus.ACCEPTED,
        is_estimate=True,
        gross_output=Decimal("2"),
    )
    # Accepted in February only, and recorded 未报 in March.
    stored_return(not_reported, date(2025, 2, 1), status=ReturnStatus.ACCEPTED, gross_output=3)
    non_response_record(
        by=personas.statistician,
        reporting_month=march_month(world),
        enterprise=not_reported,
        reason=NonResponseReason.UNREACHABLE,
        treatment=NonResponseTreatment.ZERO,
    )
    # Zone 乙's firm, 未报 in its own March: nothing of it reaches zone 甲's month.
    on_roster(world.ent_b)
    non_response_record(
        by=personas.statistician_b,
        reporting_month=reporting_month_open(
            by=personas.statistician_b, zone=world.zone_b, period=MARCH
        ),
        enterprise=world.ent_b,
        reason=NonResponseReason.SUSPENDED,
    )
    states = {f.enterprise_id: f.state for f in month_firm_states(world.zone_a.pk, Month(2025, 3))}
    assert states == {
        march["accepted"].pk: FirmState.ACCEPTED,
        march["waiting"].pk: FirmState.AWAITING_REVIEW,
        march["sent_back"].pk: FirmState.SENT_BACK,
        march["silent"].pk: FirmState.NOT_STARTED,
        draft.pk: FirmState.DRAFT,
        estimated.pk: FirmState.ESTIMATED,
        not_reported.pk: FirmState.NOT_REPORTED,
    }
    counted = month_progress([world.zone_a.pk], Month(2025, 3))[world.zone_a.pk]
    read = progress_of(world.zone_a.pk, month_firm_states(world.zone_a.pk, Month(2025, 3)))
    assert read.total == counted.total
    assert read.by_park == counted.by_park
