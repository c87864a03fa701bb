"""The test tokenizers, built once per process (the embedded Qwen BPE, plus WordPiece
and Unigram tokenizers trained here on a small corpus).

This is a module of its own, not part of conftest.py, because pytest re-imports
conftest.py in every session while this module stays imported. Under mutmut's
fork server (`python -m pipeline.quality mutation`), the server's warm-up builds
the tokenizers once and every mutant's pytest session forks with them ready,
instead of rebuilding the embedded tokenizer (~3 s) per mutant.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline.student import Student, materialise

# Where the mutation runner wants the builds (a folder it removes afterwards):
# forked mutant runs end with os._exit, which skips atexit.
CACHE_ENV = "TOOLCALL_TEST_CACHE"

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


def _qwen(root: Path) -> Path:
    out = root / "tokenizer"
    materialise("embedded", out)
    return out


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "qwen": _qwen,
    "wordpiece": lambda root: _train("wordpiece", root),
    "unigram": lambda root: _train("unigram", root),
}
_BUILT: dict[str, Path] = {}


def built(name: str) -> Path:
    """The tokenizer directory `name` ("qwen", "wordpiece" or "unigram"), built on first use."""
    if name not in _BUILT:
        parent = os.environ.get(CACHE_ENV) or None
        root = Path(tempfile.mkdtemp(prefix=f"toolcall-{name}-", dir=parent))
        if parent is None:
            owner = os.getpid()
            # Forked children inherit the hook; only the creating process removes the dir.
            atexit.register(lambda: os.getpid() == owner and shutil.rmtree(root, True))
        _BUILT[name] = BUILDERS[name](root)
    return _BUILT[name]


_STUDENTS: dict[Path, Student] = {}


def student_of(folder: Path) -> Student:
    """A loaded Student for a tokenizer directory, shared like the directories."""
    if folder not in _STUDENTS:
        _STUDENTS[folder] = Student(folder)
    return _STUDENTS[folder]
