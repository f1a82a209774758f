"""Changing one's own password: the current one, the new one twice."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import User
from kaifaqu.core.forms import style_form


def _password(label: Any, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class PasswordChangeForm(forms.Form):
    old_password = _password(_("Current password"), "current-password")
    new_password1 = _password(_("New password"), "new-password")
    new_password2 = _password(_("New password again"), "new-password")

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request
        # The rules of the policy in force, as a list (validators without a rule say nothing).
        self.fields["new_password1"].help_text = format_html_join(
            "",
            "<li>{}</li>",
            ((text,) for text in password_validation.password_validators_help_texts() if text),
        )
        style_form(self)
        self.fields["old_password"].widget.attrs["autofocus"] = True

    def clean_old_password(self) -> str:
        # Checked as a sign-in is, so django-axes counts a wrong one: a session left open must
        # not become a way to guess the password without limit.
        old: str = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old) is None:
            raise ValidationError(
                _("The current password is not right."), code="password_incorrect"
            )
        return old

    def clean_new_password2(self) -> str:
        first = self.cleaned_data.get("new_password1")
        second: str = self.cleaned_data["new_password2"]
        if first and first != second:
            raise ValidationError(
                _("The two new passwords are not the same."), code="password_mismatch"
            )
        password_validation.validate_password(second, self.user)
        return second
