"""The form of the tokens page: what the new token is for and how long it is valid."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import style_form


class ApiTokenForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=64,
        help_text=_("What the token is for, e.g. the name of the script that uses it."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        days.initial = settings.KFQ_API_TOKEN_DAYS
        days.validators.append(MaxValueValidator(settings.KFQ_API_TOKEN_MAX_DAYS))
        days.widget.attrs["max"] = settings.KFQ_API_TOKEN_MAX_DAYS
        style_form(self)
