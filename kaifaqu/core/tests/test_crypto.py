"""Confidential fields are encrypted at rest (issue 15, item 5): the database holds envelopes,
never the telephone; a wrong key, a changed byte, a value moved to another column or planted in
plain are refused with a clear message; SM4 can be chosen; keys rotate; the history is masked;
a backup keeps the ciphertext and a restore with the same key reads it."""

import base64
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from click.testing import CliRunner
from django.core.exceptions import FieldError
from django.db import connection, transaction
from django.test import override_settings

from kaifaqu.cli import main
from kaifaqu.conftest import Personas, World
from kaifaqu.core.crypto import envelope
from kaifaqu.core.crypto.columns import decrypt_column, encrypt_column, rotate, status
from kaifaqu.core.crypto.envelope import DecryptionError
from kaifaqu.core.crypto.fields import audit_mask, encrypted_fields
from kaifaqu.core.crypto.keys import DataKeyError, key_ring, ring_from
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.services import enterprise_update

PHONE = "13912345678"
KEY_A = base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"B" * 32).decode()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return str(cursor.fetchone()[0])


def write_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, pk])


def with_phone(world: World, phone: str = PHONE) -> Enterprise:
    return enterprise_update(by=None, enterprise=world.ent_a1, data={"statistics_phone": phone})


# The envelope alone ----------------------------------------------------------------------


@pytest.mark.parametrize("cipher", [envelope.AES_GCM, envelope.SM4_GCM])
def test_each_cipher_reads_back_what_it_sealed_and_refuses_another_column(cipher: str) -> None:
    key = envelope.parse_key(KEY_A)
    sealed = envelope.seal("王经理 13800001234", key=key, cipher=cipher, context="a.b.c")
    assert sealed.startswith(f"kfq1:{cipher}:{key.id}:")
    assert envelope.unseal(sealed, keys={key.id: key}, context="a.b.c") == "王经理 13800001234"
    with pytest.raises(DecryptionError, match="moved from another column"):
        envelope.unseal(sealed, keys={key.id: key}, context="a.b.other")


def test_the_same_value_is_stored_differently_each_time() -> None:
    key = envelope.parse_key(KEY_A)
    once, twice = (
        envelope.seal(PHONE, key=key, cipher=envelope.AES_GCM, context="x") for _ in range(2)
    )
    assert once != twice


def test_a_malformed_key_or_cipher_is_refused_naming_the_setting() -> None:
    with pytest.raises(DataKeyError, match="KFQ_DATA_KEY is not set"):
        ring_from("", [], "aes-256-gcm")
    with pytest.raises(DataKeyError, match="KFQ_DATA_KEY: a data key must decode to 32 bytes"):
        ring_from(base64.urlsafe_b64encode(b"short").decode(), [], "aes-256-gcm")
    with pytest.raises(DataKeyError, match="KFQ_DATA_OLD_KEYS, key 1"):
        ring_from(KEY_A, ["not base64!"], "aes-256-gcm")
    with pytest.raises(DataKeyError, match="KFQ_DATA_CIPHER"):
        ring_from(KEY_A, [], "des")


# The fields in the database --------------------------------------------------------------


@pytest.mark.django_db
def test_the_column_holds_an_envelope_and_the_orm_the_telephone(world: World) -> None:
    with_phone(world)
    stored = raw("enterprises_enterprise", "statistics_phone", world.ent_a1.pk)
    assert stored.startswith(f"kfq1:A256GCM:{key_ring().current.id}:")
    assert PHONE not in stored and PHONE[-4:] not in stored
    assert Enterprise.objects.get(pk=world.ent_a1.pk).statistics_phone == PHONE
    assert (
        Enterprise.objects.filter(pk=world.ent_a1.pk)
        .values_list("statistics_phone", flat=True)
        .get()
        == PHONE
    )
    # No telephone is stored empty, and stays findable as such.
    assert raw("enterprises_enterprise", "statistics_phone", world.ent_a2.pk) == ""
    assert set(Enterprise.objects.filter(statistics_phone="").values_list("pk", flat=True)) == {
        world.ent_a2.pk,
        world.ent_b.pk,
        world.ent_c.pk,
    }


