"""What every form of the pages shares: Tabler classes on widgets and service errors on fields."""

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.permissions import ScopedUser, user_may

ANY_LABEL = _("All")


class QuickSelect(forms.Select):
    """A drop-down written in Python rather than through the widget templates: a province's
    hundreds of parks as options took the templates 80 ms a page, this takes 2."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        parts: list[str] = [format_html("<select{}>", flatatt(final))]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts += [self._option(value, text, chosen) for value, text in label]
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # each part is escaped by format_html

    @staticmethod
    def _option(value: Any, label: Any, chosen: set[str]) -> str:
        text = "" if value is None else str(value)
        selected = mark_safe(" selected") if text in chosen else ""
        return format_html('<option value="{}"{}>{}</option>', text, selected, label)


def style_form(form: forms.BaseForm) -> None:
    """Give each widget the Bootstrap/Tabler class its kind of input needs."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            quick = QuickSelect(attrs=widget.attrs)
            quick.choices = getattr(field, "choices", widget.choices)
            quick.is_required = widget.is_required
            field.widget = widget = quick
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        # A single choice may be left empty ("—"); a multiple choice is empty when none is picked.
        single = not isinstance(field, forms.ModelMultipleChoiceField)
        if isinstance(field, forms.ModelChoiceField) and single and not field.required:
            field.empty_label = "—"
        existing = widget.attrs.get("class", "")
        widget.attrs["class"] = f"{existing} {css}".strip()


def style_filter_form(form: forms.BaseForm) -> None:
    """Filters read 'All' where nothing is chosen, instead of dashes or 'Unknown'.

    A choice of several values (stages) becomes checkboxes, which the list page shows in a drop-down.
    """
    for name, field in form.fields.items():
        if isinstance(field, forms.MultipleChoiceField) and isinstance(
            field.widget, forms.SelectMultiple
        ):
            field.widget = forms.CheckboxSelectMultiple(choices=field.widget.choices)
            # What the closed drop-down reads: the labels of the values chosen.
            data: Any = form.data
            chosen = set(data.getlist(form.add_prefix(name))) if form.is_bound else set()
            options: Any = field.choices
            labels = [str(label) for value, label in options if value in chosen]
            field.summary = ", ".join(labels)  # type: ignore[attr-defined]
    style_form(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.NullBooleanSelect):
            # An empty value, so that 'all' leaves no `illustrative=unknown` in the address.
            widget.choices = [("", ANY_LABEL), ("true", _("Yes")), ("false", _("No"))]
        elif hasattr(field, "empty_label") and not isinstance(
            field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
        ):
            field.empty_label = ANY_LABEL
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                # django-filter builds the empty option into the choices: build them again.
                choices: Any = field.choices
                field.choices = [choice for choice in choices if choice[0] != ""]


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class StyledModelForm(forms.ModelForm[Any]):
    """A model form used for its fields and checks only: the view saves through a service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def save(self, commit: bool = True) -> Any:
        raise NotImplementedError("Registry forms are saved by the app's service, not the form.")


class ScopedModelForm(StyledModelForm):
    """Every choice of a scoped record (zone, park, enterprise) lists only what the user can see.

    `moves` names the fields that move an existing record across scopes, with the action of the
    permission table that may change them: for everyone else the field is shown but disabled (a
    disabled field keeps its value whatever is posted), as the service would refuse the change."""

    moves: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        new = not self.is_bound and not self.instance.pk
        if self.instance.pk:
            for name, action in self.moves.items():
                if name in self.fields and not user_may(user, action):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Only the provincial or city office above can change this."
                    )
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if not hasattr(queryset, "for_user"):
                continue
            field.queryset = queryset.for_user(user)  # type: ignore[attr-defined, union-attr]
            # A zone user has one zone, a park user one park, to choose from: choose it for them.
            if new and name not in self.initial:
                choices = list(field.queryset[:2])  # type: ignore[attr-defined]
                if len(choices) == 1:
                    self.initial[name] = choices[0].pk


def mark_invalid(form: forms.BaseForm) -> None:
    """Outline the inputs that have errors, as Bootstrap expects."""
    if not form.is_bound:
        return
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the fields it names, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        form.add_error(target, messages)
