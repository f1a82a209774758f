"""Forms of the roster (名录) pages: add an entry, record an exit, carry a year forward."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import User
from kaifaqu.core.forms import ScopedModelForm, StyledForm
from kaifaqu.enterprises.models import RosterEntry
from kaifaqu.geo.models import Zone

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RosterEntryForm(ScopedModelForm):
    class Meta:
        model = RosterEntry
        fields = ["enterprise", "year", "category", "entry_kind", "entered_on"]
        widgets = {"entered_on": DATE_INPUT}


class RosterExitForm(StyledForm):
    exited_on = forms.DateField(label=_("Exited on"), widget=DATE_INPUT)
    exit_reason = forms.CharField(label=_("Reason for exit"), max_length=300)


class RosterCarryForwardForm(StyledForm):
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none())
    from_year = forms.IntegerField(label=_("From year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones: Any = self.fields["zone"]
        zones.queryset = Zone.objects.for_user(user)
