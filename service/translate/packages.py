"""Installed Argos packages: read, list, install (atomically) and remove, in ``models_dir``.

Layout, so that a running server never sees a half-written package::

    models_dir/en-ko -> .packages/translate-en_ko-1_1.<token>   (symlink, one per pair)
    models_dir/.packages/translate-en_ko-1_1.<token>/           (the unpacked package)

An install unpacks into ``models_dir/.incoming-<token>/``, checks the result, renames the
folder into ``.packages/`` and then swaps the pair's symlink with one ``os.replace``: readers
see the old package or the new one, never neither. A plain folder holding an unpacked package
(copied by hand) is read too. Installs and removals take a file lock so two CLI runs cannot
interleave.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import secrets
import shutil
import stat
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..core.errors import PackageError

log = logging.getLogger(__name__)
LANG_CODE = re.compile(r"^[a-z]{2,3}$")
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$")
PAIR = re.compile(r"^([a-z]{2,3})[-_]([a-z]{2,3})$")


@dataclass(frozen=True)
class InstalledPackage:
    from_code: str
    to_code: str
    version: str
    path: Path                 # the entry in models_dir (symlink or folder)
    real_path: Path            # the unpacked package folder
    target_prefix: str = ""
    managed: bool = True       # installed by us (a pair symlink), not a folder copied by hand

    @property
    def pair(self) -> tuple[str, str]:
        return (self.from_code, self.to_code)

    @property
    def pair_name(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    @property
    def engine(self) -> str:
        """The label stored with every translation this package makes."""
        return f"argos:{self.from_code}-{self.to_code}:{self.version}"

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.real_path.rglob("*") if f.is_file())


def parse_pair(text: str) -> tuple[str, str]:
    match = PAIR.match(text.strip().lower())
    if not match or match.group(1) == match.group(2):
        raise PackageError(f"{text!r} is not a language pair; write it like en-ko")
    return match.group(1), match.group(2)


def parse_metadata(raw: bytes) -> dict[str, Any]:
    """The fields we rely on, checked; raises PackageError with what is wrong."""
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PackageError(f"refused: metadata.json is not valid JSON ({exc.__class__.__name__}: {exc})"[:300]) from None
    if not isinstance(meta, dict):
        raise PackageError("refused: metadata.json must hold a JSON object")
    for key in ("from_code", "to_code", "package_version"):
        if not isinstance(meta.get(key), str):
            raise PackageError(f"refused: metadata.json has no {key} string")
    if not LANG_CODE.match(meta["from_code"]) or not LANG_CODE.match(meta["to_code"]):
        raise PackageError(f"refused: language codes {meta['from_code']!r}/{meta['to_code']!r} are not ISO 639 codes")
    if meta["from_code"] == meta["to_code"]:
        raise PackageError("refused: from_code and to_code are the same language")
    if not VERSION.match(meta["package_version"]):
        raise PackageError(f"refused: package_version {meta['package_version']!r} is not a version")
    kind = meta.get("type", meta.get("package_type", "translate"))
    if kind != "translate":
        raise PackageError(f"refused: this is a {kind!r} package, not a translation package")
    prefix = meta.get("target_prefix", "")
    if not isinstance(prefix, str):
        raise PackageError("refused: target_prefix in metadata.json must be a string")
    return meta


def read_package(entry: Path) -> InstalledPackage:
    """An installed package folder (or the symlink to one) as an InstalledPackage."""
    real = entry.resolve()
    meta_path = real / "metadata.json"
    if not meta_path.is_file():
        raise PackageError(f"{entry} has no metadata.json")
    if meta_path.stat().st_size > MAX_METADATA_BYTES:
        raise PackageError(f"{meta_path} is larger than 1 MB")
    meta = parse_metadata(meta_path.read_bytes())
    for required in REQUIRED_FILES:
        if not (real / required).is_file():
            raise PackageError(f"{entry} has no {required}")
    return InstalledPackage(from_code=meta["from_code"], to_code=meta["to_code"], version=meta["package_version"],
                            path=entry, real_path=real, target_prefix=meta.get("target_prefix", ""),
                            managed=entry.is_symlink() and entry.name == f"{meta['from_code']}-{meta['to_code']}")


def list_packages(models_dir: Path) -> list[InstalledPackage]:
    """Every readable package in models_dir, sorted by pair; unreadable folders are logged, not fatal."""
    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        return []
    found = []
    for entry in sorted(models_dir.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            found.append(read_package(entry))
        except (PackageError, OSError) as exc:
            log.warning("ignoring %s: %s", entry, exc)
    return sorted(found, key=lambda p: (p.pair, not p.managed, p.path.name))


def active_packages(models_dir: Path) -> dict[tuple[str, str], InstalledPackage]:
    """One package per pair: the one installed by us if any, else the first folder by name."""
    chosen: dict[tuple[str, str], InstalledPackage] = {}
    for package in list_packages(models_dir):
        chosen.setdefault(package.pair, package)
    return chosen


@contextmanager
def _locked(models_dir: Path) -> Iterator[None]:
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install_package(models_dir: Path, file: Path, max_unpacked_bytes: int) -> InstalledPackage:
    """Validate ``file`` and make it the installed package of its pair, replacing any other version."""
    models_dir = Path(models_dir)
    checked = check_archive(Path(file), max_unpacked_bytes)
    meta = parse_metadata(checked.metadata)
    token = secrets.token_hex(4)
    with _locked(models_dir):
        _collect_garbage(models_dir)
        incoming = models_dir / f".incoming-{token}"
        incoming.mkdir()
        try:
            unpacked = extract(checked, incoming, max_unpacked_bytes)
            _check_unpacked(unpacked, meta)
            store_dir = models_dir / ".packages"
            store_dir.mkdir(exist_ok=True)
            final = store_dir / f"{checked.top}.{token}"
            os.rename(unpacked, final)
        finally:
            remove_tree(incoming)
        entry = models_dir / f"{meta['from_code']}-{meta['to_code']}"
        link = models_dir / f".link-{token}"
        os.symlink(os.path.relpath(final, models_dir), link)
        old_target = entry.resolve() if entry.is_symlink() else None
        if entry.exists() and not entry.is_symlink():
            os.rename(entry, models_dir / f".trash-{token}")     # a folder copied by hand
        os.replace(link, entry)                                  # the atomic switch
        if old_target is not None and old_target != final and old_target.parent == store_dir:
            remove_tree(old_target)
        remove_tree(models_dir / f".trash-{token}")
    return read_package(entry)


def _check_unpacked(folder: Path, meta: dict[str, Any]) -> None:
    """Checks that need the files: the SentencePiece model loads, the model config parses."""
    import sentencepiece

    try:
        processor = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        if processor.get_piece_size() < 1:
            raise ValueError("empty vocabulary")
    except Exception as exc:  # noqa: BLE001 - sentencepiece raises plain RuntimeError/OSError
        raise PackageError(f"refused: sentencepiece.model does not load ({exc})"[:300]) from None
    config = folder / "model" / "config.json"
    if config.exists():
        try:
            json.loads(config.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise PackageError("refused: model/config.json is not valid JSON") from None
    _check_model_loads(folder / "model")


def _check_model_loads(model_dir: Path) -> None:
    """Load the CTranslate2 model once: a package that cannot load would fail every fill later."""
    import ctranslate2

    try:
        translator = ctranslate2.Translator(str(model_dir), device="cpu", inter_threads=1, intra_threads=1)
    except Exception as exc:  # noqa: BLE001 - CTranslate2 raises RuntimeError/ValueError for bad files
        raise PackageError(f"refused: the CTranslate2 model in model/ does not load ({exc})"[:300]) from None
    del translator


def remove_package(models_dir: Path, pair: str) -> list[InstalledPackage]:
    """Remove every installed package of ``pair`` (e.g. "en-ko"); returns what was removed."""
    models_dir = Path(models_dir)
    wanted = parse_pair(pair)
    with _locked(models_dir):
        removed = [p for p in list_packages(models_dir) if p.pair == wanted]
        if not removed:
            raise PackageError(f"no model for {wanted[0]}-{wanted[1]} is installed; "
                               "`kakehashi models list` shows what is")
        for package in removed:
            trash = models_dir / f".trash-{secrets.token_hex(4)}"
            if package.path.is_symlink():
                os.unlink(package.path)
                if package.real_path.parent == models_dir / ".packages":
                    os.rename(package.real_path, trash)
            else:
                os.rename(package.path, trash)
            remove_tree(trash)
        _collect_garbage(models_dir)
    return removed


def _collect_garbage(models_dir: Path) -> None:
    """Leftovers of interrupted installs: temp folders and packages no pair link points to."""
    for leftover in list(models_dir.glob(".incoming-*")) + list(models_dir.glob(".trash-*")):
        remove_tree(leftover)
    for link in models_dir.glob(".link-*"):
        link.unlink(missing_ok=True)
    store_dir = models_dir / ".packages"
    if store_dir.is_dir():
        used = {entry.resolve() for entry in models_dir.iterdir() if entry.is_symlink()}
        for folder in store_dir.iterdir():
            if folder.resolve() not in used:
                remove_tree(folder)


# --- checking and unpacking an .argosmodel zip without trusting it ------------------------
# argostranslate's own installer is a bare ``extractall()``: ``../`` entries escape, absolute
# entries land elsewhere, and one broken package breaks every installed one. Here the whole
# central directory is checked before a byte is written, and bytes are counted while
# extracting, because the sizes in zip headers are claims, not facts (zip bombs).
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
