"""Assistant regions of the training sequence, the chat-template port, and span placement."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats import Block
from pipeline.formats.calls import parse_call
from pipeline.student import Student, materialise
from pipeline.targets.chatml import render_with_regions
from pipeline.targets.integration import Integration
from pipeline.targets.place import place
from pipeline.targets.sequence import (
    Cursor,
    Layout,
    layout,
    sequence_digest,
    shift,
    tokens,
    uses_project_template,
)

TOOLS = [
    {"type": "function", "function": {"name": "fs.read", "parameters": {"type": "object"}}},
    {"type": "function", "function": {"name": "wéb", "parameters": {"type": "object"}}},
]
CALL = {"type": "function", "function": {"name": "fs.read", "arguments": {"path": "ä/日.md"}}}


def _conversation() -> list[dict[str, Any]]:
    return [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Read <tool_call> twice"},
        {"role": "assistant", "content": "", "tool_calls": [CALL, CALL]},
        {"role": "tool", "content": '{"lines": 3}'},
        {"role": "tool", "content": {"lines": 4}},
        {"role": "assistant", "content": "3 and 4 lines 😀."},
    ]


def _check_regions(student: Student, messages: list[dict[str, Any]], tools: Any) -> None:
    lay = layout(student, messages, tools)
    full = student.render(messages, tools or None)
    assert lay.text == full
    assistant = [m for m in messages if m["role"] == "assistant"]
    assert len(lay.regions) == len(assistant)
    for region, message in zip(lay.regions, assistant, strict=True):
        assert region is not None
        body = full[region[0] : region[1]]
        assert body.startswith(message.get("content") or "") and body.endswith("<|im_end|>")


@pytest.mark.parametrize("tools", [TOOLS, None, []])
def test_prefix_rendering_and_port_agree(student: Student, tools: Any) -> None:
    messages = _conversation()
    _check_regions(student, messages, tools)
    port = layout(student, messages, tools, port=True)
    assert port == layout(student, messages, tools)
    assert uses_project_template(student)


def test_the_port_renders_without_jinja(student: Student, monkeypatch: pytest.MonkeyPatch) -> None:
    # Extract trusts the port; verify compares every item's Jinja rendering by sha256.
    messages = _conversation()
    expected = layout(student, messages, TOOLS)
    monkeypatch.setattr(Student, "render", lambda *a, **k: pytest.fail("Jinja was called"))
    assert layout(student, messages, TOOLS, port=True) == expected
    assert sequence_digest(expected.text) == hashlib.sha256(expected.text.encode()).hexdigest()


@pytest.mark.parametrize("error", [KeyError, TypeError, AttributeError])
def test_port_falls_back_to_prefix_renders(
    student: Student, monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    # Messages the port cannot render are rendered by Jinja, prefix by prefix.
    messages = _conversation()
    expected = layout(student, messages, TOOLS)

    def fails(*_: Any) -> Any:
        raise error("the port cannot render this")

    monkeypatch.setattr("pipeline.targets.sequence.render_with_regions", fails)
    assert layout(student, messages, TOOLS, port=True) == expected
    broken = [{"role": "assistant", "tool_calls": [{"function": {"name": "x"}}]}]
    with pytest.raises(TypeError):
        layout(student, broken, None, port=True)


def test_a_foreign_template_uses_prefix_renders(tmp_path: Path, qwen_dir: Path) -> None:
    config = json.loads((qwen_dir / "tokenizer_config.json").read_text("utf-8"))
    # A template whose prefixes are not prefixes: it numbers the turns from the end.
    config["chat_template"] = (
        "{% for m in messages %}<|im_start|>{{ m.role }} {{ messages|length - loop.index }}\n"
        "{{ m.content }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant 0\n{% endif %}"
    )
    src = tmp_path / "src"
    src.mkdir()
    (src / "tokenizer.json").write_text((qwen_dir / "tokenizer.json").read_text("utf-8"), "utf-8")
    (src / "tokenizer_config.json").write_text(json.dumps(config), "utf-8")
    materialise(str(src), tmp_path / "tok")
    foreign = Student(tmp_path / "tok")
    assert not uses_project_template(foreign)
    messages = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "answer"}]
    lay = layout(foreign, messages, None, port=False)
    assert lay.regions == [None]
    assert lay.searchable() == [(0, len(lay.text))]


def test_cursor_only_moves_forward_inside_regions() -> None:
    text = "xx ab ab yy ab zz"
    cursor = Cursor(text, [(3, 8), (12, 17)])
    assert cursor.find("ab") == 3 and cursor.find("ab") == 6
    assert cursor.find("ab", advance=False) == 12
    assert cursor.find("zz") == 15 and cursor.find("ab") is None
    assert cursor.find("") is None
    assert Cursor("abc", []).find("a") is None
    assert shift(None, 3) is None and shift((1, 2), None) is None and shift((1, 2), 3) == (4, 5)


def test_place_calls_and_integration_in_order(student: Student) -> None:
    messages = _conversation()
    teacher = (
        '<tool_call>\n{"name": "fs.read", "arguments": {"path": "ä/日.md"}}\n</tool_call>\n'
        '<tool_call>\n{"name": "fs.read", "arguments": {"path": "ä/日.md"}}\n</tool_call>\n'
        "<tool_response>...</tool_response>\n3 and 4 lines 😀."
    )
    first = teacher.index("{")
    second = teacher.index("{", teacher.index("</tool_call>"))
    length = len(
        json.dumps({"name": "fs.read", "arguments": {"path": "ä/日.md"}}, ensure_ascii=False)
    )
    calls = [
        parse_call(teacher, first, first + length),
        parse_call(teacher, second, second + length),
    ]
    answer_start = teacher.index("3 and")
    integration = Integration("grounding", [(answer_start, len(teacher), ["lines"])], False, 1)
    lay = layout(student, messages, TOOLS, port=True)
    placed = place(teacher, calls, integration, [Block("text", answer_start, len(teacher))], lay)
    full = lay.text
    (_, a1, c1), (n2, a2, c2) = placed.calls
    assert c1 is not None and c2 is not None and c1[0] < c2[0]  # two occurrences, in order
    assert full[a1[0] : a1[1]] == full[a2[0] : a2[1]] == '{"path": "ä/日.md"}'
    assert full[n2[0] : n2[1]] == "fs.read"
    # The prompt's literal "<tool_call>" never attracts a span: only assistant regions are searched.
    assert c1[0] > full.index("Read <tool_call> twice")
    (span,) = placed.integration
    assert span is not None and full[span[0] : span[1]] == "3 and 4 lines 😀."


def test_place_falls_back_to_parts_then_to_none(student: Student) -> None:
    messages = [
        {"role": "user", "content": "go"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "x", "arguments": '{"a":1}'}}],
        },
        {"role": "tool", "content": "ok"},
        {"role": "assistant", "content": "Done now. Bye."},
    ]
    lay = layout(student, messages, None, port=True)
    # The teacher wrote the call with other spacing: name and args are found on their own,
    # and the call is the template's own object around them.
    teacher = '{"name":"x", "arguments": {"a":1}}\nDone now!\nBye.'
    call = parse_call(teacher, 0, teacher.index("\n"))
    done, bye = teacher.index("Done"), teacher.index("Bye")
    integration = Integration("grounding", [(done, done + 9, []), (bye, bye + 4, [])], False, 2)
    answer = [Block("text", done, done + 9), Block("text", bye, bye + 4)]
    placed = place(teacher, [call], integration, answer, lay)
    ((name, args, whole),) = placed.calls
    full = lay.text
    assert full[name[0] : name[1]] == "x" and full[args[0] : args[1]] == '{"a":1}'
    assert full[whole[0] : whole[1]] == '{"name": "x", "arguments": {"a":1}}'
    assert placed.integration[0] is None  # "Done now!" is not in the rendering
    assert placed.integration[1] is not None
    other = '{"name": "y", "arguments": {"b": 2}}'
    nothing = Integration("none", [], False, 0)
    placed = place(other, [parse_call(other, 0, len(other))], nothing, [], lay)
    assert placed.calls == [(None, None, None)]  # "y" occurs ("Bye") but not its arguments


def test_no_call_object_is_claimed_around_text_that_is_not_one() -> None:
    from pipeline.targets.place import _enclosing_call

    text = 'say {"name": "x", "arguments": {"a": 1}} and {broken "x" {"a": 1}}'
    name, args = (text.index("x"), text.index("x") + 1), (31, 39)
    assert _enclosing_call(text, name, args) == (4, 40)
    late = text.rindex("x")
    assert _enclosing_call(text, (late, late + 1), (len(text) - 9, len(text) - 1)) is None
    assert _enclosing_call("x}", (0, 1), (1, 1)) is None  # no "{" before the name
    assert _enclosing_call(text, None, args) is None


def test_tokens_of_a_range() -> None:
    from pipeline.spans import TokenIndex

    index = TokenIndex([(0, 2), (2, 5), (5, 6)])
    assert tokens(index, (1, 5)) == [0, 2] and tokens(index, None) is None
    gap = TokenIndex([(0, 2), (4, 6)])
    assert tokens(gap, (2, 4)) is None
    assert Layout("x").searchable() == []


ROLE = st.sampled_from(["user", "assistant", "tool", "system"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
ARGS = st.one_of(TEXT, st.dictionaries(TEXT, st.integers() | TEXT, max_size=2))
CALLS = st.lists(
    st.builds(
        lambda n, a: {"type": "function", "function": {"name": n, "arguments": a}}, TEXT, ARGS
    ),
    max_size=2,
)
MESSAGE = st.builds(
    lambda role, content, calls: (
        {"role": role, "content": content} | ({"tool_calls": calls} if role == "assistant" else {})
    ),
    ROLE,
    st.one_of(TEXT, st.none()),
    CALLS,
)


@settings(max_examples=150)
@given(messages=st.lists(MESSAGE, max_size=6), with_tools=st.booleans())
def test_port_equals_the_jinja_rendering(
    student: Student, messages: list[dict[str, Any]], with_tools: bool
) -> None:
    tools = TOOLS if with_tools else None
    try:
        expected = student.render(messages, tools)
    except TypeError:
        with pytest.raises((TypeError, KeyError)):
            render_with_regions(messages, tools)
        return
    text, regions = render_with_regions(messages, tools)
    assert text == expected
    # The tool lines written from the tools' orjson bytes (once per tool set) are the same.
    tools_json = orjson.dumps(tools) if tools else None
    for _ in range(2):  # the second time from the per-tool-set memo
        assert render_with_regions(messages, tools, tools_json) == (text, regions)
    turns = [k for k, m in enumerate(messages) if m["role"] == "assistant"]
    for k, (start, end) in zip(turns, regions, strict=True):
        head = student.render(messages[:k], tools, add_generation_prompt=True)
        assert (start, end) == (len(head), len(student.render(messages[: k + 1], tools).rstrip()))
