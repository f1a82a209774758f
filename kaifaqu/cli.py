"""`kfq`: the one command-line entry point for every job a person runs from a shell."""

import os
import sys

import click


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaifaqu.config.settings.local")
    import django

    django.setup()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Kaifaqu (开发区运行平台) command line."""


@main.command()
@click.option("--no-migrate", is_flag=True, help="Do not apply database migrations first.")
def demo(no_migrate: bool) -> None:
    """Load the demo zone (朔州经济开发区) and its personas; running it again changes nothing."""
    _setup_django()
    from django.core.management import call_command

    from kaifaqu.demo.services import demo_load

    if not no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    summary = demo_load(echo=click.echo)
    click.echo(summary)


@main.command()
@click.argument("username")
def token(username: str) -> None:
    """Print the API token of USERNAME (created on first use) for `Authorization: Token …`."""
    _setup_django()
    from kaifaqu.accounts.models import User
    from kaifaqu.accounts.services import user_token

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"no active user named {username!r}")
    click.echo(user_token(user=user))


@main.command()
@click.option(
    "--port", default=lambda: os.environ.get("PORT", "8000"), show_default="$PORT or 8000"
)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(port: str, host: str) -> None:
    """Serve the platform with Django's server (for the embedded, single-machine setup)."""
    _setup_django()
    from django.core.management import call_command

    call_command("runserver", f"{host}:{port}", use_reloader=False)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, check, createsuperuser, …)."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kfq manage", *args])


if __name__ == "__main__":
    sys.exit(main())
