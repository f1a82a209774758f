from django.urls import path

from kaifaqu.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("export/", views.EnterpriseExportView.as_view(), name="enterprise-export"),
    path("new/", views.EnterpriseCreateView.as_view(), name="enterprise-create"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise-edit"),
    path("<int:pk>/history/", views.EnterpriseHistoryView.as_view(), name="enterprise-history"),
    path("industries/search/", views.IndustrySearchView.as_view(), name="industry-search"),
]
