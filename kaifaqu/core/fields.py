"""Model fields for the codes of Chinese administration, and database expressions the apps share."""

from typing import Any

from django import forms
from django.db import models

from kaifaqu.core.lib import uscc


class UsccFormField(forms.CharField):
    """Accepts a code as people type it (spaces, hyphens, lower case, full-width) and normalizes it."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return uscc.normalize(text) if text else text


class UsccField(models.CharField[str, str]):
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


class IsFirstOfMonth(models.Func):
    """Whether a date is the first day of its month, as a condition each database evaluates
    natively. Django's `__day` lookup on SQLite calls a Python function it registers, once per
    row: a check constraint written with it costs a province's import of 200,000 returns half a
    second."""

    output_field = models.BooleanField()
    arity = 1
    template = "EXTRACT(DAY FROM %(expressions)s) = 1"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps a date as 'YYYY-MM-DD' text.
        return self.as_sql(
            compiler, connection, template="substr(%(expressions)s, 9, 2) = '01'", **extra
        )
