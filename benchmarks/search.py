"""Search at archive size: 60 distinct queries timed one by one, then wrk, as ratios to bare Flask.

For each size (default 10,000 and 100,000 stories) a store is made in a new temporary folder
(never the one ``KAKEHASHI_DATABASE_URL`` names: every ``KAKEHASHI_*`` variable is dropped),
filled in bulk from the benchmark stories (``benchmarks/data``, 16 English and Japanese stories,
summarized once) and the demo story, each copy carrying its own names so queries are selective
as in a real archive, a third of them with Korean machine translations, and indexed with the
migration's ``rebuild``. gunicorn serves it as ``make serve`` does (``gunicorn.conf.py``).

Printed: the median, p99 and slowest of 60 distinct queries (en, ja, ko; 1 to 3 characters and
longer; common words and rare names; none matching), each timed on its first request (a cache
miss), over HTTP; then wrk at 32 connections over the same 60 queries (cached documents after
the first round) and over 6,000 distinct URLs (the 60 queries x ``limit`` 1-100: misses), as
requests/s and ratios to bare Flask measured in the same run.
Usage: python benchmarks/search.py [--stories 10000 100000] [--seconds 5] [--connections 32]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from serve import load, start  # noqa: E402 - after the path set-up above

ENGINE = "argos:en-ko:1.1"
EN_NAMES = ["Abernathy", "Blackwood", "Calloway", "Delacroix", "Ellsworth", "Fairbanks", "Galloway", "Hargreaves",
            "Ingram", "Jessup", "Kingsley", "Lockhart", "Merriweather", "Northcott", "Oakley", "Pemberton",
            "Quimby", "Ravenscroft", "Sutherland", "Thornbury", "Underwood", "Vance", "Whitlock", "Yardley"]
EN_PLACES = ["Aldermoor", "Brightwater", "Coldharbour", "Dunmore", "Eastwick", "Farrowdale", "Glenrock",
             "Hollowmere", "Ironbridge", "Juniper Bay", "Kestrel Point", "Larkfield"]
JA_NAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
            "山口", "松本", "井上", "木村", "清水", "林", "斎藤", "山崎", "森", "池田", "橋本"]
JA_PLACES = ["札幌", "仙台", "金沢", "名古屋", "神戸", "広島", "松山", "福岡", "熊本", "那覇", "新潟", "長崎"]
KO_NAMES = ["김민준", "이서연", "박지호", "최수아", "정우진", "강하은", "조현우", "윤지민", "장서준", "임채원",
            "한도윤", "오유나"]
KO_PHRASES = ["정상회담에서 협력을 논의했습니다", "경제 협정이 체결되었습니다", "항구 도시에서 회의가 열렸습니다",
              "장관들이 공동 성명을 발표했습니다", "지역 안보에 대한 우려가 제기되었습니다", "무역 규모가 늘어났습니다"]
QUERIES = [
    # en: rare names and places, common words, phrases, 1-2 characters
    ("en", "Abernathy"), ("en", "Merriweather"), ("en", "Kestrel Point"), ("en", "Thornbury"), ("en", "Ravenscroft"),
    ("en", "Hollowmere"), ("en", "reported by Vance"), ("en", "summit"), ("en", "minister"), ("en", "agreement"),
    ("en", "the"), ("en", "trade"), ("en", "port"), ("en", "Lee Jae-myung"), ("en", "Ishiba"), ("en", "talks with"),
    ("en", "economic ties"), ("en", "of"), ("en", "a"), ("en", "zq"),
    # ja
    ("ja", "李在明"), ("ja", "首脳"), ("ja", "佐藤記者"), ("ja", "名古屋"), ("ja", "那覇"), ("ja", "協定"),
    ("ja", "会談"), ("ja", "石破"), ("ja", "林"), ("ja", "東京"), ("ja", "記者"), ("ja", "について"), ("ja", "経済"),
    ("ja", "木村記者が福岡"), ("ja", "大統領"),
    # ko
    ("ko", "김민준"), ("ko", "이서연"), ("ko", "정상회담"), ("ko", "경제 협정"), ("ko", "항구"), ("ko", "회담"),
    ("ko", "안보"), ("ko", "장관들이 공동 성명을"), ("ko", "기자"), ("ko", "오유나 기자"), ("ko", "무역"),
    ("ko", "李在明"), ("ko", "Lee"), ("ko", "summit"), ("ko", "협"),
    # nothing matches; engine syntax as text
    ("en", "xylophonic quasar"), ("ja", "存在しない語句"), ("ko", "없는검색어"), ("en", "NEAR(summit trade)"),
    ("en", '"summit" OR *'), ("en", "qqqqzzzz"), ("ja", "ｶﾅﾀﾞ"), ("en", "ＳＵＭＭＩＴ"), ("ko", "zz-top -"),
    ("en", "Calloway Dunmore"),
]
assert len(set(QUERIES)) == 60


def templates() -> list:
    """The benchmark stories and the demo story as ``Story``-ready pieces, summarized once."""
    from service.core.domain import Snippet
    from service.text.summarize import summarize

    found = []
    for lang in ("en", "ja"):
        data = json.loads((ROOT / "benchmarks" / "data" / f"{lang}.json").read_text(encoding="utf-8"))
        for story in data["stories"]:
            snippets = [Snippet(lang=lang, kind=s["kind"], text=s["text"], attribution=s["attribution"])
                        for s in story["snippets"]]
            found.append((lang, snippets))
    demo = json.loads((ROOT / "service" / "demo" / "lee-jae-myung-visits-japan.json").read_text(encoding="utf-8"))
    found.append(("en", [Snippet(lang=s["lang"], kind=s["kind"], text=s["text"], attribution=s["attribution"])
                         for s in demo["snippets"]]))
    return [(lang, snippets, summarize("t", None, snippets)) for lang, snippets in found]


def byline(lang: str, rng: random.Random) -> str:
    if lang == "ja":
        return f"{rng.choice(JA_NAMES)}記者が{rng.choice(JA_PLACES)}から伝えた。"
    return f"Reported by {rng.choice(EN_NAMES)} in {rng.choice(EN_PLACES)}."


def fill(instance: Path, count: int) -> None:
    """Make the store in ``instance`` and fill it with ``count`` stories, in bulk, then index it."""
    from service.core.config import Settings
    from service.core.domain import source_hash
    from service.store import FieldRow, MachineTranslationRow, SnippetRow, StoryRow, make_store
    from service.store.engines import EngineRow
    from service.store.migrate import upgrade
    from service.store.search import rebuild

    url = Settings(instance_dir=instance).database_url
    store = make_store(url)
    upgrade(url)
    rng = random.Random(24)
    shapes = templates()
    start, batch = dt.date(2000, 1, 1), 2000
    with store.transaction() as session:
        session.add(EngineRow(source_lang="en", target_lang="ko", engine=ENGINE))
    for first in range(0, count, batch):
        stories, snippets, fields, machine = [], [], [], {}
        for n in range(first, min(count, first + batch)):
            lang, parts, summary = shapes[n % len(shapes)]
            story_id, extra = f"story-{n:06d}", byline(lang, rng)
            stories.append({"id": story_id, "published": start + dt.timedelta(days=n // 5), "title": None,
                            "updated_at": dt.datetime.now(dt.timezone.utc), "version": 1})
            snippets += [{"story_id": story_id, "position": i, "lang": s.lang, "kind": s.kind,
                          "text": s.text + (" " + extra if i == 1 else ""), "attribution": s.attribution,
                          "url": None, "date": None} for i, s in enumerate(parts)]
            for f in summary:
                text = f.source_text + (" " + extra if f.role in ("title", "point") and f.source_index == 1 else "")
                if f.role == "title":
                    text = f"{text} ({rng.choice(EN_NAMES if lang == 'en' else JA_NAMES)})"
                digest = source_hash(f.source_lang, text)
                fields.append({"story_id": story_id, "position": f.position, "role": f.role,
                               "source_index": f.source_index, "source_lang": f.source_lang, "source_text": text,
                               "source_hash": digest, "attribution": f.attribution})
                if f.source_lang == "en" and n % 3 == 0:
                    machine[digest] = {"source_hash": digest, "target_lang": "ko", "engine": ENGINE, "source_lang": "en",
                                       "text": f"{rng.choice(KO_NAMES)} 기자: {rng.choice(KO_PHRASES)}."}
        with store.transaction() as session:
            session.execute(StoryRow.__table__.insert(), stories)
            session.execute(SnippetRow.__table__.insert(), snippets)
            session.execute(FieldRow.__table__.insert(), fields)
            if machine:
                session.execute(MachineTranslationRow.__table__.insert().prefix_with("OR IGNORE"), list(machine.values()))
        print(f"\r{min(count, first + batch)}/{count} stories", end="", file=sys.stderr, flush=True)
    started = time.perf_counter()
    with store.transaction() as session:
        rebuild(session)
    print(f"\nindexed in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    store.dispose()


def path_of(lang: str, query: str, limit: int | None = None) -> str:
    params = {"lang": lang, "q": query, **({"limit": str(limit)} if limit else {})}
    return "/api/v1/search?" + urllib.parse.urlencode(params)


def wrk_script(folder: Path, name: str, paths: list[str]) -> Path:
    path = folder / f"{name}.lua"
    listed = ",\n".join(json.dumps(p) for p in paths)
    path.write_text(f"""
