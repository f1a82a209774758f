from django.contrib.auth.views import LogoutView
from django.urls import path

from kaifaqu.accounts import views
from kaifaqu.accounts.administration import views as administration
from kaifaqu.accounts.identity import views as identity
from kaifaqu.accounts.mfa import views as mfa_views
from kaifaqu.accounts.tokens import views as token_views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("logout/", LogoutView.as_view(), name="logout"),
    path("access-log/", views.access_log, name="access-log"),
    # 三员分立: accounts (system and security administrators), data changes (audit administrator).
    path("users/", administration.account_list_page, name="account-list"),
    path("users/new/", administration.account_create_page, name="account-create"),
    path("users/<int:pk>/", administration.account_detail_page, name="account-detail"),
    path("users/<int:pk>/role/", administration.account_role_page, name="account-role"),
    path(
        "users/<int:pk>/<str:action>/",
        administration.account_status_action,
        name="account-action",
    ),
    path("changes/", administration.change_history_page, name="change-history"),
    path("login/second-factor/", mfa_views.verify, name="mfa-verify"),
    path("second-factor/", mfa_views.settings_page, name="mfa"),
    path("second-factor/enrol/", mfa_views.enrol, name="mfa-enrol"),
    path("second-factor/recovery-codes/", mfa_views.recovery_codes, name="mfa-recovery-codes"),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
    path("password/", identity.password_change, name="password-change"),
]
