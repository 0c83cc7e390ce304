"""Open and replace catalog files without trusting the file system: the one way they are read
and written.

Reading: a catalog is written by translators' tools, so it may be anything: a symlink to a
secret (``/etc/passwd``), a FIFO (a plain ``open`` blocks until a writer appears), a device,
or a 50 MB file of junk. So each path component below the catalogs folder is opened with
``O_NOFOLLOW`` relative to its parent (a symlinked ``ko/`` or month folder is refused too),
with ``O_NONBLOCK`` so even opening a FIFO returns at once, and the open file is then checked
with ``fstat``: a regular file, no larger than ``max_bytes``. Nothing is read before those
checks pass, and what is checked is the very file that is then read (no race between a check
and an open). The catalogs folder itself is the operator's setting and may be a link.

Writing: a temporary file in the same folder, fsynced, then ``os.replace``; a reader (the
watcher in another process, a translator's editor) sees the old file or the new one, never
half. And never over a translator's save: right before ``os.replace`` the file is compared
with what was read (its fingerprint and its bytes); if it changed, the temporary file is
dropped and ``FileChanged`` raised, and ``export`` merges again from the new file. (The check
and the rename are two system calls; a save landing in the microseconds between them is the
one case this cannot see: files have no lock that editors honour.)
"""
from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from . import CatalogError, Problem

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def fingerprint(st: os.stat_result) -> str:
    """What says a file changed: mtime (ns), size and inode (an atomic rename changes it)."""
    return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"


def _refuse(path: Path, reason: str) -> CatalogError:
    return CatalogError([Problem(str(path), 0, reason)])


def _open_component(name: str, parent_fd: int | None, path: Path, directory: bool) -> int:
    flags = _FLAGS | (os.O_DIRECTORY if directory else 0)
    try:
        return os.open(name, flags, dir_fd=parent_fd)
    except FileNotFoundError:
        raise _refuse(path, "no such file; run `kakehashi catalog export` first") from None
    except OSError as error:
        st = None
        try:
            st = os.lstat(name, dir_fd=parent_fd)
        except OSError:
            pass
        if st is not None and stat.S_ISLNK(st.st_mode):
            raise _refuse(path, f"{name} is a symbolic link; catalogs are read only from regular files "
                                "inside the catalogs folder (replace the link with the file itself)") from None
        if directory and st is not None and not stat.S_ISDIR(st.st_mode):
            raise _refuse(path, f"{name} is not a folder") from None
        raise _refuse(path, f"cannot be opened ({error.strerror}); check its permissions") from None


@contextmanager
def open_catalog(directory: Path, path: Path, max_bytes: int) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """The open file (binary, buffered) and its ``fstat``, or ``CatalogError`` (line 0) saying
    why it was refused. ``path`` must lie inside ``directory``."""
    relative = Path(path).relative_to(directory).parts
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _refuse(path, "no such file; run `kakehashi catalog export` first") from None
    except OSError as error:
        raise _refuse(path, f"its catalogs folder cannot be opened ({error.strerror})") from None
    try:
        for name in relative[:-1]:
            inner = _open_component(name, fd, path, directory=True)
            os.close(fd)
            fd = inner
        file_fd = _open_component(relative[-1], fd, path, directory=False)
    finally:
        os.close(fd)
    try:
        st = os.fstat(file_fd)
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(path, "is not a regular file (a FIFO, device or folder?); save the catalog as a plain file")
        if st.st_size > max_bytes:
            raise _refuse(path, f"is {st.st_size:,} bytes, over the limit of {max_bytes:,} "
                                "(KAKEHASHI_MAX_CATALOG_BYTES); split the stories or raise the limit")
        os.set_blocking(file_fd, True)
        stream = os.fdopen(file_fd, "rb")
    except BaseException:
        os.close(file_fd)
        raise
    with stream:
        yield stream, st


def file_fingerprint(path: Path) -> str | None:
    """The fingerprint of the path itself (``lstat``: a symlink is not followed, a FIFO not
    opened); None when it does not exist."""
    try:
        return fingerprint(os.lstat(path))
    except FileNotFoundError:
        return None


def read_whole(path: Path, max_bytes: int) -> tuple[bytes, str] | None:
    """A catalog's bytes and fingerprint, read safely (its folder is the one it is in), for
    ``export``, which rewrites the file and needs all of it; None when it does not exist."""
    path = Path(path)
    try:
        with open_catalog(path.parent, path, max_bytes) as (stream, st):
            return stream.read(max_bytes + 1)[:max_bytes], fingerprint(st)
    except CatalogError:
        if not os.path.lexists(path):
            return None
        raise



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
