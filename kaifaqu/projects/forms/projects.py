"""Project forms: register, edit (everything but the stage), move to another stage, correct a
stage date, and the zone's norms."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.forms import ScopedModelForm, StyledForm, StyledModelForm
from kaifaqu.core.lib import uscc
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.enterprises.forms.enterprises import IndustryField
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.projects.models import (
    Project,
    ProjectSettings,
    Stage,
    StageChange,
)
from kaifaqu.projects.selectors import officer_choices
from kaifaqu.projects.services import (
    NORM_FIELDS,
    PROJECT_FIELDS,
    STAGE_DATA_FIELDS,
    allowed_next_stages,
)

DATE_INPUT = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


class ProjectForm(ScopedModelForm):
    user: User  # the signed-in user of the page (ScopedModelForm)
    industry = IndustryField(
        label=verbose_label(Project, "industry"),
        required=False,
        help_text=gettext_lazy("Search by code or name, or type the 4-digit code."),
    )
    # A code rather than a list: a province holds far too many enterprises for a drop-down.
    enterprise = forms.CharField(
        label=gettext_lazy("Implementing enterprise (unified social credit code)"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Leave empty while the investor has no enterprise registered here."),
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The staff of the zones the user sees (the model checks the project's own zone).
        self.fields["officer"].queryset = officer_choices(user=self.user)  # type: ignore[attr-defined]
        if self.instance.enterprise_id and not self.is_bound:
            self.initial["enterprise"] = self.instance.enterprise.uscc  # type: ignore[union-attr]

    def clean_enterprise(self) -> Enterprise | None:
        text = self.cleaned_data["enterprise"].strip()
        if not text:
            return None
        code = uscc.normalize(text)
        enterprise = Enterprise.objects.for_user(self.user).filter(uscc=code).first()
        if enterprise is None:
            raise ValidationError(
                _("No enterprise you can see has the unified social credit code %(code)s.")
                % {"code": code},
                code="unknown_enterprise",
            )
        return enterprise


class ProjectCreateForm(ProjectForm):
    stage = forms.ChoiceField(
        label=gettext_lazy("Current stage"), choices=Stage.choices, initial=Stage.LEAD
    )
    stage_on = forms.DateField(
        label=gettext_lazy("In this stage since"),
        initial=timezone.localdate,
        widget=forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
    )
    note = forms.CharField(
        label=verbose_label(StageChange, "note"),
        required=False,
        max_length=300,
    )


def _stage_figure(name: str, help_text: Any) -> forms.DecimalField:
    """An amount a stage change may bring along (万元), as the model field takes it."""
    return forms.DecimalField(
        label=verbose_label(Project, name),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=4,
        help_text=help_text,
    )


class ProjectAdvanceForm(StyledForm):
    to_stage = forms.ChoiceField(label=gettext_lazy("New stage"), choices=Stage.choices)
    on = forms.DateField(
        label=verbose_label(StageChange, "on"),
        initial=timezone.localdate,
        widget=forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
    )
    note = forms.CharField(
        label=verbose_label(StageChange, "note"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("For 停滞 or 终止: the reason."),
    )
    signed_investment = _stage_figure("signed_investment", gettext_lazy("Needed to enter 签约."))
    planned_investment = _stage_figure("planned_investment", gettext_lazy("Needed to enter 开工."))
    total_investment = _stage_figure("total_investment", gettext_lazy("As commissioned (投产)."))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {name: getattr(project, name) for name in STAGE_DATA_FIELDS},
        )
        super().__init__(*args, **kwargs)
        # The list offers only the moves the service allows; any stage is accepted here so
        # that the service, the one owner of the rule, says why a move is refused.
        field = self.fields["to_stage"]
        field.widget.choices = [
            (stage, Stage(stage).label) for stage in allowed_next_stages(project)
        ]  # type: ignore[attr-defined]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["to_stage"].widget.choices)  # type: ignore[attr-defined]


class ProjectSettingsForm(StyledModelForm):
    class Meta:
        model = ProjectSettings
        fields = list(NORM_FIELDS)


class StageChangeCorrectForm(StyledForm):
    change = forms.TypedChoiceField(label=gettext_lazy("Stage change"), coerce=int)
    on = forms.DateField(
        label=gettext_lazy("Correct date"),
        widget=forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason of the correction"),
        max_length=300,
        help_text=gettext_lazy("Kept in the change log with who corrected it and when."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change"].choices = [  # type: ignore[attr-defined]
            (change.pk, f"{change.on:%Y-%m-%d} {change.get_to_stage_display()}")
            for change in project.stage_changes.order_by("on", "id")
        ]
