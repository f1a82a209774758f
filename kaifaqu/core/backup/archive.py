"""The archive: a tar.gz whose last member, manifest.json, lists every other member's sha256.

Members are read back by our own code (never `extractall`): only regular files with relative
names under database/ or media/ are accepted, so a crafted archive cannot write elsewhere.
"""

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .errors import BackupError

MANIFEST = "manifest.json"
FORMAT = 1
READ = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(READ):
            digest.update(chunk)
    return digest.hexdigest()


def safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and len(path.parts) >= 2
        and path.parts[0] in {"database", "media"}
    )


class ArchiveWriter:
    """Writes members, then the manifest; the file is created 0600 and renamed into place whole."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.partial = output.with_name(output.name + ".part")
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        self._file: IO[bytes] = os.fdopen(descriptor, "wb")
        # Closed by finish() or abandon(): the writer outlives this call.
        self._tar = tarfile.open(fileobj=self._file, mode="w:gz", compresslevel=6)  # noqa: SIM115
        self.members: dict[str, dict[str, Any]] = {}

    def add(self, name: str, path: Path) -> None:
        assert safe_name(name), name
        info = tarfile.TarInfo(name)
        info.size = path.stat().st_size
        info.mode = 0o600
        with path.open("rb") as handle:
            self._tar.addfile(info, handle)
        self.members[name] = {"sha256": sha256_of(path), "size": info.size}

    def finish(self, manifest: dict[str, Any]) -> None:
        manifest["members"] = self.members
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mode = 0o600
        self._tar.addfile(info, io.BytesIO(body))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.partial, self.output)

    def abandon(self) -> None:
        self._tar.close()
        self._file.close()
        self.partial.unlink(missing_ok=True)


def verify(path: Path) -> dict[str, Any]:
    """Read the whole archive and check every member against the manifest; return the manifest.

    Nothing is written anywhere: a restore calls this before it touches a database or a file.
    """
    seen: dict[str, str] = {}
    manifest_bytes = b""
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for info in tar:
                if info.name == MANIFEST:
                    handle = tar.extractfile(info)
                    assert handle is not None
                    manifest_bytes = handle.read()
                    continue
                if not info.isreg() or not safe_name(info.name):
                    raise BackupError(f"archive holds an unexpected member: {info.name!r}")
                handle = tar.extractfile(info)
                assert handle is not None
                digest = hashlib.sha256()
                while chunk := handle.read(READ):
                    digest.update(chunk)
                seen[info.name] = digest.hexdigest()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is damaged or not a kfq backup: {error}") from error
    if not manifest_bytes:
        raise BackupError(f"{path} has no manifest: not a kfq backup, or cut short")
    try:
        manifest: dict[str, Any] = json.loads(manifest_bytes)
    except ValueError as error:
        raise BackupError(f"{path}: the manifest is damaged") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: archive format {manifest.get('format')!r} is not {FORMAT}")
    expected = {name: member["sha256"] for name, member in manifest["members"].items()}
    missing = sorted(set(expected) - set(seen))
    extra = sorted(set(seen) - set(expected))
    wrong = sorted(name for name in set(seen) & set(expected) if seen[name] != expected[name])
    if missing or extra or wrong:
        raise BackupError(
            f"{path} fails its checksums: "
            + "; ".join(
                f"{label}: {', '.join(names[:5])}"
                for label, names in (("missing", missing), ("unlisted", extra), ("altered", wrong))
                if names
            )
        )
    return manifest


@contextmanager
def members(path: Path) -> Iterator[Iterator[tuple[str, IO[bytes]]]]:
    """The archive's members in order, each as (name, a readable stream)."""

    def walk(tar: tarfile.TarFile) -> Iterator[tuple[str, IO[bytes]]]:
        for info in tar:
            if info.name == MANIFEST or not info.isreg() or not safe_name(info.name):
                continue
            handle = tar.extractfile(info)
            assert handle is not None
            yield info.name, handle

    with tarfile.open(path, mode="r:gz") as tar:
        yield walk(tar)
