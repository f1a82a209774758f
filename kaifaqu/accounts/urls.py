from django.contrib.auth.views import LogoutView
from django.urls import path

from kaifaqu.accounts import views
from kaifaqu.accounts.tokens import views as token_views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("logout/", LogoutView.as_view(), name="logout"),
    path("access-log/", views.access_log, name="access-log"),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
]
