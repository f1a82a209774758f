"""Review that always ends: the office records where a warning's explanation came from; it never
changes what the enterprise reported (联网直报's 四条红线)."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaifaqu.conftest import Personas, World
from kaifaqu.returns.models import (
    ExplanationSource,
    Return,
    ReturnSource,
    ReturnStatus,
    ReviewDecision,
    ReviewFinding,
    Severity,
)
from kaifaqu.returns.services import (
    return_accept,
    return_explain,
    return_save,
    return_send_back,
    return_submit,
)
from kaifaqu.returns.tests.helpers import month, stored_return

pytestmark = pytest.mark.django_db

MARCH = month(2025, 3)


def swinging(personas: Personas, world: World) -> Return:
    """The enterprise's own March return, 51 % above February: one warning, no explanation."""
    stored_return(world.ent_a1, month(2025, 2), gross_output="100")
    record = return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=MARCH,
        values={"gross_output": Decimal("151"), "sales_output": Decimal("150")},
    )
    record = return_submit(by=personas.reporter, return_record=record)
    assert set(record.findings.values_list("severity", flat=True)) == {Severity.SOFT}
    return record


@pytest.mark.parametrize(
    "source",
    [
        ExplanationSource.PHONE,
        ExplanationSource.VISIT,
        ExplanationSource.PROXY_DATA,
        ExplanationSource.OTHER,
    ],
)
def test_the_statistician_accepts_a_warning_with_the_explanation_the_office_found(
    personas: Personas, world: World, source: str
) -> None:
    record = swinging(personas, world)
    decision = return_accept(
        by=personas.statistician,
        return_record=record,
        explanation_source=source,
        explanation_note="  3月新生产线投产，电话核实属实  ",
    )
    stored = Return.objects.get(pk=record.pk)
    assert stored.status == ReturnStatus.ACCEPTED
    assert (decision.explanation_source, decision.explanation_note) == (
        source,
        "3月新生产线投产，电话核实属实",
    )
    # The enterprise's figures and its (empty) explanation are as it gave them.
    assert (stored.gross_output, stored.explanation) == (Decimal("151"), "")


def test_the_audit_entry_of_the_decision_holds_the_source_and_the_note(
    personas: Personas, world: World
) -> None:
    record = swinging(personas, world)
    decision = return_accept(
        by=personas.statistician,
        return_record=record,
        explanation_source=ExplanationSource.PROXY_DATA,
        explanation_note="税务开票额同比增长48%",
    )
    entry = LogEntry.objects.get_for_object(decision).get()
    assert entry.actor == personas.statistician
    assert entry.changes_dict["explanation_source"][1] == "proxy_data"
    assert entry.changes_dict["explanation_note"][1] == "税务开票额同比增长48%"


def test_a_source_needs_the_offices_note_and_a_note_its_source(
    personas: Personas, world: World
) -> None:
    record = swinging(personas, world)
    with pytest.raises(ValidationError) as refused:
        return_accept(by=personas.statistician, return_record=record, explanation_source="phone")
    assert set(refused.value.message_dict) == {"explanation_note"}
    with pytest.raises(ValidationError) as refused:
        return_accept(by=personas.statistician, return_record=record, explanation_note="核实")
    assert set(refused.value.message_dict) == {"explanation_source"}
    with pytest.raises(ValidationError) as refused:
        return_accept(
            by=personas.statistician,
            return_record=record,
            explanation_source="rumour",
            explanation_note="x",
        )
    assert set(refused.value.message_dict) == {"explanation_source"}
    assert Return.objects.get(pk=record.pk).status == ReturnStatus.SUBMITTED
    assert not ReviewDecision.objects.exists()


