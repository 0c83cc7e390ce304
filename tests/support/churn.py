"""Churn: editors, a translator, model installs and readers against one running service at once.

Everything goes through the service's real faces: HTTP to gunicorn, the ``kakehashi`` command,
catalog files saved on disk for ``kakehashi worker`` to import. A ``Ledger`` records every write
the moment it is acknowledged (a PUT answered 200; a catalog save once some read served it; a
``models`` command that exited 0), and every read is checked against what was acknowledged
before the read *started*:

- freshness: a read reflects the last acknowledged edit of each story it shows, or a later one;
  the human title a translator saved is served (or a later one) while its title is current; the
  installed pairs are the last acknowledged install or removal;
- consistency: one response never mixes two edits of one story (one snapshot per document);
- a 304 says "your copy is current": the copy the reader holds is checked as if served again;
- no write is undone: two editors never both succeed on the same base (``If-Match``), and at
  the end every story holds its last acknowledged edit, in every worker process.

Snippets carry their edit number (``churn-a edit 7``), titles the edit that last changed them
(``churn-a headline 5``: most edits change the snippets only, and ``churn-c``'s never its title,
so a translated title stays current long enough to be checked) and human titles their
translation number (``churn-a 번역 3``), so any response (JSON, page, feed) says which writes it
reflects. Each read carries an ``X-Churn-Read`` header; gunicorn's access log (``ACCESS_LOG_ARGS``) names
the worker process that answered it, so failures say which process served them.
"""
from __future__ import annotations

import json
import random
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from support.catalog_entry import find_entry_file, translate_entry

STORIES = ("churn-a", "churn-b", "churn-c")
STEADY_TITLE = "churn-c"     # edited often, its title never: a translation of it stays current
LANGS = ("en", "ko", "ja")
EDIT = re.compile(r"(churn-[a-z]) edit (\d+)\b")
HEADLINE = re.compile(r"(churn-[a-z]) headline (\d+)\b")
HUMAN = re.compile(r"(churn-[a-z]) 번역 (\d+)\b")
KO_PAIR = '"engine":"argos:en-ko:'
ACCESS_LOG_ARGS = "--access-logformat 'churn-read=%({x-churn-read}i)s pid=%(p)s status=%(s)s'"
ACCESS_LINE = re.compile(r"churn-read=(\d+) pid=<(\d+)>")
HTTP_TIMEOUT = 30
CATALOG_WAIT = 20.0          # a saved catalog must be served within this long
MAX_FAILURES = 50


def story_body(story_id: str, edit: int, headline: int, editor: str = "setup") -> dict:
    """A story whose snippets say which edit they are, and its title which edit last changed it."""
    mark = f"{story_id} edit {edit}"
    return {"id": story_id, "published": f"2030-01-0{STORIES.index(story_id) + 1}",
            "title": f"{story_id} headline {headline}: ministers agree",
            "snippets": [{"lang": "en", "kind": "paragraph", "attribution": f"Wire ({editor})",
                          "text": f"{mark} was announced on Tuesday. Officials confirmed {mark} later. "
                                  f"Nobody was hurt during {mark}."},
                         {"lang": "en", "kind": "quote", "attribution": "A minister",
                          "text": f"We stand by {mark}."}]}


