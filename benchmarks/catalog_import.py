"""Import one large valid ``content.po`` and print its wall time and the process's peak RSS.

    python benchmarks/catalog_import.py [--mb 50] [--code DIR]

Each run is a fresh process (peak RSS is per process). The catalog has ~1 KB entries of Korean
text, as a translator's file would; the store is a fresh SQLite file. ``--code DIR`` imports
``service`` from another checkout (say ``git archive`` of an older commit) for a before/after.
"""
from __future__ import annotations

import argparse
import inspect
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: Kakehashi content\\n"\n"PO-Revision-Date: 2025-09-01 09:00+0000\\n"\n'
          '"Last-Translator: \\n"\n"Language-Team: Korean\\n"\n"Language: ko\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n'
          '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n')


def write_catalog(path: Path, megabytes: int) -> int:
    body = "한국어 번역 문장입니다. " * 20
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        n = 0
        while handle.tell() < megabytes * 1024 * 1024:
            handle.write(f'\nmsgctxt "story-{n // 5}/point"\nmsgid "Point {n} of a long story about the visit."\n'
                         f'msgstr ""\n"요점 {n}. {body[:200]}"\n"{body[200:]}"\n')
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--code", help="import `service` from this folder instead")
    args = parser.parse_args()
    if args.code:
        sys.path.insert(0, args.code)
    from service.catalogs import po_path
    from service.catalogs.importer import import_catalog
    from service.store import Base, make_store

    folder = Path(tempfile.mkdtemp(prefix="catalog-bench-"))
    store = make_store(f"sqlite:///{folder}/store.sqlite3")
    Base.metadata.create_all(store.engine)
    path = po_path(folder / "translations", "ko")
    path.parent.mkdir(parents=True)
    entries = write_catalog(path, args.mb)
    extra = {}
    if "limits" in inspect.signature(import_catalog).parameters:
        from service.catalogs import CatalogLimits
        extra["limits"] = CatalogLimits(max_bytes=(args.mb + 1) * 1024 * 1024, max_entries=entries + 1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    report = import_catalog(store, folder / "translations", "ko", **extra)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{os.path.getsize(path) / 1e6:.1f} MB, {entries} entries, {report.added} added: "
          f"{seconds:.1f} s, peak RSS {peak / 1024:.0f} MB (before the import {before / 1024:.0f} MB) "
          f"[{Path(inspect.getfile(import_catalog)).parent.parent.parent}]")


if __name__ == "__main__":
    main()
