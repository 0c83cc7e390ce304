"""How good and how fast the summaries are, against taking the first sentences (lead-3, lead-5).

Per source language, on the evaluation set in benchmarks/data/ (stories written for the
purpose, key facts written down before any summarizer ran on them; the recall is also shown for
the stories written after the weights were chosen):
- key-fact recall of the points, and of the points plus the quotes;
- the near-duplicate rate: pairs among the title and the points that near-duplicate;
- the same figures for lead-3 and lead-5 (the story's first paragraph sentences, same title).
Then the time to summarize the largest story the API accepts (200 snippets, a 256 KB body), in
English and in Japanese, median of several runs.

    .venv/bin/python benchmarks/summaries.py
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.core.config import Settings  # noqa: E402 - the project root is put on the path first
from service.core.domain import Snippet  # noqa: E402 - after the path set-up
from service.text.summarize import POINT_KINDS, near_duplicate, split_sentences, summarize  # noqa: E402 - after the path set-up

DATA = ROOT / "benchmarks" / "data"
DEMO = ROOT / "service" / "demo" / "lee-jae-myung-visits-japan.json"


def load(path: Path) -> list[dict]:
    """The stories of one data file, with their snippets as ``Snippet``s."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [{**story, "snippets": [Snippet(s.get("lang", data["lang"]), s["kind"], s["text"], s["attribution"])
                                   for s in story["snippets"]]} for story in data["stories"]]


def found(fact: dict, texts: list[str]) -> bool:
    """A fact is found when one text holds every string of its ``match``."""
    return any(all(m.lower() in t.lower() for m in fact["match"]) for t in texts)


def selections(story: dict) -> dict[str, tuple[str, list[str]]]:
    """Title and chosen sentences of each method: our points, lead-3, lead-5."""
    fields = summarize(story["id"], story.get("title"), story["snippets"])
    title = next(f for f in fields if f.role == "title")
    lead = [s.text for i, sn in enumerate(story["snippets"]) if sn.kind in POINT_KINDS
            for s in split_sentences(i, sn)]
    return {"points": (title.source_text, [f.source_text for f in fields if f.role == "point"]),
            "lead-3": (title.source_text, lead[:3]), "lead-5": (title.source_text, lead[:5])}


def evaluate(stories: list[dict], lang: str) -> dict[str, dict[str, float]]:
    """Recall (points, points + quotes) and near-duplicate pairs, per method, over the stories."""
    totals: dict[str, dict[str, float]] = {}
    for story in stories:
        quotes = [s.text for s in story["snippets"] if s.kind in ("quote", "post")]
        for method, (title, chosen) in selections(story).items():
            t = totals.setdefault(method, {"facts": 0, "found": 0, "found+quotes": 0, "pairs": 0, "dups": 0, "n": 0})
            t["facts"] += len(story["key_facts"])
            t["found"] += sum(found(f, chosen) for f in story["key_facts"])
            t["found+quotes"] += sum(found(f, chosen + quotes) for f in story["key_facts"])
            t["n"] += len(chosen)
            for a, b in itertools.combinations([title, *chosen], 2):
                t["pairs"] += 1
                t["dups"] += near_duplicate(a, b, lang)
    return totals


def largest_story(lang: str, stories: list[dict], limit: int, count: int) -> list[Snippet]:
    """``count`` paragraphs of the set's sentences, shuffled, as long as the body limit allows."""
    pool = [s.text for story in stories for i, sn in enumerate(story["snippets"]) if sn.kind == "paragraph"
            for s in split_sentences(i, sn)]
    rng = random.Random(11)
    glue = " " if lang == "en" else ""
    texts = [""] * count
    body = lambda: len(json.dumps({"id": "x" * 80, "published": "2025-01-01", "snippets": [  # noqa: E731 - a one-line helper where it is used
        {"lang": lang, "kind": "paragraph", "text": t, "attribution": "Wire Service"} for t in texts]},
        ensure_ascii=False).encode("utf-8"))
    while True:
        i = rng.randrange(count)
        grown = (texts[i] + glue + rng.choice(pool)).strip()
        if len(grown) > 5000:
            continue
        before, texts[i] = texts[i], grown
        if body() > limit:
            texts[i] = before
            break
    return [Snippet(lang, "paragraph", t, "Wire Service") for t in texts]


def timed(snippets: list[Snippet], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``summarize``, in milliseconds.

    The wall time is what a write request waits; the CPU time shows how much of it was ours when
    other processes share the cores.
    """
    summarize("warm-up", None, snippets[:3])
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        summarize("largest", None, snippets)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def rate(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def report_quality(lang: str) -> bool:
    """Print the figures of one language; whether its goals are met."""
    stories = load(DATA / f"{lang}.json")
    totals = evaluate(stories, lang)
    for method, t in totals.items():
        print(f"{lang:5} {method:8} {rate(t['found'], t['facts']):>13}  {rate(t['found+quotes'], t['facts']):>15}"
              f"  {int(t['dups']):>3}/{int(t['pairs']):<3} = {rate(t['dups'], t['pairs']):>4}"
              f"  {t['n'] / len(stories):>12.1f}")
    held_out = [s for s in stories if s.get("written_after_tuning")]
    if held_out:
        late = evaluate(held_out, lang)
        print(f"{lang:5} (the {len(held_out)} stories written after tuning: points "
              f"{rate(late['points']['found'], late['points']['facts'])}, "
              f"lead-5 {rate(late['lead-5']['found'], late['lead-5']['facts'])})")
    points, lead5 = totals["points"], totals["lead-5"]
    return (points["found"] >= lead5["found"] and points["found+quotes"] >= 0.8 * points["facts"]
            and points["dups"] == 0)


def report_demo() -> bool:
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    fields = summarize(demo["id"], demo["title"], [Snippet(s["lang"], s["kind"], s["text"], s["attribution"])
                                                   for s in demo["snippets"]])
    shown = [f.source_text for f in fields if f.role in ("title", "point")]
    dups = sum(near_duplicate(a, b, "en") for a, b in itertools.combinations(shown, 2))
    print(f"demo story: {len(shown) - 1} points, {dups} near-duplicate pairs among the title and points")
    return dups == 0


def report_speed(lang: str, runs: int) -> bool:
    settings = Settings()
    snippets = largest_story(lang, load(DATA / f"{lang}.json"), settings.max_body_bytes, settings.max_snippets)
    ms, cpu = timed(snippets, runs)
    print(f"largest story ({lang}): {len(snippets)} snippets, {sum(len(s.text) for s in snippets)} characters, "
          f"{ms:.0f} ms wall, {cpu:.0f} ms CPU (medians of {runs})")
    return ms < 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of the largest story")
    args = parser.parse_args()
    print("lang  method   recall(points)  recall(+quotes)  near-duplicate pairs  points/story")
    ok = [report_quality(lang) for lang in ("en", "ja")]
    ok.append(report_demo())
    ok += [report_speed(lang, args.runs) for lang in ("en", "ja")]
    print("goals met" if all(ok) else "GOALS NOT MET")


if __name__ == "__main__":
    main()