def reader_paths() -> list[str]:
    """Every reader route, in every reading language."""
    paths = ["/api/v1/languages"]
    for lang in LANGS:
        paths += [f"/{lang}/", f"/{lang}/feed.atom", f"/{lang}/translate", f"/api/v1/stories?lang={lang}",
                  f"/api/v1/coverage?lang={lang}"]
        paths += [f"/{lang}/stories/{s}" for s in STORIES] + [f"/api/v1/stories/{s}?lang={lang}" for s in STORIES]
    return paths


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def http(url: str, method: str = "GET", body: dict | None = None, headers: dict[str, str] | None = None) -> Answer:
    """One request on a fresh connection (so the kernel spreads them over the worker processes)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


@dataclass
class Ledger:
    """Acknowledged writes, with the (monotonic) time each was acknowledged."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    edits: dict[str, list[tuple[float, int, int]]] = field(default_factory=lambda: defaultdict(list))
    humans: dict[str, list[tuple[float, int, int]]] = field(default_factory=lambda: defaultdict(list))
    translations: dict[int, tuple[str, int]] = field(default_factory=dict)   # k -> (story, headline translated)
    models: list[tuple[float, float, bool]] = field(default_factory=list)    # (started, acknowledged, en-ko there)
    model_started: float | None = None
    won: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))

    def edited(self, story: str, edit: int, headline: int, at: float) -> None:
        with self.lock:
            self.edits[story].append((at, edit, headline))
            self.won[(story, edit)] += 1

    def translated(self, story: str, edit: int, k: int, at: float) -> None:
        with self.lock:
            self.humans[story].append((at, edit, k))

    def last_edit(self, story: str, before: float = float("inf")) -> tuple[int, int]:
        """(edit, headline) of the story's last edit acknowledged before ``before``."""
        with self.lock:
            return max(((n, t) for at, n, t in self.edits[story] if at < before), default=(-1, -1))

    def headline_of(self, story: str, edit: int) -> int | None:
        with self.lock:
            return next((t for _, n, t in self.edits[story] if n == edit), None)

    def last_human(self, story: str, headline: int, before: float = float("inf")) -> int | None:
        with self.lock:
            return max((k for at, t, k in self.humans[story] if t == headline and at < before), default=None)

    def ko_installed(self, start: float, end: float) -> bool | None:
        """en-ko as the last acknowledged models command left it, if none ran during [start, end]."""
        with self.lock:
            if self.model_started is not None and self.model_started < end:
                return None
            done = [(acked, present) for began, acked, present in self.models if acked < start]
            if any(began < end and acked >= start for began, acked, _ in self.models):
                return None
            return max(done)[1] if done else None


@dataclass
class Failures:
    lock: threading.Lock = field(default_factory=threading.Lock)
    items: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, message: str) -> None:
        with self.lock:
            self.count += 1
            if len(self.items) < MAX_FAILURES:
                self.items.append(message)


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    checked_reads: list[tuple[int, str]] = field(default_factory=list)     # (read id, url)

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counts[name] += n


