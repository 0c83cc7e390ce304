"""Machine-translation throughput: argostranslate per field vs our batched fill vs raw CTranslate2.

One run, one package, the same sentences and the same decoding limits:
  (a) argostranslate's ``apply_packaged_translation`` once per field, the LibreTranslate way
      (its MiniSBD splitter needs the network, so our splitter is handed in as the sentencizer;
      its translator is wrapped to take the same ``max_decoding_length``). ``a*`` is a small
      sample as shipped, without a length limit (CTranslate2's default of 256 tokens).
  (b) our ``fill_missing`` over a store holding those fields (split, batch, decode, store).
  (c) raw ``translate_batch`` over the pre-tokenized sentences: the ceiling.
It prints b/a (aim >= 3) and b/c (aim >= 0.8), and the resident memory of a process with one
model loaded, our path vs ``argostranslate.translate`` imported. (a) and the RSS figures run in
child processes so one library's imports cannot touch the other's numbers.

Usage: python benchmarks/mt.py [--model FILE.argosmodel] [--sentences 60] [--max-decoding-length 69]
       [--batch-size N] [--inter-threads N] [--intra-threads N]   (defaults: the KAKEHASHI_MT_* settings)
Default: a synthetic package of the official models' size (6+6 layers, d=512, 8 heads, ffn 2048,
50k vocabulary, int8; random weights, so every output runs to the decoding limit).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
    from service.translate.splitter import split_sentences

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
    from service.config import settings_from_env

    return settings_from_env().with_overrides(
        instance_dir=instance, models_dir=instance / "models", database_url=f"sqlite:///{instance / 'db.sqlite3'}",
        mt_batch_size=args.batch_size, mt_beam_size=args.beam, mt_max_decoding_length=args.max_decoding_length,
        mt_intra_threads=args.intra_threads, mt_inter_threads=args.inter_threads)


# -- child: our path (b) and (c) ---------------------------------------------------------------
def run_ours(args) -> dict:
    import datetime as dt

    from service.domain import source_hash
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

    from service.translate.packages import list_packages
    from service.translate.splitter import split_sentences

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
    from service.config import settings_from_env

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
    parser.add_argument("--child", choices=("ours", "argos"), help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_ours(args) if args.child == "ours" else run_argos(args)))
        return

    from service.translate.packages import install_package

    with tempfile.TemporaryDirectory(prefix="kakehashi-mt-bench-") as scratch:
        args.instance = scratch
        models_dir = settings_for(args, Path(scratch)).models_dir
        if args.model:
            source, kind = args.model, "given package"
        else:
            from service.translate.synthetic import build_package, transformer_base

            started = time.perf_counter()
            source = build_package(Path(scratch) / "build", "en", "ko", "1.1", dims=transformer_base())
            kind = f"synthetic transformer-base, built in {time.perf_counter() - started:.0f} s"
        package = install_package(models_dir, source, 4 * 1024**3)
        print(f"MT benchmark: {package.engine} ({kind}, {package.size_bytes() / 1e6:.0f} MB unpacked); "
              f"beam {args.beam}, batch {args.batch_size}, max_decoding_length {args.max_decoding_length}, "
              f"inter_threads {args.inter_threads}, intra_threads {args.intra_threads} "
              f"(argostranslate: its defaults, as LibreTranslate runs it)", flush=True)
        ours = child("ours", args)
        argos = child("argos", args)
    n = ours["sentences"]
    a = argos["sentences"] / argos["seconds"]
    b = n / ours["fill_seconds"]
    c = n / ours["raw_seconds"]
    print(f"{n} sentences in {ours['fields']} fields")
    print(f"(a)  argostranslate apply_packaged_translation per field, same limit: {a:6.2f} sentences/s")
    if argos["shipped_sentences"]:
        print(f"(a*) the same as shipped, no length limit ({argos['shipped_sentences']} sentences):    "
              f"{argos['shipped_sentences'] / argos['shipped_seconds']:6.2f} sentences/s")
    print(f"(b)  kakehashi fill_missing (split, batch, decode, store):           {b:6.2f} sentences/s")
    print(f"(c)  raw translate_batch on pre-tokenized sentences (ceiling):       {c:6.2f} sentences/s")
    print(f"b/a = {b / a:.1f}x (aim >= 3)   b/c = {b / c:.2f} (aim >= 0.8)")
    print(f"RSS with one model loaded: our path {ours['rss_loaded'][0]:.0f} MB "
          f"(after a fill {ours['rss_end'][0]:.0f} MB, peak {ours['rss_end'][1]:.0f} MB; heavy modules imported: "
          f"{', '.join(ours['heavy_modules']) or 'none'}); with argostranslate.translate imported "
          f"{argos['rss_loaded'][0]:.0f} MB (after its run {argos['rss_end'][0]:.0f} MB, peak {argos['rss_end'][1]:.0f} MB)")


if __name__ == "__main__":
    main()