def test_without_any_explanation_a_warning_still_blocks(personas: Personas, world: World) -> None:
    record = swinging(personas, world)
    with pytest.raises(ValidationError) as refused:
        return_accept(by=personas.statistician, return_record=record)
    assert set(refused.value.message_dict) == {"explanation"}
    with pytest.raises(ValidationError) as refused:
        return_accept(
            by=personas.statistician,
            return_record=record,
            explanation_source=ExplanationSource.ENTERPRISE,
        )
    assert set(refused.value.message_dict) == {"explanation_source"}
    assert not ReviewDecision.objects.exists()


def test_the_enterprises_own_note_is_recorded_as_the_source(
    personas: Personas, world: World
) -> None:
    record = swinging(personas, world)
    return_explain(by=personas.reporter, return_record=record, explanation="订单翻番")
    decision = return_accept(by=personas.statistician, return_record=record)
    assert (decision.explanation_source, decision.explanation_note) == ("enterprise", "")
    assert Return.objects.get(pk=record.pk).explanation == "订单翻番"


def test_a_clean_return_records_no_source(personas: Personas, world: World) -> None:
    record = stored_return(world.ent_a1, MARCH, gross_output="100")
    decision = return_accept(by=personas.statistician, return_record=record)
    assert (decision.explanation_source, decision.explanation_note) == ("", "")


def test_a_hard_finding_blocks_whatever_the_office_explains(
    personas: Personas, world: World
) -> None:
    record = stored_return(world.ent_a1, MARCH, gross_output="100", sales_output="150")
    ReviewFinding.objects.create(
        return_record=record,
        rule="sales_above_output",
        severity=Severity.HARD,
        field="sales_output",
    )
    with pytest.raises(ValidationError) as refused:
        return_accept(
            by=personas.statistician,
            return_record=record,
            explanation_source=ExplanationSource.VISIT,
            explanation_note="实地核查",
        )
    assert refused.value.code == "hard_finding"
    assert Return.objects.get(pk=record.pk).status == ReturnStatus.SUBMITTED


def test_only_an_acceptance_records_an_explanation(personas: Personas, world: World) -> None:
    record = stored_return(world.ent_a1, MARCH, gross_output="100")
    decision = return_send_back(by=personas.statistician, return_record=record, comment="请核实")
    decision.explanation_source = ExplanationSource.PHONE
    decision.explanation_note = "x"
    with pytest.raises(ValidationError):
        decision.full_clean()


# --- 四条红线: the office never changes what the enterprise reported ---------------------------


@pytest.mark.parametrize("status", [ReturnStatus.DRAFT, ReturnStatus.RETURNED])
@pytest.mark.parametrize("source", [ReturnSource.WEB, ReturnSource.API])
def test_the_office_cannot_change_the_figures_an_enterprise_reported(
    personas: Personas, world: World, status: str, source: str
) -> None:
    record = stored_return(world.ent_a1, MARCH, status=status, gross_output="151")
    Return.objects.filter(pk=record.pk).update(source=source, explanation="企业说明")
    for office in (personas.statistician, personas.sysadmin):
        with pytest.raises(PermissionDenied):
            return_save(
                by=office,
                enterprise=world.ent_a1,
                period=MARCH,
                values={"gross_output": Decimal("100")},
                explanation="统计局改写",
            )
    stored = Return.objects.get(pk=record.pk)
    assert (stored.gross_output, stored.explanation, stored.source) == (
        Decimal("151"),
        "企业说明",
        source,
    )


@pytest.mark.parametrize("status", [ReturnStatus.SUBMITTED, ReturnStatus.RETURNED])
def test_the_office_cannot_change_the_enterprises_explanation(
    personas: Personas, world: World, status: str
) -> None:
    record = stored_return(world.ent_a1, MARCH, status=status, gross_output="151")
    Return.objects.filter(pk=record.pk).update(source=ReturnSource.WEB, explanation="企业说明")
    with pytest.raises(PermissionDenied):
        return_explain(by=personas.statistician, return_record=record, explanation="统计局改写")
    assert Return.objects.get(pk=record.pk).explanation == "企业说明"


