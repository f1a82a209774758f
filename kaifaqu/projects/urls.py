from django.urls import path

from kaifaqu.projects import views

app_name = "projects"
urlpatterns = [
    # Before the registry's "<pk>/" pages.
    path("cycle-times/", views.CycleTimesView.as_view(), name="cycle-times"),
    path("board/", views.ProjectBoardView.as_view(), name="board"),
    *views.PROJECTS.urls(),
    path(
        "<int:pk>/advance/",
        views.PROJECTS.view(views.ProjectAdvanceView),
        name="project-advance",
    ),
    path(
        "<int:pk>/correct-stage-change/",
        views.PROJECTS.view(views.StageChangeCorrectView),
        name="stage-change-correct",
    ),
]
