"""`kfq import` and `kfq rollup`: data files in, the indicator table brought up to date."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kaifaqu.cli.base import _setup_django, main
from kaifaqu.cli.shared import (
    refused_cleanly,
    user_named,
)


@main.command(
    name="import",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("kind")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def import_command(kind: str, args: tuple[str, ...]) -> None:
    """Import a data file of a KIND, all or nothing: returns (a month of returns), proxies (the
    tax bureau's or the grid's list), projects (a zone's project ledger).

    `kfq import KIND --help` lists the options of a kind.
    """
    _setup_django()
    from kaifaqu.core.imports.registry import UnknownKindError, get_kind

    try:
        spec = get_kind(kind)
    except UnknownKindError as unknown:
        raise click.ClickException(str(unknown)) from unknown
    _kind_command(spec).main(list(args), prog_name=f"kfq import {kind}", standalone_mode=False)


def _kind_command(spec: Any) -> click.Command:
    """The options of one kind of import: the file, its money unit, who imports, its own."""
    params: list[click.Parameter] = [
        click.Argument(["file"], type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.Option(["--as", "username"], help="Import as this user (their scope applies)."),
    ]
    if spec.units:  # a file without money (a roster) has no unit to choose
        params.insert(
            1,
            click.Option(
                ["--unit"],
                type=click.Choice([unit.value for unit in spec.units]),
                default=spec.default_unit.value,
                show_default=True,
                help=str(spec.unit_label or "Money unit of the figures")
                + ", unless a column header says otherwise (the header's unit wins).",
            ),
        )
    if spec.electricity_units:
        params.append(
            click.Option(
                ["--electricity-unit"],
                type=click.Choice(list(spec.electricity_units)),
                default=spec.electricity_units[0],
                show_default=True,
                help="Unit of electricity, unless a column header says otherwise.",
            )
        )
    for option in spec.options:
        # A required option has no default at all (click takes any default as given).
        default = {} if option.required else {"default": option.default}
        params.append(
            click.Option(
                [f"--{option.name}"], required=option.required, help=str(option.help), **default
            )
        )

    def run(file: Path, username: str | None, unit: str | None = None, **given: str) -> None:
        from kaifaqu.core.imports import run_import
        from kaifaqu.core.lib.money import MoneyUnit

        options: dict[str, Any] = {}
        if spec.electricity_units:
            options["electricity_unit"] = given.pop("electricity_unit")
        for option in spec.options:
            value = given[option.name]
            try:
                options[option.name] = option.resolve(value) if option.resolve else value
            except ValueError as error:
                raise click.ClickException(str(error)) from error
        by = user_named(username)
        with _progress(spec.phases) as progress, refused_cleanly():
            result = run_import(
                spec,
                by=by,
                file=file,
                filename=file.name,
                unit=MoneyUnit(unit) if unit else None,
                progress=progress,
                **options,
            )
        _report(result)

    return click.Command(
        name=spec.kind,
        params=params,
        callback=run,
        help=str(spec.page.title),
        context_settings={"help_option_names": ["-h", "--help"]},
    )


@contextmanager
def _progress(phases: Mapping[str, int]) -> Iterator[Any]:
    """A progress bar through a kind's phases (name → percent at its end), or None."""
    if not phases:
        yield None
        return
    starts = dict(zip(phases, [0, *phases.values()], strict=False))
    with click.progressbar(length=100, label="reading", show_percent=True) as bar:
        position = 0

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal position
            bar.label = stage
            start, target = starts[stage], phases[stage]
            share = start + (target - start) * (done / total if total else 1)
            bar.update(max(0, int(share) - position))
            position = max(position, int(share))

        yield progress
        bar.update(100 - position)


def _report(result: Any) -> None:
    """Every error with its row and column (exit code 1), or what was written."""
    if result.errors:
        click.echo(f"{len(result.errors)} error(s); nothing was imported:", err=True)
        for error in result.errors:
            row = "-" if error.row is None else str(error.row)
            click.echo(f"  row {row}\t{error.column}\t{error.message}", err=True)
        sys.exit(1)
    click.echo(
        f"{result.rows} rows: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )


@main.command()
@click.option(
    "--month", "months", multiple=True, help="A month to rebuild, e.g. 2025-03 (repeatable)."
)
@click.option("--all", "everything", is_flag=True, help="Every month with accepted returns.")
@click.option(
    "--changed",
    is_flag=True,
    help="Only the months marked since accepted returns changed (what the worker does).",
)
def rollup(months: tuple[str, ...], everything: bool, changed: bool) -> None:
    """Rebuild the indicator table (roll-ups) from the accepted returns; with --all, the return
    ledger (the returns' figures by month and block of enterprises) as well. Runs the worker's
    task code here, with a progress bar."""
    if (bool(months) + everything + changed) != 1:
        raise click.UsageError("give --month YYYY-MM (one or more), --all or --changed")
    _setup_django()
    from kaifaqu.core.lib.periods import Month
    from kaifaqu.indicators.tasks import run_rollup_marked, run_rollup_months

    try:
        for value in months:
            Month.parse(value)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    if everything:
        from kaifaqu.returns.services.ledger import ledger_rebuild

        click.echo(f"{ledger_rebuild()} ledger rows written")
    lines: list[str] = []
    with click.progressbar(length=1, label="months", show_pos=True) as bar:
        shown = 0

        def progress(done: int, total: int) -> None:
            nonlocal shown
            bar.length = max(total, 1)
            bar.update(done - shown)
            shown = done

        if changed:
            written = run_rollup_marked(progress=progress)
        else:
            written = run_rollup_months(
                months=list(months) or None, progress=progress, echo=lines.append
            )
    for line in lines:
        click.echo(line)
    click.echo(f"{written} {'months' if changed else 'cells'} written")