@pytest.mark.django_db
def test_a_lead_s_telephone_and_e_mail_are_encrypted_its_contact_name_is_not(
    world: World, personas: Personas
) -> None:
    from kaifaqu.projects.tests.test_leads import make_lead

    lead = make_lead(personas.zone_admin, world.zone_a)
    for column in ("contact_phone", "contact_email"):
        assert raw("projects_lead", column, lead.pk).startswith("kfq1:")
    assert raw("projects_lead", "contact_person", lead.pk) == "王经理"
    lead.refresh_from_db()
    assert (lead.contact_phone, lead.contact_email) == ("13800001234", "wang@example.com")


@pytest.mark.django_db
def test_the_database_cannot_be_asked_to_compare_encrypted_values(world: World) -> None:
    with pytest.raises(FieldError, match="is encrypted"):
        list(Enterprise.objects.filter(statistics_phone=PHONE))
    with pytest.raises(FieldError, match="Unsupported lookup"):
        list(Enterprise.objects.filter(statistics_phone__icontains="139"))


@pytest.mark.django_db
def test_the_database_cannot_write_an_encrypted_field_but_bulk_update_can(world: World) -> None:
    from django.db.models import Value
    from django.db.models.functions import Concat

    with (
        pytest.raises(FieldError, match="cannot be set by a database expression"),
        transaction.atomic(),
    ):
        Enterprise.objects.update(statistics_phone=Concat(Value("0"), "name"))
    firms = list(Enterprise.objects.filter(pk__in=[world.ent_a1.pk, world.ent_a2.pk]))
    for number, firm in enumerate(firms):
        firm.statistics_phone = f"0349-00{number}"
    Enterprise.objects.bulk_update(firms, ["statistics_phone"])
    for number, firm in enumerate(firms):
        assert raw("enterprises_enterprise", "statistics_phone", firm.pk).startswith("kfq1:")
        firm.refresh_from_db()
        assert firm.statistics_phone == f"0349-00{number}"


@pytest.mark.django_db
def test_a_wrong_key_is_a_clear_error_not_garbage(world: World) -> None:
    with_phone(world)
    with (
        override_settings(KFQ_DATA_KEY=KEY_B),
        pytest.raises(DecryptionError, match=r"data key \w+, which is not configured"),
    ):
        Enterprise.objects.get(pk=world.ent_a1.pk)


@pytest.mark.django_db
def test_a_changed_moved_or_planted_value_is_refused(world: World) -> None:
    with_phone(world)
    table, column, pk = "enterprises_enterprise", "statistics_phone", world.ent_a1.pk
    stored = raw(table, column, pk)
    head, body = stored.rsplit(":", 1)
    flipped = body[:5] + ("A" if body[5] != "A" else "B") + body[6:]
    write_raw(table, column, pk, f"{head}:{flipped}")
    with pytest.raises(DecryptionError, match="fails its authentication tag"):
        Enterprise.objects.get(pk=pk)
    # Another column's envelope (the same key) does not decrypt here either.
    moved = envelope.seal(
        PHONE,
        key=key_ring().current,
        cipher=envelope.AES_GCM,
        context="projects.lead.contact_phone",
    )
    write_raw(table, column, pk, moved)
    with pytest.raises(DecryptionError, match="moved from another column"):
        Enterprise.objects.get(pk=pk)
    write_raw(table, column, pk, PHONE)
    with pytest.raises(DecryptionError, match="not encrypted"):
        Enterprise.objects.get(pk=pk)


@pytest.mark.django_db
def test_sm4_can_be_chosen_and_both_ciphers_stay_readable(world: World) -> None:
    with override_settings(KFQ_DATA_CIPHER="sm4-gcm"):
        with_phone(world)
        assert raw("enterprises_enterprise", "statistics_phone", world.ent_a1.pk).startswith(
            "kfq1:SM4GCM:"
        )
        assert Enterprise.objects.get(pk=world.ent_a1.pk).statistics_phone == PHONE
    # The envelope names its cipher: back on AES, the SM4 value still reads.
    assert Enterprise.objects.get(pk=world.ent_a1.pk).statistics_phone == PHONE


