"""The embedded student tokenizer and our chat template, exercised for real."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pipeline.student import (
    Student,
    TokenizerError,
    chat_template,
    compile_template,
    fingerprint,
    materialise,
)

CORPUS = [
    "Hello",
    "The quick brown fox jumps over the lazy dog.",
    "¿Dónde está la configuración? Año 2024, niño, acción.",
    "Größe der Datei: 1.234,56 KB — übermäßig groß für die Überprüfung.",
    "Le fichier « config.yaml » contient 1 234,56 éléments à vérifier.",
    "日本語のテキスト、中文字符和한국어 문장",
    "Emoji 😀🚀👩‍👩‍👧 and flags 🇪🇸🇩🇪",
    "Combining: e\u0301 a\u0308 n\u0303 (decomposed) vs é ä ñ",
    'def f(x):\n    return {"k": [1, 2.5, None]}  # code\n\ttabs\r\n',
    '{"name": "web.search", "arguments": {"q": "café", "top_k": 3}}',
    "<tool_call>\n{}\n</tool_call><|im_start|>user\nhi<|im_end|>",
    "  leading and trailing spaces  ",
    "",
]


def test_hello_is_one_qwen_token(student: Student) -> None:
    assert student.tokenizer.encode("Hello", add_special_tokens=False).ids == [9707]


@pytest.mark.parametrize(
    ("token", "token_id"),
    [
        ("<|endoftext|>", 151643),
        ("<|im_start|>", 151644),
        ("<|im_end|>", 151645),
        ("<tool_call>", 151657),
        ("</tool_call>", 151658),
    ],
)
def test_special_tokens_have_qwen25_ids(student: Student, token: str, token_id: int) -> None:
    assert student.tokenizer.token_to_id(token) == token_id
    assert student.tokenizer.encode(token, add_special_tokens=False).ids == [token_id]


def test_regular_vocabulary_size(student: Student) -> None:
    # 151,643 regular tokens plus the 22 special ones.
    assert student.tokenizer.get_vocab_size(with_added_tokens=False) == 151643
    assert student.tokenizer.get_vocab_size(with_added_tokens=True) == 151643 + 22


@pytest.mark.parametrize("text", CORPUS)
def test_decode_encode_round_trip_is_exact(student: Student, text: str) -> None:
    ids = student.tokenizer.encode(text, add_special_tokens=False).ids
    assert student.decode(ids) == text


@pytest.mark.parametrize("text", [t for t in CORPUS if t])
def test_offsets_cover_text_exactly(student: Student, text: str) -> None:
    enc = student.tokenizer.encode(text, add_special_tokens=False)
    offsets = enc.offsets
    assert offsets[0][0] == 0
    assert offsets[-1][1] == len(text)
    for (s0, e0), (s1, e1) in itertools.pairwise(offsets):
        # Monotone and gap-free; a character split over byte-level tokens repeats
        # (or overlaps) its offsets, which is what TokenIndex's bisection relies on.
        assert s0 <= s1 <= e0 <= e1


def test_materialise_is_byte_identical(tmp_path: Path, qwen_dir: Path) -> None:
    again = tmp_path / "tok"
    fp = materialise("embedded", again)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        assert (again / name).read_bytes() == (qwen_dir / name).read_bytes()
    assert fp == fingerprint(qwen_dir)
    assert fp["id"] == "embedded:qwen2.5" and fp["normalizer"] == "NFC+LF"
    assert len(fp["sha256"]) == 64


MESSAGES = [
    {"role": "system", "content": "You are careful."},
    {"role": "user", "content": "Lee config.yaml y cuenta las líneas."},
    {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {
                "type": "function",
                "function": {
                    "name": "fs.read",
                    "arguments": {"path": "config.yaml", "max_lines": 50},
                },
            }
        ],
    },
    {"role": "tool", "name": "fs.read", "content": '{"ok": true, "lines": 12}'},
    {"role": "assistant", "content": "El archivo tiene 12 líneas."},
]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "fs.read",
            "description": "Read a file.",
            "parameters": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "max_lines": {"type": "integer"}},
                "required": ["path"],
            },
        },
    }
]
PINNED = (
    "<|im_start|>system\nYou are careful.\n\n# Tools\n\n"
    "You may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
    + json.dumps(TOOLS[0], ensure_ascii=False)
    + "\n</tools>\n\nFor each function call, return a json object with function name and "
    "arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n"
    '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n'
    "<|im_start|>user\nLee config.yaml y cuenta las líneas.<|im_end|>\n"
    "<|im_start|>assistant\n<tool_call>\n"
    '{"name": "fs.read", "arguments": {"path": "config.yaml", "max_lines": 50}}\n'
    "</tool_call><|im_end|>\n"
    '<|im_start|>user\n<tool_response>\n{"ok": true, "lines": 12}\n</tool_response><|im_end|>\n'
    "<|im_start|>assistant\nEl archivo tiene 12 líneas.<|im_end|>\n"
)


def test_chat_template_rendering_is_pinned(student: Student) -> None:
    assert student.render(MESSAGES, TOOLS) == PINNED


def test_chat_template_matches_transformers(qwen_dir: Path, student: Student) -> None:
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(qwen_dir))
    assert hf.apply_chat_template(MESSAGES, tools=TOOLS, tokenize=False) == PINNED
    prompt = hf.apply_chat_template(
        MESSAGES[:2], tools=TOOLS, tokenize=False, add_generation_prompt=True
    )
    assert prompt == student.render(MESSAGES[:2], TOOLS, add_generation_prompt=True)
    assert prompt.endswith("<|im_start|>assistant\n")


def test_rendering_is_prefix_stable(student: Student) -> None:
    # Sequence spans are located by rendering prefixes of the conversation.
    full = student.render(MESSAGES, TOOLS)
    for k in range(1, len(MESSAGES) + 1):
        assert full.startswith(student.render(MESSAGES[:k], TOOLS))


def test_parallel_calls_and_string_arguments(student: Student) -> None:
    messages = [
        {"role": "user", "content": "two"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"type": "function", "function": {"name": "a", "arguments": {"x": 1}}},
                {"type": "function", "function": {"name": "b", "arguments": '{"y": 2}'}},
            ],
        },
        {"role": "tool", "content": "1"},
        {"role": "tool", "content": {"z": "ü"}},
    ]
    out = student.render(messages)
    assert '<tool_call>\n{"name": "a", "arguments": {"x": 1}}\n</tool_call>\n<tool_call>\n' in out
    assert '{"name": "b", "arguments": {"y": 2}}\n</tool_call><|im_end|>' in out
    assert "<tool_response>\n1\n</tool_response>\n<tool_response>\n" in out
    assert '{"z": "ü"}\n</tool_response><|im_end|>\n' in out


def test_template_runs_sandboxed(tmp_path: Path, qwen_dir: Path) -> None:
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    (hostile / "tokenizer.json").write_bytes((qwen_dir / "tokenizer.json").read_bytes())
    template = "{{ messages.__class__.__mro__[1].__subclasses__() }}"
    (hostile / "tokenizer_config.json").write_text(json.dumps({"chat_template": template}))
    out = tmp_path / "out"
    materialise(str(hostile), out)
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        Student(out).render([{"role": "user", "content": "x"}])


def test_local_directory_source_keeps_tokenizer_and_adds_template(
    tmp_path: Path, wordpiece_dir: Path
) -> None:
    config = json.loads((wordpiece_dir / "tokenizer_config.json").read_text())
    assert config["toolcall_data_template"] == "added"
    assert config["name_or_path"].startswith("local:")
    student = Student(wordpiece_dir)
    assert student.fingerprint["id"] == config["name_or_path"]
    ids = student.tokenizer.encode("Read the file", add_special_tokens=False).ids
    assert student.decode(ids).lower().startswith("read")


def test_missing_and_corrupt_tokenizer_dirs_are_clear(tmp_path: Path) -> None:
    with pytest.raises(TokenizerError, match="directory missing"):
        Student(tmp_path / "nope")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "tokenizer.json").write_text("{not json")
    with pytest.raises(TokenizerError, match="corrupt"):
        Student(bad)
    with pytest.raises(TokenizerError, match=r"no tokenizer\.json"):
        materialise(str(tmp_path), tmp_path / "out")


def test_qwen36_embedded_variant(tmp_path: Path) -> None:
    fp = materialise("embedded-qwen3.6", tmp_path / "q36")
    student = Student(tmp_path / "q36")
    assert fp["id"] == "embedded:qwen3.6"
    assert student.tokenizer.token_to_id("<|endoftext|>") == 248044
    assert student.tokenizer.token_to_id("<tool_response>") is not None
    text = "Olá, 世界 😀 e\u0301"
    assert student.decode(student.tokenizer.encode(text, add_special_tokens=False).ids) == text


def test_only_the_projects_own_template_runs_outside_the_sandbox() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    own = compile_template(chat_template())
    assert not isinstance(own.environment, SandboxedEnvironment)
    # Any other text is a foreign template, sandboxed, even one that renders the same.
    foreign = compile_template("{#- foreign -#}" + chat_template())
    assert isinstance(foreign.environment, SandboxedEnvironment)
    messages = [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "Ü <b>{{ x }}</b>"},
        {
            "role": "assistant",
            "content": "A",
            "tool_calls": [{"function": {"name": "f", "arguments": {"q": "é"}}}],
        },
        {"role": "tool", "content": '{"r": 1}'},
    ]
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    for prompt in (False, True):
        args = {"messages": messages, "tools": tools, "add_generation_prompt": prompt}
        assert own.render(**args) == foreign.render(**args)
