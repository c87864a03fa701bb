"""Shared fixtures: real tokenizers only (the embedded Qwen BPE, plus WordPiece and
Unigram tokenizers trained here on a small corpus)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pipeline.student import Student, materialise

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("coverage", parent=settings.get_profile("ci"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [
    "Read the file src/app/config.yaml and summarise its settings.",
    "Busca consejos de optimización en example.org y resume el hallazgo principal.",
    "Lies die Datei und zähle die Zeilen: 1.234,56 Einträge am 31.12.2024.",
    "Lis le fichier et résume : 1 234,56 éléments, café crème, naïve façade.",
    'TOOL_CALL: {"name": "fs.read", "arguments": {"path": "docs/readme.md"}}',
    '<tool_call>\n{"name": "web.search", "arguments": {"q": "kernels", "top_k": 3}}\n</tool_call>',
    "日本語のテキストと絵文字 😀🚀 も含む。 def f(x): return x * 2",
    'Traceback (most recent call last): File "main.py", line 3, in <module>',
    "e\u0301 combining marks, ñ, ü, ß, œ and 中文 characters mixed with code {}[]().",
] * 20


def _train(model: str, out: Path) -> Path:
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    if model == "wordpiece":
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
        trainer = trainers.WordPieceTrainer(
            vocab_size=400, special_tokens=["[UNK]", "[PAD]", "<|im_start|>", "<|im_end|>"]
        )
    else:
        tok = Tokenizer(models.Unigram())
        tok.normalizer = normalizers.NFKC()
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
        trainer = trainers.UnigramTrainer(
            vocab_size=300,
            special_tokens=["<unk>", "<|im_start|>", "<|im_end|>"],
            unk_token="<unk>",
        )
    tok.train_from_iterator(CORPUS, trainer=trainer)
    src = out / f"{model}-src"
    src.mkdir(parents=True)
    tok.save(str(src / "tokenizer.json"))
    dest = out / model
    materialise(str(src), dest)
    return dest


@pytest.fixture(scope="session")
def qwen_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qwen") / "tokenizer"
    materialise("embedded", out)
    return out


@pytest.fixture(scope="session")
def student(qwen_dir: Path) -> Student:
    return Student(qwen_dir)


@pytest.fixture(scope="session")
def wordpiece_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _train("wordpiece", tmp_path_factory.mktemp("wp"))


@pytest.fixture(scope="session")
def unigram_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _train("unigram", tmp_path_factory.mktemp("uni"))
