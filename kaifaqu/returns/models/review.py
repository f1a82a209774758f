"""Review (审核) of returns: per-zone settings, the findings of the rules, and the decisions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel


class StatisticsSettings(TimeStampedModel):
    """A zone's thresholds for review and its reporting deadline; defaults apply until changed."""

    zone = models.OneToOneField(
        "geo.Zone",
        verbose_name=_("zone"),
        on_delete=models.CASCADE,
        related_name="statistics_settings",
    )
    month_on_month_swing_pct = models.DecimalField(
        _("month-on-month swing that needs an explanation (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    year_on_year_swing_pct = models.DecimalField(
        _("year-on-year swing that needs an explanation (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    sales_over_output_max = models.DecimalField(
        _("largest ratio of sales output to gross output"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.20"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("Sales above gross output times this ratio block acceptance."),
    )
    own_history_factor = models.DecimalField(
        _("allowed factor from the enterprise's own ratios"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("1.01"))],
        help_text=_(
            "Output per kWh or tax per output more than this factor above or below the "
            "enterprise's median of the last 12 months needs an explanation."
        ),
    )
    industry_factor = models.DecimalField(
        _("allowed factor from the industry's ratios"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("1.01"))],
    )
    candidate_share_pct = models.DecimalField(
        _("share of the threshold that makes a candidate for 上规入统 (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    deadline_working_day = models.PositiveSmallIntegerField(
        _("returns due by this working day of the next month"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_statisticssettings"
        verbose_name = _("statistics settings")
        verbose_name_plural = _("statistics settings")

    def __str__(self) -> str:
        return str(self.zone)


class Severity(models.TextChoices):
    HARD = "hard", _("Blocks acceptance")
    SOFT = "soft", _("Needs an explanation")


class ReviewFinding(models.Model):
    """What a review rule found in a return; the message is rendered from the rule and params."""

    return_record = models.ForeignKey(
        "returns.Return",
        verbose_name=_("return"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    rule = models.CharField(_("rule"), max_length=40)
    severity = models.CharField(_("severity"), max_length=4, choices=Severity.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    params = models.JSONField(_("figures"), default=dict, blank=True)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_reviewfinding"
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")
        ordering = ["return_record", "severity", "rule"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_record", "rule", "field"],
                name="stat_finding_once_per_rule_field",
                violation_error_message=_("The rule already reported this field."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.return_record} {self.rule}"


class ReviewDecisionKind(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    SENT_BACK = "sent_back", _("Sent back")


class ExplanationSource(models.TextChoices):
    """Where the explanation of a warning came from when a return with warnings was accepted."""

    ENTERPRISE = "enterprise", _("Enterprise's written note")
    PHONE = "phone", _("Checked by phone")
    VISIT = "visit", _("Checked on site")
    PROXY_DATA = "proxy_data", _("Compared with other offices' data (tax, power)")
    OTHER = "other", _("Other")


class ReviewDecision(models.Model):
    """A statistician's decision on a return; the enterprise sees the comment of a sending back.

    An acceptance of a return with warnings says where their explanation came from: the
    enterprise's own written note (kept on the return, never changed by the office), or what the
    office found out itself (a call, a visit, the tax bureau's or the grid's figures), written
    here in the office's own words. The enterprise's figures and text stay as it gave them.
    """

    return_record = models.ForeignKey(
        "returns.Return",
        verbose_name=_("return"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    kind = models.CharField(_("decision"), max_length=10, choices=ReviewDecisionKind.choices)
    comment = models.TextField(_("comment"), blank=True)
    explanation_source = models.CharField(
        _("source of the explanation"),
        max_length=12,
        choices=ExplanationSource.choices,
        blank=True,
        help_text=_("Where the explanation of the warnings came from (accepted with warnings)."),
    )
    explanation_note = models.TextField(
        _("explanation recorded by the statistics office"),
        blank=True,
        help_text=_("What the office learned, in its own words; the enterprise's note stays."),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        # The table kept its name when the model moved from `statistics` (issue 13).
        db_table = "statistics_reviewdecision"
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["return_record", "-at"]
        constraints = [
            models.CheckConstraint(
                name="returns_decision_explained_on_acceptance",
                condition=models.Q(kind=ReviewDecisionKind.ACCEPTED)
                | (models.Q(explanation_source="") & models.Q(explanation_note="")),
                violation_error_message=_("Only an acceptance records an explanation."),
            ),
            models.CheckConstraint(
                name="returns_decision_note_has_source",
                # The office's own finding needs its words; a note needs to say where it came from.
                condition=(
                    models.Q(explanation_source__in=["", ExplanationSource.ENTERPRISE])
                    | ~models.Q(explanation_note="")
                )
                & (models.Q(explanation_note="") | ~models.Q(explanation_source="")),
                violation_error_message=_(
                    "An explanation the office found out needs its note, and a note its source."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.return_record} {self.get_kind_display()}"
