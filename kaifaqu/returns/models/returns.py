"""The monthly return (月度报表) of an enterprise: single-month values, one row per month."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import IsFirstOfMonth
from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import AskingUser, ScopedQuerySet, user_may

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Sent back")
    ACCEPTED = "accepted", _("Accepted")


# The returns the return ledger does not mirror as counted: those not (yet) accepted, which it
# holds, and the accepted estimates (估算), which it leaves out. A roll-up reading the ledger
# corrects it by them, and a month's page reads their states; both through the partial index of
# this condition (`stat_return_rollup_exception`).
NOT_PLAINLY_ACCEPTED = ~models.Q(status=ReturnStatus.ACCEPTED) | models.Q(is_estimate=True)


class ReturnSource(models.TextChoices):
    WEB = "web", _("Filled in online")
    IMPORT = "import", _("Imported")
    API = "api", _("API")
    # Made by the statistics office for a firm that did not report when the month was closed.
    ESTIMATE = "estimate", _("Estimate (估算)")


def _money(label: StrOrPromise, *, signed: bool = False) -> models.DecimalField:
    validators = [] if signed else [MinValueValidator(Decimal("0"))]
    return models.DecimalField(
        label, max_digits=16, decimal_places=4, null=True, blank=True, validators=validators
    )


# The reported quantities of the month, in the order of the national form. Money in 万元,
# electricity in 万千瓦时, employees a head count at the end of the month (not summed over months).
MONTHLY_FIELDS: tuple[str, ...] = (
    "gross_output",
    "sales_output",
    "export_delivery",
    "revenue",
    "total_profit",
    "vat_payable",
    "taxes",
    "electricity",
    "employees",
)
# Quantities whose 1–N月 value is the sum of the months.
SUMMED_FIELDS: tuple[str, ...] = MONTHLY_FIELDS[:-1]


class ReturnQuerySet(ScopedQuerySet["Return"]):
    def for_user(self, user: AskingUser) -> Self:
        """The returns the user may see: none at all unless the permission table lets the user
        see respondents' figures (统计法), then those of the user's scope."""
        if not user_may(user, "returns.see_figures"):
            return self.none()
        return super().for_user(user)

    def in_region(self, region: Region) -> ReturnQuerySet:
        return self.filter(enterprise__zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> ReturnQuerySet:
        return self.filter(enterprise__zone=zone)

    def in_park(self, park: Park) -> ReturnQuerySet:
        return self.filter(enterprise__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> ReturnQuerySet:
        # Not the office's estimates (估算) of the firm: they are made from other firms' figures
        # (统计法), and the firm's month stays to be filled in, its return replacing them.
        return self.filter(enterprise=enterprise, is_estimate=False)


class Return(TimeStampedModel):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="returns",
        # The unique (enterprise, period) index serves lookups by enterprise; a second index
        # would only slow every insert (a province's import writes 200,000).
        db_index=False,
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    status = models.CharField(
        _("status"), max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=8, choices=ReturnSource.choices, default=ReturnSource.WEB
    )
    gross_output = _money(_("gross industrial output at current prices (万元)"))
    sales_output = _money(_("industrial sales output (万元)"))
    export_delivery = _money(_("export delivery value (万元)"))
    revenue = _money(_("operating revenue (万元)"))
    total_profit = _money(_("total profit (万元)"), signed=True)
    vat_payable = _money(_("VAT payable (万元)"))
    taxes = _money(_("taxes (万元)"))
    electricity = models.DecimalField(
        _("electricity consumed (万千瓦时)"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    employees = models.PositiveIntegerField(_("employees at month end"), null=True, blank=True)
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Why figures that raised a warning are right (需要说明的情况)."),
    )
    supporting_document = models.FileField(
        _("supporting document"), upload_to="returns/%Y/%m/", blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    # An estimate (估算, returns/estimates.py) the statistics office wrote for a firm that did not
    # report: counted like a return and flagged in every indicator it reaches, never the firm's
    # own history (the ledger leaves it out), replaced by the firm's return when that arrives.
    is_estimate = models.BooleanField(_("estimate (估算)"), default=False)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_return"
        verbose_name = _("monthly return")
        verbose_name_plural = _("monthly returns")
        ordering = ["-period", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period"],
                name="stat_return_one_per_month",
                violation_error_message=_("The enterprise already has a return for this month."),
            ),
            models.CheckConstraint(
                name="stat_return_period_first_of_month",
                condition=IsFirstOfMonth("period"),
                violation_error_message=_("A month is stored as its first day."),
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="stat_return_period_status"),
            # The review queue: a zone's returns awaiting review, a few thousand among millions
            # (without it a zone's queue read every return of its firms, 0.6 s at month end).
            models.Index(
                fields=["enterprise"],
                condition=models.Q(status=ReturnStatus.SUBMITTED),
                name="stat_return_awaiting_review",
            ),
            models.Index(
                fields=["period", "enterprise"],
                condition=NOT_PLAINLY_ACCEPTED,
                name="stat_return_rollup_exception",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("returns:return-detail", args=[self.pk])
