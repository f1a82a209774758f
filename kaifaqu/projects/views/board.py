"""The pipeline board (项目看板): the projects by stage, filtered as the project list is."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views import View

from kaifaqu.accounts.http import AuthenticatedHttpRequest
from kaifaqu.core.views.registry import filtered_rows, scoped_filterset
from kaifaqu.core.views.tables import yi_text
from kaifaqu.projects.filters import ProjectFilter
from kaifaqu.projects.selectors import (
    BOARD_CARDS,
    may_see_project_work,
    overdue_issue_count,
    project_board,
    project_list,
)
from kaifaqu.projects.views.registry import STAGE_BADGE

# The board's columns are the stages: every other filter of the list applies.
BOARD_FILTERS = ("q", "zone", "park", "industry", "min_investment", "officer", "illustrative")


def _in_stage(days: int) -> str:
    return ngettext("%(days)s day in stage", "%(days)s days in stage", days) % {"days": days}


class ProjectBoardView(LoginRequiredMixin, View):
    template_name = "projects/project_board.html"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        filterset = scoped_filterset(ProjectFilter, request, project_list(user=request.user))
        projects = filtered_rows(filterset)
        today = timezone.localdate()
        kept = {name: request.GET.getlist(name) for name in BOARD_FILTERS if name in request.GET}
        # Hundreds of cards a page: their links and texts are made here, not by template tags.
        before, after = reverse("projects:project-detail", args=[0]).rsplit("0", 1)
        columns = [
            {
                "stage": column.stage,
                "label": column.label,
                "badge": STAGE_BADGE.get(column.stage, ""),
                "count": column.count,
                "total": yi_text(column.total_investment),
                "more": column.more,
                "more_url": reverse("projects:project-list")
                + "?"
                + urlencode({**kept, "stage": column.stage}, doseq=True),
                "cards": [
                    {
                        "project": project,
                        "url": f"{before}{project.pk}{after}",
                        "total": yi_text(project.total_investment),
                        "days": _in_stage((today - project.stage_since).days),
                    }
                    for project in column.cards
                ],
            }
            for column in project_board(
                projects=projects,
                searched=bool(getattr(filterset.form, "cleaned_data", {}).get("q")),
            )
        ]
        context = {
            "fields": [filterset.form[name] for name in BOARD_FILTERS],
            "columns": columns,
            "cards": BOARD_CARDS,
            # The reminder of what is overdue on the issue lists (专班陪跑).
            "overdue_issues": (
                overdue_issue_count(request.user, today)
                if may_see_project_work(request.user)
                else None
            ),
        }
        return TemplateResponse(request, self.template_name, context)
