"""Forms of the fixed-asset investment database (固定资产投资入库): registering a project and its
monthly reports."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.forms import StyledForm
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.projects.forms.projects import DATE_INPUT
from kaifaqu.projects.models import (
    FaiRegistration,
    FaiReport,
)


class MonthField(forms.CharField):
    """A month typed as 2025-03 (a browser's month input), 2025年3月 or 202503: its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Month.parse(text).first_day
        except ValueError as error:
            raise ValidationError(
                _('"%(value)s" is not a month; write it as 2025-03.') % {"value": text}
            ) from error

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if hasattr(value, "year") else value


def _money(label: Any, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=16,
        decimal_places=4,
        help_text=help_text,
    )


class FaiRegisterForm(StyledForm):
    """Register an eligible project in the database (入库)."""

    registered_on = forms.DateField(
        label=verbose_label(FaiRegistration, "registered_on"),
        widget=forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
    )
    stats_code = forms.CharField(
        label=verbose_label(FaiRegistration, "stats_code"), required=False, max_length=40
    )


class FaiReportForm(StyledForm):
    """A month's investment completed; the cumulative is derived when left empty."""

    month = MonthField(label=gettext_lazy("Month"))
    month_amount = _money(verbose_label(FaiReport, "month_amount"))
    cumulative = _money(
        verbose_label(FaiReport, "cumulative"),
        required=False,
        help_text=gettext_lazy(
            "Leave empty to derive it: the previous report's plus this month's. A first report "
            "may include what was invested before reporting began."
        ),
    )
    above_plan_note = forms.CharField(
        label=verbose_label(FaiReport, "above_plan_note"),
        required=False,
        max_length=300,
        help_text=gettext_lazy(
            "Needed only when the total since the start goes above the planned total investment."
        ),
    )


class FaiMonthRowForm(StyledForm):
    """One registered project's line on the month's entry page (all fields optional: an empty
    line is not reported)."""

    month_amount = _money(verbose_label(FaiReport, "month_amount"), required=False)
    cumulative = _money(verbose_label(FaiReport, "cumulative"), required=False)
    above_plan_note = forms.CharField(
        label=verbose_label(FaiReport, "above_plan_note"), required=False, max_length=300
    )
