"""Reader documents: built once per version, then served as stored bytes with HTTP validators.

A document (a story's JSON or page, a page of the story list, a feed, coverage) is kept in a
bounded per-process LRU cache together with the *token* it was built for: the content
versions from the store (``store.versions``) plus anything else it depends on (UI catalogs,
the site's address). A request reads the current token with one cheap query; the same token
means the same bytes, a different one means a rebuild. Since the token lives in the store,
every process on every machine sees a change the moment its transaction commits.

The ETag is a hash of the bytes, so it changes if and only if the content does. Answering a
request with a document (and a 304) is the faces' part: ``service.http.conditional``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Callable, Hashable

# Shared caches may keep a copy, but must revalidate it every time (a cheap 304): once a write
# is acknowledged no reader anywhere may be served the old content, CDN included.
CACHE_CONTROL = "public, no-cache"
ENTRY_OVERHEAD = 512          # bytes per entry besides the body: key, token, bookkeeping
_STRIPES = 64


@dataclass(frozen=True)
class Validity:
    """What a document was built from: ``token`` changes whenever it may have changed."""

    token: Hashable
    last_modified: dt.datetime
    ui_generation: int = 0         # pages: the UI catalogs compiled last (``store.versions.bump_ui``)


@dataclass(frozen=True)
class Document:
    """Stored bytes and their validators, with the header values formatted once."""

    token: Hashable
    body: bytes
    etag: str
    last_modified: dt.datetime
    mimetype: str
    headers: tuple[tuple[str, str], ...]
    revalidated: tuple[tuple[str, str], ...]     # a 304's headers (RFC 9110 15.4.5): ETag, Cache-Control

    @property
    def cost(self) -> int:
        return len(self.body) + ENTRY_OVERHEAD


def make_document(validity: Validity, body: bytes, mimetype: str) -> Document:
    etag = hashlib.blake2b(body, digest_size=16).hexdigest()
    modified = validity.last_modified.astimezone(dt.timezone.utc).replace(microsecond=0)  # PostgreSQL: any UTC tzinfo
    # JSON has no charset parameter (RFC 8259: it is UTF-8); text and XML name theirs
    content_type = mimetype if mimetype == "application/json" else f"{mimetype}; charset=utf-8"
    validators = (("ETag", f'"{etag}"'), ("Cache-Control", CACHE_CONTROL))
    headers = (("Content-Type", content_type), *validators, ("Last-Modified", format_datetime(modified, usegmt=True)))
    return Document(validity.token, body, etag, modified, mimetype, headers, validators)


class DocumentCache:
    """A least-recently-used cache bounded by the bytes it holds; safe across threads.

    Misses for one key are built once: concurrent requests for it wait for the first build
    instead of all rendering the same thing (striped locks keep that bounded too).
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[Hashable, Document] = OrderedDict()
        self._lock = threading.Lock()
        self._building = [threading.Lock() for _ in range(_STRIPES)]

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, token: Hashable) -> Document | None:
        with self._lock:
            document = self._entries.get(key)
            if document is None or document.token != token:
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return document

    def put(self, key: Hashable, document: Document) -> None:
        if document.cost > self.max_bytes // 4:        # one huge document must not flush the rest
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old.cost
            self._entries[key] = document
            self.size += document.cost
            while self.size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.size -= evicted.cost

    def get_or_build(self, key: Hashable, validity: Validity,
                     build: Callable[[], tuple[bytes, str]]) -> Document:
        document = self.get(key, validity.token)
        if document is not None:
            return document
        with self._building[hash(key) % _STRIPES]:
            document = self.get(key, validity.token)
            if document is None:
                self.misses += 1
                body, mimetype = build()
                document = make_document(validity, body, mimetype)
                self.put(key, document)
        return document

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0
