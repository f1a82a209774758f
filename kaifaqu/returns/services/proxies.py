"""Writes for the tax and electricity figures that stand in for revenue (上规入统)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.accounts.models import User
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.services import model_create, model_update
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.returns.models import ProxyFigure


def proxy_figure_record(
    *,
    by: User,
    enterprise: Enterprise,
    month: Month,
    kind: str,
    value: Decimal,
    source: str,
    today: date | None = None,
) -> ProxyFigure:
    """Enter a month's tax or electricity figure of an enterprise, or correct the one entered.

    Another office's figure of a month not yet over does not exist: a later month is refused.
    """
    current = Month.of(today or timezone.localdate())
    if month > current:
        raise ValidationError(
            {
                "period": _("%(month)s is after this month, %(today)s.")
                % {"month": month, "today": current}
            }
        )
    existing = ProxyFigure.objects.filter(
        enterprise=enterprise, period=month.first_day, kind=kind
    ).first()
    data = {"value": value, "source": source}
    if existing is not None:
        return model_update(instance=existing, fields=data.keys(), data=data, by=by)[0]
    return model_create(
        model=ProxyFigure,
        data={"enterprise": enterprise, "period": month.first_day, "kind": kind, **data},
        by=by,
    )
