"""Move the second factor's devices from django-otp's tables to the platform's own
(accounts/mfa/models.py): each TOTPDevice becomes an AuthenticatorDevice with its key encrypted
under KFQ_DATA_KEY, each StaticDevice a RecoveryDevice whose codes are SHA-256 digests (the codes
of 8 characters keep working, once each). The old rows are then deleted, so that no readable key
or code is left in the database.

Everything a device had is kept: user, name, confirmed, step, t0, digits, tolerance, drift,
last_t (a code used before the upgrade stays used), the throttle and the timestamps. Sessions
verified by an old device end at their next request (their device no longer exists): the user
signs in again, with the same authenticator.

Going back puts the authenticators back into django-otp's table (key in plain text, as that
version needs). Recovery codes cannot go back: only their digests are kept. Their users are left
without recovery codes and make new ones on their page (user menu → Second factor).

django-otp's otp_totp and otp_static stay installed: this migration reads their tables, so it
depends on their migrations.
"""

from django.db import migrations

from kaifaqu.accounts.mfa.models import recovery_code_digest

# The fields TOTPDevice and AuthenticatorDevice share (created_at is set afterwards: auto_now_add
# would replace it with now).
TOTP_FIELDS = (
    "user_id",
    "name",
    "confirmed",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)
STATIC_FIELDS = (
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)


def _copy(source, target_model, fields, using):
    target = target_model.objects.using(using).create(
        **{field: getattr(source, field) for field in fields}
    )
    target_model.objects.using(using).filter(pk=target.pk).update(created_at=source.created_at)
    return target


def move_to_platform_devices(apps, schema_editor):
    using = schema_editor.connection.alias
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    RecoveryDevice = apps.get_model("accounts", "RecoveryDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")

    for old in TOTPDevice.objects.using(using).order_by("pk"):
        _copy(old, AuthenticatorDevice, TOTP_FIELDS, using)
    TOTPDevice.objects.using(using).all().delete()

    for old in StaticDevice.objects.using(using).order_by("pk"):
        device = _copy(old, RecoveryDevice, STATIC_FIELDS, using)
        tokens = StaticToken.objects.using(using).filter(device_id=old.pk)
        digests = {recovery_code_digest(token) for token in tokens.values_list("token", flat=True)}
        RecoveryCode.objects.using(using).bulk_create(
            RecoveryCode(device=device, digest=digest) for digest in sorted(digests)
        )
    StaticToken.objects.using(using).all().delete()
    StaticDevice.objects.using(using).all().delete()


def move_back_to_django_otp(apps, schema_editor):
    using = schema_editor.connection.alias
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    RecoveryDevice = apps.get_model("accounts", "RecoveryDevice")

    for device in AuthenticatorDevice.objects.using(using).order_by("pk"):
        _copy(device, TOTPDevice, TOTP_FIELDS, using)
    AuthenticatorDevice.objects.using(using).all().delete()
    # Only digests: there is nothing to give back (see the module's docstring).
    RecoveryDevice.objects.using(using).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_second_factor_devices"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(move_to_platform_devices, move_back_to_django_otp)]
