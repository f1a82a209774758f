"""The rounds' pages: the province opens a round, a zone puts projects on its lists, the summary
reads in both languages and as a workbook, rounds compare; personas outside see nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import xlsx_rows
from kaifaqu.projects.models import Round, RoundEntry, RoundList
from kaifaqu.projects.services import round_create, round_entry_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_one(world: World, personas: Personas) -> Round:
    return round_create(
        by=personas.province_viewer,
        data={
            "province": world.shanxi,
            "year": 2025,
            "number": 1,
            "window_start": date(2025, 1, 1),
            "held_on": date(2025, 2, 18),
        },
    )


def test_the_provincial_office_opens_a_round_on_the_page(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.province_viewer)
    response = client.post(
        reverse("projects:round-create"),
        {
            "province": world.shanxi.pk,
            "year": 2025,
            "number": 1,
            "window_start": "2025-01-01",
            "held_on": "2025-02-18",
        },
    )
    assert response.status_code == 302
    assert Round.objects.get().held_on == date(2025, 2, 18)
    client.force_login(personas.zone_admin)
    assert client.get(reverse("projects:round-create")).status_code == 403


def test_a_zone_puts_a_project_on_a_list_and_the_summary_follows(
    client: Client, world: World, personas: Personas, round_one: Round
) -> None:
    client.force_login(personas.zone_admin)
    page = client.get(round_one.get_absolute_url())
    assert page.status_code == 200
    form = next(item["form"] for item in page.context["lists"] if item["list"] == "signed")
    assert set(form.fields["project"].queryset) == {world.project_a1, world.project_a2}
    response = client.post(
        reverse("projects:round-entry-add", args=[round_one.pk]),
        {"list": "signed", "signed-project": world.project_a1.pk},
    )
    assert response.status_code == 302
    page = client.get(round_one.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "签约项目共 1 个，签约投资额为 4.5 亿元；开工项目共 0 个" in text
    # Not eligible for 开工一批: the page says why and writes nothing.
    refused = client.post(
        reverse("projects:round-entry-add", args=[round_one.pk]),
        {"list": "started", "started-project": world.project_a2.pk},
    )
    assert refused.status_code == 400
    assert RoundEntry.objects.count() == 1
    entry = RoundEntry.objects.get()
    removed = client.post(reverse("projects:round-entry-remove", args=[round_one.pk, entry.pk]))
    assert removed.status_code == 302 and not RoundEntry.objects.exists()


def test_the_page_in_english(
    client: Client, world: World, personas: Personas, round_one: Round
) -> None:
    round_entry_add(
        by=personas.zone_admin, round=round_one, list=RoundList.SIGNED, project=world.project_a1
    )
    client.force_login(personas.province_viewer)
    client.cookies["django_language"] = "en"
    text = client.get(round_one.get_absolute_url()).content.decode()
    assert "1 project signed, signed investment 4.5 亿元" in text
    assert "Round 1 of 2025" in text


def test_the_summary_workbook_has_the_province_cities_and_zones(
    client: Client, world: World, personas: Personas, round_one: Round
) -> None:
    round_entry_add(
        by=personas.zone_admin, round=round_one, list=RoundList.SIGNED, project=world.project_a1
    )
    round_entry_add(
        by=personas.outsider, round=round_one, list=RoundList.SIGNED, project=world.project_b
    )
    client.force_login(personas.province_viewer)
    response = client.get(reverse("projects:round-summary-export", args=[round_one.pk]))
    rows = xlsx_rows(response.content)
    names = [row[1] for row in rows[1:]]
    assert names[0] == "山西省" and world.zone_a.name in names and world.zone_b.name in names
    province = rows[1]
    # 45,000 + 8,000 万元 = 5.3 亿元.
    assert province[2:4] == (2, 5.3) or province[2:4] == (2, "5.3")


@pytest.mark.parametrize("persona", ["reporter", "auditor"])
def test_personas_without_business_data_see_no_round(
    client: Client, personas: Personas, round_one: Round, persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get(round_one.get_absolute_url()).status_code == 404
    assert client.get(reverse("projects:round-compare")).status_code == 403


def test_a_zone_does_not_see_another_zones_entries(
    client: Client, world: World, personas: Personas, round_one: Round
) -> None:
    round_entry_add(
        by=personas.zone_admin, round=round_one, list=RoundList.SIGNED, project=world.project_a1
    )
    client.force_login(personas.outsider)
    text = client.get(round_one.get_absolute_url()).content.decode()
    assert world.project_a1.name not in text and "4.5" not in text


def test_rounds_compare_on_their_page(
    client: Client, world: World, personas: Personas, round_one: Round
) -> None:
    round_entry_add(
        by=personas.zone_admin, round=round_one, list=RoundList.SIGNED, project=world.project_a1
    )
    client.force_login(personas.province_viewer)
    response = client.get(reverse("projects:round-compare"), {"zone": world.zone_a.pk})
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row.cells[0]["count"] == 1 and str(row.cells[0]["amount"]) == "4.5"


def test_the_province_reads_one_zones_lists_at_a_time_chosen_in_the_summary(
    client: Client, world: World, personas: Personas, round_one: Round
) -> None:
    round_entry_add(
        by=personas.zone_admin, round=round_one, list=RoundList.SIGNED, project=world.project_a1
    )
    round_entry_add(
        by=personas.outsider, round=round_one, list=RoundList.SIGNED, project=world.project_b
    )
    client.force_login(personas.province_viewer)
    page = client.get(round_one.get_absolute_url())
    body = page.content.decode()
    # The summary links each zone; no list is shown before a zone is chosen.
    assert f'href="?zone={world.zone_a.pk}#lists"' in body
    assert page.context["lists"] == []
    chosen = client.get(round_one.get_absolute_url(), {"zone": world.zone_b.pk})
    signed = next(item for item in chosen.context["lists"] if item["list"] == "signed")
    assert [entry.project.name for entry in signed["entries"]] == ["乙储能项目"]
    # A zone outside the user's province is not a choice: nothing is listed.
    outside = client.get(round_one.get_absolute_url(), {"zone": world.zone_c.pk})
    assert outside.context["lists"] == []
    # A zone's own staff see their lists at once, and never another zone's.
    client.force_login(personas.zone_admin)
    own = client.get(round_one.get_absolute_url(), {"zone": world.zone_b.pk})
    signed = next(item for item in own.context["lists"] if item["list"] == "signed")
    assert [entry.project.name for entry in signed["entries"]] == ["甲一扩建项目"]
