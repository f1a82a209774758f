"""The sign-in form with the platform's look; django-axes checks it through the request."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm

from kaifaqu.core.forms import style_form


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
