"""Former passwords (PasswordHistory): recorded by password_set, consulted by the validator.

Each is hashed with Django's hasher like the password itself, but all of a user's entries share
one salt, so checking a candidate against the whole history costs one hash (a third of a second
with Django's PBKDF2) instead of one per entry: with separate salts a history of 5 made a
password change take seconds, and of 24 (a common policy elsewhere) ten. The price: someone who
steals the table tests a guess against a user's former passwords at once, at the same work
factor per guess as the password itself.
"""

from typing import Any

from django.contrib.auth.hashers import (
    check_password,
    get_hasher,
    identify_hasher,
    make_password,
)
from django.utils.crypto import constant_time_compare

from kaifaqu.accounts.identity.models import PasswordHistory


def _newest(user: Any) -> Any:
    return PasswordHistory.objects.filter(user_id=user.pk).order_by("-set_at", "-pk")


def _shared_salt(user: Any) -> str | None:
    newest = _newest(user).values_list("encoded", flat=True).first()
    if newest is None:
        return None
    try:
        hasher = identify_hasher(newest)
    except ValueError:
        return None
    if hasher.algorithm != get_hasher().algorithm:
        return None
    salt = hasher.decode(newest).get("salt")
    return str(salt) if salt else None


def history_record(user: Any, raw: str, *, keep: int) -> None:
    """Add `raw` to the user's history and keep only the newest `keep` entries."""
    if keep:
        PasswordHistory.objects.create(user=user, encoded=make_password(raw, _shared_salt(user)))
    kept = list(_newest(user).values_list("pk", flat=True)[:keep])
    _newest(user).exclude(pk__in=kept).delete()


def history_contains(user: Any, raw: str, *, count: int) -> bool:
    """Whether `raw` is the user's current password or one of the `count` newest former ones."""
    computed: dict[tuple[str, str], str] = {}
    for encoded in _newest(user).values_list("encoded", flat=True)[:count]:
        try:
            hasher = identify_hasher(encoded)
        except ValueError:
            continue
        salt = hasher.decode(encoded).get("salt")
        if not salt or hasher.must_update(encoded):
            # Hashed under an older work factor (a Django upgrade): the slow way, once.
            if check_password(raw, encoded):
                return True
            continue
        key = (str(hasher.algorithm), str(salt))
        if key not in computed:
            computed[key] = hasher.encode(raw, str(salt))
        if constant_time_compare(computed[key], encoded):
            return True
    # The current password may have been set without a history entry (user_create, the demo).
    return bool(user.password) and check_password(raw, user.password)
