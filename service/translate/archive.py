"""Checking and unpacking an ``.argosmodel`` zip without trusting it.

argostranslate's own installer is a bare ``extractall()``: ``../`` entries escape, absolute
entries land elsewhere, and one broken package breaks every installed one. Here the whole
central directory is checked before a byte is written, and bytes are counted while
extracting, because the sizes in zip headers are claims, not facts (zip bombs).
"""
from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .errors import PackageError

MAX_ENTRIES = 10_000
MAX_METADATA_BYTES = 1024 * 1024
REQUIRED_FILES = ("metadata.json", "sentencepiece.model", "model/model.bin")
_ALLOWED_TYPES = (0, stat.S_IFREG, stat.S_IFDIR)


@dataclass(frozen=True)
class CheckedArchive:
    """What a structurally valid archive holds: its one top folder and its metadata bytes."""

    path: Path
    top: str
    metadata: bytes


def _entry_parts(info: zipfile.ZipInfo) -> list[str]:
    name = info.filename
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name.split("/")[0]:
        raise PackageError(f"refused: entry {name!r} has an absolute or unsafe path; "
                           "use an official .argosmodel file")
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise PackageError(f"refused: entry {name!r} would be written outside the package folder; "
                           "use an official .argosmodel file")
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise PackageError(f"refused: entry {name!r} is a symbolic link; packages hold plain files only")
    if file_type not in _ALLOWED_TYPES:
        raise PackageError(f"refused: entry {name!r} is not a plain file or folder")
    if info.flag_bits & 0x1:
        raise PackageError(f"refused: entry {name!r} is encrypted")
    return parts


def check_archive(path: Path, max_unpacked_bytes: int) -> CheckedArchive:
    """Validate the archive's listing and metadata; nothing is written."""
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"no such file: {path}")
    if not zipfile.is_zipfile(path):
        raise PackageError(f"refused: {path.name} is not a zip archive (an .argosmodel file is a zip)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if not infos:
                raise PackageError(f"refused: {path.name} is an empty archive")
            if len(infos) > MAX_ENTRIES:
                raise PackageError(f"refused: {path.name} has {len(infos)} entries (limit {MAX_ENTRIES})")
            tops, names, declared = set(), set(), 0
            for info in infos:
                parts = _entry_parts(info)
                tops.add(parts[0])
                if not info.is_dir():
                    if len(parts) < 2:
                        raise PackageError(f"refused: file {info.filename!r} is outside the package folder; "
                                           "the archive must hold exactly one top folder")
                    declared += info.file_size
                key = "/".join(parts)
                if key in names and not info.is_dir():
                    raise PackageError(f"refused: entry {info.filename!r} appears twice")
                names.add(key)
            if len(tops) != 1:
                raise PackageError(f"refused: the archive must hold exactly one top folder, found {len(tops)}: "
                                   f"{', '.join(sorted(tops)[:5])}")
            top = tops.pop()
            if declared > max_unpacked_bytes:
                raise PackageError(f"refused: unpacks to {declared} bytes, over the limit of {max_unpacked_bytes} "
                                   "(KAKEHASHI_MAX_MODEL_UNPACKED_BYTES)")
            missing = [name for name in REQUIRED_FILES if f"{top}/{name}" not in names]
            if missing:
                raise PackageError(f"refused: not an Argos translation package, missing {', '.join(missing)} "
                                   f"in {top}/")
            meta_info = archive.getinfo(f"{top}/metadata.json")
            if meta_info.file_size > MAX_METADATA_BYTES:
                raise PackageError("refused: metadata.json is larger than 1 MB")
            with archive.open(meta_info) as handle:
                metadata = handle.read(MAX_METADATA_BYTES + 1)
            if len(metadata) > MAX_METADATA_BYTES:
                raise PackageError("refused: metadata.json is larger than 1 MB")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise PackageError(f"refused: {path.name} is a damaged zip archive ({exc})") from None
    return CheckedArchive(path=path, top=top, metadata=metadata)


def extract(checked: CheckedArchive, destination: Path, max_unpacked_bytes: int) -> Path:
    """Unpack into ``destination`` (an empty folder), counting real bytes; returns the top folder."""
    written = 0
    chunk = 1024 * 1024
    try:
        with zipfile.ZipFile(checked.path) as archive:
            for info in archive.infolist():
                parts = _entry_parts(info)
                target = destination.joinpath(*parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "xb") as sink:
                    while block := source.read(chunk):
                        written += len(block)
                        if written > max_unpacked_bytes:
                            raise PackageError(
                                f"refused: unpacks to more than {max_unpacked_bytes} bytes "
                                "(KAKEHASHI_MAX_MODEL_UNPACKED_BYTES); the archive's sizes are wrong or it is too big")
                        sink.write(block)
                target.chmod(0o644)
    except PackageError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise PackageError(f"refused: {checked.path.name} could not be unpacked ({exc})") from None
    return destination / checked.top


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
