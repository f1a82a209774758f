"""Forms of the tax and electricity figures page: the filters, and one figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.forms import StyledForm
from kaifaqu.core.lib.periods import Month
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Zone
from kaifaqu.returns.models import ProxyKind
from kaifaqu.returns.selectors.proxies import proxy_enterprises

ANY = [("", gettext_lazy("All"))]


def month_input() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"})


def parse_month(value: str) -> Month | None:
    if not value:
        return None
    try:
        return Month.parse(value)
    except ValueError as error:
        raise forms.ValidationError(
            _("“%(value)s” is not a month (write 2025-03, 2025年3月 or 202503)."),
            code="month",
            params={"value": value},
        ) from error


class ProxyFilterForm(StyledForm):
    start = forms.CharField(label=gettext_lazy("From month"), required=False, widget=month_input())
    end = forms.CharField(label=gettext_lazy("To month"), required=False, widget=month_input())
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=ANY + ProxyKind.choices, required=False
    )
    q = forms.CharField(
        label=gettext_lazy("Enterprise name or code"), required=False, max_length=100
    )

    def clean_start(self) -> Month | None:
        return parse_month(self.cleaned_data["start"])

    def clean_end(self) -> Month | None:
        return parse_month(self.cleaned_data["end"])


class ProxyFigureForm(StyledForm):
    """One figure of an enterprise of the zone; the service checks the month and the scope."""

    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), queryset=Enterprise.objects.none()
    )
    period = forms.CharField(label=gettext_lazy("Month"), widget=month_input())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ProxyKind.choices)
    value = forms.DecimalField(
        label=gettext_lazy("Value"),
        min_value=Decimal("0"),
        max_digits=16,
        decimal_places=4,
        help_text=gettext_lazy("Tax in 万元, electricity in 万千瓦时."),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=200,
        help_text=gettext_lazy("Where the figure comes from, e.g. 税务局 2025年3月 清单."),
    )

    def __init__(self, *args: Any, user: User, zone: Zone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["enterprise"]
        field.queryset = proxy_enterprises(user=user, zone=zone)
        field.error_messages["invalid_choice"] = _(
            "Choose an enterprise of %(zone)s that you can see."
        ) % {"zone": zone.name}

    def clean_period(self) -> Month | None:
        return parse_month(self.cleaned_data["period"])
