"""Investment promotion leads (招商线索): a prospective investor the zone is courting, where the
lead came from, who follows it up and how, and the project it became.

A lead is open until it is converted to a project (`lead_convert`, which starts the project's stage
history on the day the lead came in) or dropped with a reason; a dropped lead can be reopened. Its
contact person, telephone and e-mail are personal data: only the zone's (or the lead's park's) own
staff see them, never a provincial office (`may_see_contacts`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import User
from kaifaqu.core.crypto.fields import EncryptedCharField, EncryptedEmailField
from kaifaqu.core.models import IndustryClass, IndustryLevel, TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet, ScopeLevel, user_may
from kaifaqu.projects.models.projects import MONEY, officer_may_run

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone

# A zone that has not set its own number of days (ProjectSettings.lead_cold_days).
DEFAULT_COLD_DAYS = 30


class LeadSource(models.TextChoices):
    """The channel a lead came through (招商渠道)."""

    REFERRAL = "referral", _("Investor referral (以商招商)")
    RESIDENT_OFFICE = "resident_office", _("Resident promotion office (驻外招商)")
    FAIR = "fair", _("Fair or promotion event (展会/推介会)")
    ONLINE = "online", _("Online or platform (网络/平台)")
    WALK_IN = "walk_in", _("Walk-in visit (上门洽谈)")
    AGENT = "agent", _("Intermediary agency (中介机构)")
    AUTHORITY = "authority", _("Passed on by higher authorities (上级推送)")
    OTHER = "other", _("Other (其他)")


class LeadStatus(models.TextChoices):
    OPEN = "open", _("Open (跟进中)")
    CONVERTED = "converted", _("Converted to a project (已转化)")
    DROPPED = "dropped", _("Dropped (已放弃)")


class DropReason(models.TextChoices):
    """Why the zone stopped pursuing a lead."""

    INVESTOR_WITHDREW = "investor_withdrew", _("Investor withdrew (投资方放弃)")
    WENT_ELSEWHERE = "went_elsewhere", _("Invested elsewhere (落户他地)")
    POLICY = "policy", _("Does not fit the industrial policy (不符合产业政策)")
    CONDITIONS = "conditions", _("Land, energy or other conditions not met (要素条件不满足)")
    NO_CONTACT = "no_contact", _("Contact lost (失去联系)")
    OTHER = "other", _("Other (其他)")


class FollowUpMethod(models.TextChoices):
    VISIT = "visit", _("Visit (走访)")
    CALL = "call", _("Call (电话)")
    MEETING = "meeting", _("Meeting (会谈)")
    FAIR = "fair", _("At a fair (展会)")
    OTHER = "other", _("Other (其他)")


# The personal data of a lead, shown only to those `may_see_contacts` allows.
CONTACT_FIELDS = ("contact_person", "contact_phone", "contact_email")


def may_see_contacts(user: User, lead: Lead) -> bool:
    """Whether the user works the lead: the platform's administrator, the staff of the lead's
    zone, or of its park. A provincial or city office sees the lead but not whom to call."""
    if not user_may(user, "projects.see_lead_contacts"):
        return False
    scope = user.scope
    if scope.level == ScopeLevel.ALL:
        return True
    if scope.level == ScopeLevel.ZONE:
        return scope.zone is not None and scope.zone.pk == lead.zone_id
    if scope.level == ScopeLevel.PARK:
        return scope.park is not None and scope.park.pk == lead.park_id
    return False


class LeadQuerySet(ScopedQuerySet["Lead"]):
    def in_region(self, region: Region) -> LeadQuerySet:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> LeadQuerySet:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> LeadQuerySet:
        return self.filter(park=park)

    def in_enterprise(self, enterprise: Enterprise) -> LeadQuerySet:
        # An enterprise's reporter has no business with the zone's prospects.
        return self.none()


class Lead(TimeStampedModel):
    """A prospective investment the zone's promotion staff are following up (招商线索)."""

    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="leads"
    )
    park = models.ForeignKey(
        "geo.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    title = models.CharField(
        _("lead"),
        max_length=200,
        help_text=_("What the investor plans, e.g. 年产5万吨负极材料项目."),
    )
    investor = models.CharField(_("prospective investor (企业/投资方)"), max_length=200)
    source = models.CharField(_("source channel"), max_length=20, choices=LeadSource.choices)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    # The ways to reach the contact are encrypted at rest (core/crypto); the name stays plain.
    contact_phone = EncryptedCharField(_("contact telephone"), max_length=40, blank=True)
    contact_email = EncryptedEmailField(_("contact e-mail"), blank=True)
    industry = models.ForeignKey(
        IndustryClass,
        verbose_name=_("industry (GB/T 4754-2017)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": IndustryLevel.CLASS},
        related_name="+",
    )
    expected_investment = models.DecimalField(
        _("expected investment (万元)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    received_on = models.DateField(_("received on"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer in charge (负责人)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A member of the zone's staff who may change the lead."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LeadStatus.choices,
        default=LeadStatus.OPEN,
        editable=False,
    )
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
        editable=False,
    )
    converted_on = models.DateField(_("converted on"), null=True, blank=True, editable=False)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True, editable=False)
    drop_reason = models.CharField(
        _("reason for dropping"),
        max_length=20,
        choices=DropReason.choices,
        blank=True,
        editable=False,
    )
    drop_note = models.CharField(_("about the drop"), max_length=300, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("A plausible record added to show the feature; not a real lead."),
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead (招商线索)")
        verbose_name_plural = _("leads (招商线索)")
        ordering = ["-received_on", "title"]
        indexes = [
            models.Index(fields=["zone", "status", "-received_on"], name="proj_lead_zone_status"),
            models.Index(fields=["received_on"], name="proj_lead_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=LeadStatus.CONVERTED) & Q(project__isnull=False))
                | (~Q(status=LeadStatus.CONVERTED) & Q(project__isnull=True)),
                name="proj_lead_converted_has_project",
                violation_error_message=_("A converted lead, and only one, links to its project."),
            ),
            models.CheckConstraint(
                condition=~Q(status=LeadStatus.DROPPED)
                | (Q(dropped_on__isnull=False) & ~Q(drop_reason="")),
                name="proj_lead_dropped_has_reason",
                violation_error_message=_("A dropped lead has the day and the reason."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:lead-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == LeadStatus.OPEN

    @property
    def last_activity_on(self) -> date:
        """The last follow-up, or the day the lead came in when nobody has followed it up yet.
        Read from `last_follow_up_on`, which the lead selectors annotate."""
        last = getattr(self, "last_follow_up_on", None)
        return last if last is not None and last > self.received_on else self.received_on

    def quiet_days(self, today: date | None = None) -> int:
        return ((today or timezone.localdate()) - self.last_activity_on).days

    @property
    def going_cold(self) -> bool:
        """Open, and no follow-up for more than the zone's number of days (`cold_days`, which
        the lead selectors annotate)."""
        days = getattr(self, "cold_days", None) or DEFAULT_COLD_DAYS
        return self.is_open and self.quiet_days() > days

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.park is not None and self.zone_id and self.park.zone_id != self.zone_id:
            errors["park"] = _("The park %(park)s is not in the zone %(zone)s.") % {
                "park": self.park,
                "zone": self.zone,
            }
        if self.industry is not None and self.industry.level != IndustryLevel.CLASS:
            errors["industry"] = _("Choose a 4-digit industry class, not a broader heading.")
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = _("A lead cannot be received in the future.")
        if self.officer_id is not None and self.zone_id and not officer_may_run(self):
            errors["officer"] = _("The officer must be a member of the zone's staff.")
        if errors:
            raise ValidationError(errors)


class FollowUpQuerySet(ScopedQuerySet["FollowUp"]):
    def in_region(self, region: Region) -> FollowUpQuerySet:
        return self.filter(lead__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> FollowUpQuerySet:
        return self.filter(lead__zone=zone)

    def in_park(self, park: Park) -> FollowUpQuerySet:
        return self.filter(lead__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> FollowUpQuerySet:
        return self.none()


class FollowUp(models.Model):
    """One contact with the prospective investor (跟进记录) and what comes next."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=10, choices=FollowUpMethod.choices)
    content = models.TextField(_("what was discussed"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_on = models.DateField(_("next follow-up on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up (跟进记录)")
        verbose_name_plural = _("follow-ups (跟进记录)")
        ordering = ["lead", "on", "id"]
        indexes = [models.Index(fields=["lead", "-on"], name="proj_followup_lead_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_on__isnull=True) | Q(next_on__gte=models.F("on")),
                name="proj_followup_next_after",
                violation_error_message=_("The next follow-up cannot be before this one."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead} · {self.on:%Y-%m-%d} {self.get_method_display()}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.on and self.on > timezone.localdate():
            errors["on"] = _("A follow-up cannot be dated in the future.")
        elif self.on and self.lead_id and self.on < self.lead.received_on:
            errors["on"] = _("The date cannot be before %(date)s, when the lead came in.") % {
                "date": self.lead.received_on.isoformat()
            }
        if errors:
            raise ValidationError(errors)
