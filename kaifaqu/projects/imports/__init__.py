"""Importing a zone's project ledger (项目台账) from an Excel workbook or a CSV file: all or nothing.

Each row is a project of the zone, found by its name. A new project is registered with its stage
history built from the ledger's dates (签约日期, 备案日期, 开工日期, 投产日期, then the stage it is
in); a project already on the platform gets the ledger's figures and, when the ledger shows it
further along, moves on. Every row goes through the same services as the pages
(`project_create`, `project_advance`, `project_update`), so every rule applies; each row runs in
a savepoint so that all bad rows are reported, and when any row fails the whole import is rolled
back.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.accounts.models import User
from kaifaqu.core.imports import (
    ImportKind,
    ImportOption,
    ImportPage,
    ImportResult,
    RowError,
)
from kaifaqu.core.imports import values as cells
from kaifaqu.core.imports.headers import MatchedColumn, header_key
from kaifaqu.core.imports.reading import ROW, Sheet
from kaifaqu.core.imports.views import ImportForm
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.geo.models import Park, Zone
from kaifaqu.projects.imports import spec
from kaifaqu.projects.imports.template import TEMPLATE
from kaifaqu.projects.models import LIFECYCLE, Project, Stage, officers_of
from kaifaqu.projects.services import (
    allowed_next_stages,
    project_advance,
    project_create,
    project_update,
)

__all__ = ["PROJECTS_IMPORT", "ImportResult", "RowError", "projects_import"]

# A ledger is a zone's projects: a few thousand rows at most.
MAX_LEDGER_ROWS = 20_000
_TEXT_FIELDS = (spec.SITE, spec.INVESTOR, spec.CAPACITY, spec.DESCRIPTION)
# Stages with no date column of their own take the date of the stage before them.
_DATED_LIKE = {Stage.BUILDING: Stage.STARTED, Stage.AT_CAPACITY: Stage.COMMISSIONED}
# A project may enter these stages on the day of the import when the ledger gives no date.
_UNDATED_OK = frozenset({Stage.LEAD, Stage.NEGOTIATING})


def _check_zone(*, by: User, zone: Zone) -> None:
    if not Zone.objects.for_user(by).filter(pk=zone.pk).exists():
        raise PermissionDenied(_("This zone is outside your scope."))


def write(sheet: Sheet, *, by: User, filename: str, unit: MoneyUnit, zone: Zone) -> ImportResult:
    """Every row through the services, each in a savepoint; all rolled back when one fails."""
    if sheet.frame.height > MAX_LEDGER_ROWS:
        return ImportResult.rejected(
            _("A ledger has at most %(max)s rows; this file has %(rows)s.")
            % {"max": MAX_LEDGER_ROWS, "rows": sheet.frame.height}
        )
    ledger = _Ledger(zone=zone, by=by, unit=unit, columns=sheet.columns)
    rows = [row for row in sheet.frame.iter_rows(named=True) if not ledger.blank(row)]
    if not rows:
        return ImportResult.rejected(_("The file has no project rows below its header."))
    ledger.load_references(rows)
    result = ImportResult(rows=len(rows))
    with transaction.atomic():
        for row in rows:
            ledger.apply(row, result)
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
    result.errors.sort()
    return result


@dataclass
class _Row:
    number: int
    name: str
    stage: str
    data: dict[str, Any]  # Project fields the row fills
    dates: dict[str, date]  # spec date keys → day
    reason: str


class _Ledger:
    """The rows of one import, with the zone's parks, enterprises, industries and staff."""

    def __init__(
        self, *, zone: Zone, by: User, unit: MoneyUnit, columns: list[MatchedColumn]
    ) -> None:
        self.zone = zone
        self.by = by
        self.unit = unit
        self.columns: dict[str, list[MatchedColumn]] = {}
        for column in columns:
            self.columns.setdefault(column.target, []).append(column)
        self.seen: dict[str, int] = {}
        self.today = timezone.localdate()

    # --- reading ----------------------------------------------------------------------------

    def blank(self, row: dict[str, Any]) -> bool:
        return all(cells.is_empty(value) for key, value in row.items() if key != ROW)

    def cell(self, row: dict[str, Any], target: str) -> tuple[object, MatchedColumn | None]:
        """The first filled cell of the target's columns (a ledger may have two 投资方 columns)."""
        for column in self.columns.get(target, ()):
            value = row.get(f"c{column.index}")
            if not cells.is_empty(value):
                return value, column
        return None, None

    def header(self, target: str) -> str:
        found = self.columns.get(target)
        return found[0].header if found else spec.ledger_spec().title(target)

    def load_references(self, rows: list[dict[str, Any]]) -> None:
        """The projects, parks, enterprises, industries and officers the rows name, in a few
        queries (a name is in the file once, so the projects found stay right while it runs)."""
        names = {cells.text_of(self.cell(row, spec.NAME)[0]) for row in rows} - {""}
        self.existing = {
            project.name: project
            for project in Project.objects.filter(zone=self.zone, name__in=names)
        }
        self.parks = {header_key(park.name): park for park in Park.objects.filter(zone=self.zone)}
        named = {cells.text_of(self.cell(row, spec.ENTERPRISE)[0]) for row in rows} - {""}
        self.enterprises: dict[str, Enterprise | None] = {}
        for enterprise in Enterprise.objects.filter(zone=self.zone).filter(
            Q(uscc__in=[text.upper() for text in named]) | Q(name__in=named)
        ):
            for key in (enterprise.uscc, enterprise.name):
                # Two firms of one name in the zone: the name alone is ambiguous.
                self.enterprises[key] = None if key in self.enterprises else enterprise
        codes = {cells.text_of(self.cell(row, spec.INDUSTRY)[0]) for row in rows} - {""}
        self.industries: dict[str, IndustryClass] = {}
        for industry in IndustryClass.objects.filter(level=IndustryLevel.CLASS).filter(
            Q(code__in=[_industry_code(code) for code in codes]) | Q(name__in=codes)
        ):
            self.industries[industry.code] = industry
            self.industries[industry.name] = industry
        self.officers: dict[str, Any] = {}
        for officer in officers_of([self.zone.pk]):
            for key in {officer.username, officer.get_full_name(), str(officer)} - {""}:
                self.officers.setdefault(key, officer)

    def parse(self, row: dict[str, Any], errors: list[RowError]) -> _Row | None:
        number = int(row[ROW])

        def fail(target: str, message: str) -> None:
            errors.append(RowError(number, self.header(target), "invalid", message))

        name = cells.text_of(self.cell(row, spec.NAME)[0])
        if not name:
            fail(spec.NAME, _("The project's name is missing."))
        elif name in self.seen:
            fail(
                spec.NAME,
                _("The project is already in row %(row)s of this file.") % {"row": self.seen[name]},
            )
        else:
            self.seen[name] = number
        stage_text = cells.text_of(self.cell(row, spec.STAGE)[0])
        stage = spec.stage_of(stage_text) if stage_text else None
        if not stage_text:
            fail(spec.STAGE, _("The stage is missing."))
        elif stage is None:
            fail(
                spec.STAGE,
                _("“%(text)s” is not a stage; write one of %(stages)s.")
                % {"text": stage_text, "stages": "、".join(_STAGE_NAMES)},
            )
        data: dict[str, Any] = {"name": name, "zone": self.zone}
        for target in _TEXT_FIELDS:
            text = cells.text_of(self.cell(row, target)[0])
            if text:
                data[target] = text
        self._references(row, data, fail)
        for target in spec.FIGURES:
            value, column = self.cell(row, target)
            if column is None:
                continue
            try:
                if target in spec.MONEY_FIGURES:
                    data[target] = cells.money_of(value, column.money_unit or self.unit)
                elif target == "expected_jobs":
                    data[target] = cells.whole_of(value)
                else:
                    data[target] = cells.decimal_of(value)
            except cells.CellError as error:
                errors.append(RowError(number, column.header, "invalid", error.message))
        dates: dict[str, date] = {}
        for target in spec.DATE_KEYS:
            value, column = self.cell(row, target)
            if column is None:
                continue
            try:
                dates[target] = cells.date_of(value)
            except cells.CellError as error:
                errors.append(RowError(number, column.header, "invalid", error.message))
        reason = cells.text_of(self.cell(row, spec.REASON)[0])
        if any(error.row == number for error in errors) or stage is None:
            return None
        return _Row(number, name, stage, data, dates, reason)

    def _references(self, row: dict[str, Any], data: dict[str, Any], fail: Any) -> None:
        park_text = cells.text_of(self.cell(row, spec.PARK)[0])
        if park_text:
            park = self.parks.get(header_key(park_text))
            if park is None:
                fail(
                    spec.PARK,
                    _("The zone has no park named “%(name)s”.") % {"name": park_text},
                )
            data["park"] = park
        enterprise_text = cells.text_of(self.cell(row, spec.ENTERPRISE)[0])
        if enterprise_text:
            enterprise = self.enterprises.get(enterprise_text.upper()) or self.enterprises.get(
                enterprise_text
            )
            if enterprise is None:
                fail(
                    spec.ENTERPRISE,
                    _("No single enterprise of the zone has the name or code “%(text)s”.")
                    % {"text": enterprise_text},
                )
            data["enterprise"] = enterprise
        industry_text = cells.text_of(self.cell(row, spec.INDUSTRY)[0])
        if industry_text:
            industry = self.industries.get(_industry_code(industry_text)) or self.industries.get(
                industry_text
            )
            if industry is None:
                fail(
                    spec.INDUSTRY,
                    _(
                        "“%(text)s” is not an industry class of GB/T 4754-2017; give its 4-digit "
                        "code, e.g. 3011."
                    )
                    % {"text": industry_text},
                )
            data["industry"] = industry
        officer_text = cells.text_of(self.cell(row, spec.OFFICER)[0])
        if officer_text:
            officer = self.officers.get(officer_text)
            if officer is None:
                fail(
                    spec.OFFICER,
                    _("“%(text)s” is not a member of the zone's project staff.")
                    % {"text": officer_text},
                )
            data["officer"] = officer

    # --- writing ----------------------------------------------------------------------------

    def apply(self, raw: dict[str, Any], result: ImportResult) -> None:
        errors: list[RowError] = []
        row = self.parse(raw, errors)
        if row is not None:
            point = transaction.savepoint()
            try:
                existing = self.existing.get(row.name)
                if existing is None:
                    self._create(row)
                    result.created += 1
                elif self._update(existing, row):
                    result.updated += 1
                else:
                    result.unchanged += 1
            except ValidationError as error:
                transaction.savepoint_rollback(point)
                errors.extend(self._service_errors(row, error))
            except PermissionDenied as refusal:
                transaction.savepoint_rollback(point)
                errors.append(
                    RowError(
                        row.number,
                        self.header(spec.PARK),
                        "scope",
                        str(refusal) or _("This project is outside your scope."),
                    )
                )
            else:
                transaction.savepoint_commit(point)
        result.errors.extend(errors)

    def _history(self, row: _Row, after: str | None = None) -> list[tuple[str, date]]:
        """The stages the row's project passed through, dated, ending with its stage.

        `after`: the stage a project already on the platform is in; only later stages count.
        """
        target = row.stage
        on_line = target in LIFECYCLE
        reach = LIFECYCLE.index(target) if on_line else len(LIFECYCLE)
        start = LIFECYCLE.index(after) + 1 if after in LIFECYCLE else 0
        steps: list[tuple[str, date]] = []
        for key, stage in spec.STAGE_OF_DATE.items():
            when = row.dates.get(key)
            if when is None:
                continue
            position = LIFECYCLE.index(stage)
            if position > reach or (on_line and position == reach):
                if position > reach:
                    raise ValidationError(
                        {
                            key: _(
                                "The ledger dates %(stage)s, but the project is only at "
                                "%(current)s."
                            )
                            % {"stage": Stage(stage).label, "current": Stage(target).label}
                        }
                    )
                continue
            if position >= start:
                steps.append((stage, when))
        for (earlier, first), (later, second) in itertools.pairwise(steps):
            if second < first:
                raise ValidationError(
                    {
                        spec.DATE_OF_STAGE[later]: _(
                            "%(later)s on %(second)s cannot come before %(earlier)s on %(first)s."
                        )
                        % {
                            "later": Stage(later).label,
                            "second": second.isoformat(),
                            "earlier": Stage(earlier).label,
                            "first": first.isoformat(),
                        }
                    }
                )
        steps.append((target, self._stage_date(row, steps)))
        return steps

    def _stage_date(self, row: _Row, before: list[tuple[str, date]]) -> date:
        stage = row.stage
        if stage in spec.DATE_OF_STAGE and spec.DATE_OF_STAGE[stage] in row.dates:
            return row.dates[spec.DATE_OF_STAGE[stage]]
        if spec.STAGE_SINCE in row.dates:
            return row.dates[spec.STAGE_SINCE]
        like = _DATED_LIKE.get(Stage(stage))
        if like is not None and spec.DATE_OF_STAGE[like] in row.dates:
            return row.dates[spec.DATE_OF_STAGE[like]]
        if stage in _UNDATED_OK or stage in (Stage.STALLED, Stage.TERMINATED):
            return max([self.today, *(when for _stage, when in before)])
        raise ValidationError(
            {
                spec.DATE_OF_STAGE.get(stage, spec.STAGE_SINCE): _(
                    "Give the date the project entered %(stage)s."
                )
                % {"stage": Stage(stage).label}
            }
        )

    def _create(self, row: _Row) -> None:
        steps = self._history(row)
        (first, first_on), *later = steps
        project = project_create(
            by=self.by,
            data=row.data,
            stage=first,
            stage_on=first_on,
            note=row.reason if len(steps) == 1 else "",
        )
        for stage, on in later:
            project_advance(
                project=project,
                to_stage=stage,
                on=on,
                by=self.by,
                note=row.reason if stage == row.stage else "",
            )

    def _update(self, project: Project, row: _Row) -> bool:
        data = {key: value for key, value in row.data.items() if key not in ("name", "zone")}
        changed = any(getattr(project, key) != value for key, value in data.items())
        if changed:
            project = project_update(by=self.by, project=project, data=data)
        if row.stage == project.stage:
            return changed
        if row.stage not in allowed_next_stages(project):
            raise ValidationError(
                {
                    "stage": _(
                        "The project is already at %(current)s; a ledger cannot move it to "
                        "%(stage)s."
                    )
                    % {"current": project.get_stage_display(), "stage": Stage(row.stage).label}
                }
            )
        if project.stage in LIFECYCLE:
            steps = self._history(row, after=project.stage)
        else:
            # A stalled project resumes straight at the ledger's stage.
            steps = [(row.stage, self._stage_date(row, []))]
        for stage, on in steps:
            project_advance(
                project=project,
                to_stage=stage,
                on=on,
                by=self.by,
                note=row.reason if stage == row.stage else "",
            )
        return True

    def _service_errors(self, row: _Row, error: ValidationError) -> list[RowError]:
        found: list[RowError] = []
        messages = getattr(error, "message_dict", None) or {"__all__": error.messages}
        for field, texts in messages.items():
            column = self.header(_COLUMN_OF_ERROR.get(field, field)) if field != "__all__" else ""
            if field in ("on", "stage_on"):
                column = self.header(spec.DATE_OF_STAGE.get(row.stage, spec.STAGE_SINCE))
            for text in texts:
                found.append(RowError(row.number, column, "invalid", text))
        return found


