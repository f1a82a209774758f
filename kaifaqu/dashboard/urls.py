from django.urls import path

from kaifaqu.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("zones/<int:pk>/", views.zone_page, name="zone-home"),
]