@pytest.mark.django_db
def test_rotation_moves_every_value_to_the_new_key_and_cipher(world: World) -> None:
    with override_settings(KFQ_DATA_KEY=KEY_A):
        with_phone(world)
        enterprise_update(by=None, enterprise=world.ent_b, data={"statistics_phone": "0352-1"})
    with override_settings(KFQ_DATA_KEY=KEY_B, KFQ_DATA_OLD_KEYS=[KEY_A]):
        old_id, new_id = envelope.parse_key(KEY_A).id, envelope.parse_key(KEY_B).id
        assert status()["enterprises.enterprise.statistics_phone"] == {f"A256GCM {old_id}": 2}
        assert rotate()["enterprises.enterprise.statistics_phone"] == 2
        assert rotate()["enterprises.enterprise.statistics_phone"] == 0  # nothing left to do
        assert status()["enterprises.enterprise.statistics_phone"] == {f"A256GCM {new_id}": 2}
    with override_settings(KFQ_DATA_KEY=KEY_B, KFQ_DATA_CIPHER="sm4-gcm"):
        # The old key is gone: everything reads under the new one; then a change of cipher.
        assert Enterprise.objects.get(pk=world.ent_b.pk).statistics_phone == "0352-1"
        result = CliRunner().invoke(main, ["datakey", "rotate"])
        assert result.exit_code == 0, result.output
        assert "enterprises.enterprise.statistics_phone: 2 re-encrypted" in result.output
        shown = CliRunner().invoke(main, ["datakey", "status"]).output
        assert f"enterprises.enterprise.statistics_phone: SM4GCM {new_id}: 2" in shown
        assert Enterprise.objects.get(pk=world.ent_a1.pk).statistics_phone == PHONE


@pytest.mark.django_db
def test_a_rotation_without_the_old_key_stops_with_a_clear_error(world: World) -> None:
    with override_settings(KFQ_DATA_KEY=KEY_A):
        with_phone(world)
    with override_settings(KFQ_DATA_KEY=KEY_B):
        result = CliRunner().invoke(main, ["datakey", "rotate"])
    assert result.exit_code == 1
    assert "not configured" in result.output


def test_kfq_datakey_new_prints_a_usable_key() -> None:
    printed = CliRunner().invoke(main, ["datakey", "new"]).output.strip()
    assert len(envelope.parse_key(printed).secret) == 32
    assert printed != CliRunner().invoke(main, ["datakey", "new"]).output.strip()


# The data migrations ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_helpers_encrypt_plain_values_and_back(world: World) -> None:
    table, column, pk = "enterprises_enterprise", "statistics_phone", world.ent_a1.pk
    write_raw(table, column, pk, PHONE)  # as an installation before the encryption held it
    editor: Any = type("Editor", (), {"connection": connection})()
    spec = {"table": table, "column": column, "context": "enterprises.enterprise.statistics_phone"}
    assert encrypt_column(editor, **spec) == 1
    assert encrypt_column(editor, **spec) == 0  # already encrypted: left as it is
    assert raw(table, column, pk).startswith("kfq1:")
    assert Enterprise.objects.get(pk=pk).statistics_phone == PHONE
    assert decrypt_column(editor, **spec) == 1
    assert raw(table, column, pk) == PHONE


@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forth_decrypts_and_encrypts_the_stored_values(world: World) -> None:
    from django.db.migrations.executor import MigrationExecutor

    with_phone(world)
    table, column, pk = "enterprises_enterprise", "statistics_phone", world.ent_a1.pk

    def migrate(target: tuple[str, str]) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([target])

    try:
        migrate(("enterprises", "0004_statistics_contact"))
        assert raw(table, column, pk) == PHONE
    finally:
        migrate(("enterprises", "0005_encrypt_statistics_phone"))
    assert raw(table, column, pk).startswith("kfq1:")
    assert Enterprise.objects.get(pk=pk).statistics_phone == PHONE


# The change history ----------------------------------------------------------------------


# Models kept out of the change history altogether, so that none of their values reach it: the
# second factor's authenticator (its enrolment and reset are in the access log instead).
NOT_IN_THE_HISTORY = {"accounts.authenticatordevice"}


def test_every_encrypted_field_is_masked_in_the_change_history() -> None:
    for model, field in encrypted_fields():
        if model._meta.label_lower in NOT_IN_THE_HISTORY:
            assert not auditlog.contains(model), model._meta.label
            continue
        registered = auditlog.get_model_fields(model)
        assert field.name in registered["mask_fields"], f"{model.__name__}.{field.name}"
        assert registered["mask_callable"] == "kaifaqu.core.crypto.fields.audit_mask"


