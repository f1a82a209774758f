"""Forms of the price indexes (PPI), value-added rates and zone targets."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kaifaqu.core.api_fields import MONTH_HELP, MonthFormField
from kaifaqu.core.forms import ScopedModelForm
from kaifaqu.core.permissions import ScopeLevel
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.indicators.models import PriceIndex, Target, ValueAddedRate, industrial_divisions
from kaifaqu.indicators.services.inputs import PRICE_INDEX_FIELDS, PRICE_INDEX_WRITE, TARGET_FIELDS
from kaifaqu.indicators.services.provinces import writable_provinces
from kaifaqu.indicators.services.rates import RATE_FIELDS, RATE_WRITE


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


def _offer_writable_provinces(form: ScopedModelForm, action: str) -> None:
    """The province field offers the provinces the user may write (a statistician: the zone's
    own, chosen for them), so that the form never leads to a refusal."""
    field: Any = form.fields["region"]
    field.queryset = writable_provinces(form.user, action)  # type: ignore[arg-type]
    if not form.is_bound and not form.instance.pk and "region" not in form.initial:
        choices = list(field.queryset[:2])
        if len(choices) == 1:
            form.initial["region"] = choices[0].pk


class PriceIndexForm(ScopedModelForm):
    period = MonthInputField(label=verbose_label(PriceIndex, "period"), help_text=MONTH_HELP)
    division = forms.ChoiceField(
        label=verbose_label(PriceIndex, "division"), choices=division_choices, required=False
    )

    class Meta:
        model = PriceIndex
        fields = PRICE_INDEX_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_writable_provinces(self, PRICE_INDEX_WRITE)


class ValueAddedRateForm(ScopedModelForm):
    class Meta:
        model = ValueAddedRate
        fields = RATE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_writable_provinces(self, RATE_WRITE)
        division: Any = self.fields["division"]
        division.queryset = industrial_divisions()
        # Only the platform's administrator writes the national reference (no province).
        self.fields["region"].required = self.user.scope.level != ScopeLevel.ALL
        self.fields["source"].required = True


class TargetForm(ScopedModelForm):
    class Meta:
        model = Target
        fields = TARGET_FIELDS
