"""Start-up checks of the data keys (run by `migrate`, `check` and the test suite)."""

from typing import Any

from django.core.checks import CheckMessage, Error, register

from .envelope import SM4_GCM, DataKey
from .keys import DataKeyError, key_ring


@register()
def data_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        ring = key_ring()
    except DataKeyError as error:
        return [Error(str(error), id="kaifaqu.E201")]
    if ring.cipher == SM4_GCM:
        try:  # an OpenSSL built without SM4 (some distributions' own builds) cannot do it
            DataKey(b"\0" * 32).encrypt(SM4_GCM, b"\0" * 12, b"probe", b"")
        except Exception as error:  # the backend's refusal is an UnsupportedAlgorithm
            return [
                Error(
                    f"KFQ_DATA_CIPHER is sm4-gcm but this cryptography/OpenSSL cannot: {error}",
                    id="kaifaqu.E202",
                )
            ]
    return []
