"""Writes for enterprises and the statistical rosters."""

from typing import Any

from kaifaqu.core.services import model_create, model_update
from kaifaqu.enterprises.models import Enterprise, RosterEntry

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
    "description",
    "is_illustrative",
)


def enterprise_create(*, by: Any, data: dict[str, Any]) -> Enterprise:
    fields = {key: value for key, value in data.items() if key in ENTERPRISE_FIELDS}
    return model_create(model=Enterprise, data=fields, by=by)


def enterprise_update(*, by: Any, enterprise: Enterprise, data: dict[str, Any]) -> Enterprise:
    return model_update(instance=enterprise, fields=ENTERPRISE_FIELDS, data=data, by=by)[0]


def roster_entry_add(
    *, by: Any, enterprise: Enterprise, year: int, category: str, entered_on: Any = None
) -> RosterEntry:
    """Put an enterprise on a year's roster; adding it again changes nothing."""
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
        },
        by=by,
    )
