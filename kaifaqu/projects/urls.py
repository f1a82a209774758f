from django.urls import path

from kaifaqu.projects import views

app_name = "projects"
urlpatterns = [
    *views.PROJECTS.urls(),
    path(
        "<int:pk>/advance/",
        views.PROJECTS.view(views.ProjectAdvanceView),
        name="project-advance",
    ),
]
