"""Translators' catalogs at archive scale: what one story's change costs with 10,000 and 100,000 stories.

    python benchmarks/catalogs.py [--stories 1000,10000,100000]

For each archive size, in a fresh store and catalogs folder of its own (never the configured
ones: no KAKEHASHI_* variable is read), with stories of 6 fields (title, 3 points, a Japanese
quote, a heading) inserted in bulk:
- the full first export (in a child process, for its peak RSS) and the largest file it wrote;
- an export after one story changed (how many files it wrote);
- the import of that story's saved Korean file;
- the watcher's poll with nothing changed (a stat per file);
- save to page: a translator's save, picked up by the watcher thread (its default 2 s poll and
  1 s settle), until the story page served by the app shows the text.
Each figure is also printed as a ratio to the smallest archive measured in the same run: the
costs of one story must not grow with the archive.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIELDS = [("title", "en", "Story {n}: leaders meet in Tokyo to discuss security and trade ties"),
          ("point", "en", "Officials from both countries met on day {n} to discuss a new framework for trade."),
          ("point", "en", "The talks covered defence cooperation, supply chains and regional security {n}."),
          ("point", "en", "A joint statement is expected after the meeting, officials said on {n}."),
          ("quote", "ja", "新たな時代の日韓関係を築いていきたいと思います。第{n}回の会談でした。"),
          ("heading", "en", "Reaffirming cooperation, part {n}")]


def build_store(folder: Path, stories: int):
    """A fresh SQLite store with ``stories`` stories, inserted in bulk."""
    from sqlalchemy import insert

    from service.core.domain import source_hash
    from service.store import Base, FieldRow, StoryRow, make_store
    from service.store.models import SiteStateRow

    store = make_store(f"sqlite:///{folder}/store.sqlite3")
    Base.metadata.create_all(store.engine)
    start = dt.date(2015, 1, 1)
    with store.transaction() as session:
        session.execute(insert(SiteStateRow), [{"id": 1}])
        for first in range(0, stories, 2000):
            rows, fields = [], []
            for n in range(first, min(first + 2000, stories)):
                story_id = f"story-{n:06d}"
                rows.append({"id": story_id, "published": start + dt.timedelta(days=n // 30), "version": 1})
                for position, (role, lang, text) in enumerate(FIELDS):
                    text = text.format(n=n)
                    fields.append({"story_id": story_id, "position": position, "role": role,
                                   "source_index": position, "source_lang": lang, "source_text": text,
                                   "source_hash": source_hash(lang, text), "attribution": None})
            session.execute(insert(StoryRow), rows)
            session.execute(insert(FieldRow), fields)
    return store


def settings_for(folder: Path):
    from service.core.config import Settings

    return Settings(instance_dir=folder / "instance", translations_dir=folder / "translations",
                    database_url=f"sqlite:///{folder}/store.sqlite3", mt_background=False,
                    catalog_poll_seconds=2, catalog_settle_seconds=1)


def full_export_child(folder: str) -> None:
    """Run in a child process: the full first export; prints its seconds and peak RSS."""
    from service.catalogs.export import export_catalogs
    from service.store import make_store

    store = make_store(f"sqlite:///{folder}/store.sqlite3")
    start = time.perf_counter()
    report = export_catalogs(store, Path(folder) / "translations")
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "written": len(report.written)}))


def edit_story(store, story_id: str) -> None:
    from sqlalchemy import update

    from service.core.domain import source_hash
    from service.store import FieldRow
    from service.store.versions import bump_stories

    text = "Story edited: leaders agree on a new framework"
    with store.transaction() as session:
        session.execute(update(FieldRow).where(FieldRow.story_id == story_id, FieldRow.role == "title")
                        .values(source_text=text, source_hash=source_hash("en", text)))
        bump_stories(session, [story_id])


def translate_title(path: Path, text: str) -> None:
    import polib

    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt.endswith("/title"))
    entry.msgstr, entry.flags = text, []
    po.save()


def save_to_page(folder: Path, store, story_id: str, path: Path) -> float:
    """A save picked up by the watcher thread, until the story page shows it."""
    from service import create_app
    from service.catalogs.watcher import CatalogWatcher

    settings = settings_for(folder)
    app = create_app(settings)
    client = app.test_client()
    watcher = CatalogWatcher(settings, store)
    watcher.check_now()                       # the watcher has seen the tree once, as a running worker has
    watcher.start()
    try:
        client.get(f"/ko/stories/{story_id}")
        text = f"저장 후 페이지까지 {time.time_ns()}"
        start = time.perf_counter()
        translate_title(path, text)
        while text not in client.get(f"/ko/stories/{story_id}").get_data(as_text=True):
            if time.perf_counter() - start > 60:
                return float("inf")
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        watcher.stop()
        app.extensions["kakehashi"].store.dispose()


def measure(stories: int) -> dict[str, float]:
    from service.catalogs import TEMPLATES, story_path
    from service.catalogs.export import export_catalogs
    from service.catalogs.importer import import_file
    from service.catalogs.watcher import CatalogWatcher

    folder = Path(tempfile.mkdtemp(prefix=f"catalogs-{stories}-"))
    store = build_store(folder, stories)
    directory = folder / "translations"
    child = subprocess.run([sys.executable, __file__, "--full-export-child", str(folder)], capture_output=True,
                           text=True, check=True, env={k: v for k, v in os.environ.items() if not k.startswith("KAKEHASHI_")})
    full = json.loads(child.stdout.strip().splitlines()[-1])
    largest = max(p.stat().st_size for p in directory.rglob("*.po*"))
    files = sum(1 for _ in directory.rglob("*.po*"))

    story_id = f"story-{stories // 2:06d}"
    published = dt.date(2015, 1, 1) + dt.timedelta(days=(stories // 2) // 30)
    edit_story(store, story_id)
    start = time.perf_counter()
    report = export_catalogs(store, directory)
    one_export = time.perf_counter() - start
    assert report.written and all(Path(p).stem == story_id for p in report.written), report.written

    path = story_path(directory, "ko", story_id, published)
    translate_title(path, "편집된 제목")
    start = time.perf_counter()
    imported = import_file(store, directory, path)
    one_import = time.perf_counter() - start
    assert imported is not None and imported.added == 1

    watcher = CatalogWatcher(settings_for(folder), store)
    watcher.check_now()
    start = time.perf_counter()
    watcher.check_now()
    poll = time.perf_counter() - start
    page = save_to_page(folder, store, story_id, path)
    store.dispose()
    assert story_path(directory, TEMPLATES, story_id, published).exists()
    return {"files": files, "largest_kib": largest / 1024, "full_export_s": full["seconds"],
            "full_export_rss_mib": full["rss_mib"], "one_story_export_s": one_export, "one_file_import_s": one_import,
            "watcher_poll_s": poll, "save_to_page_s": page}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", default="1000,10000,100000")
    parser.add_argument("--full-export-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.full_export_child:
        full_export_child(args.full_export_child)
        return
    for name in [n for n in os.environ if n.startswith("KAKEHASHI_")]:
        del os.environ[name]                  # the benchmark's own store and folders, whatever the shell says
    sizes = [int(n) for n in args.stories.split(",")]
    results = {}
    for size in sizes:
        print(f"measuring {size:,} stories ...", file=sys.stderr, flush=True)
        results[size] = measure(size)
    base = results[sizes[0]]
    names = list(base)
    print(f"{'stories':>9} " + " ".join(f"{name:>20}" for name in names))
    for size, figures in results.items():
        print(f"{size:>9,} " + " ".join(f"{figures[name]:>20.3f}" for name in names))
    for size, figures in results.items():
        print(f"{size:>9,} " + " ".join(f"{figures[name] / base[name] if base[name] else 0:>19.2f}x" for name in names)
              + f"   (ratio to {sizes[0]:,} stories)")


if __name__ == "__main__":
    main()
