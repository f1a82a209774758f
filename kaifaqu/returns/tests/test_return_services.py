"""Returns from draft to acceptance: the state machine, the review rules at submission, scoping."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import (
    Return,
    ReturnStatus,
    ReviewDecision,
    ReviewDecisionKind,
    StatisticsSettings,
)
from kaifaqu.returns.selectors import return_context, review_queue
from kaifaqu.returns.services import (
    return_accept,
    return_explain,
    return_save,
    return_send_back,
    return_submit,
    statistics_settings_for,
    statistics_settings_update,
)
from kaifaqu.returns.tests.helpers import findings_of, month, stored_return

pytestmark = pytest.mark.django_db

MARCH = month(2025, 3)
FIGURES: dict[str, Decimal | int | None] = {
    "gross_output": Decimal("100"),
    "sales_output": Decimal("95"),
    "employees": 40,
}


def draft(personas: Personas, world: World, **figures: Decimal | int | None) -> Return:
    return return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=MARCH,
        values={**FIGURES, **figures},
    )


def swinging(personas: Personas, world: World) -> Return:
    """A submitted March return 51 % above February: one soft finding."""
    stored_return(world.ent_a1, month(2025, 2), gross_output="100")
    record = draft(personas, world, gross_output=Decimal("151"), sales_output=Decimal("150"))
    return return_submit(by=personas.reporter, return_record=record)


def test_a_reporter_saves_a_draft_of_its_own_enterprise(personas: Personas, world: World) -> None:
    record = draft(personas, world)
    assert (record.status, record.gross_output, record.employees) == (
        ReturnStatus.DRAFT,
        Decimal("100"),
        40,
    )
    again = draft(personas, world, gross_output=Decimal("101.5"))
    assert again.pk == record.pk
    assert Return.objects.get(pk=record.pk).gross_output == Decimal("101.5")


def test_a_day_in_the_month_is_stored_as_its_first_day(personas: Personas, world: World) -> None:
    record = return_save(
        by=personas.reporter, enterprise=world.ent_a1, period=date(2025, 3, 17), values={}
    )
    assert record.period == MARCH


def test_a_reporter_cannot_write_another_enterprises_return(
    personas: Personas, world: World
) -> None:
    with pytest.raises(PermissionDenied):
        return_save(by=personas.reporter, enterprise=world.ent_a2, period=MARCH, values=FIGURES)
    assert not Return.objects.exists()


def test_a_reporter_cannot_submit_another_enterprises_return(
    personas: Personas, world: World
) -> None:
    other = stored_return(world.ent_a2, MARCH, status=ReturnStatus.DRAFT, gross_output="1")
    with pytest.raises(PermissionDenied):
        return_submit(by=personas.reporter, return_record=other)


def test_the_outsider_cannot_write_into_zone_a(personas: Personas, world: World) -> None:
    with pytest.raises(PermissionDenied):
        return_save(by=personas.outsider, enterprise=world.ent_a1, period=MARCH, values=FIGURES)


def test_submission_stores_who_and_when_and_locks_the_return(
    personas: Personas, world: World
) -> None:
    record = return_submit(by=personas.reporter, return_record=draft(personas, world))
    assert record.status == ReturnStatus.SUBMITTED
    assert record.submitted_by == personas.reporter
    assert record.submitted_at is not None
    with pytest.raises(ValidationError):
        draft(personas, world, gross_output=Decimal("1"))
    assert Return.objects.get(pk=record.pk).gross_output == Decimal("100")
    with pytest.raises(ValidationError):
        return_submit(by=personas.reporter, return_record=record)


def test_a_hard_rule_refuses_submission_with_the_message_on_the_field(
    personas: Personas, world: World
) -> None:
    record = draft(personas, world, gross_output=Decimal("100"), sales_output=Decimal("121"))
    with pytest.raises(ValidationError) as refused:
        return_submit(by=personas.reporter, return_record=record)
    assert set(refused.value.message_dict) == {"sales_output"}
    assert Return.objects.get(pk=record.pk).status == ReturnStatus.DRAFT


def test_a_month_before_the_enterprise_existed_cannot_be_submitted(
    personas: Personas, world: World
) -> None:
    world.ent_a1.established_on = date(2025, 4, 2)
    world.ent_a1.save()
    with pytest.raises(ValidationError) as refused:
        return_submit(by=personas.reporter, return_record=draft(personas, world))
    assert set(refused.value.message_dict) == {"__all__"}


def test_submission_stores_the_soft_findings(personas: Personas, world: World) -> None:
    record = swinging(personas, world)
    assert findings_of(record) == {("month_on_month_swing", "gross_output")}


def test_the_statistician_accepts_a_clean_return_and_the_decision_is_audited(
    personas: Personas, world: World
) -> None:
    record = return_submit(by=personas.reporter, return_record=draft(personas, world))
    decision = return_accept(by=personas.statistician, return_record=record, comment="好")
    record.refresh_from_db()
    assert record.status == ReturnStatus.ACCEPTED
    assert (decision.kind, decision.by, decision.comment) == (
        ReviewDecisionKind.ACCEPTED,
        personas.statistician,
        "好",
    )
    decision_log = LogEntry.objects.get_for_object(decision).get()
    assert decision_log.actor == personas.statistician
    status_log = LogEntry.objects.get_for_object(record).order_by("-timestamp").first()
    assert status_log is not None and status_log.actor == personas.statistician
    with pytest.raises(ValidationError):
        draft(personas, world, gross_output=Decimal("1"))


def test_acceptance_with_a_warning_needs_an_explanation(personas: Personas, world: World) -> None:
    record = swinging(personas, world)
    with pytest.raises(ValidationError) as refused:
        return_accept(by=personas.statistician, return_record=record)
    assert set(refused.value.message_dict) == {"explanation"}
    return_explain(by=personas.reporter, return_record=record, explanation="新生产线投产")
    return_accept(by=personas.statistician, return_record=record)
    assert Return.objects.get(pk=record.pk).status == ReturnStatus.ACCEPTED


def test_a_supporting_document_is_enough_to_accept_a_warning(
    personas: Personas, world: World, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    record = swinging(personas, world)
    document = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract", "application/pdf")
    return_explain(by=personas.reporter, return_record=record, explanation="", document=document)
    return_accept(by=personas.statistician, return_record=record)
    assert Return.objects.get(pk=record.pk).status == ReturnStatus.ACCEPTED


def test_an_explanation_given_with_the_draft_is_enough(personas: Personas, world: World) -> None:
    stored_return(world.ent_a1, month(2025, 2), gross_output="100")
    record = return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=MARCH,
        values={"gross_output": Decimal("151")},
        explanation="订单翻番",
    )
    return_submit(by=personas.reporter, return_record=record)
    return_accept(by=personas.statistician, return_record=record)
    assert Return.objects.get(pk=record.pk).status == ReturnStatus.ACCEPTED


def test_send_back_then_edit_then_resubmit(personas: Personas, world: World) -> None:
    record = return_submit(by=personas.reporter, return_record=draft(personas, world))
    with pytest.raises(ValidationError) as refused:
        return_send_back(by=personas.statistician, return_record=record, comment="  ")
    assert set(refused.value.message_dict) == {"comment"}
    decision = return_send_back(
        by=personas.statistician, return_record=record, comment="销售产值请核实"
    )
    assert decision.kind == ReviewDecisionKind.SENT_BACK
    record.refresh_from_db()
    assert record.status == ReturnStatus.RETURNED
    seen = ReviewDecision.objects.filter(
        return_record__in=Return.objects.for_user(personas.reporter)
    )
    assert list(seen.values_list("comment", flat=True)) == ["销售产值请核实"]
    edited = draft(personas, world, sales_output=Decimal("90"))
    assert edited.status == ReturnStatus.RETURNED
    resubmitted = return_submit(by=personas.reporter, return_record=edited)
    assert resubmitted.status == ReturnStatus.SUBMITTED
    assert LogEntry.objects.get_for_object(decision).get().actor == personas.statistician


def test_only_a_submitted_return_is_accepted_or_sent_back(personas: Personas, world: World) -> None:
    record = draft(personas, world)
    with pytest.raises(ValidationError):
        return_accept(by=personas.statistician, return_record=record)
    with pytest.raises(ValidationError):
        return_send_back(by=personas.statistician, return_record=record, comment="x")


@pytest.mark.parametrize("who", ["reporter", "park_user", "outsider", "province_viewer"])
def test_only_the_zones_statistics_office_decides(
    personas: Personas, world: World, who: str
) -> None:
    record = return_submit(by=personas.reporter, return_record=draft(personas, world))
    with pytest.raises(PermissionDenied):
        return_accept(by=getattr(personas, who), return_record=record)
    with pytest.raises(PermissionDenied):
        return_send_back(by=getattr(personas, who), return_record=record, comment="x")
    assert not ReviewDecision.objects.exists()


def test_the_review_queue_shows_submitted_returns_in_scope_with_their_counts(
    personas: Personas, world: World
) -> None:
    record = swinging(personas, world)
    stored_return(world.ent_a2, MARCH, status=ReturnStatus.DRAFT)
    stored_return(world.ent_b, MARCH)
    queue = list(review_queue(user=personas.statistician, filters={"period": "2025-03"}))
    assert [(r.pk, r.soft_findings) for r in queue] == [(record.pk, 1)]  # type: ignore[attr-defined]
    assert list(review_queue(user=personas.outsider, filters={"enterprise": world.ent_a1.pk})) == []


def test_the_context_gives_last_month_last_year_and_the_cumulative(
    personas: Personas, world: World
) -> None:
    stored_return(world.ent_a1, month(2024, 3), gross_output="80", employees="38")
    stored_return(world.ent_a1, month(2025, 1), gross_output="90.5", employees="39")
    stored_return(world.ent_a1, month(2025, 2), gross_output="95", employees="40")
    draft(personas, world)
    context = return_context(user=personas.reporter, enterprise=world.ent_a1, period=MARCH)
    assert context["gross_output"] == {
        "this_month": Decimal("100"),
        "last_month": Decimal("95"),
        "last_year": Decimal("80"),
        "cumulative": Decimal("285.5"),
    }
    assert context["employees"] == {
        "this_month": 40,
        "last_month": 40,
        "last_year": 38,
        "cumulative": None,
    }
    assert context["revenue"]["cumulative"] is None
    with pytest.raises(PermissionDenied):
        return_context(user=personas.reporter, enterprise=world.ent_a2, period=MARCH)


def test_zone_settings_default_until_changed_and_refresh_the_queue(
    personas: Personas, world: World
) -> None:
    assert statistics_settings_for(world.zone_a).pk is None
    record = swinging(personas, world)
    statistics_settings_update(
        by=personas.statistician, zone=world.zone_a, data={"month_on_month_swing_pct": 60}
    )
    assert StatisticsSettings.objects.get(zone=world.zone_a).month_on_month_swing_pct == 60
    assert findings_of(record) == set()
    with pytest.raises(PermissionDenied):
        statistics_settings_update(
            by=personas.outsider, zone=world.zone_a, data={"month_on_month_swing_pct": 10}
        )
    with pytest.raises(PermissionDenied):
        statistics_settings_update(
            by=personas.reporter, zone=world.zone_a, data={"month_on_month_swing_pct": 10}
        )
