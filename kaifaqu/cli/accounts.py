"""`kfq token` and `kfq user`: API tokens and accounts from the shell (三员分立: each
command acts as the account `--by` names, with its rights)."""

from __future__ import annotations

from typing import Any

import click

from kaifaqu.cli.base import _setup_django, main
from kaifaqu.cli.shared import (
    refused_or_invalid,
    user_named,
)


class _TokenCommands(click.Group):
    """`kfq token USERNAME …` issues (as it always did); `kfq token list|revoke …` the rest."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["issue", *args]
        return super().parse_args(ctx, args)


@main.group(cls=_TokenCommands)
def token() -> None:
    """API tokens: `kfq token USERNAME` issues one and prints it; `list` and `revoke`.

    A token is printed once and stored only as a hash. One token per purpose: issuing another
    for the same purpose revokes the one before (rotation).
    """


def _active_user(username: str) -> Any:
    from kaifaqu.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"no active user named {username!r}")
    return user


@token.command("issue")
@click.argument("username")
@click.option("--purpose", default="cli", show_default=True, help="What the token is for.")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Valid for this many days (default KFQ_API_TOKEN_DAYS, 90).",
)
def token_issue(username: str, purpose: str, days: int | None) -> None:
    """Issue a token of USERNAME for `Authorization: Token …` and print it (only this once)."""
    _setup_django()
    from django.core.exceptions import ValidationError

    from kaifaqu.accounts.tokens.services import api_token_issue

    user = _active_user(username)
    try:
        issued = api_token_issue(
            user=user, purpose=purpose, days=days, replace=True, via="kfq token"
        )
    except ValidationError as error:
        raise click.ClickException(" ".join(error.messages)) from error
    click.echo(issued.secret)
    click.echo(
        f"{issued.token.display} {purpose!r} of {username}, "
        f"valid until {issued.token.expires_at:%Y-%m-%d %H:%M %Z}",
        err=True,
    )


@token.command("list")
@click.argument("username")
def token_list(username: str) -> None:
    """List the tokens of USERNAME (never their secrets)."""
    _setup_django()
    from django.utils import timezone

    from kaifaqu.accounts.models import User
    from kaifaqu.accounts.tokens.selectors import api_token_list

    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user named {username!r}")

    def when(moment: Any) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"

    for row in api_token_list(user=user):
        click.echo(
            f"{row.display:16} {row.status!s:8} {row.purpose!r:24} created {when(row.created_at)}"
            f"  expires {when(row.expires_at)}  last used {when(row.last_used_at)}"
        )


@token.command("revoke")
@click.argument("username")
@click.option("--purpose", help="The purpose of the token to revoke.")
@click.option("--all", "everything", is_flag=True, help="Revoke every token of USERNAME.")
def token_revoke(username: str, purpose: str | None, everything: bool) -> None:
    """Revoke a token of USERNAME (by --purpose), or all of them (--all)."""
    _setup_django()
    from kaifaqu.accounts.models import User
    from kaifaqu.accounts.tokens.models import ApiToken
    from kaifaqu.accounts.tokens.services import api_token_revoke, api_tokens_revoke_all

    if bool(purpose) == everything:
        raise click.UsageError("give either --purpose or --all")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    if everything:
        click.echo(f"{api_tokens_revoke_all(user=user)} token(s) of {username} revoked")
        return
    found = ApiToken.objects.filter(user=user, purpose=purpose, revoked_at__isnull=True).first()
    if found is None:
        raise click.ClickException(f"{username} has no token for {purpose!r}")
    api_token_revoke(token=found)
    click.echo(f"{found.display} {purpose!r} of {username} revoked")


@main.group()
def user() -> None:
    """Accounts (三员分立): list, create, disable, enable, reset a password, assign a role.

    Without --by the command acts as the server's operator, who sets up the first three
    administrators; with --by USER it acts as that person and the permission table decides.
    Every change is in the audit trail.
    """


def _account(username: str) -> Any:
    from kaifaqu.accounts.models import User

    account = User.objects.filter(username=username).first()
    if account is None:
        raise click.ClickException(f"no account named {username!r}")
    return account


_by_option = click.option(
    "--by", "by_username", default=None, help="Act as this person (an administrator)."
)


@user.command("list")
@click.option("--role", default=None, help="Only this role (e.g. statistician).")
def user_list(role: str | None) -> None:
    """Print every account: user name, role, scope, active."""
    _setup_django()
    from kaifaqu.accounts.models import User

    accounts = User.objects.select_related(
        "scope_region", "scope_zone", "scope_park", "scope_enterprise"
    ).order_by("username")
    if role is not None:
        accounts = accounts.filter(role=role)
    for account in accounts:
        scope = account.scope_label if account.role else "-"
        state = "active" if account.is_active else "disabled"
        click.echo(f"{account.username}\t{account.role or '-'}\t{scope}\t{state}")


@user.command("create")
@click.argument("username")
@click.option("--name", "full_name", default="", help="The holder's full name.")
@click.option("--email", default="", help="The holder's e-mail address.")
@_by_option
def user_create(username: str, full_name: str, email: str, by_username: str | None) -> None:
    """Create an account without a role; print its one-time password."""
    _setup_django()
    from kaifaqu.accounts.services import account_create

    with refused_or_invalid():
        account, secret = account_create(
            by=user_named(by_username), username=username, full_name=full_name, email=email
        )
    click.echo(f"created {account.username}; one-time password (change at first sign-in): {secret}")


@user.command("disable")
@click.argument("username")
@_by_option
def user_disable(username: str, by_username: str | None) -> None:
    """Disable an account: no sign-in, its sessions end, its tokens stop."""
    _setup_django()
    from kaifaqu.accounts.services import account_disable

    with refused_or_invalid():
        account_disable(by=user_named(by_username), user=_account(username))
    click.echo(f"disabled {username}")


@user.command("enable")
@click.argument("username")
@_by_option
def user_enable(username: str, by_username: str | None) -> None:
    """Enable a disabled account."""
    _setup_django()
    from kaifaqu.accounts.services import account_enable

    with refused_or_invalid():
        account_enable(by=user_named(by_username), user=_account(username))
    click.echo(f"enabled {username}")


@user.command("disable-dormant")
@click.option("--dry-run", is_flag=True, help="List the dormant accounts without disabling them.")
def user_disable_dormant(dry_run: bool) -> None:
    """Disable every account unused for KFQ_DORMANT_DAYS (daily, from cron): nobody signed in to
    it nor used its API tokens since it was created or last enabled."""
    _setup_django()
    from django.conf import settings

    from kaifaqu.accounts.identity.dormancy import dormant_accounts, dormant_accounts_disable

    if not settings.KFQ_DORMANT_DAYS:
        click.echo("KFQ_DORMANT_DAYS is 0: dormant accounts are not disabled")
        return
    if dry_run:
        names = [account.get_username() for account in dormant_accounts()]
        verb = "dormant"
    else:
        names = dormant_accounts_disable()
        verb = "disabled"
    for name in names:
        click.echo(f"{verb} {name}")
    click.echo(f"{len(names)} account(s) {verb} (unused for {settings.KFQ_DORMANT_DAYS} days)")


@user.command("reset-password")
@click.argument("username")
@_by_option
def user_reset_password(username: str, by_username: str | None) -> None:
    """Give an account a new one-time password (printed) and end its sessions."""
    _setup_django()
    from kaifaqu.accounts.services import account_password_reset

    with refused_or_invalid():
        secret = account_password_reset(by=user_named(by_username), user=_account(username))
    click.echo(f"one-time password of {username} (change at next sign-in): {secret}")


@user.command("reset-second-factor")
@click.argument("username")
@_by_option
def user_reset_second_factor(username: str, by_username: str | None) -> None:
    """Remove an account's second-factor devices (a lost phone); it enrols again at sign-in."""
    _setup_django()
    from kaifaqu.accounts.services import account_second_factor_reset

    with refused_or_invalid():
        removed = account_second_factor_reset(by=user_named(by_username), user=_account(username))
    click.echo(f"{removed} second-factor device(s) of {username} removed")


