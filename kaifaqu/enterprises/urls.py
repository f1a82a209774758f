from django.urls import path

from kaifaqu.core.imports.views import ImportTemplateView, ImportView
from kaifaqu.enterprises.views import enterprises as views
from kaifaqu.enterprises.views import rosters as roster_views

app_name = "enterprises"
urlpatterns = [
    *views.ENTERPRISES.urls(),
    path("rosters/", roster_views.RosterListView.as_view(), name="roster-list"),
    path("rosters/export/", roster_views.RosterExportView.as_view(), name="roster-export"),
    path("rosters/new/", roster_views.RosterCreateView.as_view(), name="roster-create"),
    path("rosters/<int:pk>/exit/", roster_views.RosterExitView.as_view(), name="roster-exit"),
    path(
        "rosters/carry-forward/",
        roster_views.RosterCarryForwardView.as_view(),
        name="roster-carry-forward",
    ),
    path("rosters/import/", ImportView.as_view(kind="rosters"), name="roster-import"),
    path(
        "rosters/import/template/",
        ImportTemplateView.as_view(kind="rosters"),
        name="roster-import-template",
    ),
    path("industries/search/", views.IndustrySearchView.as_view(), name="industry-search"),
]
