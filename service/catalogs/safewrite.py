"""Replace a catalog file atomically, and only if it is still the file that was read.

Atomic: a temporary file in the same folder, fsynced, then ``os.replace``; a reader (the
watcher in another process, a translator's editor) sees the old file or the new one, never half.

Never over a translator's save: a file is read, merged, then replaced, and a translator may
save in between. Right before ``os.replace`` the file is compared with what was read (its
fingerprint and its bytes); if it changed, the temporary file is dropped and ``FileChanged``
raised, and ``export`` merges again from the new file. (The check and the rename are two system
calls; a save landing in the microseconds between them is the one case this cannot see: files
have no lock that editors honour.)

Apart from ``export`` because this is file-system machinery, the writing counterpart of
``safeopen``; ``export`` decides what the file says.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import CatalogError
from .safeopen import file_fingerprint, read_whole


class FileChanged(Exception):
    """The file on disk is no longer the one the merge was made from."""


@dataclass(frozen=True)
class Snapshot:
    """A file as read for a merge: its bytes (None: it did not exist) and its fingerprint,
    taken before reading so a save during the read also counts as a change."""
    path: Path
    fingerprint: str | None
    data: bytes | None

    def unchanged(self) -> bool:
        if file_fingerprint(self.path) != self.fingerprint:
            return False
        try:
            now = read_whole(self.path, len(self.data or b"") + 1)
        except CatalogError:
            return False
        return (now[0] if now else None) == self.data    # an in-place save within one mtime tick


def atomic_write(path: Path, data: bytes, snapshot: Snapshot | None = None) -> None:
    """Replace ``path`` with ``data`` atomically; with ``snapshot``, only if the file is still
    the one that was read (else ``FileChanged``, and nothing is written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if snapshot is not None and not snapshot.unchanged():
            raise FileChanged(str(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
