from django.contrib.auth.views import LogoutView
from django.urls import path

from kaifaqu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("logout/", LogoutView.as_view(), name="logout"),
    path("access-log/", views.access_log, name="access-log"),
]
