from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import User
from kaifaqu.core.models import IndustryClass, IndustryLevel, TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet, roles_that_may

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone

MONEY = {"max_digits": 16, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0"))]}


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead (线索)")
    NEGOTIATING = "negotiating", _("Negotiating (洽谈)")
    SIGNED = "signed", _("Signed (签约)")
    APPROVED = "approved", _("Approved (审批/备案)")
    STARTED = "started", _("Started (开工)")
    BUILDING = "building", _("Under construction (在建)")
    COMMISSIONED = "commissioned", _("Commissioned (投产)")
    AT_CAPACITY = "at_capacity", _("At capacity (达产)")
    STALLED = "stalled", _("Stalled (停滞)")
    TERMINATED = "terminated", _("Terminated (终止)")


# The main line of the lifecycle, in order; STALLED and TERMINATED are off it.
LIFECYCLE: tuple[str, ...] = (
    Stage.LEAD,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.APPROVED,
    Stage.STARTED,
    Stage.BUILDING,
    Stage.COMMISSIONED,
    Stage.AT_CAPACITY,
)


class ProjectQuerySet(ScopedQuerySet["Project"]):
    def in_region(self, region: Region) -> ProjectQuerySet:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> ProjectQuerySet:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> ProjectQuerySet:
        return self.filter(park=park)

    def in_enterprise(self, enterprise: Enterprise) -> ProjectQuerySet:
        return self.filter(enterprise=enterprise)


class Project(TimeStampedModel):
    """An investment project (招商引资与建设项目) and where it stands in its lifecycle."""

    name = models.CharField(_("name"), max_length=200)
    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="projects"
    )
    park = models.ForeignKey(
        "geo.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    site = models.CharField(
        _("site"),
        max_length=100,
        blank=True,
        help_text=_("For example 中小产业集聚园 or 标准化厂房."),
    )
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("implementing enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    industry = models.ForeignKey(
        IndustryClass,
        verbose_name=_("industry (GB/T 4754-2017)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": IndustryLevel.CLASS},
        related_name="+",
    )
    total_investment = models.DecimalField(_("total investment (万元)"), **MONEY)  # type: ignore[arg-type]
    signed_investment = models.DecimalField(
        _("signed investment (万元)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    # 计划总投资: what a started project plans to invest (the 开工一批 list and the FAI database
    # count it); 总投资 (total_investment) is the project's investment as commissioned.
    planned_investment = models.DecimalField(
        _("planned total investment (万元)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    land_mu = models.DecimalField(
        _("land (亩)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    capacity = models.CharField(_("capacity"), max_length=200, blank=True)
    expected_annual_output = models.DecimalField(
        _("expected annual output (万元)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    expected_annual_tax = models.DecimalField(
        _("expected annual tax (万元)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    expected_jobs = models.PositiveIntegerField(_("expected jobs"), null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer in charge (负责人)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A member of the zone's staff who may change the project."),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, editable=False)
    stage_since = models.DateField(_("in this stage since"), editable=False)
    description = models.TextField(_("description"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_(
            "A plausible record added so published totals can be reproduced; not a real project."
        ),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-stage_since", "name"]
        indexes = [
            # A zone's projects by stage, most recently moved first (its board and lists).
            models.Index(fields=["zone", "stage", "-stage_since"], name="proj_zone_stage_since"),
            models.Index(fields=["park"], name="proj_park"),
            # The board: a stage's most recently moved projects, and (covering) its count and
            # 总投资, read from the index alone.
            models.Index(
                fields=["stage", "-stage_since", "total_investment"], name="proj_stage_since_total"
            ),
            # The list's default order.
            models.Index(fields=["-stage_since", "name"], name="proj_since_name"),
            # The list sorted by amount or name: without them SQLite sorted a province's
            # 100,000 rows, joined, for a page of 50 (350 ms; 1 ms with them).
            models.Index(fields=["-total_investment"], name="proj_total_desc"),
            models.Index(fields=["name"], name="proj_name"),
            # A board filtered by industry: each column's cards and the sums read the stage's
            # projects of the industry's range (without it, every column re-read the division's
            # projects and sorted them: 8 ms a column instead of 0.5).
            models.Index(
                fields=["stage", "industry", "-stage_since"], name="proj_stage_industry_since"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "name"],
                name="proj_unique_name_in_zone",
                violation_error_message=_("The zone already has a project of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.park is not None and self.zone_id and self.park.zone_id != self.zone_id:
            errors["park"] = _("The park %(park)s is not in the zone %(zone)s.") % {
                "park": self.park,
                "zone": self.zone,
            }
        if self.enterprise is not None and self.zone_id and self.enterprise.zone_id != self.zone_id:
            errors["enterprise"] = _("The enterprise is registered in another zone.")
        if self.industry is not None and self.industry.level != IndustryLevel.CLASS:
            errors["industry"] = _("Choose a 4-digit industry class, not a broader heading.")
        if self.officer_id is not None and self.zone_id and not officer_may_run(self):
            errors["officer"] = _("The officer must be a member of the zone's staff.")
        if errors:
            raise ValidationError(errors)


def officers_of(zone_ids: Any) -> models.QuerySet[User]:
    """The active users who may run projects of these zones: the project writers whose scope is
    one of the zones or a park in one of them."""
    return User.objects.filter(
        Q(scope_zone__in=zone_ids) | Q(scope_park__zone__in=zone_ids),
        is_active=True,
        role__in=roles_that_may("projects.project.change"),
    ).order_by("first_name", "username")


def officer_may_run(record: Any) -> bool:
    """Whether a record's officer (a project's, a lead's: anything with zone_id, park_id and
    officer_id) is staff of its zone (a park's staff: of its park)."""
    officer = officers_of([record.zone_id]).filter(pk=record.officer_id).first()
    if officer is None:
        return False
    return officer.scope_park_id is None or officer.scope_park_id == record.park_id


class StageChange(models.Model):
    """A dated move of a project from one stage to another, made through `project_advance`."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from stage"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=16, choices=Stage.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Why the date was corrected after the fact (the change log keeps who, when and the old date).
    corrected_reason = models.CharField(_("reason of the correction"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["project", "on", "id"]
        indexes = [models.Index(fields=["to_stage", "on"], name="proj_stagechange_to_on")]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_from_stage_display()} → {self.get_to_stage_display()} ({self.on})"


class ProjectSettings(TimeStampedModel):
    """A zone's norms for the time a project takes between stages; defaults apply until changed.

    A project whose span runs longer than the norm (still running, or done late) is listed on the
    cycle-time page (周期).
    """

    zone = models.OneToOneField(
        "geo.Zone",
        verbose_name=_("zone"),
        on_delete=models.CASCADE,
        related_name="project_settings",
    )
    lead_to_signed_days = models.PositiveIntegerField(
        _("lead to signing (days)"), default=180, validators=[MinValueValidator(1)]
    )
    signed_to_started_days = models.PositiveIntegerField(
        _("signing to start (days)"), default=180, validators=[MinValueValidator(1)]
    )
    approved_to_started_days = models.PositiveIntegerField(
        _("approval to start (days)"), default=90, validators=[MinValueValidator(1)]
    )
    started_to_commissioned_days = models.PositiveIntegerField(
        _("start to commissioning (days)"), default=365, validators=[MinValueValidator(1)]
    )
    # An open lead (招商线索) with no follow-up for longer than this is going cold.
    lead_cold_days = models.PositiveIntegerField(
        _("lead going cold after (days without follow-up)"),
        default=30,
        validators=[MinValueValidator(1)],
    )
    # A project that shows no progress for longer than this is warned (项目预警): no stage
    # change, service visit or monthly investment report.
    stale_days = models.PositiveIntegerField(
        _("project without progress after (days)"),
        default=90,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("project settings")
        verbose_name_plural = _("project settings")

    def __str__(self) -> str:
        return str(self.zone)
