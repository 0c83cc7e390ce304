"""``models install --from-index en-ko``: fetch a package from the Argos index (online machines).

The only module of the service that touches the network, and it is part of the CLI only. It uses
``argostranslate.package`` for the index format and download, then installs the file with our
validating installer, never ``argostranslate``'s. argostranslate reads its folders from the
environment when imported (and creates folders under ``~/.local``), so the environment points
into ``models_dir/.argos`` while it is imported, and every network call runs under a short
socket timeout: an offline machine gets a clear message in seconds, not a hang.
"""
from __future__ import annotations

import logging
import os
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..core.errors import PackageError
from ..translate.packages import InstalledPackage, install_package, parse_pair

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
OFFLINE_HINT = ("download the .argosmodel file on a machine with internet access "
                "(https://www.argosopentech.com/argospm/index/) and run `kakehashi models install FILE`")


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class _Captured(logging.Handler):
    """argostranslate logs network errors and returns None; keep them for our one-line message."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()          # argostranslate logs str() of its argument tuple
        if message.startswith("(") and message.endswith(",)"):
            message = message[1:-2]
        self.messages.append(message)

    @property
    def reason(self) -> str:
        return f" ({self.messages[-1][:160]})" if self.messages else ""


@contextmanager
def _network_call(seconds: float) -> Iterator[_Captured]:
    """A short socket timeout, and argostranslate's error logs captured instead of printed."""
    saved = socket.getdefaulttimeout()
    logger = logging.getLogger("argostranslate")
    captured, propagate = _Captured(), logger.propagate
    socket.setdefaulttimeout(seconds)
    logger.addHandler(captured)
    logger.propagate = False
    try:
        yield captured
    finally:
        socket.setdefaulttimeout(saved)
        logger.removeHandler(captured)
        logger.propagate = propagate


def _argos(state: Path) -> Any:
    """Import argostranslate.package with its folders inside ``state``; set its paths either way."""
    for name in ("data", "config", "cache", "packages"):
        (state / name).mkdir(parents=True, exist_ok=True)
    with _environment({"XDG_DATA_HOME": str(state / "data"), "XDG_CONFIG_HOME": str(state / "config"),
                       "XDG_CACHE_HOME": str(state / "cache"), "ARGOS_PACKAGES_DIR": str(state / "packages")}):
        from argostranslate import package, settings
    settings.local_package_index = state / "index.json"
    settings.downloads_dir = state / "downloads"
    settings.downloads_dir.mkdir(exist_ok=True)
    return package, settings


def install_from_index(models_dir: Path, pair: str, max_unpacked_bytes: int, timeout: float = 10.0,
                       index_url: str | None = None) -> InstalledPackage:
    """Download the index's package for ``pair`` and install it like a local file."""
    from_code, to_code = parse_pair(pair)
    state = Path(models_dir) / ".argos"
    package, settings = _argos(state)
    base = index_url or os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    settings.remote_package_index = base.rstrip("/") + "/index.json"
    settings.local_package_index.unlink(missing_ok=True)
    with _network_call(timeout) as captured:
        package.update_package_index()          # logs and returns on network errors
    if not settings.local_package_index.exists():
        raise PackageError(f"cannot reach the Argos package index at {settings.remote_package_index}"
                           f"{captured.reason}; offline? {OFFLINE_HINT}")
    try:
        available = package.get_available_packages()
    except (ValueError, OSError, RecursionError) as exc:
        raise PackageError(f"the Argos package index could not be read ({exc.__class__.__name__}); "
                           f"{OFFLINE_HINT}") from None
    matches = [p for p in available if p.from_code == from_code and p.to_code == to_code
               and getattr(p, "type", "translate") == "translate"]
    if not matches:
        pairs = sorted(f"{p.from_code}-{p.to_code}" for p in available if p.from_code and p.to_code)
        raise PackageError(f"the Argos index has no {from_code}-{to_code} package; it has: "
                           f"{', '.join(pairs[:40]) or 'nothing'}")
    chosen = max(matches, key=lambda p: _version_key(p.package_version))
    try:
        with _network_call(timeout) as captured:
            downloaded = chosen.download()
    except Exception as exc:  # noqa: BLE001 - argostranslate raises bare Exception on failed downloads
        raise PackageError(f"downloading {from_code}-{to_code} failed ({exc}){captured.reason}; "
                           f"{OFFLINE_HINT}") from None
    try:
        return install_package(models_dir, Path(downloaded), max_unpacked_bytes)
    finally:
        Path(downloaded).unlink(missing_ok=True)


def _version_key(version: str) -> tuple[Any, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in str(version).split("."))
