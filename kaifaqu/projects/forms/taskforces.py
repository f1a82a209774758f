"""Forms of 专班陪跑: the task force, a service visit, an issue and its status, a document.

The forms offer what the services accept (the zone's staff, the project's own visits and
issues); the services remain the owners of the rules and say why something is refused.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.forms import StyledForm
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.projects.models import (
    DOCUMENT_EXTENSIONS,
    DocumentKind,
    IssueStatus,
    MemberRole,
    Project,
    ProjectIssue,
    ServiceVisit,
    TaskForce,
    task_force_staff,
)
from kaifaqu.projects.services import Person, allowed_issue_statuses, document_max_bytes

DATE_INPUT = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(**DATE_INPUT),  # type: ignore[arg-type]
        **kwargs,
    )


def _person_label(user: User) -> str:
    return str(user.get_full_name() or user.get_username())


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _person_label(obj)


_SEPARATOR = re.compile(r"\s*[,，、;；|｜]\s*")


def parse_outside_people(text: str) -> list[Person]:
    """One person a line, "name, department" (Chinese or Latin commas): "王某，市发改委"."""
    people = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = _SEPARATOR.split(line.strip(), maxsplit=1)
        name = parts[0]
        department = parts[1] if len(parts) > 1 else ""
        people.append(Person(name=name[:100], department=department[:100]))
    return people


def _outside_text(people: list[Any]) -> str:
    return "\n".join(
        f"{seat.name}，{seat.department}" if seat.department else seat.name for seat in people
    )


class TaskForceForm(StyledForm):
    """Form or change the task force: its lead (a user, or a person from another office) and
    its members as of a day."""

    name = forms.CharField(
        label=verbose_label(TaskForce, "name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For example 淮海钠电项目服务专班."),
    )
    on = _date_field(
        gettext_lazy("As of"),
        initial=timezone.localdate,
        help_text=gettext_lazy("The day the task force was formed, or the day of this change."),
    )
    lead = StaffChoiceField(
        label=gettext_lazy("Lead (专班长)"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("A user of the zone's staff, or name a person below."),
    )
    lead_name = forms.CharField(
        label=gettext_lazy("Or a lead from outside: name"), required=False, max_length=100
    )
    lead_department = forms.CharField(
        label=gettext_lazy("Their department"), required=False, max_length=100
    )
    members = StaffMultipleChoiceField(
        label=gettext_lazy("Members from the zone's staff"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    outside_members = forms.CharField(
        label=gettext_lazy("Members from other departments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: name, department (e.g. 王某，市发改委)."),
    )
    note = forms.CharField(
        label=verbose_label(TaskForce, "note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, project: Project, task_force: TaskForce | None, **kwargs: Any
    ) -> None:
        if task_force is not None and task_force.is_active and "data" not in kwargs:
            seats = [seat for seat in task_force.members.all() if seat.is_current]
            lead = next((seat for seat in seats if seat.role == MemberRole.LEAD), None)
            kwargs.setdefault(
                "initial",
                {
                    "name": task_force.name,
                    "note": task_force.note,
                    "lead": lead.user_id if lead else None,
                    "lead_name": lead.name if lead and lead.user_id is None else "",
                    "lead_department": lead.department if lead and lead.user_id is None else "",
                    "members": [
                        seat.user_id
                        for seat in seats
                        if seat.role == MemberRole.MEMBER and seat.user_id
                    ],
                    "outside_members": _outside_text(
                        [
                            seat
                            for seat in seats
                            if seat.role == MemberRole.MEMBER and seat.user_id is None
                        ]
                    ),
                },
            )
        super().__init__(*args, **kwargs)
        staff = task_force_staff(project)
        self.fields["lead"].queryset = staff  # type: ignore[attr-defined]
        self.fields["members"].queryset = staff  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead, lead_name = data.get("lead"), (data.get("lead_name") or "").strip()
        if lead is None and not lead_name:
            raise ValidationError(_("Choose the lead, or name a lead from outside."))
        if lead is not None and lead_name:
            raise ValidationError(_("Choose the lead or name one from outside, not both."))
        return data

    def lead_person(self) -> Person:
        data = self.cleaned_data
        if data["lead"] is not None:
            return Person(user=data["lead"])
        return Person(name=data["lead_name"].strip(), department=data["lead_department"].strip())

    def member_people(self) -> list[Person]:
        data = self.cleaned_data
        return [Person(user=user) for user in data["members"]] + parse_outside_people(
            data["outside_members"]
        )


class TaskForceDissolveForm(StyledForm):
    on = _date_field(gettext_lazy("Dissolved on"), initial=timezone.localdate)
    reason = forms.CharField(
        label=verbose_label(TaskForce, "dissolved_reason"),
        max_length=300,
        help_text=gettext_lazy("For example 项目已投产，专班任务完成."),
    )


class ServiceVisitForm(StyledForm):
    visited_on = _date_field(verbose_label(ServiceVisit, "visited_on"), initial=timezone.localdate)
    participants = StaffMultipleChoiceField(
        label=verbose_label(ServiceVisit, "participants"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    others = forms.CharField(
        label=verbose_label(ServiceVisit, "others"), required=False, max_length=300
    )
    met_with = forms.CharField(label=verbose_label(ServiceVisit, "met_with"), max_length=300)
    summary = forms.CharField(
        label=verbose_label(ServiceVisit, "summary"), widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up = forms.CharField(
        label=verbose_label(ServiceVisit, "follow_up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    issue_problem = forms.CharField(
        label=gettext_lazy("Problem raised (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Put on the issue list with its department and due date."),
    )
    issue_department = forms.CharField(
        label=verbose_label(ProjectIssue, "department"), required=False, max_length=100
    )
    issue_due_on = _date_field(verbose_label(ProjectIssue, "due_on"), required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = task_force_staff(project)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("issue_problem") or "").strip():
            if not (data.get("issue_department") or "").strip():
                self.add_error("issue_department", _("Name the department responsible."))
            if data.get("issue_due_on") is None:
                self.add_error("issue_due_on", _("Give the due date."))
        return data

    def visit_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("visited_on", "others", "met_with", "summary", "follow_up")
        }

    def issues(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not data["issue_problem"].strip():
            return []
        return [
            {
                "problem": data["issue_problem"].strip(),
                "department": data["issue_department"].strip(),
                "due_on": data["issue_due_on"],
            }
        ]


class IssueForm(StyledForm):
    problem = forms.CharField(
        label=verbose_label(ProjectIssue, "problem"), widget=forms.Textarea(attrs={"rows": 2})
    )
    department = forms.CharField(
        label=verbose_label(ProjectIssue, "department"),
        max_length=100,
        help_text=gettext_lazy("For example 县自然资源局 or 管委会规划建设部."),
    )
    owner = StaffChoiceField(
        label=verbose_label(ProjectIssue, "owner"), queryset=None, required=False
    )
    raised_on = _date_field(verbose_label(ProjectIssue, "raised_on"), initial=timezone.localdate)
    due_on = _date_field(verbose_label(ProjectIssue, "due_on"))
    visit: forms.ModelChoiceField[ServiceVisit] = forms.ModelChoiceField(
        label=verbose_label(ProjectIssue, "visit"), queryset=None, required=False
    )

    def __init__(self, *args: Any, project: Project, visits: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = task_force_staff(project)  # type: ignore[attr-defined]
        self.fields["visit"].queryset = visits  # type: ignore[attr-defined]

    def issue_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name] for name in ("problem", "department", "owner", "raised_on", "due_on")
        }


class IssueStatusForm(StyledForm):
    """Move one of the project's issues on (办理中, 已解决, 无法解决, or taken up again)."""

    issue = forms.TypedChoiceField(label=gettext_lazy("Issue"), coerce=int)
    to_status = forms.ChoiceField(label=gettext_lazy("New status"), choices=IssueStatus.choices)
    on = _date_field(
        gettext_lazy("Resolved or closed on"),
        required=False,
        initial=timezone.localdate,
        help_text=gettext_lazy("Needed to resolve or close."),
    )
    resolution = forms.CharField(
        label=verbose_label(ProjectIssue, "resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("How it was resolved, or why it cannot be."),
    )

    def __init__(self, *args: Any, issues: list[ProjectIssue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issue"].choices = [  # type: ignore[attr-defined]
            (issue.pk, f"{issue} ({issue.get_status_display()})")
            for issue in issues
            if allowed_issue_statuses(issue)
        ]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["issue"].choices)  # type: ignore[attr-defined]


class DocumentForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=DocumentKind.choices, initial=DocumentKind.OTHER
    )
    dated = _date_field(gettext_lazy("Date of the document"), initial=timezone.localdate)
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s; at most %(mb)s MB.") % {
            "types": ", ".join(DOCUMENT_EXTENSIONS),
            "mb": document_max_bytes() // (1024 * 1024),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{extension}" for extension in DOCUMENT_EXTENSIONS
        )
