"""Writes for enterprises and the statistical rosters."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.audit import acting_as
from kaifaqu.core.permissions import can_create, can_write
from kaifaqu.core.services import model_create, model_update
from kaifaqu.enterprises.models import Enterprise, RosterEntry, RosterEntryKind
from kaifaqu.geo.models import Zone

ENTERPRISE_FIELDS = (
    "uscc",
    "name",
    "industry",
    "zone",
    "park",
    "kind",
    "status",
    "established_on",
    "land_mu",
    "address",
    "statistics_contact",
    "statistics_phone",
    "description",
    "is_illustrative",
)
# A firm's zone is changed by the office above the zones (see the policy): a zone's staff can
# neither send a firm out of their zone nor take one in.
ENTERPRISE_MOVES = {
    "zone": (
        "enterprises.enterprise.move",
        gettext_lazy(
            "Only the provincial or city office above both zones can move an enterprise to another zone."
        ),
    )
}


def uscc_taken(*, user: User, code: str, exclude_pk: int | None = None) -> str | None:
    """Why the code cannot be given to an enterprise, or None if it is free.

    A duplicate the user can see is named; one outside their scope is not even admitted to, so
    that the answer is the same whether the code is another zone's firm's or refused otherwise
    (statistical secrecy: a statistician must not learn which firms exist in other zones)."""
    others = Enterprise.objects.filter(uscc=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if not others.exists():
        return None
    seen = Enterprise.objects.for_user(user).filter(pk__in=others.values("pk")).first()
    if seen is not None:
        return _("An enterprise with this unified social credit code exists: %(name)s.") % {
            "name": seen.name
        }
    return _("This code cannot be used.")


def _ensure_uscc_free(by: User | None, data: dict[str, Any], exclude_pk: int | None) -> None:
    if by is None or not data.get("uscc"):
        return
    message = uscc_taken(user=by, code=data["uscc"], exclude_pk=exclude_pk)
    if message is not None:
        raise ValidationError({"uscc": message})


def enterprise_create(*, by: User | None, data: dict[str, Any]) -> Enterprise:
    fields = {key: value for key, value in data.items() if key in ENTERPRISE_FIELDS}
    _ensure_uscc_free(by, fields, None)
    return model_create(model=Enterprise, data=fields, by=by)


def enterprise_update(
    *, by: User | None, enterprise: Enterprise, data: dict[str, Any]
) -> Enterprise:
    _ensure_uscc_free(by, data, enterprise.pk)
    return model_update(
        instance=enterprise,
        fields=ENTERPRISE_FIELDS,
        data=data,
        by=by,
        moves=ENTERPRISE_MOVES,
        carried=("park",),
    )[0]


def roster_entry_add(
    *,
    by: User | None,
    enterprise: Enterprise,
    year: int,
    category: str,
    entered_on: date | None = None,
    entry_kind: str = RosterEntryKind.ANNUAL,
) -> RosterEntry:
    """Put an enterprise on a year's roster; adding it again changes nothing.

    Annual entry (年度) is the yearly roster; a newly commissioned firm enters in the month it
    qualifies (新开业月度入库) with `entry_kind=MONTHLY` and the date it entered.
    """
    if by is not None and not Enterprise.objects.for_user(by).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))
    if entry_kind == RosterEntryKind.MONTHLY and entered_on is None:
        raise ValidationError(
            {"entered_on": _("A newly commissioned firm enters on a date: give it.")}
        )
    existing = RosterEntry.objects.filter(
        enterprise=enterprise, year=year, category=category
    ).first()
    if existing is not None:
        return existing
    return model_create(
        model=RosterEntry,
        data={
            "enterprise": enterprise,
            "year": year,
            "category": category,
            "entered_on": entered_on,
            "entry_kind": entry_kind,
        },
        by=by,
    )


def roster_exit(*, by: User | None, entry: RosterEntry, on: date, reason: str) -> RosterEntry:
    """Take an enterprise off a roster from a date, with the reason (e.g. revenue below threshold)."""
    if not reason.strip():
        raise ValidationError({"exit_reason": _("Give the reason for the exit.")})
    if entry.entered_on is not None and on < entry.entered_on:
        raise ValidationError({"exited_on": _("An enterprise cannot leave before it entered.")})
    return model_update(
        instance=entry,
        fields=("exited_on", "exit_reason"),
        data={"exited_on": on, "exit_reason": reason.strip()},
        by=by,
    )[0]


@transaction.atomic
def roster_carry_forward(*, by: User | None, zone: Zone, from_year: int, to_year: int) -> int:
    """Annual entry: carry the zone's entries of a year that did not exit into the next year.

    Set-based and idempotent: entries already on the new roster are left as they are. Returns
    the number of entries added.
    """
    if to_year != from_year + 1:
        raise ValidationError(_("Entries are carried into the following year only."))
    if by is not None:
        if not can_create(by, RosterEntry):
            raise PermissionDenied(_("You may not create this kind of record."))
        if not Zone.objects.for_user(by).filter(pk=zone.pk).exists():
            raise PermissionDenied(_("This record is outside your scope."))
    carried = RosterEntry.objects.filter(
        enterprise__zone=zone, year=from_year, exited_on__isnull=True
    )
    present = RosterEntry.objects.filter(enterprise__zone=zone, year=to_year)
    keys = set(present.values_list("enterprise_id", "category"))
    new = [
        RosterEntry(
            enterprise_id=enterprise_id,
            year=to_year,
            category=category,
            entry_kind=RosterEntryKind.ANNUAL,
            entered_on=date(to_year, 1, 1),
        )
        for enterprise_id, category in carried.values_list("enterprise_id", "category")
        if (enterprise_id, category) not in keys
    ]
    created = RosterEntry.objects.bulk_create(new, batch_size=1000)
    # bulk_create sends no signals: record the additions in the change history ourselves.
    with acting_as(by):
        for entry in created:
            if entry.pk is None:  # pragma: no cover - backends without RETURNING
                continue
            LogEntry.objects.log_create(
                entry, action=LogEntry.Action.CREATE, changes={"year": [None, str(to_year)]}
            )
    return len(created)


ROSTER_IMPORT_FIELDS = ("entry_kind", "entered_on", "exited_on", "exit_reason")


@transaction.atomic
def roster_entries_import(*, by: User | None, entries: list[RosterEntry]) -> tuple[int, int, int]:
    """Write a checked roster file (the rosters import): each entry new, changed or unchanged.

    `entries` are unsaved RosterEntry objects, one per (enterprise, year, category), already
    checked by the import (codes, scope, dates, an exit's reason). A stored entry of the same key
    takes the file's kind, dates and exit; importing the same file again changes nothing.
    Set-based (bulk insert and update, in batches), audited like every write. Returns
    (created, updated, unchanged).
    """
    if by is not None:
        if not (can_create(by, RosterEntry) and can_write(by, RosterEntry)):
            raise PermissionDenied(_("You may not create this kind of record."))
        visible = set(
            Enterprise.objects.for_user(by)
            .filter(pk__in={entry.enterprise_id for entry in entries})
            .values_list("pk", flat=True)
        )
        if any(entry.enterprise_id not in visible for entry in entries):
            raise PermissionDenied(_("This record is outside your scope."))
    stored: dict[tuple[int, int, str], RosterEntry] = {}
    years = {entry.year for entry in entries}
    enterprise_ids = sorted({entry.enterprise_id for entry in entries})
    for start in range(0, len(enterprise_ids), 5_000):
        for entry in RosterEntry.objects.filter(
            enterprise_id__in=enterprise_ids[start : start + 5_000], year__in=years
        ):
            stored[(entry.enterprise_id, entry.year, entry.category)] = entry
    now = timezone.now()
    new: list[RosterEntry] = []
    changed: list[tuple[RosterEntry, dict[str, list[str]]]] = []
    for entry in entries:
        before = stored.get((entry.enterprise_id, entry.year, entry.category))
        if before is None:
            new.append(entry)
            continue
        diff = {
            name: [str(getattr(before, name)), str(getattr(entry, name))]
            for name in ROSTER_IMPORT_FIELDS
            if getattr(before, name) != getattr(entry, name)
        }
        if diff:
            for name in diff:
                setattr(before, name, getattr(entry, name))
            before.updated_at = now  # bulk_update does not apply auto_now
            changed.append((before, diff))
    created = RosterEntry.objects.bulk_create(new, batch_size=1000)
    RosterEntry.objects.bulk_update(
        [entry for entry, _diff in changed], [*ROSTER_IMPORT_FIELDS, "updated_at"], batch_size=1000
    )
    # bulk writes send no signals: record them in the change history ourselves.
    with acting_as(by):
        for entry in created:
            if entry.pk is None:  # pragma: no cover - backends without RETURNING
                continue
            LogEntry.objects.log_create(
                entry, action=LogEntry.Action.CREATE, changes={"year": [None, str(entry.year)]}
            )
        for entry, diff in changed:
            LogEntry.objects.log_create(entry, action=LogEntry.Action.UPDATE, changes=diff)
    return len(created), len(changed), len(entries) - len(created) - len(changed)


@dataclass(frozen=True)
class RosterAddition:
    enterprise: Enterprise
    year: int
    category: str
    entered_on: date | None = None
    entry_kind: str = RosterEntryKind.ANNUAL


@transaction.atomic
def roster_entries_add(*, by: User | None, additions: Sequence[RosterAddition]) -> int:
    """`roster_entry_add` for many entries at once (a loader): the same checks, one query for
    the entries already there (left as they are), one insert and one audit entry per entry
    added; give the number added."""
    if by is not None:
        if not can_create(by, RosterEntry):
            raise PermissionDenied(_("You may not create this kind of record."))
        ids = {addition.enterprise.pk for addition in additions}
        if Enterprise.objects.for_user(by).filter(pk__in=ids).count() != len(ids):
            raise PermissionDenied(_("This record is outside your scope."))
    present = set(
        RosterEntry.objects.filter(
            enterprise__in={addition.enterprise.pk for addition in additions},
            year__in={addition.year for addition in additions},
        ).values_list("enterprise_id", "year", "category")
    )
    new: list[RosterEntry] = []
    for addition in additions:
        key = (addition.enterprise.pk, addition.year, addition.category)
        if key in present:
            continue
        if addition.entry_kind == RosterEntryKind.MONTHLY and addition.entered_on is None:
            raise ValidationError(
                {"entered_on": _("A newly commissioned firm enters on a date: give it.")}
            )
        entry = RosterEntry(
            enterprise=addition.enterprise,
            year=addition.year,
            category=addition.category,
            entered_on=addition.entered_on,
            entry_kind=addition.entry_kind,
        )
        # Uniqueness is the `present` check above (and within the batch): no query per row.
        entry.full_clean(exclude=["enterprise"], validate_constraints=False)
        present.add(key)
        new.append(entry)
    created = RosterEntry.objects.bulk_create(new, batch_size=1000)
    content_type = ContentType.objects.get_for_model(RosterEntry)
    now = timezone.now()
    # bulk_create sends no signals: the change history is written here.
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(entry.pk),
                object_id=entry.pk,
                object_repr=str(entry),
                action=LogEntry.Action.CREATE,
                changes={
                    "enterprise": ["None", str(entry.enterprise_id)],
                    "year": ["None", str(entry.year)],
                    "category": ["None", entry.category],
                    "entered_on": ["None", str(entry.entered_on)],
                },
                changes_text="",
                actor=by,
                timestamp=now,
            )
            for entry in created
        ],
        batch_size=1000,
    )
    return len(created)