class Churn:
    """The actors and the checks; ``run(seconds)`` starts them all, stops them, and checks the end."""

    def __init__(self, base: str, token: str, env: dict[str, str], kakehashi: Path, translations_dir: Path,
                 ko_package: Path, seed: int = 0):
        self.base, self.env, self.kakehashi = base, env, kakehashi
        self.auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.translations_dir, self.ko_package = translations_dir, ko_package
        self.ledger, self.failures, self.stats = Ledger(), Failures(), Stats()
        self.stop = threading.Event()
        self.random = random.Random(seed)
        self._ids = iter(range(1, 10**9))
        self._ids_lock = threading.Lock()
        self._k = 0

    # -- reads and their checks --------------------------------------------------------------
    def read(self, path: str, held: dict[str, Answer] | None = None) -> Answer:
        """GET ``path`` (revalidating the copy in ``held`` half the time) and check the answer."""
        with self._ids_lock:
            read_id = next(self._ids)
        headers = {"X-Churn-Read": str(read_id)}
        copy = held.get(path) if held is not None else None
        if copy is not None and "ETag" in copy.headers and self.random.random() < 0.5:
            headers["If-None-Match"] = copy.headers["ETag"]
        start = time.monotonic()
        answer = http(self.base + path, headers=headers)
        end = time.monotonic()
        shown = answer
        if answer.status == 304:
            if copy is None or "If-None-Match" not in headers:
                self.failures.add(f"read {read_id} {path}: 304 to a request that had no copy")
                return answer
            shown = copy
            self.stats.add("304s")
        elif answer.status != 200:
            self.failures.add(f"read {read_id} {path}: status {answer.status}: {answer.body[:300]}")
            return answer
        elif held is not None:
            held[path] = answer
        self.check(read_id, path, shown, start, end)
        self.stats.add("reads")
        with self.stats.lock:
            self.stats.checked_reads.append((read_id, path))
        return shown

    def check(self, read_id: int, path: str, answer: Answer, start: float, end: float) -> None:
        def fail(reason: str) -> None:
            self.failures.add(f"read {read_id} {path} (status {answer.status}, started "
                              f"{start - self.t0:.2f} s): {reason}")

        body = answer.body
        edits: dict[str, set[int]] = defaultdict(set)
        heads: dict[str, set[int]] = defaultdict(set)
        humans: dict[str, set[int]] = defaultdict(set)
        for story, n in EDIT.findall(body):
            edits[story].add(int(n))
        for story, t in HEADLINE.findall(body):
            heads[story].add(int(t))
        for story, k in HUMAN.findall(body):
            humans[story].add(int(k))
            translated = self.ledger.translations.get(int(k))
            if translated is None or translated[0] != story:
                fail(f"human title {story} 번역 {k} was never saved for that story")
            else:
                heads[story].add(translated[1])
        korean = path.startswith("/ko/") or "lang=ko" in path
        for story in sorted(set(edits) | set(heads)):
            if len(edits[story]) > 1 or len(heads[story]) > 1:
                fail(f"{story}: one response shows edits {sorted(edits[story])} and headlines "
                     f"{sorted(heads[story])} (a torn read)")
                continue
            acked_edit, acked_headline = self.ledger.last_edit(story, before=start)
            if edits[story]:
                edit = next(iter(edits[story]))
                if edit < acked_edit:
                    fail(f"{story}: shows edit {edit}, but edit {acked_edit} was acknowledged before the read started")
                headline = self.ledger.headline_of(story, edit)
                if headline is not None and heads[story] and heads[story] != {headline}:
                    fail(f"{story}: edit {edit} has headline {headline}, shown with {sorted(heads[story])}")
            if not heads[story]:
                continue
            headline = next(iter(heads[story]))
            if headline < acked_headline:
                fail(f"{story}: shows headline {headline}, but headline {acked_headline} was acknowledged "
                     "before the read started")
            k = self.ledger.last_human(story, headline, before=start)
            if korean and k is not None and (not humans[story] or max(humans[story]) < k):
                fail(f"{story}: headline {headline} shown without its human title {story} 번역 {k} "
                     f"(acknowledged before the read started); shows {sorted(humans[story]) or 'none'}")
        for story in STORIES:
            if (path.startswith(f"/api/v1/stories/{story}?") or path.endswith(f"/stories/{story}")) \
                    and not (edits[story] and heads[story]):
                fail(f"{story}: its own document does not show which edit it is")
        if path == "/api/v1/languages":
            expected = self.ledger.ko_installed(start, end)
            if expected is not None and (KO_PAIR in body.replace(" ", "")) != expected:
                fail(f"en-ko {'missing' if expected else 'still listed'} after its "
                     f"{'install' if expected else 'removal'} was acknowledged")

    def reader(self) -> None:
        held: dict[str, Answer] = {}
        paths = reader_paths()
        while not self.stop.is_set():
            for path in self.random.sample(paths, len(paths)):
                if self.stop.is_set():
                    return
                self.read(path, held)

    # -- editors -----------------------------------------------------------------------------
    def editor(self, name: str) -> None:
        """GET a story, PUT the next edit with ``If-Match``; a 412 means someone edited it since."""
        while not self.stop.is_set():
            story = self.random.choice(STORIES)
            path = f"/api/v1/stories/{story}?lang=en"
            current = self.read(path)
            if current.status != 200:
                continue
            base = {int(n) for s, n in EDIT.findall(current.body) if s == story}
            titled = {int(t) for s, t in HEADLINE.findall(current.body) if s == story}
            if len(base) != 1 or len(titled) != 1:
                continue                                # reported by the read's check
            edit = base.pop() + 1
            changes_title = story != STEADY_TITLE and self.random.random() < 0.25    # most edits keep it
            headline = edit if changes_title else titled.pop()
            answer = http(f"{self.base}/api/v1/stories/{story}", "PUT", story_body(story, edit, headline, name),
                          {**self.auth, "If-Match": current.headers["ETag"]})
            acked = time.monotonic()
            if answer.status == 412:
                self.stats.add("412s")
                if json.loads(answer.body).get("error", {}).get("code") != "story_changed":
                    self.failures.add(f"PUT {story} edit {edit}: 412 without the error shape: {answer.body[:200]}")
                continue
            if answer.status != 200:
                self.failures.add(f"PUT {story} edit {edit} by {name}: status {answer.status}: {answer.body[:300]}")
                continue
            if f"{story} edit {edit} " not in json.loads(answer.body)["sources"][0]["text"]:
                self.failures.add(f"PUT {story} edit {edit}: the answer is not the story it stored")
            self.ledger.edited(story, edit, headline, acked)
            self.stats.add("puts")
            self.stop.wait(self.random.uniform(0.05, 0.3))

    # -- the translator ----------------------------------------------------------------------
    def kakehashi_command(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.kakehashi), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def translator(self) -> None:
        """Export, find the title's entry, save a translation (sometimes a broken file first, then
        the good one), and wait until it is served: that is its acknowledgement."""
        while not self.stop.is_set():
            story = STEADY_TITLE if self.random.random() < 0.5 else self.random.choice(STORIES)
            exported = self.kakehashi_command("catalog", "export", "--lang", "ko")
            if exported.returncode != 0:
                self.failures.add(f"catalog export failed: {exported.stdout[-500:]} {exported.stderr[-1000:]}")
                self.stop.wait(1)
                continue
            path = find_entry_file(self.translations_dir, "ko", f"{story}/title")
            if path is None:
                self.failures.add(f"no catalog file under {self.translations_dir / 'ko'} has {story}/title")
                self.stop.wait(1)
                continue
            self._k += 1
            k = self._k
            text = f"{story} 번역 {k}"
            if self.random.random() < 0.4:
                translate_entry(path, f"{story}/title", text, broken=True)
                self.stats.add("broken catalog saves")
                self.stop.wait(1.2)                      # the watcher rejects it; the last good import stays
            msgid = translate_entry(path, f"{story}/title", text)
            found = HEADLINE.search(msgid)
            if found is None:
                self.failures.add(f"{path}: {story}/title has msgid {msgid!r}")
                continue
            headline = int(found.group(2))
            with self.ledger.lock:
                self.ledger.translations[k] = (story, headline)
            self.stats.add("catalog saves")
            self._wait_served(story, headline, k, text)

    def _wait_served(self, story: str, headline: int, k: int, text: str) -> None:
        deadline = time.monotonic() + CATALOG_WAIT
        while time.monotonic() < deadline:
            answer = http(f"{self.base}/api/v1/stories/{story}?lang=ko")
            seen = time.monotonic()
            if answer.status == 200:
                title = json.loads(answer.body)["title"]
                shown = HEADLINE.search(title["source_text"])
                if title["provenance"] == "human" and title["text"] == text:
                    self.ledger.translated(story, headline, k, seen)
                    self.stats.add("catalog saves served")
                    return
                if shown is not None and int(shown.group(2)) > headline:
                    self.stats.add("catalog saves superseded by an edit")
                    return
            time.sleep(0.2)
        if not self.stop.is_set():
            self.failures.add(f"catalog save {text!r} (for {story} headline {headline}) not served within "
                              f"{CATALOG_WAIT} s")

    # -- models ------------------------------------------------------------------------------
    def models(self) -> None:
        """Remove and install the en-ko package in turn, as an operator would."""
        present = True
        while not self.stop.wait(self.random.uniform(1.0, 2.5)):
            args = ("models", "remove", "en-ko") if present else ("models", "install", str(self.ko_package))
            with self.ledger.lock:
                self.ledger.model_started = began = time.monotonic()
            result = self.kakehashi_command(*args)
            acked = time.monotonic()
            with self.ledger.lock:
                self.ledger.model_started = None
                if result.returncode == 0:
                    present = not present
                    self.ledger.models.append((began, acked, present))
            if result.returncode != 0:
                self.failures.add(f"kakehashi {' '.join(args)}: {result.stdout[-500:]} {result.stderr[-1000:]}")
            else:
                self.stats.add("model commands")

    # -- the run -----------------------------------------------------------------------------
    def setup(self) -> None:
        """The stories at edit 0, each acknowledged."""
        self.t0 = time.monotonic()
        for story in STORIES:
            answer = http(f"{self.base}/api/v1/stories", "POST", story_body(story, 0, 0), self.auth)
            assert answer.status == 201, answer.body
            self.ledger.edited(story, 0, 0, time.monotonic())
        with self.ledger.lock:
            self.ledger.models.append((self.t0, time.monotonic(), True))     # installed before the run

    def run(self, seconds: float, readers: int = 2, editors: int = 2) -> None:
        self.setup()
        actors: list[tuple[str, Callable[[], None]]] = [("translator", self.translator), ("models", self.models)]
        actors += [(f"reader-{i}", self.reader) for i in range(readers)]
        actors += [(f"editor-{i}", lambda name=f"editor-{i}": self.editor(name)) for i in range(editors)]
        threads = [threading.Thread(target=self._guarded(target), name=name, daemon=True) for name, target in actors]
        for thread in threads:
            thread.start()
        self.stop.wait(seconds)
        self.stop.set()
        for thread in threads:
            thread.join(timeout=HTTP_TIMEOUT + 130)
            if thread.is_alive():
                self.failures.add(f"{thread.name} did not stop")
        self.check_end()

    def _guarded(self, target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except Exception as error:  # noqa: BLE001 - an actor that dies is a failure, with its reason
                self.failures.add(f"{threading.current_thread().name} crashed: {error!r}")
                self.stop.set()
        return run

    def check_end(self, reads: int = 8) -> None:
        """Nothing in flight any more: every process serves every story's last acknowledged edit
        (and its last human title, when that title is still current)."""
        for story in STORIES:
            edit, headline = self.ledger.last_edit(story)
            k = self.ledger.last_human(story, headline)
            for _ in range(reads):
                answer = self.read(f"/api/v1/stories/{story}?lang=en")
                if f"{story} edit {edit} " not in answer.body or f"{story} headline {headline}:" not in answer.body:
                    self.failures.add(f"at the end {story} is not at its last acknowledged edit {edit}")
                if k is not None:
                    korean = self.read(f"/api/v1/stories/{story}?lang=ko")
                    if f"{story} 번역 {k}" not in korean.body:
                        self.failures.add(f"at the end {story} headline {headline} lost its human title 번역 {k}")
        for (story, edit), count in self.ledger.won.items():
            if count > 1:
                self.failures.add(f"{count} editors' PUTs of {story} edit {edit} all succeeded (a lost update)")

    def processes(self, access_log: str) -> dict[str, int]:
        """How many checked reads each worker process answered (from gunicorn's access log)."""
        pid_of = {int(read): pid for read, pid in ACCESS_LINE.findall(access_log)}
        served: dict[str, int] = defaultdict(int)
        with self.stats.lock:
            for read_id, _ in self.stats.checked_reads:
                served[pid_of.get(read_id, "?")] += 1
        return dict(served)
