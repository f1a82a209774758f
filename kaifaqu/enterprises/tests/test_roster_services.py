"""roster_entry_add / roster_exit / roster_carry_forward: entry kinds, exits, yearly carry-over."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from kaifaqu.conftest import Personas, World
from kaifaqu.enterprises.models import RosterEntry, RosterEntryKind, StatCategory
from kaifaqu.enterprises.services import (
    RosterAddition,
    roster_carry_forward,
    roster_entries_add,
    roster_entry_add,
    roster_exit,
)

pytestmark = pytest.mark.django_db


def test_a_newly_commissioned_firm_enters_in_its_month(world: World, personas: Personas) -> None:
    entry = roster_entry_add(
        by=personas.statistician,
        enterprise=world.ent_a2,
        year=2025,
        category=StatCategory.INDUSTRY,
        entered_on=date(2025, 6, 1),
        entry_kind=RosterEntryKind.MONTHLY,
    )
    assert entry.entry_kind == RosterEntryKind.MONTHLY
    assert entry.entered_on == date(2025, 6, 1)


def test_an_outsider_cannot_put_a_firm_of_another_zone_on_a_roster(
    world: World, personas: Personas
) -> None:
    with pytest.raises(PermissionDenied):
        roster_entry_add(
            by=personas.outsider, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY
        )
    assert not RosterEntry.objects.exists()


def test_an_exit_records_its_date_and_reason_and_is_audited(
    world: World, personas: Personas
) -> None:
    entry = roster_entry_add(
        by=None, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY
    )
    roster_exit(by=personas.statistician, entry=entry, on=date(2025, 9, 30), reason="停产")
    entry.refresh_from_db()
    assert (entry.exited_on, entry.exit_reason) == (date(2025, 9, 30), "停产")
    last = LogEntry.objects.get_for_object(entry).order_by("-timestamp").first()
    assert last is not None and last.actor == personas.statistician


def test_an_exit_needs_a_reason(world: World, personas: Personas) -> None:
    entry = roster_entry_add(
        by=None, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY
    )
    with pytest.raises(ValidationError):
        roster_exit(by=personas.statistician, entry=entry, on=date(2025, 9, 30), reason="  ")
    entry.refresh_from_db()
    assert entry.exited_on is None


def test_a_reporter_cannot_take_a_firm_off_the_roster(world: World, personas: Personas) -> None:
    entry = roster_entry_add(
        by=None, enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY
    )
    with pytest.raises(PermissionDenied):
        roster_exit(by=personas.reporter, entry=entry, on=date(2025, 9, 30), reason="停产")


def test_carry_forward_takes_the_entries_that_did_not_exit_once(
    world: World, personas: Personas
) -> None:
    stays = roster_entry_add(
        by=None, enterprise=world.ent_a1, year=2024, category=StatCategory.INDUSTRY
    )
    leaves = roster_entry_add(
        by=None, enterprise=world.ent_a2, year=2024, category=StatCategory.INDUSTRY
    )
    roster_exit(by=None, entry=leaves, on=date(2024, 12, 31), reason="营收低于标准")
    roster_entry_add(by=None, enterprise=world.ent_b, year=2024, category=StatCategory.INDUSTRY)

    added = roster_carry_forward(
        by=personas.statistician, zone=world.zone_a, from_year=2024, to_year=2025
    )
    again = roster_carry_forward(
        by=personas.statistician, zone=world.zone_a, from_year=2024, to_year=2025
    )

    assert (added, again) == (1, 0)
    carried = RosterEntry.objects.get(year=2025)
    assert carried.enterprise == stays.enterprise
    assert carried.entry_kind == RosterEntryKind.ANNUAL
    assert carried.entered_on == date(2025, 1, 1)
    assert LogEntry.objects.get_for_object(carried).get().actor == personas.statistician


def test_carry_forward_is_refused_outside_the_zone(world: World, personas: Personas) -> None:
    roster_entry_add(by=None, enterprise=world.ent_a1, year=2024, category=StatCategory.INDUSTRY)
    with pytest.raises(PermissionDenied):
        roster_carry_forward(by=personas.outsider, zone=world.zone_a, from_year=2024, to_year=2025)
    with pytest.raises(PermissionDenied):
        roster_carry_forward(by=personas.park_user, zone=world.zone_a, from_year=2024, to_year=2025)
    assert not RosterEntry.objects.filter(year=2025).exists()


def test_a_monthly_entry_needs_its_date(world: World, personas: Personas) -> None:
    with pytest.raises(ValidationError):
        roster_entry_add(
            by=personas.statistician,
            enterprise=world.ent_a2,
            year=2025,
            category=StatCategory.INDUSTRY,
            entry_kind=RosterEntryKind.MONTHLY,
        )
    assert not RosterEntry.objects.exists()


# roster_entries_add: many at once (a loader)


def test_many_entries_are_added_at_once_each_audited_and_again_nothing(
    world: World, personas: Personas
) -> None:
    additions = [
        RosterAddition(enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY),
        RosterAddition(
            enterprise=world.ent_a2,
            year=2025,
            category=StatCategory.INDUSTRY,
            entered_on=date(2025, 6, 1),
            entry_kind=RosterEntryKind.MONTHLY,
        ),
    ]
    assert roster_entries_add(by=personas.statistician, additions=additions) == 2
    for entry in RosterEntry.objects.all():
        log = LogEntry.objects.get_for_object(entry).get()
        assert (log.action, log.actor) == (LogEntry.Action.CREATE, personas.statistician)
    # Added again (and twice in one batch): nothing more.
    assert roster_entries_add(by=None, additions=[*additions, additions[0]]) == 0
    assert RosterEntry.objects.count() == 2


def test_many_entries_keep_the_rules_of_one(world: World, personas: Personas) -> None:
    monthly = RosterAddition(
        enterprise=world.ent_a1,
        year=2025,
        category=StatCategory.INDUSTRY,
        entry_kind=RosterEntryKind.MONTHLY,
    )
    with pytest.raises(ValidationError):
        roster_entries_add(by=None, additions=[monthly])
    ours = RosterAddition(enterprise=world.ent_a1, year=2025, category=StatCategory.INDUSTRY)
    with pytest.raises(PermissionDenied):
        roster_entries_add(by=personas.outsider, additions=[ours])
    with pytest.raises(PermissionDenied):
        roster_entries_add(by=personas.reporter, additions=[ours])
    assert not RosterEntry.objects.exists()
