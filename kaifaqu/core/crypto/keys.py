"""The data keys of this installation, read from the settings (which read the environment).

    KFQ_DATA_KEY       the current key: new values are encrypted with it
    KFQ_DATA_OLD_KEYS  earlier keys, read only, while `kfq datakey rotate` moves their values
    KFQ_DATA_CIPHER    aes-256-gcm (default) or sm4-gcm (密评): the cipher of new values

The ring is built once per process and again when a test changes one of these settings.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from .envelope import CIPHER_NAMES, DataKey, parse_key

SETTINGS = ("KFQ_DATA_KEY", "KFQ_DATA_OLD_KEYS", "KFQ_DATA_CIPHER")


class DataKeyError(ImproperlyConfigured):
    """The data keys are missing or malformed: nothing confidential can be read or written."""


@dataclass(frozen=True)
class KeyRing:
    current: DataKey
    cipher: str
    keys: dict[str, DataKey]


def ring_from(current: str, old: list[str], cipher: str) -> KeyRing:
    """Build and check a ring; DataKeyError names the setting that is wrong."""
    if not current:
        raise DataKeyError(
            "KFQ_DATA_KEY is not set: it encrypts confidential fields (contacts' telephones). "
            "Create one with `kfq datakey new` and keep it apart from the database's backups."
        )
    try:
        key = parse_key(current)
    except ValueError as error:
        raise DataKeyError(f"KFQ_DATA_KEY: {error}") from error
    keys = {key.id: key}
    for number, text in enumerate(old, start=1):
        try:
            earlier = parse_key(text)
        except ValueError as error:
            raise DataKeyError(f"KFQ_DATA_OLD_KEYS, key {number}: {error}") from error
        if earlier.id in keys and keys[earlier.id] != earlier:
            raise DataKeyError(f"two data keys share the id {earlier.id}: replace one")
        keys.setdefault(earlier.id, earlier)
    if cipher not in CIPHER_NAMES:
        raise DataKeyError(
            f"KFQ_DATA_CIPHER is {cipher!r}: use one of {', '.join(sorted(CIPHER_NAMES))}"
        )
    return KeyRing(current=key, cipher=CIPHER_NAMES[cipher], keys=keys)


@cache
def key_ring() -> KeyRing:
    return ring_from(
        str(getattr(settings, "KFQ_DATA_KEY", "") or ""),
        [str(k) for k in getattr(settings, "KFQ_DATA_OLD_KEYS", []) if str(k).strip()],
        str(getattr(settings, "KFQ_DATA_CIPHER", "aes-256-gcm")).strip().lower(),
    )


@receiver(setting_changed)
def _forget_ring(*, setting: str, **kwargs: Any) -> None:
    if setting in SETTINGS:
        key_ring.cache_clear()
