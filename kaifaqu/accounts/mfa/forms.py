"""The one-field form of the second factor's steps."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import style_form


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, strip=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        )
