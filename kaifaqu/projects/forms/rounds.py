"""Forms of the "三个一批" rounds: a round, and a project put on one of its lists."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from kaifaqu.core.forms import ScopedModelForm, StyledForm
from kaifaqu.core.permissions import ScopeLevel
from kaifaqu.geo.models import Region, RegionLevel
from kaifaqu.projects.forms.projects import DATE_INPUT
from kaifaqu.projects.models import (
    Project,
    Round,
)
from kaifaqu.projects.services import (
    ROUND_FIELDS,
)


class RoundForm(ScopedModelForm):
    """Open or change a "三个一批" round; a province's office chooses its own province."""

    class Meta:
        model = Round
        fields = ROUND_FIELDS
        widgets = {
            "window_start": forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
            "held_on": forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")
        scope = self.user.scope
        if scope.level == ScopeLevel.REGION and scope.region is not None:
            provinces = provinces.filter(code__startswith=scope.region.prefix[:2])
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]
        if not self.is_bound and not self.instance.pk and provinces.count() == 1:
            self.initial.setdefault("province", provinces.first())


class RoundEntryForm(StyledForm):
    """Put one of the zone's eligible projects on one list of the round."""

    project = forms.ModelChoiceField(label=gettext_lazy("Project"), queryset=Project.objects.none())
    expected_annual_output = forms.DecimalField(
        label=gettext_lazy("Expected annual output (万元)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=4,
        help_text=gettext_lazy("Optional; the project's own figure when left empty."),
    )

    def __init__(self, *args: Any, eligible: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = eligible  # type: ignore[attr-defined]


# --- the fixed-asset investment database (固定资产投资入库) ---------------------------------------
