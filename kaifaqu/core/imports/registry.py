"""The kinds of file the platform imports, declared by the apps and filled in at start-up.

Core is the lowest layer: it never imports the apps whose files it reads. Each app declares an
`ImportKind` (its columns, units, who may import, the page's words, the template, and the
`write` function that turns a read sheet into records) and registers it from its
`AppConfig.ready()`. The upload page, the template download and `kfq import KIND FILE` look the
kind up here, and every import runs through `run_import`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kaifaqu.core.imports.errors import ImportResult, UnreadableFileError
from kaifaqu.core.imports.headers import FormSpec
from kaifaqu.core.imports.reading import Sheet, read_upload
from kaifaqu.core.imports.template import ImportTemplate
from kaifaqu.core.lib.money import MoneyUnit
from kaifaqu.core.permissions import ScopedUser, user_may
from kaifaqu.core.registry import Registry

if TYPE_CHECKING:
    from kaifaqu.core.imports.views import ImportForm

Progress = Callable[[str, int, int], None]
# write(sheet, *, by, filename, unit, **options): the app's row or batch writer, all or nothing.
Writer = Callable[..., ImportResult]


@dataclass(frozen=True)
class ImportOption:
    """A further choice of a kind, beyond the file and the unit: `--zone 甲开发区` on the command
    line (the page's form has the same field). `resolve` turns the text into what `write` takes
    and raises ValueError with a message for a text that names nothing."""

    name: str
    help: str | Promise
    required: bool = False
    default: str = ""
    resolve: Callable[[str], Any] | None = None


@dataclass(frozen=True)
class ImportPage:
    """The words of a kind's upload page. `done` is formatted with the result's rows, created,
    updated and unchanged; `links` are (URL name, label) pairs shown next to the template's."""

    title: str | Promise
    pretitle: str | Promise
    help: str | Promise
    done: str | Promise
    pretitle_url: str = ""
    done_link: tuple[str, str | Promise] | None = None
    links: Sequence[tuple[str, str | Promise]] = ()


@dataclass(frozen=True)
class ImportKind:
    """What an app declares for one kind of file."""

    kind: str  # `kfq import KIND`
    spec: FormSpec | Callable[[], FormSpec]  # columns and aliases (a callable: built lazily)
    write: Writer
    action: str  # who may import: an action of the permission table (core/permissions)
    refusal: str | Promise  # the reason given to whoever may not import
    template: ImportTemplate
    template_url: str  # the URL name of the template download
    page: ImportPage
    units: Sequence[MoneyUnit] = (MoneyUnit.YUAN, MoneyUnit.THOUSAND, MoneyUnit.WAN)
    default_unit: MoneyUnit = MoneyUnit.WAN
    unit_label: str | Promise = ""
    unit_help: str | Promise = ""
    # The units of electricity offered (core.imports.units.ENERGY_UNITS), the default first;
    # empty for a kind without electricity. The writer is given `electricity_unit`.
    electricity_units: Sequence[str] = ()
    options: Sequence[ImportOption] = ()
    form_class: type[ImportForm] | None = None  # the upload form, when it asks for more
    # Progress phases (name → where it ends, in percent) for kinds that report progress.
    phases: Mapping[str, int] = field(default_factory=dict)
    # check(by=…, **options) before the file is read: a refusal beyond the role (a zone's scope).
    check: Callable[..., None] | None = None

    def form_spec(self) -> FormSpec:
        return self.spec if isinstance(self.spec, FormSpec) else self.spec()

    def run(self, **arguments: Any) -> ImportResult:
        """Import a file of this kind: `run_import(kind, by=…, file=…, filename=…, …)`."""
        return run_import(self, **arguments)


class KindAlreadyRegisteredError(ImproperlyConfigured):
    pass


class UnknownKindError(KeyError):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind

    def __str__(self) -> str:
        return _("There is no import of the kind “%(kind)s”; the kinds are: %(kinds)s.") % {
            "kind": self.kind,
            "kinds": ", ".join(sorted(_KINDS)),
        }


_KINDS: Registry[ImportKind] = Registry("kinds of import")


def register(*, kind: str, spec: ImportKind) -> ImportKind:
    """Make a kind of import known (from an app's `ready()`); a kind is registered once (the
    same declaration again changes nothing)."""
    if kind != spec.kind:
        raise ValueError(f"the kind {kind!r} is declared as {spec.kind!r}")
    if _KINDS.get(kind) is spec:
        return spec
    if kind in _KINDS:
        raise KindAlreadyRegisteredError(f"an import of the kind {kind!r} is already registered")
    return _KINDS.register(kind, spec)


def unregister(kind: str) -> None:
    """For tests that register a kind of their own."""
    _KINDS.unregister(kind)


def get_kind(kind: str) -> ImportKind:
    spec = _KINDS.get(kind)
    if spec is None:
        raise UnknownKindError(kind)
    return spec


def kinds() -> list[str]:
    return sorted(_KINDS)


def run_import(
    spec: ImportKind,
    *,
    by: ScopedUser | None,
    file: IO[bytes] | Path,
    filename: str,
    unit: MoneyUnit | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> ImportResult:
    """Check who imports, read the file, and hand the sheet to the kind's writer.

    `by` None is the platform itself (benchmarks, the demo loader, a command without --as).
    A file that cannot be read is rejected as a whole; the writer reports every bad row and
    writes nothing when there is one.
    """
    if by is not None:
        if not user_may(by, spec.action):
            raise PermissionDenied(str(spec.refusal))
        if spec.check is not None:
            spec.check(by=by, **options)
    if progress:
        progress("read", 0, 1)
        options["progress"] = progress
    try:
        sheet: Sheet = read_upload(file, filename, spec.form_spec())
    except UnreadableFileError as rejected:
        return ImportResult.rejected(rejected.message)
    return spec.write(sheet, by=by, filename=filename, unit=unit or spec.default_unit, **options)
