from django.urls import path

from kaifaqu.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project-list"),
    path("export/", views.ProjectExportView.as_view(), name="project-export"),
    path("new/", views.ProjectCreateView.as_view(), name="project-create"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project-edit"),
    path("<int:pk>/history/", views.ProjectHistoryView.as_view(), name="project-history"),
    path("<int:pk>/advance/", views.ProjectAdvanceView.as_view(), name="project-advance"),
]
