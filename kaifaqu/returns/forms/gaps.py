"""Forms of the gap list (应统尽统 follow-up): its filters and closing a gap."""

from django import forms
from django.utils.translation import gettext_lazy

from kaifaqu.core.forms import StyledForm
from kaifaqu.returns.forms.proxies import ANY
from kaifaqu.returns.models import GapKind, GapStatus

ASSIGNEE_ME = "me"
ASSIGNEE_NOBODY = "nobody"


class GapFilterForm(StyledForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=ANY + GapKind.choices, required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=ANY + GapStatus.choices, required=False
    )
    assignee = forms.ChoiceField(
        label=gettext_lazy("Assigned to"),
        choices=[
            *ANY,
            (ASSIGNEE_ME, gettext_lazy("Me")),
            (ASSIGNEE_NOBODY, gettext_lazy("Nobody")),
        ],
        required=False,
    )


class GapCloseForm(StyledForm):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000)
