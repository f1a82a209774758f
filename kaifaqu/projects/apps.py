from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "kaifaqu.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from kaifaqu.core.imports import register
        from kaifaqu.projects.imports import PROJECTS_IMPORT
        from kaifaqu.projects.models import (
            FaiRegistration,
            FaiReport,
            FollowUp,
            Lead,
            Project,
            ProjectDocument,
            ProjectIssue,
            Round,
            RoundEntry,
            ServiceVisit,
            StageChange,
            TaskForce,
            TaskForceMember,
        )

        register(kind="projects", spec=PROJECTS_IMPORT)
        from kaifaqu.core.crypto.fields import AUDIT_MASK

        auditlog.register(Project)
        auditlog.register(StageChange)
        auditlog.register(Round)
        auditlog.register(RoundEntry)
        auditlog.register(FaiRegistration)
        auditlog.register(FaiReport)
        # The history keeps encrypted fields masked, never in plain (core/crypto).
        auditlog.register(
            Lead, mask_fields=["contact_phone", "contact_email"], mask_callable=AUDIT_MASK
        )
        auditlog.register(FollowUp)
        auditlog.register(TaskForce)
        auditlog.register(TaskForceMember)
        auditlog.register(ServiceVisit, m2m_fields={"participants"})
        auditlog.register(ProjectIssue)
        auditlog.register(ProjectDocument)

        from kaifaqu.indicators.models import Indicator
        from kaifaqu.indicators.sources import COMPUTED_SOURCES
        from kaifaqu.projects.selectors.fai import FaiIndicatorSource

        COMPUTED_SOURCES.register(Indicator.FIXED_ASSET_INVESTMENT, FaiIndicatorSource())

        from kaifaqu.core.views.related import register_related
        from kaifaqu.projects.views.registry import related_records

        for records in related_records():
            register_related(records)
