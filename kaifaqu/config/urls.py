from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

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
    # Without inline code (Content-Security-Policy): the Swagger page loads its script from its own
    # address (?script); both pages use the templates of templates/api_docs/.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api_docs/swagger_ui.html"
        ),
        name="api-docs",
    ),
    # Redoc's styled-components insert <style> elements: the one page whose styles may be inline
    # (its scripts still come from this server only). Swagger UI, linked from the menu, needs none.
    path(
        "api/redoc/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api_docs/redoc.html")
        ),
        name="api-redoc",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler403 = "kaifaqu.accounts.views.permission_denied"
