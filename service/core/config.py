"""Settings read from ``KAKEHASHI_*`` environment variables, validated once at start-up.

Everything configurable lives here so the rest of the code takes plain values and a typo in
a variable fails loudly at start, not at the first request that needs it.
"""
from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE_LANGUAGES = ("en", "ja")
READING_LANGUAGES = ("en", "ko", "ja")
MT_DEVICES = ("auto", "cpu", "cuda")


class ConfigError(ValueError):
    """A setting has a value the service cannot run with."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"  # gunicorn.conf.py binds here
    port: int = 8000  # gunicorn.conf.py binds here
    instance_dir: Path = PROJECT_ROOT / "instance"
    database_url: str = ""
    api_tokens: tuple[str, ...] = ()
    models_dir: Path = Path()
    translations_dir: Path = PROJECT_ROOT / "translations"
    secret_key: str = ""
    max_body_bytes: int = 256 * 1024
    max_snippets: int = 200
    max_snippet_chars: int = 5000
    max_title_chars: int = 300
    mt_batch_size: int = 8
    mt_beam_size: int = 4
    mt_inter_threads: int = 2
    mt_intra_threads: int = 1
    mt_max_decoding_length: int = 256
    mt_background: bool = True
    mt_device: str = "auto"
    queue_url: str = ""
    queue_sweep_seconds: float = 300.0
    queue_retries: int = 6
    mt_request_timeout: float = 15.0     # how long a /translate request waits for a worker (Weblate gives up at 20 s)
    queue_retry_seconds: float = 10.0
    worker_heartbeat_seconds: float = 5.0
    worker_nice: int = 10
    catalog_poll_seconds: float = 2.0
    catalog_settle_seconds: float = 1.0
    catalog_watch: bool = True           # this machine's `kakehashi worker` imports saved catalogs
    max_catalog_bytes: int = 32 * 1024 * 1024
    max_catalog_entries: int = 200_000
    max_glossary_bytes: int = 4 * 1024 * 1024    # translations/glossary.tbx; a bigger file is refused whole
    public_url: str = ""
    read_cache_bytes: int = 8 * 1024 * 1024     # ~650 documents: the hot set; a CDN in front holds the rest
    page_size: int = 20
    max_model_unpacked_bytes: int = 2 * 1024**3
    log_level: str = "INFO"
    # the LibreTranslate-compatible face (service/libretranslate)
    mt_api_keys: tuple[str, ...] = ()           # accepted as api_key, besides api_tokens
    mt_anonymous: bool = False                  # allow /translate and /detect without a key
    mt_char_limit: int = 2500                   # characters per text (400 above)
    mt_batch_limit: int = 20                    # texts per request (400 above); Weblate sends 20
    mt_alternatives_limit: int = 3
    mt_rate_limit: str = "60 per minute"        # per key (or address), the `limits` notation
    mt_key_rate_limits: tuple[tuple[str, str], ...] = ()   # (key, rule): a key's own limit instead
    # where hits are counted: "store" (the store, shared by every process), redis://host:6379, or
    # memory:// (per process: only for a single web process)
    mt_rate_limit_storage: str = "store"
    # search (service/usecases/searching.py)
    max_search_chars: int = 200                 # characters of a query (400 above)
    search_rate_limit: str = "60 per minute"    # searches per client address (API and pages together)
    search_rate_limit_storage: str = "memory://"

    @property
    def mt_keys(self) -> tuple[str, ...]:
        """Every key /translate accepts: the write tokens, the MT keys and the keys with their own limit."""
        return tuple(dict.fromkeys((*self.api_tokens, *self.mt_api_keys, *(key for key, _ in self.mt_key_rate_limits))))

    @property
    def mt_request_line_bytes(self) -> int:
        """The longest request line /translate accepts: a text of ``mt_char_limit`` characters in
        the query string (deep-translator sends it there) as percent-encoded 3-byte UTF-8 (9 bytes a
        character, Japanese and Korean), plus 2 KiB for the method, path, other parameters and key."""
        return self.mt_char_limit * 9 + 2048

    @property
    def mt_body_bytes(self) -> int:
        """The largest body the LibreTranslate face accepts: ``mt_batch_limit`` texts of
        ``mt_char_limit`` 3-byte characters, form-encoded (9 bytes a character; JSON's ``\\uXXXX``
        needs 6), plus 16 KiB: 20 x 2,500 gives about 466 KB."""
        return self.mt_batch_limit * self.mt_char_limit * 9 + 16 * 1024

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.instance_dir / 'kakehashi.sqlite3'}")
        if self.models_dir == Path():
            object.__setattr__(self, "models_dir", self.instance_dir / "models")
        for name in ("port", "max_body_bytes", "max_snippets", "max_snippet_chars", "max_title_chars",
                     "mt_batch_size", "mt_beam_size", "mt_inter_threads", "mt_max_decoding_length",
                     "read_cache_bytes", "page_size", "max_catalog_bytes", "max_catalog_entries",
                     "max_search_chars", "max_glossary_bytes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.mt_intra_threads < 0:
            raise ConfigError("mt_intra_threads must be 0 (automatic) or more")
        for name in ("mt_char_limit", "mt_batch_limit"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.mt_alternatives_limit < 0:
            raise ConfigError("mt_alternatives_limit must be 0 or more")
        from limits import parse_many  # the notation of the rate-limit library

        for name, rule in (("mt_rate_limit", self.mt_rate_limit), ("search_rate_limit", self.search_rate_limit),
                           *((f"mt_key_rate_limits[{key[:4]}…]", rule) for key, rule in self.mt_key_rate_limits)):
            try:
                parse_many(rule)
            except ValueError:
                raise ConfigError(f"{name} must look like '60 per minute', got {rule!r}") from None
        if not (self.mt_rate_limit_storage == "store"
                or re.fullmatch(r"(memory|rediss?|redis\+sentinel|redis\+cluster)://\S*", self.mt_rate_limit_storage)):
            raise ConfigError(f"mt_rate_limit_storage must be store, memory:// or redis://host:port, "
                              f"got {self.mt_rate_limit_storage!r}")
        if self.mt_device not in MT_DEVICES:
            raise ConfigError(f"mt_device must be one of {', '.join(MT_DEVICES)}, got {self.mt_device!r}")
        if self.queue_url and not re.fullmatch(r"rediss?://\S+", self.queue_url):
            raise ConfigError(f"queue_url must be empty (SQLite queue in the instance folder) or "
                              f"redis://host:port/db, got {self.queue_url!r}")
        for name in ("queue_sweep_seconds", "queue_retry_seconds", "worker_heartbeat_seconds", "mt_request_timeout"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be more than 0, got {getattr(self, name)}")
        if not 0 <= self.worker_nice <= 19:
            raise ConfigError(f"worker_nice must be 0 (same priority as the web server) to 19, got {self.worker_nice}")
        if self.queue_retries < 0:
            raise ConfigError(f"queue_retries must be 0 or more, got {self.queue_retries}")
        if self.public_url and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", self.public_url):
            raise ConfigError(f"public_url must look like https://news.example.org, got {self.public_url!r}")

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides)


_INT_SETTINGS = {"port", "max_body_bytes", "max_snippets", "max_snippet_chars", "max_title_chars",
                 "mt_batch_size", "mt_beam_size", "mt_inter_threads", "mt_intra_threads",
                 "mt_max_decoding_length", "max_model_unpacked_bytes", "read_cache_bytes", "page_size",
                 "mt_char_limit", "mt_batch_limit", "mt_alternatives_limit", "max_catalog_bytes",
                 "max_catalog_entries", "queue_retries", "worker_nice", "max_search_chars", "max_glossary_bytes"}
_FLOAT_SETTINGS = {"catalog_poll_seconds", "catalog_settle_seconds", "queue_sweep_seconds", "queue_retry_seconds",
                   "worker_heartbeat_seconds", "mt_request_timeout"}
_PATH_SETTINGS = {"instance_dir", "models_dir", "translations_dir"}


def _parse(name: str, raw: str) -> Any:
    if name in _INT_SETTINGS:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"KAKEHASHI_{name.upper()} must be a whole number, got {raw!r}") from None
    if name in _FLOAT_SETTINGS:
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"KAKEHASHI_{name.upper()} must be a number, got {raw!r}") from None
    if name in _PATH_SETTINGS:
        return Path(raw).expanduser().resolve()
    if name == "mt_device":
        return raw.strip().lower()
    if name in ("api_tokens", "mt_api_keys"):
        return tuple(token.strip() for token in raw.split(",") if token.strip())
    if name == "mt_key_rate_limits":
        return _key_rate_limits(raw)
    if name in ("mt_background", "catalog_watch"):
        return raw.strip().lower() not in ("0", "false", "no", "off")
    if name == "mt_anonymous":
        if raw.strip().lower() not in ("0", "false", "no", "off", "1", "true", "yes", "on"):
            raise ConfigError(f"KAKEHASHI_MT_ANONYMOUS must be true or false, got {raw!r}")
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw


def _key_rate_limits(raw: str) -> tuple[tuple[str, str], ...]:
    """``{"key": "600 per minute", …}`` (JSON, since a rule may hold commas and semicolons)."""
    try:
        parsed = json.loads(raw) if raw.strip() else {}
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
        raise ConfigError('KAKEHASHI_MT_KEY_RATE_LIMITS must be a JSON object such as {"key": "600 per minute"}')
    return tuple((str(key), rule) for key, rule in parsed.items())


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from ``KAKEHASHI_<NAME>`` variables; an unknown name is logged as a warning
    (``KAKEHASHI_API_TOKEN`` for ``..._TOKENS`` would otherwise quietly refuse every write)."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    known = {f"KAKEHASHI_{setting.name.upper()}": setting.name for setting in fields(Settings)}
    for name in sorted(set(env) - set(known)):
        if name.startswith("KAKEHASHI_"):
            log.warning("ignoring unknown setting %s; known settings are listed in the README", name)
    return Settings(**{attr: _parse(attr, env[name]) for name, attr in known.items() if name in env})
