"""Forms of the price indexes (PPI) and zone targets."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kaifaqu.core.api_fields import MONTH_HELP, MonthFormField
from kaifaqu.core.forms import ScopedModelForm
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.indicators.models import PriceIndex, Target, industrial_divisions
from kaifaqu.indicators.services.inputs import PRICE_INDEX_FIELDS, TARGET_FIELDS


class MonthInputField(MonthFormField):
    """A month typed or picked as 2025-03; stored as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"})

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if isinstance(value, date) else value


def all_industry() -> str:
    return capfirst(_("all industry"))


def division_choices() -> list[tuple[str, str]]:
    return [("", all_industry())] + [
        (division.code, f"{division.code} {division.name}") for division in industrial_divisions()
    ]


class PriceIndexForm(ScopedModelForm):
    period = MonthInputField(label=verbose_label(PriceIndex, "period"), help_text=MONTH_HELP)
    division = forms.ChoiceField(
        label=verbose_label(PriceIndex, "division"), choices=division_choices, required=False
    )

    class Meta:
        model = PriceIndex
        fields = PRICE_INDEX_FIELDS


class TargetForm(ScopedModelForm):
    class Meta:
        model = Target
        fields = TARGET_FIELDS
