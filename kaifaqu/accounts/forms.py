"""The sign-in form, and the three administrators' forms for accounts (三员分立)."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.identity.dormancy import DORMANT_REFUSED, dormant_refusal_message
from kaifaqu.accounts.models import User
from kaifaqu.accounts.selectors import scope_choices, scope_model
from kaifaqu.core.forms import style_form
from kaifaqu.core.permissions import Role


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            # The right password of a dormant account: it was disabled just now, say so (the
            # holder proved who they are; anyone else sees the usual answer).
            if self.request is not None and getattr(self.request, DORMANT_REFUSED, False):
                raise forms.ValidationError(dormant_refusal_message(), code="dormant") from None
            raise


class AccountCreateForm(forms.Form):
    """What the system administrator knows of a new holder; the role comes from the security
    administrator, the password is a one-time one made by the platform."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; the holder signs in with it."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            # The three administrators see every account: naming a taken one leaks nothing.
            raise forms.ValidationError(_("An account with this user name exists already."))
        return username


class RoleAssignForm(forms.Form):
    """The security administrator's: one role, and the scope that role works in."""

    role = forms.ChoiceField(label=_("Role"), required=False)
    scope_region = forms.ModelChoiceField(
        label=_("Province or city"),
        queryset=scope_model("scope_region")._default_manager.none(),
        required=False,
    )
    scope_zone = forms.ModelChoiceField(
        label=_("Zone"), queryset=scope_model("scope_zone")._default_manager.none(), required=False
    )
    scope_park = forms.ModelChoiceField(
        label=_("Park"), queryset=scope_model("scope_park")._default_manager.none(), required=False
    )
    # A province holds hundreds of thousands of firms: one is named by its code, not picked.
    scope_enterprise = forms.CharField(
        label=_("Enterprise (unified social credit code)"), max_length=18, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", _("No role (signs in to nothing)")), *Role.choices]
        for name in ("scope_region", "scope_zone", "scope_park"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = scope_choices(name)
        style_form(self)

    def clean_scope_enterprise(self) -> Any:
        code = (self.cleaned_data.get("scope_enterprise") or "").strip().upper()
        if not code:
            return None
        enterprise = scope_model("scope_enterprise")._default_manager.filter(uscc=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise has this unified social credit code."))
        return enterprise