_COLUMN_OF_ERROR = {"to_stage": spec.STAGE, "note": spec.REASON}
_STAGE_NAMES = ("线索", "洽谈", "签约", "审批/备案", "开工", "在建", "投产", "达产", "停滞", "终止")


def _industry_code(text: str) -> str:
    """'C3011' or '3011' → '3011'."""
    text = text.strip().upper()
    return text[1:] if len(text) == 5 and text[0].isalpha() else text


def _zone_named(name: str) -> Zone:
    zone = Zone.objects.filter(name=name).first()
    if zone is None:
        raise ValueError(f"no zone named {name!r}")
    return zone


class ProjectImportForm(ImportForm):
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Zone.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    field_order = ["file", "zone", "unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = Zone.objects.for_user(self.user).order_by("name")
        field: Any = self.fields["zone"]
        field.queryset = zones
        if len(zones) == 1:
            # A zone's staff import into their own zone: nothing to choose.
            field.initial = zones[0]
            field.widget = forms.HiddenInput()

    def options(self) -> dict[str, Any]:
        return {**super().options(), "zone": self.cleaned_data["zone"]}


PROJECTS_IMPORT = ImportKind(
    kind="projects",
    spec=spec.ledger_spec,
    write=write,
    action="projects.import_ledger",
    refusal=gettext_lazy("You may not import projects."),
    check=_check_zone,
    template=TEMPLATE,
    template_url="projects:project-import-template",
    units=tuple(MoneyUnit),
    default_unit=MoneyUnit.WAN,
    unit_help=gettext_lazy("A unit in a column header, e.g. 总投资(亿元), wins."),
    options=(
        ImportOption(
            name="zone",
            help=gettext_lazy("The zone whose ledger this is (its name)."),
            required=True,
            resolve=_zone_named,
        ),
    ),
    form_class=ProjectImportForm,
    page=ImportPage(
        title=gettext_lazy("Import a project ledger"),
        pretitle=gettext_lazy("Projects"),
        pretitle_url="projects:project-list",
        help=gettext_lazy(
            "One row per project, found by its 项目名称 within the zone. A new project is "
            "registered with its stage history from the ledger's dates (签约日期, 备案日期, "
            "开工日期, 投产日期) up to its 项目阶段; a project already on the platform takes the "
            "ledger's figures and moves on when the ledger shows it further along. Headers are "
            "matched whatever their spacing, brackets or unit suffix, and a list exported from "
            "this platform can be imported back; unknown columns are ignored. The template's "
            "second sheet explains every column."
        ),
        done=gettext_lazy(
            "%(rows)s rows read: %(created)s projects registered, %(updated)s updated, "
            "%(unchanged)s unchanged."
        ),
        done_link=("projects:project-list", gettext_lazy("Projects")),
    ),
)
# projects_import(*, by, zone, file, filename, unit=万元): read a ledger and register or update
# the zone's projects in it, or change nothing and return every error with its row number.
projects_import = PROJECTS_IMPORT.run
