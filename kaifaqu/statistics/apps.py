from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """The migrations of the former `statistics` app, split into `returns` and `indicators`.

    Its tables now belong to those apps (same names: moved with SeparateDatabaseAndState, see
    migrations/0014); the app stays installed so that databases created before the split, and new
    ones, reach the same state through one migration history.
    """

    name = "kaifaqu.statistics"
    label = "statistics"
    verbose_name = _("Statistics (history)")
