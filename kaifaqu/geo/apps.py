from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "kaifaqu.geo"
    label = "geo"
    verbose_name = _("Geography")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kaifaqu.geo.models import Park, Region, Zone

        for model in (Region, Zone, Park):
            auditlog.register(model)
