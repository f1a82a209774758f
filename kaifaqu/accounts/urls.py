from django.contrib.auth.views import LogoutView
from django.urls import path

from kaifaqu.accounts import views
from kaifaqu.accounts.identity import views as identity

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("logout/", LogoutView.as_view(), name="logout"),
    path("access-log/", views.access_log, name="access-log"),
    path("password/", identity.password_change, name="password-change"),
]
