from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("", include("kaifaqu.dashboard.urls")),
    path("accounts/", include("kaifaqu.accounts.urls")),
    path("geo/", include("kaifaqu.geo.urls")),
    path("enterprises/", include("kaifaqu.enterprises.urls")),
    path("projects/", include("kaifaqu.projects.urls")),
    path("statistics/", include("kaifaqu.returns.urls")),
    path("statistics/", include("kaifaqu.indicators.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", include("kaifaqu.config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # The admin signs in through the platform's page (password, then the second factor), never
    # through its own form, which knows nothing of the second step.
    path(
        f"{settings.ADMIN_URL}login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler403 = "kaifaqu.accounts.views.permission_denied"
