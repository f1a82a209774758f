"""The lead pages: list with its filters, details with follow-ups and actions, the project's card
"from lead", the funnel; contacts only for the zone's own staff; personas outside see nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaifaqu.conftest import Personas, World
from kaifaqu.core.tests.registry_pages import xlsx_rows
from kaifaqu.projects.models import FollowUp, Lead, LeadStatus, Project, Stage
from kaifaqu.projects.services import follow_up_add, lead_create

pytestmark = pytest.mark.django_db
PHONE = "13800001234"
# Session and user, the rows with their last follow-up and zone's norm, the count, the filters'
# choices (zones, parks, officers): the same for 1 lead or 30.
LIST_QUERIES = 8
DETAIL_QUERIES = 5
FUNNEL_QUERIES = 5


@pytest.fixture
def lead(world: World) -> Lead:
    return lead_create(
        by=None,
        data={
            "zone": world.zone_a,
            "park": world.park_a1,
            "title": "年产5万吨负极材料项目",
            "investor": "某新能源科技有限公司",
            "source": "fair",
            "contact_person": "王经理",
            "contact_phone": PHONE,
            "expected_investment": Decimal("30000"),
            "received_on": date(2025, 1, 6),
        },
    )


def text(response: Any) -> str:
    return str(response.content.decode())


def test_the_list_shows_the_zones_leads_without_their_contacts(
    client: Client, personas: Personas, lead: Lead, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.zone_admin)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("projects:lead-list"))
    assert response.status_code == 200
    page = text(response)
    assert "年产5万吨负极材料项目" in page and "招商线索" in page
    assert PHONE not in page and "王经理" not in page
    export = client.get(reverse("projects:lead-export"))
    rows = xlsx_rows(export.content)
    assert rows[1][0] == "年产5万吨负极材料项目"
    assert not any(PHONE in str(cell) for row in rows for cell in row)


def test_the_list_filters_the_leads_going_cold(
    client: Client, world: World, personas: Personas, lead: Lead
) -> None:
    # Received 2025-01-06 and never followed up: far beyond the default 30 days.
    recent = lead_create(
        by=None,
        data={
            "zone": world.zone_a,
            "title": "新线索",
            "investor": "某公司",
            "source": "online",
            "received_on": timezone.localdate() - timedelta(days=2),
        },
    )
    client.force_login(personas.zone_admin)
    cold = client.get(reverse("projects:lead-list"), {"cold": "true"})
    assert [row.pk for row in cold.context["page_obj"].object_list] == [lead.pk]
    warm = client.get(reverse("projects:lead-list"), {"cold": "false"})
    assert [row.pk for row in warm.context["page_obj"].object_list] == [recent.pk]
    by_source = client.get(reverse("projects:lead-list"), {"source": "online"})
    assert [row.pk for row in by_source.context["page_obj"].object_list] == [recent.pk]


@pytest.mark.parametrize("persona", ["outsider", "reporter", "auditor"])
def test_personas_outside_the_zone_do_not_find_the_lead(
    client: Client, personas: Personas, lead: Lead, persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get(lead.get_absolute_url()).status_code == 404
    assert client.get(reverse("projects:lead-history", args=[lead.pk])).status_code == 404
    listed = client.get(reverse("projects:lead-list"))
    assert "年产5万吨负极材料项目" not in text(listed)


def test_a_park_user_of_another_park_does_not_find_the_lead(
    client: Client, world: World, personas: Personas, lead: Lead
) -> None:
    Lead.objects.filter(pk=lead.pk).update(park=world.park_a2)
    client.force_login(personas.park_user)
    assert client.get(lead.get_absolute_url()).status_code == 404


def test_the_details_show_contacts_to_the_zone_and_not_to_the_province(
    client: Client, personas: Personas, lead: Lead, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas.zone_admin)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        page = client.get(lead.get_absolute_url())
    assert PHONE in text(page)
    client.force_login(personas.province_viewer)
    page = client.get(lead.get_absolute_url())
    assert page.status_code == 200
    assert PHONE not in text(page) and "王经理" not in text(page)
    assert page.context.get("convert_form") is None  # a province reads, it does not convert
    masked = PHONE[:3] + "****" + PHONE[-4:]  # the history keeps encrypted fields masked
    history = client.get(reverse("projects:lead-history", args=[lead.pk]))
    assert history.status_code == 200 and masked not in text(history)
    client.force_login(personas.zone_admin)
    history = client.get(reverse("projects:lead-history", args=[lead.pk]))
    assert masked in text(history) and PHONE not in text(history)


def test_a_zone_registers_a_lead_on_the_page(
    client: Client, world: World, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    form = client.get(reverse("projects:lead-create"))
    assert form.status_code == 200
    response = client.post(
        reverse("projects:lead-create"),
        {
            "zone": world.zone_a.pk,
            "title": "智能装备产业园项目",
            "investor": "某装备集团",
            "source": "referral",
            "industry": "3511",
            "expected_investment": "50000",
            "received_on": "2025-03-01",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = Lead.objects.get(title="智能装备产业园项目")
    assert (created.status, created.industry_id) == (LeadStatus.OPEN, "3511")
    client.force_login(personas.reporter)
    assert client.get(reverse("projects:lead-create")).status_code == 403


def test_a_follow_up_then_the_conversion_on_the_page_and_the_projects_card(
    client: Client, personas: Personas, lead: Lead
) -> None:
    client.force_login(personas.zone_admin)
    added = client.post(
        reverse("projects:lead-follow-up-add", args=[lead.pk]),
        {
            "on": "2025-01-20",
            "method": "visit",
            "content": "赴企业总部走访",
            "next_step": "来区考察",
        },
    )
    assert added.status_code == 302 and FollowUp.objects.filter(lead=lead).count() == 1
    refused = client.post(
        reverse("projects:lead-follow-up-add", args=[lead.pk]),
        {"on": "2025-01-01", "method": "call", "content": "早于线索"},
    )
    assert refused.status_code == 400 and FollowUp.objects.filter(lead=lead).count() == 1
    converted = client.post(
        reverse("projects:lead-convert", args=[lead.pk]),
        {"stage": Stage.NEGOTIATING, "on": "2025-02-03"},
    )
    project = Project.objects.get(lead=lead)
    assert converted.status_code == 302 and converted["Location"] == project.get_absolute_url()
    page = client.get(project.get_absolute_url())
    assert page.context["origin_lead"] == lead
    assert "赴企业总部走访" in text(page) and 'id="origin-lead"' in text(page)
    assert PHONE not in text(page)
    again = client.post(
        reverse("projects:lead-convert", args=[lead.pk]),
        {"stage": Stage.NEGOTIATING, "on": "2025-02-04"},
    )
    assert again.status_code == 400 and Project.objects.filter(lead__isnull=False).count() == 1


def test_drop_needs_a_reason_and_a_dropped_lead_is_reopened(
    client: Client, personas: Personas, lead: Lead
) -> None:
    client.force_login(personas.zone_admin)
    refused = client.post(reverse("projects:lead-drop", args=[lead.pk]), {"on": "2025-02-01"})
    assert refused.status_code == 400
    dropped = client.post(
        reverse("projects:lead-drop", args=[lead.pk]),
        {"on": "2025-02-01", "reason": "went_elsewhere", "note": "落户邻市"},
    )
    assert dropped.status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DROPPED
    page = client.get(lead.get_absolute_url())
    assert page.context.get("convert_form") is None
    assert reverse("projects:lead-reopen", args=[lead.pk]) in text(page)
    client.post(reverse("projects:lead-reopen", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.status == LeadStatus.OPEN
    client.force_login(personas.province_viewer)
    assert client.post(reverse("projects:lead-reopen", args=[lead.pk])).status_code == 403


def test_the_funnel_page_in_chinese_and_english(
    client: Client, personas: Personas, lead: Lead
) -> None:
    follow_up_add(
        by=None, data={"lead": lead, "on": date(2025, 1, 7), "method": "call", "content": "电话"}
    )
    client.force_login(personas.zone_admin)
    url = reverse("projects:lead-funnel")
    page = client.get(url, {"start": "2025-01-01", "end": "2025-12-31"})
    assert page.status_code == 200
    assert page.context["funnel"].total.counts == [1, 0, 0, 0, 0]
    assert 'lang="zh-hans"' in text(page) and 'id="funnel-steps"' in text(page)
    client.cookies["django_language"] = "en"
    english = client.get(url, {"start": "2025-01-01", "end": "2025-12-31"})
    assert "Leads received (线索)" in text(english)
    # Default period: this year up to today.
    default = client.get(url)
    assert default.context["start"] == date(timezone.localdate().year, 1, 1)
    client.force_login(personas.reporter)
    assert client.get(url).status_code == 403


def test_the_pages_run_a_fixed_number_of_queries_however_many_leads(
    client: Client, world: World, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    first = None
    for number in range(30):
        created = lead_create(
            by=None,
            data={
                "zone": world.zone_a,
                "title": f"线索{number}",
                "investor": "某公司",
                "source": "fair",
                "received_on": date(2025, 1, 6),
            },
        )
        follow_up_add(
            by=None,
            data={"lead": created, "on": date(2025, 1, 7), "method": "call", "content": "电话"},
        )
        first = first or created
    assert first is not None
    client.force_login(personas.zone_admin)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(reverse("projects:lead-list"))
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(first.get_absolute_url())
    with django_assert_max_num_queries(FUNNEL_QUERIES):
        client.get(reverse("projects:lead-funnel"), {"start": "2025-01-01"})


def test_the_menu_names_the_project_pages_in_each_language(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.zone_admin)
    titles = re.compile(r'<span class="nav-link-title">([^<]+)</span>')
    chinese = titles.findall(client.get(reverse("projects:lead-list")).content.decode())
    assert {"招商线索", "三个一批", "固投入库"} <= set(chinese)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = titles.findall(client.get(reverse("projects:lead-list")).content.decode())
    assert {"Leads", "Rounds", "FAI projects"} <= set(english)
