"""Model fields for the codes of Chinese administration."""

from typing import Any

from django import forms
from django.db import models

from kaifaqu.core.lib import uscc


class UsccFormField(forms.CharField):
    """Accepts a code as people type it (spaces, hyphens, lower case, full-width) and normalizes it."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return uscc.normalize(text) if text else text


class UsccField(models.CharField):
    """统一社会信用代码, stored normalized so that uniqueness means the same code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", uscc.LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return uscc.normalize(value) if isinstance(value, str) and value else value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        # Room for the spaces and hyphens people type; the normalized code is checked afterwards.
        return super().formfield(**{"form_class": UsccFormField, "max_length": 40, **kwargs})
