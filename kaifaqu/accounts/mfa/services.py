"""Writes of the second factor: enrolment, recovery codes, checking a code, reset."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import device_classes
from django_otp.models import Device

from kaifaqu.accounts.mfa.models import (
    AuthenticatorDevice,
    RecoveryCode,
    RecoveryDevice,
    recovery_code_digest,
    recovery_code_new,
)
from kaifaqu.accounts.models import AccessEventKind, User
from kaifaqu.accounts.services import access_event_record

RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None  # the device that accepted the code, if any
    wait_until: datetime | None = None  # django-otp's throttle after wrong codes


def mfa_enrolment_start(*, user: User) -> AuthenticatorDevice:
    """A new, unconfirmed authenticator for `user`: its secret is shown once, for this enrolment
    only (never one left by another session, whose secret someone else may have seen)."""
    device: AuthenticatorDevice = AuthenticatorDevice.objects.create(
        user=user, name=TOTP_NAME, confirmed=False
    )
    return device


@transaction.atomic
def mfa_enrolment_confirm(
    *, user: User, device: AuthenticatorDevice, code: str, request: HttpRequest | None = None
) -> list[str]:
    """Confirm the authenticator by its first code; it replaces any earlier one, and new
    recovery codes replace the old. Returns the recovery codes (to be shown once)."""
    device = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if device.confirmed:
        raise ValidationError(_("This enrolment is already complete."), code="done")
    digits = _digits(code)
    if digits is None or not device.verify_token(digits):
        raise ValidationError(
            _("The code is not right. Check the phone's clock and enter the current code."),
            code="wrong_code",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(user)
    access_event_record(kind=AccessEventKind.MFA_ENROLLED, request=request, user=user)
    return codes


@transaction.atomic
def mfa_recovery_codes_renew(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """New recovery codes for `user` (the old ones stop working)."""
    codes = _new_recovery_codes(user)
    access_event_record(
        kind=AccessEventKind.MFA_ENROLLED, request=request, user=user, detail="new recovery codes"
    )
    return codes


def mfa_check_code(*, user: User, code: str) -> CodeCheck:
    """The user's device that accepts `code` (six digits: the authenticator; otherwise a
    recovery code, used up by this), or why none did. Counting the failure is the caller's."""
    digits = _digits(code)
    model: type[AuthenticatorDevice] | type[RecoveryDevice]
    model, token = (AuthenticatorDevice, digits) if digits is not None else (RecoveryDevice, code)
    wait_until = None
    for pk in model.objects.filter(user=user, confirmed=True).values_list("pk", flat=True):
        with transaction.atomic():
            # Locked while it checks, as django-otp's verify_token does: of two requests with
            # the same code, the second sees the first one's last_t (or its used-up code).
            device = model.objects.select_for_update().filter(pk=pk).first()
            if device is None:
                continue
            allowed, data = device.verify_is_allowed()
            if not allowed:
                wait_until = (data or {}).get("locked_until")
                continue
            if device.verify_token(token):
                return CodeCheck(device=device)
    return CodeCheck(device=None, wait_until=wait_until)


def mfa_recovery_codes_left(*, user: User) -> int:
    left: int = RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()
    return left


@transaction.atomic
def mfa_reset(*, user: User, by: User | None = None, request: HttpRequest | None = None) -> int:
    """Remove every second-factor device of `user` (a lost phone): the user enrols again at the
    next sign-in if the role requires it. Sessions verified by a removed device are ended by the
    middleware at their next request. Returns the number of devices removed.

    Every kind of django-otp device is removed (ours, and any left in django-otp's own tables).
    The devices are deleted by id, never loaded whole: an authenticator whose key no longer
    decrypts (a lost KFQ_DATA_KEY) is removed all the same."""
    removed = 0
    for model in device_classes():
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.only("pk").delete()
    access_event_record(
        kind=AccessEventKind.MFA_RESET,
        request=request,
        user=user,
        detail=f"{removed} device(s) removed" + (f" by {by.get_username()}" if by else ""),
    )
    return removed


def _digits(code: str) -> str | None:
    compact = "".join(code.split())
    return compact if compact.isdigit() and len(compact) == 6 else None


def _new_recovery_codes(user: User) -> list[str]:
    """New recovery codes for `user`, replacing the old; only their digests are stored."""
    RecoveryDevice.objects.filter(user=user).delete()
    device = RecoveryDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [recovery_code_new() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes
    )
    return codes
