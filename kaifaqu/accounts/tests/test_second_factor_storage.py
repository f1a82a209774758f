"""The second factor's secrets at rest (docs/security.md): the authenticator's TOTP key is
encrypted under KFQ_DATA_KEY and survives a key rotation; recovery codes are kept only as
SHA-256 digests, long enough that a digest cannot be searched through, accepted however they are
typed, once; migration 0008 moves django-otp's devices over, and their codes keep working."""

import base64
import importlib
import math
import re
import time
from base64 import b32encode
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from kaifaqu.accounts.mfa.models import (
    RECOVERY_ALPHABET,
    RECOVERY_LENGTH,
    AuthenticatorDevice,
    RecoveryCode,
    RecoveryDevice,
    recovery_code_digest,
)
from kaifaqu.accounts.mfa.services import mfa_reset
from kaifaqu.accounts.models import User
from kaifaqu.accounts.tests.test_second_factor import (
    VERIFY,
    code_for,
    enrolled,
    sign_in,
    signed_in,
)
from kaifaqu.cli import main
from kaifaqu.conftest import Personas
from kaifaqu.core.crypto import envelope
from kaifaqu.core.crypto.envelope import DecryptionError

pytestmark = pytest.mark.django_db

KEY_A = base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"B" * 32).decode()
ACCESS_LOG = reverse("accounts:access-log")
MOVE = importlib.import_module("kaifaqu.accounts.migrations.0008_move_otp_devices")


@pytest.fixture(autouse=True)
def mfa_on(settings: Settings) -> None:
    settings.KFQ_MFA_ENABLED = True


def raw_key(device: AuthenticatorDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk])
        return str(cursor.fetchone()[0])


def database_text() -> str:
    """Every row of every table, as text, in lowercase (the test database is small)."""
    rows: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(str(row) for row in cursor.fetchall())
    return "\n".join(rows).lower()


def verify_with(username: str, code: str) -> bool:
    """Whether `code` completes a new sign-in of `username` after the password."""
    client = Client()
    sign_in(client, username)
    client.post(VERIFY, {"code": code})
    return signed_in(client)


# The authenticator ---------------------------------------------------------------------------


def test_the_authenticators_column_holds_neither_its_hex_key_nor_its_base32_secret(
    personas: Personas,
) -> None:
    device, _codes = enrolled(personas.auditor)
    secret = b32encode(device.bin_key).decode()  # what the QR code and the enrolment page show
    stored = raw_key(device)
    assert envelope.is_envelope(stored)
    assert device.key.lower() not in stored.lower()
    assert secret.rstrip("=").lower() not in stored.lower()
    # Nor anywhere else in the database.
    everything = database_text()
    assert device.key.lower() not in everything
    assert secret.rstrip("=").lower() not in everything
    assert len(device.key) == 40 and device.config_url.startswith("otpauth://totp/")


def test_rotating_the_data_key_keeps_the_authenticator_working(
    client: Client, personas: Personas
) -> None:
    with override_settings(KFQ_DATA_KEY=KEY_A):
        device, _codes = enrolled(personas.auditor)
        key = device.key
    with override_settings(KFQ_DATA_KEY=KEY_B, KFQ_DATA_OLD_KEYS=[KEY_A]):
        result = CliRunner().invoke(main, ["datakey", "rotate"])
        assert result.exit_code == 0, result.output
        assert "accounts.authenticatordevice.key: 1 re-encrypted" in result.output
    with override_settings(KFQ_DATA_KEY=KEY_B):  # the old key is gone
        assert envelope.header(raw_key(device)).key_id == envelope.parse_key(KEY_B).id
        assert AuthenticatorDevice.objects.get(pk=device.pk).key == key
        sign_in(client, "auditor")
        assert client.post(VERIFY, {"code": code_for(device, steps_ahead=1)}).status_code == 302
        assert signed_in(client)


def test_an_authenticator_whose_key_was_lost_is_still_removed_by_a_reset(
    personas: Personas,
) -> None:
    device, _codes = enrolled(personas.auditor)  # under the test settings' key
    with override_settings(KFQ_DATA_KEY=KEY_B):  # that key is lost
        with pytest.raises(DecryptionError):
            AuthenticatorDevice.objects.get(pk=device.pk)
        assert mfa_reset(user=personas.auditor) == 2
    assert not AuthenticatorDevice.objects.exists() and not RecoveryCode.objects.exists()


# Recovery codes ------------------------------------------------------------------------------


def test_a_recovery_code_is_in_the_database_only_as_its_digest(personas: Personas) -> None:
    _device, codes = enrolled(personas.sysadmin)
    everything = database_text()
    for code in codes:
        compact = code.replace("-", "")
        for form in (code, compact, code.replace("-", " ")):
            assert form.lower() not in everything
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert stored == {recovery_code_digest(code) for code in codes}
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in stored)


def test_new_recovery_codes_carry_80_random_bits_in_four_groups_without_look_alikes(
    personas: Personas,
) -> None:
    _device, codes = enrolled(personas.sysadmin)
    assert len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code), code
    assert len(set(RECOVERY_ALPHABET)) == 32 and not set("0O1I") & set(RECOVERY_ALPHABET)
    assert RECOVERY_LENGTH * math.log2(len(RECOVERY_ALPHABET)) >= 80


