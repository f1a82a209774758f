"""The province's "三个一批" rounds: an event where each zone presents the projects it signed,
started and commissioned since the round before (签约一批, 开工一批, 投产一批)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TimeStampedModel
from kaifaqu.core.permissions import ScopedQuerySet
from kaifaqu.projects.models.projects import MONEY, Stage

if TYPE_CHECKING:
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.geo.models import Park, Region, Zone


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open: zones pick their projects")
    CLOSED = "closed", _("Closed")


class RoundList(models.TextChoices):
    SIGNED = "signed", _("Signed (签约一批)")
    STARTED = "started", _("Started (开工一批)")
    COMMISSIONED = "commissioned", _("Commissioned (投产一批)")


# The stage a project must have entered within the round's window to be on a list, and the
# figure the list adds up: 签约投资额, 计划总投资, 总投资.
LIST_STAGE: dict[str, str] = {
    RoundList.SIGNED: Stage.SIGNED,
    RoundList.STARTED: Stage.STARTED,
    RoundList.COMMISSIONED: Stage.COMMISSIONED,
}
LIST_AMOUNT: dict[str, str] = {
    RoundList.SIGNED: "signed_investment",
    RoundList.STARTED: "planned_investment",
    RoundList.COMMISSIONED: "total_investment",
}


_CHINESE_NUMERALS = "一二三四五六七八九十"


def _province_prefix(region: Region) -> str:
    return region.code[:2]


class RoundQuerySet(ScopedQuerySet["Round"]):
    """A round is seen by everyone working in its province (its offices, zones and parks)."""

    def in_region(self, region: Region) -> RoundQuerySet:
        return self.filter(province__code__startswith=_province_prefix(region))

    def in_zone(self, zone: Zone) -> RoundQuerySet:
        return self.filter(province__code__startswith=_province_prefix(zone.region))

    def in_park(self, park: Park) -> RoundQuerySet:
        return self.in_zone(park.zone)

    def in_enterprise(self, enterprise: Enterprise) -> RoundQuerySet:
        return self.none()


class Round(TimeStampedModel):
    """One round of the province's "三个一批" activity (e.g. 2025年第一次)."""

    province = models.ForeignKey(
        "geo.Region",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="project_rounds",
        limit_choices_to={"level": "province"},
    )
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(
        _("round of the year"), help_text=_("1 for the year's first round (第一次).")
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("The event's title; left blank, the platform writes one from year and round."),
    )
    window_start = models.DateField(
        _("counts stage changes from"),
        help_text=_(
            "A project is eligible when it entered the list's stage on or after this day and on "
            "or before the round's date: usually the day after the round before."
        ),
    )
    held_on = models.DateField(_("held on"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    note = models.TextField(_("note"), blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("round (三个一批)")
        verbose_name_plural = _("rounds (三个一批)")
        ordering = ["-held_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "number"],
                name="proj_round_once",
                violation_error_message=_("The province already has this round of the year."),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.default_name()

    def default_name(self) -> str:
        number: object = self.number
        if get_language().startswith("zh") and 0 < self.number <= len(_CHINESE_NUMERALS):
            number = _CHINESE_NUMERALS[self.number - 1]  # 第一次, as the province writes it
        return str(_("Round %(number)s of %(year)s (三个一批)")) % {
            "year": self.year,
            "number": number,
        }

    def get_absolute_url(self) -> str:
        return reverse("projects:round-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.province_id and self.province.level != "province":
            errors["province"] = _("A round is opened by a province: choose a province.")
        if self.window_start and self.held_on:
            if self.window_start > self.held_on:
                errors["window_start"] = _("The window cannot start after the round's date.")
            if self.year and self.held_on.year != self.year:
                errors["held_on"] = _("The round's date must be in its year.")
        if errors:
            raise ValidationError(errors)


class RoundEntryQuerySet(ScopedQuerySet["RoundEntry"]):
    def in_region(self, region: Region) -> RoundEntryQuerySet:
        return self.filter(zone__region__code__startswith=region.prefix)

    def in_zone(self, zone: Zone) -> RoundEntryQuerySet:
        return self.filter(zone=zone)

    def in_park(self, park: Park) -> RoundEntryQuerySet:
        return self.filter(project__park=park)

    def in_enterprise(self, enterprise: Enterprise) -> RoundEntryQuerySet:
        return self.none()


class RoundEntry(models.Model):
    """A project a zone put on one of a round's three lists, with the figure the list counts as
    it stood when picked (the round's published totals do not move afterwards)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="entries"
    )
    list = models.CharField(_("list"), max_length=16, choices=RoundList.choices)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="round_entries",
    )
    # The project's zone, kept so a round's summary groups by zone without a join.
    zone = models.ForeignKey(
        "geo.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+"
    )
    stage_on = models.DateField(_("entered the stage on"))
    amount = models.DecimalField(_("amount (万元)"), **MONEY)  # type: ignore[arg-type]
    expected_annual_output = models.DecimalField(
        _("expected annual output (万元)"),
        null=True,
        blank=True,
        **MONEY,  # type: ignore[arg-type]
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = RoundEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("round entry")
        verbose_name_plural = _("round entries")
        ordering = ["round", "list", "zone", "project__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "list", "project"],
                name="proj_round_entry_once",
                violation_error_message=_("The project is already on this list of the round."),
            )
        ]
        indexes = [
            # A round's summary: its entries by zone and list, amounts read from the index.
            models.Index(fields=["round", "zone", "list", "amount"], name="proj_round_entry_sum"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_list_display()} · {self.project}"
