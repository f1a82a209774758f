from django.urls import path

from kaifaqu.geo import views

app_name = "geo"
urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("regions/export/", views.RegionExportView.as_view(), name="region-export"),
    path("regions/new/", views.RegionCreateView.as_view(), name="region-create"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("regions/<int:pk>/edit/", views.RegionEditView.as_view(), name="region-edit"),
    path("regions/<int:pk>/history/", views.RegionHistoryView.as_view(), name="region-history"),
    path("zones/", views.ZoneListView.as_view(), name="zone-list"),
    path("zones/export/", views.ZoneExportView.as_view(), name="zone-export"),
    path("zones/new/", views.ZoneCreateView.as_view(), name="zone-create"),
    path("zones/<int:pk>/", views.ZoneDetailView.as_view(), name="zone-detail"),
    path("zones/<int:pk>/edit/", views.ZoneEditView.as_view(), name="zone-edit"),
    path("zones/<int:pk>/history/", views.ZoneHistoryView.as_view(), name="zone-history"),
    path("parks/", views.ParkListView.as_view(), name="park-list"),
    path("parks/export/", views.ParkExportView.as_view(), name="park-export"),
    path("parks/new/", views.ParkCreateView.as_view(), name="park-create"),
    path("parks/<int:pk>/", views.ParkDetailView.as_view(), name="park-detail"),
    path("parks/<int:pk>/edit/", views.ParkEditView.as_view(), name="park-edit"),
    path("parks/<int:pk>/history/", views.ParkHistoryView.as_view(), name="park-history"),
]