paths = {{
{listed}
}}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
""")
    return path


def measure(count: int, seconds: int, connections: int) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="kakehashi-search-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAKEHASHI_")}
    env.update({"KAKEHASHI_INSTANCE_DIR": str(instance), "KAKEHASHI_LOG_LEVEL": "WARNING",
                "KAKEHASHI_SEARCH_RATE_LIMIT": "100000000 per minute", "KAKEHASHI_MT_BACKGROUND": "false"})
    subprocess.run([sys.executable, __file__, "--fill-only", str(count), "--instance", str(instance)], env=env,
                   check=True)
    result: dict = {"stories": count}
    try:
        process, url = start("service:create_app()", env, ROOT, ready_path="/healthz", seconds=60)
        try:
            times, hits = [], {}
            for lang, query in QUERIES:
                started = time.perf_counter()
                with urllib.request.urlopen(url + path_of(lang, query), timeout=60) as response:
                    body = json.loads(response.read())
                times.append((time.perf_counter() - started) * 1000)
                hits[(lang, query)] = len(body["stories"])
            ordered = sorted(times)
            result.update(median=statistics.median(times), p99=ordered[min(len(ordered) - 1, round(0.99 * 59))],
                          slowest=ordered[-1], empty=sum(1 for v in hits.values() if v == 0),
                          slow_queries=sorted(zip(times, QUERIES, strict=True), reverse=True)[:3])
            cached = wrk_script(instance, "cached", [path_of(lang, q) for lang, q in QUERIES])
            misses = wrk_script(instance, "misses", [path_of(lang, q, limit) for limit in range(1, 101)
                                                     for lang, q in QUERIES])
            for _ in range(10):          # warm up: each query cached in each web worker (new connections)
                for lang, query in QUERIES:
                    urllib.request.urlopen(url + path_of(lang, query), timeout=120).read()
            result["cached"] = load(url + "/", seconds, connections, script=cached)
            result["misses"] = load(url + "/", seconds, connections, script=misses)
        finally:
            process.terminate()
            process.wait()
        process, url = start("hello_app:create_app()", env, ROOT / "benchmarks", seconds=60)
        try:
            load(url + "/", 1, connections)
            result["hello"] = load(url + "/", seconds, connections)
        finally:
            process.terminate()
            process.wait()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--fill-only", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill_only:
        fill(args.instance, args.fill_only)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it)")
    print(f"60 distinct queries, each timed at its first request (a cache miss) over HTTP; wrk {args.connections} "
          f"connections, {args.seconds} s; gunicorn.conf.py as make serve")
    for count in args.stories:
        r = measure(count, args.seconds, args.connections)
        hello_rps = r["hello"][0]
        print(f"\n{count} stories: median {r['median']:.1f} ms, p99 {r['p99']:.1f} ms, slowest {r['slowest']:.1f} ms "
              f"({r['empty']} of 60 queries find nothing)")
        print("  slowest: " + ", ".join(f"{lang}:{q!r} {ms:.0f} ms" for ms, (lang, q) in r["slow_queries"]))
        print(f"  {'wrk target':34} {'req/s':>8} {'p99 ms':>8} {'req/s vs hello':>15}")
        for name, key in (("bare Flask (hello)", "hello"), ("60 queries, cached documents", "cached"),
                          ("6,000 distinct searches (misses)", "misses")):
            rps, p99 = r[key]
            print(f"  {name:34} {rps:8.0f} {p99:8.1f} {rps / hello_rps:15.2f}")


if __name__ == "__main__":
    main()