def test_a_recovery_code_typed_in_lowercase_with_or_without_separators_signs_in_once(
    personas: Personas, settings: Settings
) -> None:
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # each try on its own, not slowed by the one before
    _device, codes = enrolled(personas.sysadmin)
    assert verify_with("sysadmin", codes[0].replace("-", "").lower())
    assert verify_with("sysadmin", " " + codes[1].lower().replace("-", " ") + " ")
    assert RecoveryCode.objects.filter(device__user=personas.sysadmin).count() == 8
    # Used: refused however it is typed.
    assert not verify_with("sysadmin", codes[0])
    assert not verify_with("sysadmin", codes[1].replace("-", ""))
    assert RecoveryCode.objects.filter(device__user=personas.sysadmin).count() == 8


def test_a_recovery_code_is_used_up_by_the_first_of_two_copies_of_its_device(
    personas: Personas,
) -> None:
    _device, codes = enrolled(personas.sysadmin)
    first, second = (RecoveryDevice.objects.get(user=personas.sysadmin) for _ in range(2))
    assert first.verify_token(codes[2])
    assert not second.verify_token(codes[2])


# The migration from django-otp's devices -----------------------------------------------------


def old_devices(user: User) -> tuple[TOTPDevice, list[str]]:
    """An authenticator and recovery codes as django-otp kept them before migration 0008."""
    step_now = int(time.time()) // 30
    authenticator = TOTPDevice.objects.create(
        user=user,
        name="authenticator",
        confirmed=True,
        tolerance=2,
        drift=1,
        last_t=step_now - 3,
        throttling_failure_count=1,
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1),
        last_used_at=timezone.now() - timedelta(days=1),
    )
    TOTPDevice.objects.filter(pk=authenticator.pk).update(
        created_at=timezone.now() - timedelta(days=100)
    )
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    tokens = ["abcd2345", "wxyz7654", StaticToken.random_token()]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=t) for t in tokens)
    authenticator.refresh_from_db()
    return authenticator, tokens


def test_the_migration_moves_an_old_authenticator_and_old_recovery_codes_which_keep_working(
    personas: Personas, settings: Settings
) -> None:
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    old, tokens = old_devices(personas.auditor)
    # A session verified by the old authenticator before the upgrade.
    before = Client()
    before.force_login(personas.auditor)
    session = before.session
    session[DEVICE_ID_SESSION_KEY] = old.persistent_id
    session.save()
    assert before.get(ACCESS_LOG).status_code == 200
    editor: Any = type("Editor", (), {"connection": connection})()

    MOVE.move_to_platform_devices(apps, editor)

    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists() and not StaticToken.objects.exists()
    moved = AuthenticatorDevice.objects.get(user=personas.auditor)
    kept = [
        "name",
        "confirmed",
        "key",
        "step",
        "t0",
        "digits",
        "tolerance",
        "drift",
        "last_t",
        "throttling_failure_count",
        "throttling_failure_timestamp",
        "created_at",
        "last_used_at",
    ]
    assert {f: getattr(moved, f) for f in kept} == {f: getattr(old, f) for f in kept}
    assert envelope.is_envelope(raw_key(moved)) and old.key not in raw_key(moved)
    recovery = RecoveryDevice.objects.get(user=personas.auditor)
    assert set(recovery.codes.values_list("digest", flat=True)) == {
        recovery_code_digest(token) for token in tokens
    }
    everything = database_text()
    assert old.key.lower() not in everything
    assert not any(token in everything for token in tokens)
    # Its device is gone: the session ends, and the user signs in again.
    assert before.get(ACCESS_LOG)["Location"].startswith(reverse("accounts:login"))

    # The phone's code signs in, once; each old recovery code too, however typed.
    totp = TOTP(old.bin_key, old.step, old.t0, old.digits, old.drift)
    code = f"{totp.token():06d}"
    assert verify_with("auditor", code)
    assert not verify_with("auditor", code)
    assert verify_with("auditor", tokens[0].upper())
    assert not verify_with("auditor", tokens[0])
    assert verify_with("auditor", "wxyz-7654")
    assert recovery.codes.count() == 1


@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forth_gives_the_authenticator_to_django_otp_and_takes_it_again(
    personas: Personas,
) -> None:
    device, _codes = enrolled(personas.auditor)
    key = device.key

    def migrate(target: tuple[str, str] | None) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        # None: the latest migration of accounts (later ones were undone with 0008 going back).
        executor.migrate([target or executor.loader.graph.leaf_nodes("accounts")[0]])

    try:
        migrate(("accounts", "0006_access_event_kinds"))
        # The version before reads its authenticator; recovery codes, only digests, are gone.
        back = TOTPDevice.objects.get(user=personas.auditor)
        assert (back.key, back.confirmed, back.last_t) == (key, True, device.last_t)
        assert not StaticToken.objects.exists()
    finally:
        migrate(None)
    assert not TOTPDevice.objects.exists()
    again = AuthenticatorDevice.objects.get(user=personas.auditor)
    assert again.key == key and envelope.is_envelope(raw_key(again))
    assert not RecoveryCode.objects.exists()
    assert verify_with("auditor", code_for(again, steps_ahead=1))
