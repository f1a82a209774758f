"""A firm's chase forms on the month's page (a reminder, a 未报 record), rendered once a page.

The forms of every firm still to chase differ only by the firm's id (in their URLs and field
names); rendered through the template engine for each of a page's fifty rows (translations, the
CSRF token, the selects' options) they were a third of the page's rendering. They are rendered
once with FIRM_SLOT where the id goes, and each row takes a copy with its own id in its place.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from kaifaqu.returns.forms.months import NonResponseForm, ReminderForm
from kaifaqu.returns.models import ReportingMonth

# No firm's id (2**62): the only digits of the rendered forms that stand for the firm.
FIRM_SLOT = 4_611_686_018_427_387_904
TEMPLATE = "returns/_month_chase.html"


def _options(form: Any, name: str) -> SafeString:
    """A field's choices as the <option>s of a select, translated and escaped."""
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((str(value), str(label)) for value, label in form.fields[name].choices),
    )


class ChaseForms:
    """The chase forms of one page of a month: `for_firm(id)` is one row's copy."""

    def __init__(
        self, request: HttpRequest, record: ReportingMonth, *, carried: str, target: str
    ) -> None:
        non_response = NonResponseForm()
        html = render_to_string(
            TEMPLATE,
            {
                "firm_slot": FIRM_SLOT,
                "remind_url": reverse("returns:month-remind", args=[record.pk, FIRM_SLOT])
                + carried,
                "non_response_url": reverse(
                    "returns:month-non-response", args=[record.pk, FIRM_SLOT]
                )
                + carried,
                "body_target": target,
                "channel_options": _options(ReminderForm(), "channel"),
                "reason_options": _options(non_response, "reason"),
                "treatment_options": _options(non_response, "treatment"),
            },
            request=request,
        )
        self._html = str(html)
        self._slot = str(FIRM_SLOT)

    def for_firm(self, enterprise_id: int) -> SafeString:
        # The slot's digits replaced by an integer's: what the template escaped stays escaped.
        return mark_safe(self._html.replace(self._slot, str(int(enterprise_id))))
