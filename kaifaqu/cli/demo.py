"""`kfq demo` and `kfq manage`: building a database and Django's own commands."""

from __future__ import annotations

import click

from kaifaqu.cli.base import _setup_django, main
from kaifaqu.cli.shared import (
    phase_bars,
)


@main.command()
@click.option("--no-migrate", is_flag=True, help="Do not apply database migrations first.")
@click.option("--province", is_flag=True, help="Build the synthetic province for scale tests.")
@click.option("--zones", default=100, show_default=True, help="With --province: zones.")
@click.option("--enterprises", default=200_000, show_default=True, help="With --province.")
@click.option("--months", default=60, show_default=True, help="With --province: up to 2024-12.")
@click.option("--seed", default=2025, show_default=True, help="With --province.")
@click.option(
    "--real-months",
    is_flag=True,
    help="With --province: roster entries and exits, missing and late returns.",
)
@click.option(
    "--allow-production",
    is_flag=True,
    help="Load the demo even under production settings (its accounts have published passwords).",
)
def demo(
    no_migrate: bool,
    province: bool,
    zones: int,
    enterprises: int,
    months: int,
    seed: int,
    real_months: bool,
    allow_production: bool,
) -> None:
    """Load the demo zone (朔州经济开发区) and its personas; running it again changes nothing.

    With --province, build the synthetic province for scale tests instead (once).
    """
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.KFQ_DEMO_ALLOWED and not allow_production:
        raise click.ClickException(
            "these are production settings: the demo creates accounts whose passwords are "
            "published. Use the embedded setup (make run), or pass --allow-production."
        )

    from kaifaqu.demo.province import describe, generate_province
    from kaifaqu.demo.services import demo_load

    if not no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if not province:
        click.echo(demo_load(echo=click.echo))
        return
    summary = generate_province(
        zones=zones,
        enterprises=enterprises,
        months=months,
        seed=seed,
        progress=phase_bars(),
        real_months=real_months,
    )
    click.echo(describe(summary))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, check, showmigrations, …)."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kfq manage", *args])