@user.command("role")
@click.argument("username")
@click.argument("role")
@click.option("--region", "region_code", default=None, help="Region code (GB/T 2260).")
@click.option("--zone", "zone_id", type=int, default=None, help="Zone id.")
@click.option("--park", "park_id", type=int, default=None, help="Park id.")
@click.option("--enterprise", "uscc", default=None, help="Enterprise USCC.")
@_by_option
def user_role(
    username: str,
    role: str,
    region_code: str | None,
    zone_id: int | None,
    park_id: int | None,
    uscc: str | None,
    by_username: str | None,
) -> None:
    """Give an account its ROLE (e.g. statistician; 'none' for no role) and scope."""
    _setup_django()
    from kaifaqu.accounts.selectors import scope_model
    from kaifaqu.accounts.services import account_role_assign

    def find(field: str, **lookup: Any) -> Any:
        if all(value is None for value in lookup.values()):
            return None
        found = scope_model(field)._default_manager.filter(**lookup).first()
        if found is None:
            raise click.ClickException(f"no {field.removeprefix('scope_')} with {lookup}")
        return found

    with refused_or_invalid():
        account = account_role_assign(
            by=user_named(by_username),
            user=_account(username),
            role="" if role == "none" else role,
            scope_region=find("scope_region", code=region_code),
            scope_zone=find("scope_zone", pk=zone_id),
            scope_park=find("scope_park", pk=park_id),
            scope_enterprise=find("scope_enterprise", uscc=uscc),
        )
    click.echo(f"{account.username}: {account.role or 'no role'} ({account.scope_label})")
