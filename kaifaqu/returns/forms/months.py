"""Forms of the reporting month's pages: open a month, its deadline, a reminder, a 未报 record,
the reopening as a revision, a correction asked of a firm, and the firm list's filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import StyledForm
from kaifaqu.core.lib.periods import Month
from kaifaqu.returns.models import (
    NonResponseReason,
    NonResponseTreatment,
    ReminderChannel,
)
from kaifaqu.returns.selectors.months import FirmState

STATE_LABELS: dict[str, Any] = {
    FirmState.NOT_STARTED: _("Not started"),
    FirmState.DRAFT: _("Draft, not submitted"),
    FirmState.SENT_BACK: _("Sent back"),
    FirmState.AWAITING_REVIEW: _("Awaiting review"),
    FirmState.ACCEPTED: _("Accepted"),
    FirmState.ESTIMATED: _("Estimated (估算)"),
    FirmState.NOT_REPORTED: _("Recorded not reported (未报)"),
}
STATE_BADGES = {
    FirmState.NOT_STARTED: "bg-red-lt",
    FirmState.DRAFT: "bg-orange-lt",
    FirmState.SENT_BACK: "bg-yellow-lt",
    FirmState.AWAITING_REVIEW: "bg-azure-lt",
    FirmState.ACCEPTED: "bg-green-lt",
    FirmState.ESTIMATED: "bg-purple-lt",
    FirmState.NOT_REPORTED: "bg-secondary-lt",
}
# The firms still to chase: no return reached the office, or it came back for correction.
TO_CHASE = (FirmState.NOT_STARTED, FirmState.DRAFT, FirmState.SENT_BACK)


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month input)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"})

    def to_python(self, value: Any) -> Month | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Month.parse(text)
        except ValueError as error:
            raise ValidationError(
                _("Give the month as YYYY-MM, e.g. 2025-03."), code="month"
            ) from error


class MonthOpenForm(StyledForm):
    month = MonthField(label=_("Month"))
    deadline = forms.DateField(
        label=_("Returns due by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for the reporting calendar's deadline."),
    )


class DeadlineForm(StyledForm):
    deadline = forms.DateField(
        label=_("Returns due by"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ReminderForm(StyledForm):
    channel = forms.ChoiceField(label=_("How"), choices=ReminderChannel.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class NonResponseForm(StyledForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=NonResponseReason.choices)
    treatment = forms.ChoiceField(
        label=_("Treatment"),
        required=False,
        choices=[("", _("The reason's default")), *NonResponseTreatment.choices],
        help_text=_(
            "By default: a firm that stopped or was deregistered counts as nothing; any other "
            "is estimated when the month closes."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput())


class ReopenForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for the revision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the month is revised.")},
    )


class CorrectionForm(StyledForm):
    comment = forms.CharField(
        label=_("What must be corrected"),
        error_messages={
            "required": _("Say what the enterprise must correct before sending the return back.")
        },
    )


class PublishForm(StyledForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput())


class FirmFilterForm(StyledForm):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Every firm")), ("to_chase", _("Not yet reported")), *STATE_LABELS.items()],
    )

    def states(self) -> tuple[str, ...] | None:
        if not self.is_valid():
            return TO_CHASE
        value = self.cleaned_data["state"]
        if value == "to_chase":
            return TO_CHASE
        return (value,) if value else None


def form_errors(form: forms.Form) -> list[str]:
    """Every error of a form as plain lines (for the page's messages)."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            lines.append(f"{label}: {error}" if label else str(error))
    return lines
