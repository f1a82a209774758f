"""The second factor's devices, the platform's own: the authenticator's TOTP secret encrypted
under KFQ_DATA_KEY, the recovery codes kept as SHA-256 digests (docs/security.md).

Both are django-otp devices (`Device`, with its throttling and timestamps), so django-otp's
session verification (OTPMiddleware, `django_otp.login`), `devices_for_user` and
`user_has_device` know them. The codes are django-otp's: `django_otp.oath.TOTP` computes and
checks them, with the behaviour and the settings of its TOTPDevice (a tolerance of one step each
way, the drift learnt when OTP_TOTP_SYNC, `last_t` so that a code works once,
OTP_TOTP_THROTTLE_FACTOR after wrong codes, OTP_TOTP_ISSUER and OTP_TOTP_IMAGE in the QR code).

Why not django-otp's TOTPDevice and StaticDevice: TOTPDevice keeps its key as hex in a plain
column, and StaticToken keeps each recovery code as it is, so whoever reads the database or a
backup could sign in as any administrator. Their rows are moved here by migration 0008.
"""

import hashlib
import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from kaifaqu.core.crypto.fields import EncryptedCharField


def new_totp_key() -> str:
    """20 random bytes in hex: the secret of a new authenticator (as django-otp makes them)."""
    return secrets.token_hex(20)


# django-otp has no types, so its Device and DeviceManager are Any to mypy. For django-stubs to
# read the devices below as models, they name `models.Model` last (Device already derives from
# it) and their manager is django-otp's under a typed name.


class AuthenticatorManager(DeviceManager, models.Manager["AuthenticatorDevice"]):
    pass


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device, models.Model):
    """An authenticator app (TOTP, RFC 6238). The fields are TOTPDevice's, the key encrypted."""

    key = EncryptedCharField(_("secret key"), max_length=80, default=new_totp_key)
    step = models.PositiveSmallIntegerField(_("time step (seconds)"), default=30)
    t0 = models.BigIntegerField(_("time of step zero"), default=0)
    digits = models.PositiveSmallIntegerField(_("digits"), choices=[(6, 6), (8, 8)], default=6)
    # Steps before or after the current one that are accepted (a phone's clock is off).
    tolerance = models.PositiveSmallIntegerField(_("tolerance"), default=1)
    # Steps the phone's clock is known to be off, learnt from the codes it gives.
    drift = models.SmallIntegerField(_("drift"), default=0)
    # The step of the last code accepted: only a later one is accepted next.
    last_t = models.BigIntegerField(_("last step used"), default=-1)

    objects = AuthenticatorManager()

    class Meta(Device.Meta):
        app_label = "accounts"
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return str(super().__str__())  # django-otp's: "name (user)"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def totp(self) -> TOTP:
        return TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: str | int) -> bool:
        """Whether `token` is the code of now (within the tolerance) and later than the last one
        accepted; as django-otp's TOTPDevice.verify_token, on the same TOTP class."""
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        totp = self.totp()
        totp.time = time.time()
        try:
            verified = bool(totp.verify(int(token), self.tolerance, self.last_t + 1))
        except (TypeError, ValueError):
            verified = False
        if verified:
            self.last_t = totp.t()
            if getattr(settings, "OTP_TOTP_SYNC", True):
                self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return verified

    @property
    def config_url(self) -> str:
        """The otpauth:// URL the enrolment's QR code holds (Google's Key URI format), with the
        issuer of OTP_TOTP_ISSUER; as django-otp's TOTPDevice.config_url."""
        label = str(self.user.get_username())
        params = urlencode(
            {
                "secret": b32encode(self.bin_key),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        issuer = _setting_text("OTP_TOTP_ISSUER", self)
        if issuer:
            issuer = issuer.replace(":", "")
            label = f"{issuer}:{label}"
            params += f"&issuer={quote(issuer)}"
        image = _setting_text("OTP_TOTP_IMAGE", self)
        if image:
            params += f"&image={quote(image, safe=':/')}"
        return f"otpauth://totp/{quote(label)}?{params}"


def _setting_text(name: str, device: Device) -> str:
    """A setting that is a text or a function of the device (as django-otp reads them)."""
    value = getattr(settings, name, None)
    if callable(value):
        value = value(device)
    return value if isinstance(value, str) else ""


# Recovery codes ------------------------------------------------------------------------------

# 32 characters without 0, O, 1 and I, which are read one for the other; lowercase is accepted.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# 16 characters of 5 bits: 80 bits, beyond the reach of a search through the digests.
RECOVERY_LENGTH = 16
RECOVERY_GROUP = 4


def recovery_code_new() -> str:
    """A new recovery code, grouped for reading: `7KQM-ZP3X-…` (four groups of four)."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(
        chars[i : i + RECOVERY_GROUP] for i in range(0, RECOVERY_LENGTH, RECOVERY_GROUP)
    )


def recovery_code_digest(code: str) -> str:
    """The SHA-256 of a recovery code as typed: spaces and hyphens left out, in any case.

    A plain, fast hash is enough for 80 random bits (the API tokens' reasoning). The codes of 8
    characters (40 bits) moved from django-otp by migration 0008 are not: their digests could
    be searched through, so a user who still has them should make new ones."""
    compact = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(compact.encode()).hexdigest()


class RecoveryManager(DeviceManager, models.Manager["RecoveryDevice"]):
    pass


class RecoveryDevice(TimestampMixin, ThrottlingMixin, Device, models.Model):
    """A user's set of single-use recovery codes, each kept only as its digest."""

    objects = RecoveryManager()

    class Meta(Device.Meta):
        app_label = "accounts"
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return str(super().__str__())

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def verify_token(self, token: str) -> bool:
        """Whether `token` is one of the codes; it is used up by this. The code's row is deleted
        by one DELETE whose count decides: of two requests with the same code, one passes."""
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        used, _counts = self.codes.filter(digest=recovery_code_digest(str(token))).delete()
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return bool(used)


class RecoveryCode(models.Model):
    """One recovery code of a RecoveryDevice: its SHA-256 digest, never the code."""

    device = models.ForeignKey(
        RecoveryDevice,
        verbose_name=_("recovery codes"),
        on_delete=models.CASCADE,
        related_name="codes",
    )
    digest = models.CharField(_("SHA-256 digest"), max_length=64)

    class Meta:
        app_label = "accounts"
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "digest"], name="accounts_recoverycode_once_per_device"
            )
        ]

    def __str__(self) -> str:
        return f"{self.digest[:8]}…"
