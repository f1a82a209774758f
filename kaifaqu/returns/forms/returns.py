"""Forms and filters of the return pages: the monthly form, review decisions, settings, list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import StyledForm, StyledModelForm
from kaifaqu.core.lib.periods import Month
from kaifaqu.core.permissions import visible_for_request
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.geo.models import Park
from kaifaqu.returns.models import (
    MONTHLY_FIELDS,
    ExplanationSource,
    Return,
    ReturnStatus,
    ReviewFinding,
    StatisticsSettings,
)

# The units a clerk types in, shown beside each input.
UNIT_OF_FIELD: dict[str, Any] = {
    **{name: _("10,000 yuan") for name in MONTHLY_FIELDS},
    "electricity": _("10,000 kWh"),
    "employees": _("persons"),
}


DOCUMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "ofd"]
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


SUBMITTED_OR_LATER = frozenset({ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED})


def month_or_none(text: str | None) -> Month | None:
    try:
        return Month.parse(text) if text else None
    except ValueError:
        return None


class ReturnForm(StyledForm):
    """The nine figures of the month, labelled as on the national form, and an explanation."""

    explanation = forms.CharField(
        label=_("Explanation of figures that raised a warning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        figures: dict[str, forms.Field] = {}
        for name in MONTHLY_FIELDS:
            label = verbose_label(Return, name)
            field: forms.Field
            if name == "employees":
                field = forms.IntegerField(label=label, required=False, min_value=0)
            else:
                field = forms.DecimalField(
                    label=label, required=False, max_digits=16, decimal_places=4
                )
            field.widget.attrs.update(
                {"class": "form-control text-end", "inputmode": "decimal", "autocomplete": "off"}
            )
            figures[name] = field
        self.fields = {**figures, **self.fields}
        self.fields["explanation"].help_text = Return._meta.get_field("explanation").help_text

    def figures(self) -> dict[str, Decimal | int | None]:
        return {name: self.cleaned_data.get(name) for name in MONTHLY_FIELDS}

    def disable(self) -> None:
        for field in self.fields.values():
            field.disabled = True


class DocumentForm(StyledForm):
    """The explanation of warnings and a supporting document, for a return already submitted."""

    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    supporting_document = forms.FileField(
        label=_("Supporting document"),
        required=False,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
        help_text=_("PDF, image, Word or Excel file, up to 20 MB."),
    )

    def clean_supporting_document(self) -> Any:
        document = self.cleaned_data.get("supporting_document")
        if document is not None and document.size > DOCUMENT_MAX_BYTES:
            raise ValidationError(_("The document is larger than 20 MB."), code="too_large")
        return document


class DecisionForm(StyledForm):
    """One comment box for both decisions: optional to accept, required to send back."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("Comment (required to send back)")}
        ),
    )


class AcceptForm(DecisionForm):
    """Acceptance: with warnings, where their explanation came from and the office's note."""

    explanation_source = forms.ChoiceField(
        label=_("Source of the explanation"),
        required=False,
        choices=[("", _("The enterprise's own explanation")), *ExplanationSource.choices[1:]],
    )
    explanation_note = forms.CharField(
        label=_("What the office found out"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("What the office found out, in its own words")}
        ),
    )


class SendBackForm(DecisionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comment = self.fields["comment"]
        comment.required = True
        comment.error_messages["required"] = _(
            "Say what the enterprise must correct before sending the return back."
        )


class StatisticsSettingsForm(StyledModelForm):
    class Meta:
        model = StatisticsSettings
        fields = [
            "month_on_month_swing_pct",
            "year_on_year_swing_pct",
            "sales_over_output_max",
            "own_history_factor",
            "industry_factor",
            "candidate_share_pct",
            "deadline_working_day",
        ]
        help_texts = {
            "month_on_month_swing_pct": _(
                "Gross output or revenue that changed from last month by more than this share "
                "needs an explanation."
            ),
            "year_on_year_swing_pct": _(
                "Gross output or revenue that changed from the same month last year by more "
                "than this share needs an explanation."
            ),
            "industry_factor": _(
                "Output per kWh or tax per output more than this factor above or below the "
                "median of the zone's enterprises of the same industry needs an explanation."
            ),
            "candidate_share_pct": _(
                "A firm outside the roster whose revenue of the last 12 months reaches this "
                "share of its category's threshold is listed as a candidate for 上规入统."
            ),
            "deadline_working_day": _(
                "Counted in working days of the Chinese holiday calendar; a roster firm "
                "without a return after it is listed as a gap."
            ),
        }


class FindingsChoice:
    HARD = "hard"
    SOFT = "soft"
    NONE = "none"
    CHOICES = [
        (HARD, _("Blocking errors")),
        (SOFT, _("Warnings")),
        (NONE, _("No findings")),
    ]


class ReturnFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search enterprise"), method="search")
    month = django_filters.CharFilter(label=_("Month"), method="in_month")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReturnStatus.choices)
    park = django_filters.ModelChoiceFilter(
        label=_("Park"), field_name="enterprise__park", queryset=visible_for_request(Park)
    )
    findings = django_filters.ChoiceFilter(
        label=_("Findings"), choices=FindingsChoice.CHOICES, method="with_findings"
    )

    class Meta:
        model = Return
        fields = ["q", "month", "status", "park", "findings"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["month"].widget = forms.TextInput(
            attrs={"placeholder": "2025-03", "type": "month"}
        )

    def search(self, queryset: QuerySet[Return], name: str, value: str) -> QuerySet[Return]:
        text = value.strip()
        return queryset.filter(
            Q(enterprise__name__icontains=text) | Q(enterprise__uscc__startswith=text.upper())
        )

    def in_month(self, queryset: QuerySet[Return], name: str, value: str) -> QuerySet[Return]:
        month = month_or_none(value)
        if month is None:
            return queryset.none()
        return queryset.filter(period=month.first_day)

    def with_findings(self, queryset: QuerySet[Return], name: str, value: str) -> QuerySet[Return]:
        findings = ReviewFinding.objects.filter(return_record=OuterRef("pk"))
        if value == FindingsChoice.NONE:
            return queryset.filter(~Exists(findings))
        return queryset.filter(Exists(findings.filter(severity=value)))


def default_period(*, today: date, statuses: dict[date, str], months_back: int = 24) -> Month:
    """The latest month not yet submitted, from last month back to the enterprise's first return.

    A month sent back counts as not submitted. When every month is in, it is last month.
    """
    last = Month.of(today).shift(-1)
    earliest = last.shift(-(months_back - 1))
    if statuses:
        earliest = max(earliest, Month.of(min(statuses)))
    month = last
    while month >= earliest:
        if statuses.get(month.first_day) not in SUBMITTED_OR_LATER:
            return month
        month = month.shift(-1)
    return last


__all__ = [
    "UNIT_OF_FIELD",
    "AcceptForm",
    "DecisionForm",
    "DocumentForm",
    "FindingsChoice",
    "ReturnFilter",
    "ReturnForm",
    "SendBackForm",
    "StatisticsSettingsForm",
    "default_period",
    "month_or_none",
]