@pytest.mark.django_db
def test_the_history_keeps_a_masked_telephone(world: World) -> None:
    with_phone(world)
    entry = LogEntry.objects.get_for_object(world.ent_a1).latest("timestamp")
    assert entry.changes_dict["statistics_phone"] == ["", "139****5678"]
    assert PHONE not in str(entry.changes)
    assert audit_mask("wang@example.com") == "w***@example.com"
    assert audit_mask("0349-1234567") == "034*****4567"
    assert audit_mask("12345") == "*****"


# Backups ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_keeps_the_ciphertext_and_a_restore_with_the_key_reads_it(
    world: World, tmp_path: Path, settings: Any
) -> None:
    from kaifaqu.core.backup import run_backup
    from kaifaqu.core.tests.test_backup import restore, rows_of

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    with_phone(world)
    stored = raw("enterprises_enterprise", "statistics_phone", world.ent_a1.pk)
    path, _manifest = run_backup(output=tmp_path / "backup.tar.gz")
    target = _empty_target(tmp_path)
    try:
        result = restore(path, target, tmp_path / "restored-media")
        assert result.returncode == 0, result.stderr
        restored = rows_of(target)["enterprises_enterprise"]
        assert any(stored in str(row) for row in restored)
        assert not any(PHONE in str(row) for row in restored)
        read = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from kaifaqu.enterprises.models import "
                f"Enterprise; print(Enterprise.objects.get(pk={world.ent_a1.pk}).statistics_phone)",
            ],
            capture_output=True,
            text=True,
            env=_env(target),
            cwd=Path(__file__).resolve().parents[3],
            check=False,
        )
        assert read.returncode == 0, read.stderr
        assert read.stdout.strip() == PHONE
    finally:
        _drop_target(target)


def _env(target: str) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kaifaqu.config.settings.test",
        "DATABASE_URL": target,
    }


def _empty_target(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path}/restored.sqlite3"
    import uuid

    import psycopg

    name = f"kfq_crypto_rt_{uuid.uuid4().hex[:12]}"
    params = connection.get_connection_params()
    server = {k: params[k] for k in ("host", "port", "user") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{server.get('user', '')}@{server.get('host', '')}:{server.get('port', 5432)}/{name}"


def _drop_target(target: str) -> None:
    if not target.startswith("postgres://"):
        return
    import psycopg

    params = connection.get_connection_params()
    server = {k: params[k] for k in ("host", "port", "user") if params.get(k)}
    name = target.rsplit("/", 1)[1]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Where the key comes from ----------------------------------------------------------------


def _settings_probe(module: str, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KFQ_"))}
    return subprocess.run(
        [sys.executable, "-c", f"from kaifaqu.config.settings import {module} as s; {code}"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )


def test_production_settings_refuse_to_start_without_a_data_key() -> None:
    secrets = {"DJANGO_SECRET_KEY": "x" * 60, "KFQ_AUDIT_KEY": "k" * 40}
    missing = _settings_probe("production", "pass", **secrets)
    assert missing.returncode != 0
    assert "KFQ_DATA_KEY must be set" in missing.stderr
    wrong = _settings_probe("production", "pass", **secrets, KFQ_DATA_KEY="too-short")
    assert "KFQ_DATA_KEY must be set" in wrong.stderr
    sm4 = _settings_probe(
        "production",
        "print(s.KFQ_DATA_CIPHER)",
        **secrets,
        KFQ_DATA_KEY=KEY_A,
        KFQ_DATA_CIPHER="sm4-gcm",
    )
    assert sm4.returncode == 0, sm4.stderr
    assert sm4.stdout.strip() == "sm4-gcm"


def test_the_embedded_setup_generates_its_key_once_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    first = _settings_probe("local", "print(s.KFQ_DATA_KEY)", KFQ_VAR_DIR=str(tmp_path / "var"))
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "data.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700
    again = _settings_probe("local", "print(s.KFQ_DATA_KEY)", KFQ_VAR_DIR=str(tmp_path / "var"))
    assert again.stdout == first.stdout
    assert len(envelope.parse_key(first.stdout.strip()).secret) == 32
