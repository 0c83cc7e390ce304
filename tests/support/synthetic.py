"""Build tiny (or transformer-base-sized) but REAL Argos packages with random weights.

For tests and benchmarks only: the result is a genuine ``.argosmodel`` zip (one top folder,
``metadata.json``, a CTranslate2 model written with ``ctranslate2.specs``, a SentencePiece
model trained on the demo story plus some Korean and Japanese), so installing and
translating with it exercises the same code as an official package. Its output is
nonsense and always runs to ``max_decoding_length``; pass one.

``ctranslate2.specs`` imports torch, which the runtime package never imports (a ruff rule), so this
lives in ``tests/support/`` and imports it inside the builder.
"""
from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parents[2] / "service" / "demo"
EXTRA_TEXT = [
    "이재명 대통령이 취임 후 처음으로 일본을 방문했습니다.",
    "두 정상은 안보와 경제 협력을 강화하기로 합의했습니다.",
    "한일 관계는 새로운 시대를 맞이하고 있습니다.",
    "정상회담은 도쿄에서 열렸으며 미국과의 삼국 동맹도 논의되었습니다.",
    "안정적인 관계는 우리 두 나라와 지역 모두에게 이익이 됩니다.",
    "북한의 핵 문제와 중국의 영향력에 대한 우려도 제기되었습니다.",
    "李在明大統領が就任後初めて日本を訪問しました。",
    "両首脳は安全保障と経済の協力を強化することで一致しました。",
    "新たな時代のニーズに沿った日韓関係を築いていきたいと思います。",
    "首脳会談は東京で行われ、米国との三か国の同盟についても話し合われました。",
    "安定した関係は両国と地域の双方に利益をもたらします。",
    "北朝鮮の核問題や中国の影響力についての懸念も示されました。",
]
LANGUAGE_NAMES = {"en": "English", "ko": "Korean", "ja": "Japanese"}


@dataclass(frozen=True)
class Dims:
    encoder_layers: int = 2
    decoder_layers: int = 2
    d_model: int = 64
    heads: int = 4
    ffn: int = 128
    vocab: int = 0                   # 0: whatever SentencePiece learns from the text
    quantization: str | None = "int8"


TINY = Dims()


def transformer_base() -> Dims:
    """The size of the official Argos models: 6+6 layers, d=512, 8 heads, ffn 2048, 50k vocab, int8."""
    return Dims(encoder_layers=6, decoder_layers=6, d_model=512, heads=8, ffn=2048, vocab=50_000)


def training_text() -> list[str]:
    lines = []
    for path in sorted(DEMO_DIR.glob("*.json")):
        story = json.loads(path.read_text(encoding="utf-8"))
        lines += [snippet["text"] for snippet in story.get("snippets", [])]
        if story.get("title"):
            lines.append(story["title"])
    return lines + EXTRA_TEXT


def train_sentencepiece(lines: list[str], vocab: int = 0) -> bytes:
    """A unigram model; a big ``vocab`` is reached with padding symbols the text cannot teach."""
    import sentencepiece

    buffer = io.BytesIO()
    learned = 1000
    padding = [f"\u2581x{i:05d}" for i in range(max(0, vocab - learned))]
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=learned + len(padding),
        hard_vocab_limit=False, character_coverage=1.0, model_type="unigram",
        user_defined_symbols=padding, minloglevel=2)
    return buffer.getvalue()


def _random_spec(dims: Dims, vocab_size: int, seed: int):
    import numpy as np
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    d, ffn = dims.d_model, dims.ffn

    def linear(layer, rows, cols):       # shapes are [out, in]
        layer.weight = (rng.standard_normal((rows, cols), dtype=np.float32) / np.sqrt(cols)).astype(np.float32)
        layer.bias = np.zeros(rows, np.float32)

    def norm(layer):
        layer.gamma = np.ones(d, np.float32)
        layer.beta = np.zeros(d, np.float32)

    def block(layer, cross):
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d, d)    # fused QKV
        linear(layer.self_attention.linear[1], d, d)
        if cross:
            norm(layer.attention.layer_norm)
            linear(layer.attention.linear[0], d, d)         # Q
            linear(layer.attention.linear[1], 2 * d, d)     # fused KV
            linear(layer.attention.linear[2], d, d)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, ffn, d)
        linear(layer.ffn.linear_1, d, ffn)

    spec = transformer_spec.TransformerSpec.from_config((dims.encoder_layers, dims.decoder_layers), dims.heads)
    spec.encoder.embeddings[0].weight = (rng.standard_normal((vocab_size, d), dtype=np.float32) * 0.1)
    spec.decoder.embeddings.weight = (rng.standard_normal((vocab_size, d), dtype=np.float32) * 0.1)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    linear(spec.decoder.projection, vocab_size, d)
    for layer in spec.encoder.layer:
        block(layer, cross=False)
    for layer in spec.decoder.layer:
        block(layer, cross=True)
    return spec


def build_package(destination: Path, from_code: str = "en", to_code: str = "ko", version: str = "1.1",
                  dims: Dims = TINY, seed: int = 0, lines: list[str] | None = None,
                  target_prefix: str = "") -> Path:
    """Write ``<destination>/translate-<from>_<to>-<version>.argosmodel`` and return its path."""
    import sentencepiece

    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    top = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    proto = train_sentencepiece(lines or training_text(), dims.vocab)
    processor = sentencepiece.SentencePieceProcessor(model_proto=proto)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    if target_prefix and target_prefix not in vocabulary:
        vocabulary.append(target_prefix)
    spec = _random_spec(dims, len(vocabulary), seed)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=dims.quantization)
    metadata = {"package_version": version, "argos_version": "1.9", "from_code": from_code,
                "from_name": LANGUAGE_NAMES.get(from_code, from_code), "to_code": to_code,
                "to_name": LANGUAGE_NAMES.get(to_code, to_code), "type": "translate",
                "package_type": "translate", "links": []}
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    with tempfile.TemporaryDirectory(dir=destination) as scratch:
        root = Path(scratch) / top
        (root / "model").mkdir(parents=True)
        spec.save(str(root / "model"))
        (root / "sentencepiece.model").write_bytes(proto)
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(f"Synthetic {from_code}->{to_code} package with random weights "
                                        "(Kakehashi tests and benchmarks). Output is nonsense.\n")
        target = destination / f"{top}.argosmodel"
        partial = target.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(root, f"{top}/")
            for path in sorted(root.rglob("*")):
                archive.write(path, path.relative_to(scratch).as_posix())
        shutil.move(partial, target)
    return target
