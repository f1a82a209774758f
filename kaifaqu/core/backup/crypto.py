"""Encryption of archive members: AES-256-GCM (the `cryptography` package) in 1 MiB chunks.

A member is streamed, never held whole in memory. Each chunk is compressed (encrypted bytes do
not compress) and sealed with a nonce of the member's random prefix and the chunk's number; the
associated data names the member and says whether the chunk is the last, so chunks cannot be
reordered, moved to another member or cut off at the end without the restore noticing.
"""

import base64
import hashlib
import os
import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import BackupError

KEY_ENV = "KFQ_BACKUP_KEY"
ALGORITHM = "AES-256-GCM, zlib-compressed chunks of 1 MiB"
MAGIC = b"KFQAES1"
CHUNK = 1024 * 1024
LAST = 0x80000000


def key_from_env() -> bytes:
    value = os.environ.get(KEY_ENV, "")
    if not value:
        raise BackupError(
            f"{KEY_ENV} is not set: it must hold 32 random bytes in URL-safe base64 "
            '(python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())")'
        )
    try:
        key = base64.urlsafe_b64decode(value)
    except ValueError as error:
        raise BackupError(f"{KEY_ENV} is not URL-safe base64") from error
    if len(key) != 32:
        raise BackupError(f"{KEY_ENV} must decode to 32 bytes, not {len(key)}")
    return key


def key_id(key: bytes) -> str:
    """Names the key in the manifest without revealing it, so a restore can say "wrong key"."""
    return hashlib.sha256(b"kfq-backup-key-id" + key).hexdigest()[:16]


def _aad(name: str, last: bool) -> bytes:
    return name.encode() + (b"\x01" if last else b"\x00")


def encrypt_stream(source: IO[bytes], target: IO[bytes], *, key: bytes, name: str) -> None:
    cipher = AESGCM(key)
    prefix = os.urandom(8)
    target.write(MAGIC + prefix)
    number = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if chunk else b""
        last = not following
        nonce = prefix + struct.pack(">I", number)
        sealed = cipher.encrypt(nonce, zlib.compress(chunk, 6), _aad(name, last))
        target.write(struct.pack(">I", len(sealed) | (LAST if last else 0)) + sealed)
        if last:
            return
        chunk, number = following, number + 1


def decrypt_stream(source: IO[bytes], *, key: bytes, name: str) -> Iterator[bytes]:
    cipher = AESGCM(key)
    head = source.read(len(MAGIC) + 8)
    if head[: len(MAGIC)] != MAGIC:
        raise BackupError(f"{name}: not an encrypted member")
    prefix = head[len(MAGIC) :]
    number = 0
    while True:
        raw = source.read(4)
        if len(raw) != 4:
            raise BackupError(f"{name}: encrypted member cut short")
        (word,) = struct.unpack(">I", raw)
        last = bool(word & LAST)
        sealed = source.read(word & ~LAST)
        try:
            plain = cipher.decrypt(prefix + struct.pack(">I", number), sealed, _aad(name, last))
        except InvalidTag as error:
            raise BackupError(f"{name}: cannot be decrypted (wrong key or altered)") from error
        yield zlib.decompress(plain)
        if last:
            return
        number += 1


def plain_stream(source: IO[bytes]) -> Iterable[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk
