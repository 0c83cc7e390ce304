"""Machine-translation throughput: argostranslate per field vs our batched fill vs raw CTranslate2.

One run, one package, the same sentences and the same decoding limits:
  (a) argostranslate's ``apply_packaged_translation`` once per field, the LibreTranslate way
      (its MiniSBD splitter needs the network, so our splitter is handed in as the sentencizer;
      its translator is wrapped to take the same ``max_decoding_length``). ``a*`` is a small
      sample as shipped, without a length limit (CTranslate2's default of 256 tokens).
  (b) our ``fill_missing`` over a store holding those fields (split, batch, decode, store).
  (c) raw ``translate_batch`` over the pre-tokenized sentences: the ceiling.
  (d) end to end through the queue: stories POSTed to gunicorn (as ``make serve`` runs it), one
      ``kakehashi worker``, timed from the first POST until every field is stored as machine
      text; meanwhile readers fetch a story, and their p99 is compared with the same readers'
      p99 while the worker is idle (measured in the same run, just before).
It prints b/a (aim >= 3), b/c (aim >= 0.8), d/c (aim >= 0.7), the readers' p99 during the fill
over idle (aim <= 2), and the resident memory of a process with one
model loaded, our path vs ``argostranslate.translate`` imported. (a) and the RSS figures run in
child processes so one library's imports cannot touch the other's numbers.

Usage: python benchmarks/mt.py [--model FILE.argosmodel] [--sentences 60] [--max-decoding-length 69]
       [--batch-size N] [--inter-threads N] [--intra-threads N]   (defaults: the KAKEHASHI_MT_* settings)
       [--queue-concurrency N] [--readers N] [--idle-seconds S]
Default: a synthetic package of the official models' size (6+6 layers, d=512, 8 heads, ffn 2048,
50k vocabulary, int8; random weights, so every output runs to the decoding limit).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))   # support.synthetic, the package builder
sys.path.insert(0, str(ROOT / "benchmarks"))

from scratch import announce, scratch_env  # noqa: E402 - after the path set-up above


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB, from /proc."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def corpus(lang: str, wanted: int) -> list[list[str]]:
    """Fields (lists of sentences) from the demo story's snippets, repeated with a variation so
    that no sentence repeats (our fill would translate a repeat only once: no free wins)."""
    from service.text.sentences import split as split_sentences

    snippets = []
    for path in sorted((ROOT / "service" / "demo").glob("*.json")):
        snippets += [s["text"] for s in json.loads(path.read_text(encoding="utf-8"))["snippets"] if s["lang"] == lang]
    if not snippets:
        raise SystemExit(f"the demo story has no {lang} text to translate")
    fields, count, round_ = [], 0, 0
    while count < wanted:
        for text in snippets:
            sentences = split_sentences(text, lang)[: wanted - count]
            if round_:
                sentences = [f"Update {round_}: {s}" if lang != "ja" else f"続報{round_}：{s}" for s in sentences]
            if sentences:
                fields.append(sentences)
                count += len(sentences)
            if count >= wanted:
                break
        round_ += 1
    return fields


def settings_for(args, instance: Path):
    from service.core.config import settings_from_env

    # the shell's KAKEHASHI_MT_* tune the run; every place is this run's own (scratch.py)
    return settings_from_env().with_overrides(
        instance_dir=instance, models_dir=instance / "models", database_url=f"sqlite:///{instance / 'db.sqlite3'}",
        translations_dir=instance / "translations", queue_url="", mt_rate_limit_storage="memory://",
        mt_batch_size=args.batch_size, mt_beam_size=args.beam, mt_max_decoding_length=args.max_decoding_length,
        mt_intra_threads=args.intra_threads, mt_inter_threads=args.inter_threads)


# -- child: our path (b) and (c) ---------------------------------------------------------------
def run_ours(args) -> dict:
    import datetime as dt

    from service.core.domain import source_hash
    from service.store import Base, FieldRow, MachineTranslationRow, SentenceMemoryRow, StoryRow, make_store
    from service.translate.fill import fill_missing
    from service.translate.registry import Translators

    instance = Path(args.instance)
    settings = settings_for(args, instance)
    translators = Translators(settings)
    [(pair, route)] = translators.routes().items()
    engine = route[0]
    fields = corpus(pair[0], args.sentences)
    sentences = [s for field in fields for s in field]
    translators.translate(pair[0], pair[1], ["Warm-up sentence."])          # load the model
    loaded_rss = rss_mb()
    store = make_store(f"sqlite:///{instance / 'bench.sqlite3'}")
    Base.metadata.create_all(store.engine)
    with store.transaction() as session:
        session.add(StoryRow(id="bench", published=dt.date(2025, 1, 1), title=None))
        for position, field in enumerate(fields):
            text = " ".join(field) if pair[0] != "ja" else "".join(field)
            session.add(FieldRow(story_id="bench", position=position, role="point", source_index=0,
                                 source_lang=pair[0], source_text=text, source_hash=source_hash(pair[0], text)))
    translator, tokenizer = engine._load()
    pieces = tokenizer.encode(sentences, out_type=str)
    fill_times, raw_times = [], []
    for _ in range(args.repeats):
        with store.transaction() as session:
            session.query(MachineTranslationRow).delete()
            session.query(SentenceMemoryRow).delete()     # else every repeat after the first is free
        started = time.perf_counter()
        report = fill_missing(store, translators, langs=[pair[1]])
        fill_times.append(time.perf_counter() - started)
        after_fill = rss_mb()
        assert report.done == len(fields), report
        started = time.perf_counter()
        translator.translate_batch(pieces, max_batch_size=args.batch_size, beam_size=args.beam,
                                   max_decoding_length=args.max_decoding_length, length_penalty=0.2,
                                   replace_unknowns=True)
        raw_times.append(time.perf_counter() - started)
    heavy = sorted(m for m in ("argostranslate", "torch", "stanza", "spacy") if m in sys.modules)
    return {"pair": pair, "engine": engine.label, "fields": len(fields), "sentences": len(sentences),
            "fill_seconds": statistics.median(fill_times), "raw_seconds": statistics.median(raw_times),
            "rss_loaded": loaded_rss, "rss_end": after_fill, "heavy_modules": heavy}


# -- child: argostranslate (a) -------------------------------------------------------------------
def run_argos(args) -> dict:
    state = Path(args.instance) / "argos-state"
    os.environ.update({"XDG_DATA_HOME": str(state / "data"), "XDG_CONFIG_HOME": str(state / "config"),
                       "XDG_CACHE_HOME": str(state / "cache"), "ARGOS_PACKAGES_DIR": str(state / "packages"),
                       "ARGOS_BEAM_SIZE": str(args.beam)})
    import ctranslate2
    from argostranslate import settings as argos_settings
    from argostranslate.package import Package
    from argostranslate.translate import apply_packaged_translation

    from service.text.sentences import split as split_sentences
    from service.translate.packages import list_packages

    [installed] = list_packages(settings_for(args, Path(args.instance)).models_dir)
    package = Package(installed.real_path)
    translator = ctranslate2.Translator(str(installed.real_path / "model"), device=argos_settings.device,
                                        inter_threads=argos_settings.inter_threads,
                                        intra_threads=argos_settings.intra_threads,
                                        compute_type=argos_settings.compute_type)

    class OurSplitter:       # MiniSBD would download a model: hand in the same splitter we use
        def split_sentences(self, text):
            return split_sentences(text, installed.from_code)

    class Bounded:           # apply_packaged_translation cannot pass a maximum length itself
        def __init__(self, limit):
            self.limit = limit

        def translate_batch(self, *a, **k):
            k.setdefault("max_decoding_length", self.limit)
            return translator.translate_batch(*a, **k)

    fields = corpus(installed.from_code, args.sentences)
    glue = "" if installed.from_code == "ja" else " "
    splitter = OurSplitter()
    apply_packaged_translation(package, "Warm-up sentence.", Bounded(args.max_decoding_length), splitter, 1)
    loaded_rss = rss_mb()
    started = time.perf_counter()
    for field in fields:
        apply_packaged_translation(package, glue.join(field), Bounded(args.max_decoding_length), splitter, 1)
    bounded = time.perf_counter() - started
    sample = corpus(installed.from_code, args.shipped_sample) if args.shipped_sample else []
    started = time.perf_counter()
    for field in sample:
        apply_packaged_translation(package, glue.join(field), translator, splitter, 1)
    shipped = time.perf_counter() - started
    return {"sentences": sum(map(len, fields)), "seconds": bounded,
            "shipped_sentences": sum(map(len, sample)), "shipped_seconds": shipped,
            "rss_loaded": loaded_rss, "rss_end": rss_mb()}


# -- (d): through the queue, in real processes --------------------------------------------------
TOKEN = "bench-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _http(url: str, body: dict | None = None, method: str = "GET") -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def bench_stories(lang: str, wanted: int) -> list[dict]:
    """Stories whose fields hold about ``wanted`` distinct sentences: each a title, a paragraph
    of 6 sentences (2 become key points) and 18 quotes (a field each): 21 sentences a story."""
    sentences = [s for field in corpus(lang, (wanted * 24 + 20) // 21) for s in field]
    stories, index = [], 0
    while sentences:
        chunk, sentences = sentences[:24], sentences[24:]
        points, quotes = chunk[:6], chunk[6:]
        snippets = [{"lang": lang, "kind": "paragraph", "attribution": "Bench Wire", "text": " ".join(points)}]
        snippets += [{"lang": lang, "kind": "quote", "attribution": "Someone", "text": q} for q in quotes]
        stories.append({"id": f"bench-{index}", "published": "2025-01-01", "title": f"Bench story {index}",
                        "snippets": snippets})
        index += 1
    return stories


class Readers:
    """Threads that each fetch a story's JSON ``rate`` times a second (paced, not as fast as
    possible: readers that saturate the CPU would measure the CPU, not the queue), each timed."""

    def __init__(self, url: str, count: int, rate: float):
        self.url, self.interval, self.samples, self._stop = url, 1.0 / rate, [], threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]

    def _run(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            started = time.perf_counter()
            with urllib.request.urlopen(self.url, timeout=60) as response:
                response.read()
            self.samples.append((time.monotonic(), time.perf_counter() - started))
            due += self.interval
            self._stop.wait(max(0.0, due - time.monotonic()))

    def start(self) -> "Readers":
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def p99(self, since: float, until: float) -> tuple[float, int, float]:
        """(p99, requests, median) of the requests that ended in the window."""
        window = sorted(latency for moment, latency in self.samples if since <= moment <= until)
        if not window:
            return float("nan"), 0, float("nan")
        return window[min(len(window) - 1, int(len(window) * 0.99))], len(window), statistics.median(window)


def run_queue(args, scratch: Path, pair: tuple[str, str]) -> dict:
    from service.store import make_store
    from service.store.backlog import stories_missing_translations
    from service.store.reads import all_fields
    from service.text.sentences import split as split_sentences

    settings = settings_for(args, scratch)
    port = _free_port()
    env = scratch_env(scratch / "queue")
    instance = Path(env["KAKEHASHI_INSTANCE_DIR"])
    env.update({"KAKEHASHI_MODELS_DIR": str(settings.models_dir),
                "KAKEHASHI_API_TOKENS": TOKEN, "KAKEHASHI_HOST": "127.0.0.1", "KAKEHASHI_PORT": str(port),
                "KAKEHASHI_MT_BATCH_SIZE": str(args.batch_size), "KAKEHASHI_MT_BEAM_SIZE": str(args.beam),
                "KAKEHASHI_MT_MAX_DECODING_LENGTH": str(args.max_decoding_length),
                "KAKEHASHI_MT_INTER_THREADS": str(args.inter_threads),
                "KAKEHASHI_MT_INTRA_THREADS": str(args.intra_threads), "KAKEHASHI_LOG_LEVEL": "WARNING"})
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "kakehashi"), "init", "--no-demo"], env=env, check=True, capture_output=True)
    logs = open(scratch / "queue-run.log", "wb")
    web = subprocess.Popen([str(bin_dir / "gunicorn"), "--config", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
                           env=env, cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT)
    worker = subprocess.Popen([str(bin_dir / "kakehashi"), "worker", "--concurrency", str(args.queue_concurrency)],
                              env=env, cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    store = make_store(f"sqlite:///{instance / 'kakehashi.sqlite3'}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _http(f"{base}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start: {(scratch / 'queue-run.log').read_text()[-2000:]}") from None
                time.sleep(0.2)
        reader_story = {"id": "reader", "published": "2025-01-01", "title": "Warm-up story",
                        "snippets": [{"lang": pair[0], "kind": "paragraph", "attribution": "Bench Wire",
                                      "text": "Warm-up sentence. The model loads here."}]}
        _http(f"{base}/api/v1/stories", reader_story, "POST")
        engines = {pair: settings_label(settings)}

        def missing(ids) -> set:
            with store.reading() as session:
                return stories_missing_translations(session, engines, ids)

        _wait(lambda: not missing(["reader"]), 120, "the worker to translate the warm-up story")
        readers = Readers(f"{base}/api/v1/stories/reader?lang={pair[1]}", args.readers, args.reader_rate).start()
        time.sleep(3)            # warm every gunicorn worker and thread up first: cold requests are not "idle"
        idle_from = time.monotonic()
        time.sleep(args.idle_seconds)
        idle_until = time.monotonic()
        stories = bench_stories(pair[0], args.sentences)
        ids = [story["id"] for story in stories]
        started = time.monotonic()
        for story in stories:
            _http(f"{base}/api/v1/stories", story, "POST")
        _wait(lambda: not missing(ids), 600, "the worker to translate the benchmark stories", interval=0.05)
        finished = time.monotonic()
        readers.stop()
        with store.reading() as session:
            fields = [f for f in all_fields(session, ids) if f.source_lang == pair[0]]
        sentences = {s for f in fields for line in f.source_text.splitlines() for s in split_sentences(line, pair[0])}
        idle_p99, idle_n, idle_p50 = readers.p99(idle_from, idle_until)
        fill_p99, fill_n, fill_p50 = readers.p99(started, finished)
        return {"stories": len(stories), "fields": len(fields), "sentences": len(sentences),
                "seconds": finished - started, "idle_p99": idle_p99, "idle_requests": idle_n, "idle_p50": idle_p50,
                "fill_p99": fill_p99, "fill_requests": fill_n, "fill_p50": fill_p50}
    finally:
        for process in (worker, web):
            process.terminate()
        for process in (worker, web):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()
        store.dispose()


def run_memory(args, scratch: Path) -> dict:
    """(e): 10 stories with a three-sentence quote each are filled; then one sentence of each
    quote is edited (PUT, re-summarized) and the stories are filled again. Counts the sentences
    the model is sent the second time: the sentence memory should leave exactly the 10 edited."""
    from service import create_app
    from service.core.domain import Snippet
    from service.store.migrate import upgrade
    from service.translate.engine import Engine
    from service.translate.fill import fill_missing
    from service.usecases.stories import StoryInput, create_story, replace_story

    settings = settings_for(args, scratch).with_overrides(instance_dir=scratch / "memory-instance",
                                                          database_url="")
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    app = create_app(settings)
    services = app.extensions["kakehashi"]
    sent: list[str] = []
    real = Engine.translate_hypotheses

    def counting(self, sentences, count=1, progress=None):
        sent.extend(sentences)
        return real(self, sentences, count, progress)

    def story(n: int, middle: str) -> StoryInput:
        quote = f"We met in Tokyo today, said minister {n}. {middle} We will meet again in spring."
        return StoryInput(id=f"memory-{n}", published=dt.date(2025, 1, 1), title=f"Ministers meet, part {n}",
                          snippets=[Snippet(lang="en", kind="paragraph", attribution="Bench Wire",
                                            text=f"Ministers met for round {n} of talks. They discussed trade and "
                                                 "security. A joint statement followed."),
                                    Snippet(lang="en", kind="quote", attribution=f"Minister {n}", text=quote)])

    Engine.translate_hypotheses = counting
    try:
        for n in range(10):
            create_story(services.store, story(n, "The talks went well."))
        fill_missing(services.store, services.translators, langs=[args.memory_lang])
        first = len(sent)
        sent.clear()
        for n in range(10):
            replace_story(services.store, story(n, f"Talks on topic {n} went on late."))
        fill_missing(services.store, services.translators, langs=[args.memory_lang])
    finally:
        Engine.translate_hypotheses = real
        services.store.dispose()
    return {"first": first, "again": len(sent), "edited": sorted(set(sent))}


def settings_label(settings) -> str:
    from service.translate.packages import active_packages

    [package] = active_packages(settings.models_dir).values()
    return package.engine


def _wait(check, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(interval)


def child(mode: str, args) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--instance", args.instance]
    for name in ("sentences", "max_decoding_length", "beam", "batch_size", "inter_threads", "intra_threads",
                 "repeats", "shipped_sample"):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    from service.core.config import settings_from_env

    configured = settings_from_env()      # measure the service as configured (KAKEHASHI_MT_*)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="a real .argosmodel to use instead of the synthetic one")
    parser.add_argument("--sentences", type=int, default=60)
    parser.add_argument("--max-decoding-length", type=int, default=69)
    parser.add_argument("--beam", type=int, default=configured.mt_beam_size)
    parser.add_argument("--batch-size", type=int, default=configured.mt_batch_size)
    parser.add_argument("--inter-threads", type=int, default=configured.mt_inter_threads)
    parser.add_argument("--intra-threads", type=int, default=configured.mt_intra_threads)
    parser.add_argument("--repeats", type=int, default=2, help="runs of (b) and (c); the median is shown")
    parser.add_argument("--shipped-sample", type=int, default=4,
                        help="sentences for a* (argostranslate as shipped, no length limit); 0 skips it")
    parser.add_argument("--queue-concurrency", type=int, default=2, help="(d): the worker's --concurrency")
    parser.add_argument("--readers", type=int, default=4, help="(d): concurrent readers during idle and fill")
    parser.add_argument("--reader-rate", type=float, default=10.0, help="(d): requests per second of each reader")
    parser.add_argument("--idle-seconds", type=float, default=15.0, help="(d): how long the idle p99 is measured")
    parser.add_argument("--skip-argos", action="store_true", help="skip (a) (slow on a base-size model)")
    parser.add_argument("--child", choices=("ours", "argos"), help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_ours(args) if args.child == "ours" else run_argos(args)))
        return

    from service.translate.packages import install_package

    with tempfile.TemporaryDirectory(prefix="kakehashi-mt-bench-") as scratch:
        args.instance = scratch
        announce(settings_for(args, Path(scratch)).database_url)
        models_dir = settings_for(args, Path(scratch)).models_dir
        if args.model:
            source, kind = args.model, "given package"
        else:
            from support.synthetic import build_package, transformer_base

            started = time.perf_counter()
            source = build_package(Path(scratch) / "build", "en", "ko", "1.1", dims=transformer_base())
            kind = f"synthetic transformer-base, built in {time.perf_counter() - started:.0f} s"
        package = install_package(models_dir, source, 4 * 1024**3)
        print(f"MT benchmark: {package.engine} ({kind}, {package.size_bytes() / 1e6:.0f} MB unpacked); "
              f"beam {args.beam}, batch {args.batch_size}, max_decoding_length {args.max_decoding_length}, "
              f"inter_threads {args.inter_threads}, intra_threads {args.intra_threads} "
              f"(argostranslate: its defaults, as LibreTranslate runs it)", flush=True)
        ours = child("ours", args)
        argos = None if args.skip_argos else child("argos", args)
        queued = run_queue(args, Path(scratch), tuple(ours["pair"]))
        args.memory_lang = ours["pair"][1]
        memory = run_memory(args, Path(scratch))
    n = ours["sentences"]
    a = argos["sentences"] / argos["seconds"] if argos else float("nan")
    b = n / ours["fill_seconds"]
    c = n / ours["raw_seconds"]
    d = queued["sentences"] / queued["seconds"]
    print(f"{n} sentences in {ours['fields']} fields")
    print(f"(a)  argostranslate apply_packaged_translation per field, same limit: {a:6.2f} sentences/s")
    if argos and argos["shipped_sentences"]:
        print(f"(a*) the same as shipped, no length limit ({argos['shipped_sentences']} sentences):    "
              f"{argos['shipped_sentences'] / argos['shipped_seconds']:6.2f} sentences/s")
    print(f"(b)  kakehashi fill_missing (split, batch, decode, store):           {b:6.2f} sentences/s")
    print(f"(c)  raw translate_batch on pre-tokenized sentences (ceiling):       {c:6.2f} sentences/s")
    print(f"(d)  through the queue: {queued['stories']} stories POSTed, {queued['sentences']} sentences in "
          f"{queued['fields']} fields, one worker (--concurrency {args.queue_concurrency}), until all machine: "
          f"{d:6.2f} sentences/s")
    print(f"(e)  sentence memory: 10 stories filled ({memory['first']} sentences to the model); one sentence of each "
          f"quote edited and filled again: {memory['again']} sentences to the model (aim: exactly 10)")
    print(f"b/a = {b / a:.1f}x (aim >= 3)   b/c = {b / c:.2f} (aim >= 0.8)   d/c = {d / c:.2f} (aim >= 0.7)")
    print(f"readers ({args.readers}, {args.reader_rate:g} requests/s each): idle p99 {queued['idle_p99'] * 1000:.1f} ms "
          f"(median {queued['idle_p50'] * 1000:.1f}, {queued['idle_requests']} requests), during (d) p99 "
          f"{queued['fill_p99'] * 1000:.1f} ms (median {queued['fill_p50'] * 1000:.1f}, {queued['fill_requests']} "
          f"requests): p99 {queued['fill_p99'] / queued['idle_p99']:.2f}x idle (aim <= 2)")
    if argos is None:
        return
    print(f"RSS with one model loaded: our path {ours['rss_loaded'][0]:.0f} MB "
          f"(after a fill {ours['rss_end'][0]:.0f} MB, peak {ours['rss_end'][1]:.0f} MB; heavy modules imported: "
          f"{', '.join(ours['heavy_modules']) or 'none'}); with argostranslate.translate imported "
          f"{argos['rss_loaded'][0]:.0f} MB (after its run {argos['rss_end'][0]:.0f} MB, peak {argos['rss_end'][1]:.0f} MB)")


if __name__ == "__main__":
    main()
