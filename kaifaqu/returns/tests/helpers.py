"""Returns and enterprises for the statistics tests, written straight to the database."""

from datetime import date
from decimal import Decimal
from typing import Any

from kaifaqu.conftest import make_uscc
from kaifaqu.core.models import IndustryClass
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import Return, ReturnSource, ReturnStatus
from kaifaqu.returns.services.ledger import ledger_update


def month(year: int, number: int) -> date:
    return date(year, number, 1)


def stored_return(
    enterprise: Enterprise,
    period: date,
    *,
    status: str = ReturnStatus.SUBMITTED,
    source: Any = ReturnSource.WEB,
    **values: Any,
) -> Return:
    """A return written as a loader writes one: the row, then its ledger row (the services that
    write returns keep the ledger themselves; so does this helper). By default the enterprise's
    own (filled in online); `source=ReturnSource.IMPORT` for one the office collected on paper."""
    record = Return.objects.create(
        enterprise=enterprise,
        period=period,
        status=status,
        source=source,
        **{name: Decimal(str(value)) for name, value in values.items()},
    )
    ledger_update([(enterprise.pk, period)])
    return record


def firm(zone: Zone, serial: int, industry: str = "3011", **extra: Any) -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc("140600", serial),
        name=f"测试企业{serial}",
        industry=IndustryClass.objects.get(code=industry),
        zone=zone,
        **extra,
    )


def findings_of(record: Return) -> set[tuple[str, str]]:
    return set(record.findings.values_list("rule", "field"))
