"""Lead forms: register and edit a lead, record a follow-up, drop it, convert it to a project."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.forms import ScopedModelForm, StyledForm, StyledModelForm
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.enterprises.forms.enterprises import IndustryField
from kaifaqu.projects.forms.projects import DATE_INPUT
from kaifaqu.projects.models import (
    DropReason,
    FollowUp,
    Lead,
    Project,
    Stage,
)
from kaifaqu.projects.selectors import officer_choices
from kaifaqu.projects.services import CONVERSION_STAGES, FOLLOW_UP_FIELDS, LEAD_FIELDS


class LeadForm(ScopedModelForm):
    user: User  # the signed-in user of the page (ScopedModelForm)
    industry = IndustryField(
        label=verbose_label(Lead, "industry"),
        required=False,
        help_text=gettext_lazy("Search by code or name, or type the 4-digit code."),
    )

    class Meta:
        model = Lead
        fields = LEAD_FIELDS
        widgets = {
            "received_on": forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officer_choices(user=self.user)  # type: ignore[attr-defined]
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())


class FollowUpForm(StyledModelForm):
    class Meta:
        model = FollowUp
        fields = FOLLOW_UP_FIELDS
        widgets = {
            "on": forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
            "next_on": forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
            "content": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())

    def _post_clean(self) -> None:
        # The lead is set by the service; the model's own checks run there.
        pass


class LeadDropForm(StyledForm):
    on = forms.DateField(
        label=verbose_label(Lead, "dropped_on"),
        initial=timezone.localdate,
        widget=forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
    )
    reason = forms.ChoiceField(
        label=verbose_label(Lead, "drop_reason"),
        choices=[("", "---------"), *DropReason.choices],
    )
    note = forms.CharField(
        label=verbose_label(Lead, "drop_note"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Needed when the reason is 'other'."),
    )


class LeadConvertForm(StyledForm):
    """What a conversion asks for beyond what the lead carries over."""

    stage = forms.ChoiceField(
        label=gettext_lazy("The project enters"),
        choices=[(stage, Stage(stage).label) for stage in CONVERSION_STAGES],
        initial=Stage.NEGOTIATING,
    )
    on = forms.DateField(
        label=gettext_lazy("Converted on"),
        initial=timezone.localdate,
        widget=forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
    )
    name = forms.CharField(
        label=gettext_lazy("Project name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The lead's title when left empty."),
    )
    total_investment = forms.DecimalField(
        label=verbose_label(Project, "total_investment"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=4,
        help_text=gettext_lazy("The lead's expected investment when left empty."),
    )
    signed_investment = forms.DecimalField(
        label=verbose_label(Project, "signed_investment"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=4,
        help_text=gettext_lazy("Needed to enter 签约."),
    )
    planned_investment = forms.DecimalField(
        label=verbose_label(Project, "planned_investment"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=4,
        help_text=gettext_lazy("Needed to enter 开工."),
    )

    def project_data(self) -> dict[str, Any]:
        names = ("name", "total_investment", "signed_investment", "planned_investment")
        return {name: self.cleaned_data[name] for name in names if self.cleaned_data.get(name)}
