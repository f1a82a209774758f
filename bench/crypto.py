"""Benchmark: the cost of encrypted fields (core/crypto), `python -m bench.crypto [--values N]`.

Encrypts and decrypts N telephone numbers (default 100,000) through the envelope, as the
field does for each value written or read, with each cipher; the reference, in the same run, is
the bare cipher call of `cryptography` on the same values (no envelope, no base64, a fixed
nonce): the ratio is what the envelope adds. Then the same through Django: an ORM read of N
enterprises' telephones (`values_list`), encrypted against plain, on an in-memory SQLite
database, so the database's own cost cancels out.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kaifaqu.core.crypto import envelope


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run_envelope(count: int) -> None:
    key = envelope.parse_key(envelope.new_key_text())
    phones = [f"139{number:08d}" for number in range(count)]
    keys = {key.id: key}
    nonce = os.urandom(12)
    for cipher in (envelope.AES_GCM, envelope.SM4_GCM):
        sealed: list[str] = []

        def seal_all(cipher: str = cipher, sealed: list[str] = sealed) -> None:
            sealed.extend(
                envelope.seal(p, key=key, cipher=cipher, context="b.e.phone") for p in phones
            )

        def open_all(cipher: str = cipher, sealed: list[str] = sealed) -> None:
            for value in sealed:
                envelope.unseal(value, keys=keys, context="b.e.phone")

        if cipher == envelope.AES_GCM:
            bare = AESGCM(os.urandom(32))

            def reference(bare: AESGCM = bare) -> None:
                for p in phones:
                    bare.encrypt(nonce, p.encode(), b"b.e.phone")

        else:
            raw = os.urandom(16)

            def reference(raw: bytes = raw) -> None:
                for p in phones:
                    enc = Cipher(algorithms.SM4(raw), modes.GCM(nonce)).encryptor()
                    enc.authenticate_additional_data(b"b.e.phone")
                    enc.update(p.encode())
                    enc.finalize()

        write, read, ref = timed(seal_all), timed(open_all), timed(reference)
        print(
            f"{cipher}: {count:,} values encrypted in {write:.2f} s "
            f"({write / count * 1e6:.1f} µs each), decrypted in {read:.2f} s "
            f"({read / count * 1e6:.1f} µs each); bare cipher {ref:.2f} s "
            f"(envelope ×{write / ref:.1f}); stored {len(sealed[0])} characters for 11"
        )


def run_orm(count: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kaifaqu.config.settings.test"
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kaifaqu.core.crypto.fields import encrypt
    from kaifaqu.enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    zone_id = _zone()
    context = "enterprises.enterprise.statistics_phone"
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO enterprises_enterprise (uscc, name, zone_id, industry_id, kind, status,"
            " address, statistics_contact, statistics_phone, description, is_illustrative,"
            " created_at, updated_at) VALUES (%s, %s, %s, '3011', 'industrial', 'operating', '',"
            " '', %s, '', 0, '2025-01-01', '2025-01-01')",
            [
                (f"9114{n:014d}", f"企业{n}", zone_id, encrypt(f"139{n:08d}", context=context))
                for n in range(count)
            ],
        )
    encrypted = timed(lambda: list(Enterprise.objects.values_list("statistics_phone", flat=True)))
    plain = timed(lambda: list(Enterprise.objects.values_list("statistics_contact", flat=True)))
    print(
        f"ORM: {count:,} telephones read in {encrypted:.2f} s, the same number of plain "
        f"values in {plain:.2f} s (decryption adds {(encrypted - plain) / count * 1e6:.1f} µs "
        "a value)"
    )


def _zone() -> int:
    from decimal import Decimal

    from kaifaqu.geo.models import Region, Zone

    region = Region.objects.create(code="140000", name="山西省", level="province")
    return Zone.objects.create(
        name="基准开发区", region=region, level="provincial", area_km2=Decimal("1")
    ).pk


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crypto")
    parser.add_argument("--values", type=int, default=100_000)
    options = parser.parse_args()
    run_envelope(options.values)
    run_orm(options.values)


if __name__ == "__main__":
    main()