def test_a_return_sent_back_is_corrected_by_the_enterprise(
    personas: Personas, world: World
) -> None:
    record = swinging(personas, world)
    return_send_back(by=personas.statistician, return_record=record, comment="产值请核实")
    corrected = return_save(
        by=personas.reporter,
        enterprise=world.ent_a1,
        period=MARCH,
        values={"gross_output": Decimal("120")},
        explanation="原填报有误",
    )
    assert (corrected.gross_output, corrected.explanation) == (Decimal("120"), "原填报有误")


def test_the_office_still_enters_returns_it_collected_on_paper(
    personas: Personas, world: World
) -> None:
    record = return_save(
        by=personas.statistician,
        enterprise=world.ent_a2,
        period=MARCH,
        values={"gross_output": Decimal("80")},
        explanation="纸质报表：新客户订单",
        source=ReturnSource.WEB,
    )
    assert (record.source, record.status) == (ReturnSource.IMPORT, ReturnStatus.DRAFT)
    again = return_save(
        by=personas.statistician,
        enterprise=world.ent_a2,
        period=MARCH,
        values={"gross_output": Decimal("81")},
    )
    assert again.gross_output == Decimal("81")
    return_explain(by=personas.statistician, return_record=again, explanation="纸质说明")
    assert Return.objects.get(pk=record.pk).explanation == "纸质说明"


def test_a_zone_administrator_enters_no_return(personas: Personas, world: World) -> None:
    with pytest.raises(PermissionDenied):
        return_save(by=personas.zone_admin, enterprise=world.ent_a2, period=MARCH, values={})


def test_an_import_does_not_change_a_return_the_enterprise_reported(
    personas: Personas, world: World
) -> None:
    from kaifaqu.returns.imports import returns_import
    from kaifaqu.returns.tests.import_helpers import xlsx

    own = stored_return(world.ent_a1, MARCH, status=ReturnStatus.RETURNED, gross_output="151")
    paper = stored_return(world.ent_a2, MARCH, source=ReturnSource.IMPORT, gross_output="10")
    headers = ["统一社会信用代码", "报告期", "工业总产值(当年价格)(千元)"]
    rows = [[world.ent_a1.uscc, "2025-03", 1000], [world.ent_a2.uscc, "2025-03", 2000]]
    result = returns_import(by=personas.statistician, file=xlsx(headers, rows), filename="r.xlsx")
    assert [(e.row, e.code) for e in result.errors] == [(2, "respondents_own")]
    # All or nothing: neither the enterprise's return nor the office's own paper one changed.
    assert Return.objects.get(pk=own.pk).gross_output == Decimal("151")
    assert Return.objects.get(pk=paper.pk).gross_output == Decimal("10")
    result = returns_import(
        by=personas.statistician, file=xlsx(headers, rows[1:]), filename="r.xlsx"
    )
    assert (result.errors, result.updated) == ([], 1)
    assert Return.objects.get(pk=paper.pk).gross_output == Decimal("200")


def test_a_decision_does_not_ask_the_database_whether_the_return_its_firm_or_reviewer_exist(
    personas: Personas, world: World
) -> None:
    # The return is locked in hand: full_clean asked five more queries an acceptance (its firm,
    # its submitter and the reviewer exist, it is the firm's only return of the month).
    record = swinging(personas, world)
    with CaptureQueriesContext(connection) as queries:
        return_accept(
            by=personas.statistician,
            return_record=record,
            explanation_source=ExplanationSource.PHONE,
            explanation_note="电话核实",
        )
    existence = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT 1 AS "a" FROM')
        and ('"accounts_user"' in query["sql"] or '"enterprises_enterprise"."id" =' in query["sql"])
    ]
    assert existence == []
    # The decision's own rules still hold: a source needs the office's note.
    other = stored_return(world.ent_a2, MARCH, gross_output="100", status=ReturnStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        return_accept(
            by=personas.statistician,
            return_record=other,
            explanation_source=ExplanationSource.PHONE,
            explanation_note="",
        )
