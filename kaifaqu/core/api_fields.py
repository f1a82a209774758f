"""What the statistics API's endpoints share: months given as 2025-03 in queries and bodies."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kaifaqu.core.lib.periods import Month

MONTH_HELP = _('The month, e.g. "2025-03" (also 2025年3月 or 202503).')


class MonthFormField(forms.CharField):
    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Month.parse(text).first_day
        except ValueError as error:
            raise forms.ValidationError(
                _('"%(value)s" is not a month; write it as 2025-03.'), params={"value": text}
            ) from error


class MonthFilter(django_filters.Filter):  # type: ignore[misc]  # django-filter has no types
    field_class = MonthFormField


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-03"})
class MonthField(serializers.Field):  # type: ignore[type-arg]
    default_error_messages = {"invalid": _('"{value}" is not a month; write it as 2025-03.')}

    def to_representation(self, value: Any) -> str:
        return f"{value:%Y-%m}"

    def to_internal_value(self, data: Any) -> Any:
        try:
            return Month.parse(str(data)).first_day
        except ValueError:
            self.fail("invalid", value=data)
