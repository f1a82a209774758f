"""The envelope of an encrypted value, and the two ciphers it may name (no Django here).

    kfq1:<cipher>:<key id>:<nonce>:<ciphertext and tag>      (nonce and ciphertext: base64url)

The header says everything a reader needs besides the key, so keys can rotate (values under an
old key stay readable while `kfq datakey rotate` re-encrypts them) and the cipher can change
without a schema change. The header and the field's context (`app.model.field`) are the
associated data: a value moved to another column, or given another key id or cipher, fails its
tag instead of decrypting.

Ciphers, both authenticated (a changed byte is refused, never decrypted into something else):
- A256GCM: AES-256-GCM, the default.
- SM4GCM: SM4 (GB/T 32907-2016) in GCM mode (GB/T 17964-2021), for 密评 (GB/T 39786-2021). The
  `cryptography` wheels bundle an OpenSSL with SM4-GCM, so no MAC of our own is needed (an
  SM4-CBC + HMAC-SM3 construction would only re-create what GCM is).
Each cipher gets its own key, derived from the master key with HKDF (HKDF-SM3 for SM4, so the
SM4 path uses 国密 algorithms only); the master key itself never enters a cipher.
Nonces are 96 random bits: AES-GCM and SM4-GCM stay safe for about 2**32 values per key,
far beyond the platform's few hundred thousand contacts (rotation resets the count).
"""

import base64
import binascii
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "kfq1"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32

AES_GCM = "A256GCM"
SM4_GCM = "SM4GCM"
# The names operators write in KFQ_DATA_CIPHER.
CIPHER_NAMES = {"aes-256-gcm": AES_GCM, "sm4-gcm": SM4_GCM}


class DecryptionError(Exception):
    """A stored value that cannot be read: unknown key, wrong key, damaged or not encrypted."""


@dataclass(frozen=True)
class DataKey:
    """A 256-bit master key; `id` names it in every envelope without revealing it."""

    secret: bytes = field(repr=False)

    @cached_property
    def id(self) -> str:
        return hashlib.sha256(b"kfq-data-key-id" + self.secret).hexdigest()[:8]

    @cached_property
    def _aes(self) -> AESGCM:
        return AESGCM(_derive(self.secret, AES_GCM))

    @cached_property
    def _sm4(self) -> bytes:
        return _derive(self.secret, SM4_GCM)

    def encrypt(self, cipher: str, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        if cipher == AES_GCM:
            return self._aes.encrypt(nonce, plaintext, aad)
        if cipher == SM4_GCM:
            encryptor = Cipher(algorithms.SM4(self._sm4), modes.GCM(nonce)).encryptor()
            encryptor.authenticate_additional_data(aad)
            return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag
        raise ValueError(f"unknown cipher {cipher!r}")

    def decrypt(self, cipher: str, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        if cipher == AES_GCM:
            return self._aes.decrypt(nonce, sealed, aad)
        if cipher == SM4_GCM:
            if len(sealed) < TAG_BYTES:
                raise InvalidTag
            body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
            decryptor = Cipher(algorithms.SM4(self._sm4), modes.GCM(nonce, tag)).decryptor()
            decryptor.authenticate_additional_data(aad)
            return decryptor.update(body) + decryptor.finalize()
        raise DecryptionError(f"unknown cipher {cipher!r}")


def _derive(secret: bytes, cipher: str) -> bytes:
    if cipher == SM4_GCM:
        return HKDF(hashes.SM3(), 16, salt=None, info=b"kfq data SM4GCM").derive(secret)
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"kfq data A256GCM").derive(secret)


def parse_key(text: str) -> DataKey:
    """A key as operators write it: 32 random bytes in URL-safe base64 (`kfq datakey new`)."""
    try:
        secret = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, binascii.Error, UnicodeEncodeError) as error:
        raise ValueError("a data key is 32 random bytes in URL-safe base64") from error
    if len(secret) != KEY_BYTES:
        raise ValueError(f"a data key must decode to {KEY_BYTES} bytes, not {len(secret)}")
    return DataKey(secret)


def new_key_text() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aad(cipher: str, key_id: str, context: str) -> bytes:
    return f"{PREFIX}:{cipher}:{key_id}:{context}".encode()


def is_envelope(value: str) -> bool:
    return value.startswith(PREFIX + ":")


def seal(plaintext: str, *, key: DataKey, cipher: str, context: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.encrypt(cipher, nonce, plaintext.encode(), _aad(cipher, key.id, context))
    return f"{PREFIX}:{cipher}:{key.id}:{_b64(nonce)}:{_b64(sealed)}"


@dataclass(frozen=True)
class Header:
    cipher: str
    key_id: str


def header(value: str) -> Header:
    parts = value.split(":")
    if len(parts) != 5 or parts[0] != PREFIX:
        raise DecryptionError("the stored value is not an encrypted envelope")
    return Header(cipher=parts[1], key_id=parts[2])


def unseal(value: str, *, keys: Mapping[str, DataKey], context: str) -> str:
    """The plaintext of an envelope, with any of `keys` (by id); DecryptionError otherwise."""
    head = header(value)
    key = keys.get(head.key_id)
    if key is None:
        raise DecryptionError(
            f"the value was encrypted with data key {head.key_id}, which is not configured "
            "(KFQ_DATA_KEY, or KFQ_DATA_OLD_KEYS while a rotation is under way)"
        )
    _, _, _, nonce_text, sealed_text = value.split(":")
    try:
        nonce, sealed = _unb64(nonce_text), _unb64(sealed_text)
    except (ValueError, binascii.Error) as error:
        raise DecryptionError("the encrypted value is damaged (not base64)") from error
    if len(nonce) != NONCE_BYTES:
        raise DecryptionError("the encrypted value is damaged (nonce)")
    try:
        plaintext = key.decrypt(head.cipher, nonce, sealed, _aad(head.cipher, key.id, context))
    except InvalidTag as error:
        raise DecryptionError(
            f"the encrypted value of {context} fails its authentication tag: it was changed "
            "in the database, or moved from another column"
        ) from error
    return plaintext.decode()
