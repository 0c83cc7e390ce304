"""One installed package, loaded once per process and shared: CTranslate2 + SentencePiece.

We call CTranslate2 directly instead of ``argostranslate.translate``: that module imports
spaCy, stanza and torch (~290 MB, 1.7 s) and its sentence splitter needs the network.
Official packages are plain CTranslate2 models with a SentencePiece tokenizer, so the
translation itself is: encode pieces, ``translate_batch`` over many sentences, decode.

``ctranslate2.Translator`` is thread-safe; loading is guarded by a lock so concurrent first
requests load the model once.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from ..core.config import Settings
from ..core.errors import ModelLoadError, TranslationError
from ..text.sentences import joiner
from .packages import InstalledPackage
from .protect import Span, protect_with, restore

# Official models are trained on sentences; a longer piece sequence is cut into chunks at word
# starts rather than silently truncated by CTranslate2's max_input_length (1024).
MAX_SOURCE_TOKENS = 200
WORD_START = "\u2581"


@dataclass(frozen=True)
class Device:
    """Where CTranslate2 runs a model, and with which compute type (see ``worker.consumer``)."""

    name: str = "cpu"
    compute_type: str = "default"     # on CPU: the model's own (int8 for Argos packages)

    def __str__(self) -> str:
        return f"{self.name}/{self.compute_type}"


CPU = Device()


class Engine:
    def __init__(self, package: InstalledPackage, settings: Settings, device: Device = CPU):
        self.package = package
        self.settings = settings
        self.device = device
        self._lock = threading.Lock()
        # a ctranslate2.Translator and a sentencepiece.SentencePieceProcessor once loaded; typed Any
        # because both are imported only when a model loads (web processes never import them)
        self._translator: Any = None
        self._tokenizer: Any = None

    @property
    def label(self) -> str:
        return self.package.engine

    @property
    def loaded(self) -> bool:
        return self._translator is not None

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._translator is None:
                import ctranslate2
                import sentencepiece

                path = self.package.real_path
                try:
                    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(path / "sentencepiece.model"))
                    translator = ctranslate2.Translator(
                        str(path / "model"), device=self.device.name, compute_type=self.device.compute_type,
                        inter_threads=self.settings.mt_inter_threads,
                        intra_threads=self.settings.mt_intra_threads)
                except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError
                    raise ModelLoadError(f"cannot load model {self.label} from {path}: {exc}") from exc
                self._tokenizer, self._translator = tokenizer, translator
        return self._translator, self._tokenizer

    def translate_sentences(self, sentences: list[str], progress: Callable[[int], None] | None = None,
                            terms: Sequence[Sequence[tuple[int, int, Span]]] | None = None) -> list[str]:
        """Translate sentences in batches; ``progress(n)`` is told how many are done so far.

        Protected spans (URLs, e-mail addresses, @handles, #hashtags, numbers) come out verbatim;
        ``terms`` gives, per sentence, more spans to protect (glossary terms, ``glossary``).
        """
        return [hypotheses[0] for hypotheses in self.translate_hypotheses(sentences, 1, progress, terms=terms)]

    def translate_hypotheses(self, sentences: list[str], count: int = 1,
                             progress: Callable[[int], None] | None = None,
                             terms: Sequence[Sequence[tuple[int, int, Span]]] | None = None) -> list[list[str]]:
        """The ``count`` best translations of every sentence (beam n-best, best first)."""
        if not sentences:
            return []
        translator, tokenizer = self._load()
        protected = [protect_with(sentence, terms[index] if terms else ()) for index, sentence in enumerate(sentences)]
        try:
            pieces = tokenizer.encode([item.text for item in protected], out_type=str)
        except Exception as exc:
            raise TranslationError(f"{self.label}: tokenizing failed: {exc}") from exc
        chunks, owners = [], []
        for index, tokens in enumerate(pieces):
            for chunk in split_long(tokens, MAX_SOURCE_TOKENS):
                chunks.append(chunk)
                owners.append(index)
        prefix = self.package.target_prefix
        outputs = self._run(translator, chunks, prefix, progress, owners, count) if chunks else []
        # texts[sentence][hypothesis] = the decoded chunks of that sentence
        texts: list[list[list[str]]] = [[[] for _ in range(count)] for _ in sentences]
        for owner, hypotheses in zip(owners, outputs, strict=True):
            for rank in range(count):
                tokens = hypotheses[min(rank, len(hypotheses) - 1)]
                if prefix and tokens and tokens[0] == prefix:
                    tokens = tokens[1:]
                text = tokenizer.decode_pieces(tokens)
                if prefix and text.startswith(prefix):
                    text = text[len(prefix):]
                texts[owner][rank].append(text.strip())
        lang = self.package.to_code
        glue = joiner(lang)
        return [[restore(glue.join(part for part in parts if part), item, lang) for parts in ranked]
                for ranked, item in zip(texts, protected, strict=True)]

    def _run(self, translator: Any, chunks: list[list[str]], prefix: str | None, progress: Callable[[int], None] | None,
             owners: list[int], count: int = 1) -> list[list[list[str]]]:
        settings = self.settings
        try:
            results = translator.translate_batch(
                chunks,
                target_prefix=[[prefix]] * len(chunks) if prefix else None,
                max_batch_size=settings.mt_batch_size, batch_type="examples",
                beam_size=max(settings.mt_beam_size, count), num_hypotheses=count,
                max_decoding_length=settings.mt_max_decoding_length,
                # as argostranslate decodes, so official packages give the output they were tuned for
                length_penalty=0.2, replace_unknowns=True, asynchronous=True)
            if progress is not None:
                _report(results, owners, progress)
            elif under_event_loop():
                wait_until_done(results)  # a blocking result() would stall every request of the worker
            return [result.result().hypotheses for result in results]
        except Exception as exc:  # CTranslate2 errors are RuntimeError/ValueError
            raise TranslationError(f"{self.label}: translation failed: {exc}") from exc
        finally:
            release_memory()


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        return trim
    except (OSError, AttributeError):       # not glibc (musl, macOS): nothing to do
        return None


_TRIM = _malloc_trim()


def release_memory() -> None:
    """Give the beam-search buffers of a big batch back to the OS.

    glibc keeps freed memory in its arenas: after one fill of 60 long sentences (batch 32,
    beam 4) a server process stayed at ~760 MB instead of ~230 MB. ``malloc_trim`` costs a
    few milliseconds once per batched call.
    """
    if _TRIM is not None:
        _TRIM(0)


def _report(results: list[Any], owners: list[int], progress: Callable[[int], None]) -> None:
    """Poll the asynchronous results; report sentences whose chunks are all finished."""
    reported, total = -1, len(set(owners))
    while True:
        pending = {owner for owner, result in zip(owners, results, strict=True) if not result.done()}
        finished = total - len(pending)
        if finished != reported:
            progress(finished)
            reported = finished
        if not pending:
            return
        time.sleep(0.1)


def split_long(tokens: list[str], limit: int) -> list[list[str]]:
    """Cut a piece sequence into chunks of at most ``limit``, preferring word starts."""
    if not tokens:
        return []
    chunks, start = [], 0
    while len(tokens) - start > limit:
        cut = start + limit
        for candidate in range(cut, start + limit // 2, -1):
            if tokens[candidate].startswith(WORD_START):
                cut = candidate
                break
        chunks.append(tokens[start:cut])
        start = cut
    chunks.append(tokens[start:])
    return chunks


# --- waiting without stalling the server ------------------------------------------------
# gunicorn's gevent worker monkey-patches the standard library, so waits on sockets, locks and
# ``time.sleep`` let other requests run. A wait inside a C library (CTranslate2's results) does
# not: it is turned here into short cooperative sleeps while the library works on its own threads.
POLL_SECONDS = 0.01


def under_event_loop() -> bool:
    """True in a process gevent has monkey-patched (a serving worker); False in the CLI and tests."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("socket")


def wait_until_done(futures: Iterable[Any]) -> None:
    """Sleep (cooperatively) until every future-like object's ``done()`` is true."""
    pending = list(futures)
    while pending:
        pending = [future for future in pending if not future.done()]
        if pending:
            time.sleep(POLL_SECONDS)
