"""Compressed inputs: a damaged stream is a named error, and no file is left open."""

from __future__ import annotations

import bz2
import gc
import gzip
import json
import lzma
import random
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import extract
from pipeline.records import RecordReader, open_input


def _lines(count: int) -> bytes:
    # Varied text, so that half the compressed stream still holds many whole lines.
    rng = random.Random(1)
    rows = (
        {"messages": [{"role": "user", "content": f"{rng.getrandbits(256):x}"}]}
        for _ in range(count)
    )
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def test_a_truncated_headerless_gzip_is_a_named_error(
    tmp_path: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packed = gzip.compress(_lines(2000))
    source = tmp_path / "cut.jsonl.gz"
    source.write_bytes(packed[: len(packed) // 2])
    args = ["--params", str(tmp_path / "absent.yaml"), "--tokenizer", str(qwen_dir)]
    code = extract.main([*args, "--in", str(source), "--out", str(tmp_path / "out.jsonl")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"extract: error: {source}:" in err and ": <file>: cannot decompress" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_reading_a_compressed_file_closes_the_file_under_it(
    tmp_path: Path, compress: Callable[[bytes], bytes]
) -> None:
    source = tmp_path / "in.jsonl.z"
    source.write_bytes(compress(_lines(3)))
    with warnings.catch_warnings(record=True) as caught:
        # An open file warns when it is collected (a warning in __del__ is not raised).
        warnings.simplefilter("always", ResourceWarning)
        reader = RecordReader(source, require_header=False)
        assert len(list(reader.lines())) == 3  # the reader closes its input at the end
        with open_input(source) as handle:
            assert handle.read(1) == b"{"
        del reader, handle
        gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
