from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import (
    SpectacularAPIView,
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
    # address (?script), from the template in templates/api_docs/. (Redoc is not served: its
    # styled-components need inline styles, and Swagger UI documents the same schema.)
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api_docs/swagger_ui.html"
        ),
        name="api-docs",
    ),
]

handler403 = "kaifaqu.accounts.views.permission_denied"
