"""From one record to a parsed teacher text and the messages to render, per format.

`auto` decides per record: xLAM columns (``query``/``answers``) are xlam,
``conversations`` with ``function_call`` turns are llamafactory, ones whose
assistant turns carry ``Action:`` / ``Action Input:`` lines react; a teacher text
with ``TOOL_CALL:`` / ``TOOL_RESULT:`` / ``Integration:`` lines (before any
hermes tag) is seed; a teacher text or an assistant content that parses
completely as Llama 3 JSON, Mistral, Qwen XML, pythonic, DeepSeek, Kimi K2 or
GLM-4.5 calls is that format (`pipeline.formats.textcalls`,
`pipeline.formats.nativecalls`); any other teacher text is hermes, and a record
without teacher text but with assistant messages (or ShareGPT
``conversations``) is openai. Published formats are converted to OpenAI
messages first (`pipeline.formats.published`; docs/formats.md). Nothing is
dropped from the record: fields the extractor derives (rendered teacher text,
messages built from the text) are added and listed in the returned notes, and
what a conversion replaced is kept (``teacher_text_original``,
``messages_original``, ``tools_original``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.formats.base import Parsed
from pipeline.formats.callspans import TypeOf
from pipeline.formats.declarations import declared_once
from pipeline.formats.glaive import from_glaive, is_glaive
from pipeline.formats.hermes import parse_hermes, repr_calls_in_messages
from pipeline.formats.messageshapes import current_shapes
from pipeline.formats.nativecalls import glm_shaped
from pipeline.formats.openai import (
    FormatError,
    messages_from_blocks,
    messages_from_conversations,
    normalise_messages,
    render_teacher,
)
from pipeline.formats.published import (
    RECORD_FORMATS,
    convert_contents,
    from_llamafactory,
    from_xlam,
    is_llamafactory,
    is_xlam,
    openai_tools,
    source_record,
)
from pipeline.formats.react import from_react, is_react
from pipeline.formats.reasoning import drop_reasoning, shift_sources
from pipeline.formats.rounds import given_turns, refuse_unanswered
from pipeline.formats.schema import ToolSchemas
from pipeline.formats.seed import parse_seed
from pipeline.formats.systemtools import tools_from_system
from pipeline.formats.textcalls import TEXT_FORMATS, call_like
from pipeline.formats.textturns import text_turns, turn_messages
from pipeline.records import MAX_JSON_DEPTH, too_deep
from pipeline.text import normalize

FORMATS = ("auto", "seed", "hermes", "openai", *RECORD_FORMATS, *TEXT_FORMATS)
PARSERS: dict[str, Callable[[str], Parsed]] = {"seed": parse_seed, "hermes": parse_hermes}
_SEED = re.compile(r"^[ \t]*(?:TOOL_CALL|TOOL_RESULT|Integration)[ \t]*:", re.MULTILINE)
_HERMES = re.compile(r"</?tool_(?:call|response)>")
_SEED_WORDS = ("TOOL_CALL", "TOOL_RESULT", "Integration")


def _seed_marker(text: str) -> re.Match[str] | None:
    """The first seed marker line. The anchored search tests every line start of a
    text that has none (most texts); a text without any of the words has none, and
    finding that out is a plain substring search."""
    if not any(word in text for word in _SEED_WORDS):
        return None
    return _SEED.search(text)


@dataclass
class Source:
    parsed: Parsed
    messages: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    # Per call (in order), where a converted call was in the record; None for the rest.
    call_sources: list[dict[str, Any] | None] = field(default_factory=list)
    # Assistant turns whose text looks like a call in no format read (`call_like`).
    call_like: list[str] = field(default_factory=list)
    # The record's tools as read once their spelling is settled (None: not read).
    schemas: ToolSchemas | None = None


def detect_text_format(text: str) -> str:
    """seed or hermes, whichever kind of marker comes first (hermes when there is none)."""
    seed = _seed_marker(text)
    if seed is None:
        return "hermes"
    hermes = _HERMES.search(text, 0, seed.start())
    return "hermes" if hermes is not None else "seed"


def _has_assistant(messages: list[dict[str, Any]] | None) -> bool:
    return bool(messages) and any(m["role"] == "assistant" for m in messages or ())


def _text_calls_format(text: str, fmt: str) -> str | None:
    """Which text-call parser to try on a bare teacher text (None: seed or hermes)."""
    if fmt in TEXT_FORMATS:
        return fmt
    if fmt != "auto":
        return None
    # A seed or hermes marker decides for those formats, except Qwen's XML calls and
    # GLM's, which sit inside hermes-like <tool_call> tags.
    if "<function=" in text or glm_shaped(text):
        return "auto"
    if _seed_marker(text) is None and _HERMES.search(text) is None:
        return "auto"
    return None


def _from_teacher_text(
    item: dict[str, Any],
    text: str,
    fmt: str,
    types: TypeOf,
    sources: dict[int, Any],
    names: frozenset[str],
) -> tuple[str, list[str]] | None:
    """A bare teacher text holding text-format calls becomes the assistant and tool
    turns it holds, in its order: (the format, the control tokens dropped)."""
    which = _text_calls_format(text, fmt)
    found = text_turns(text, which, types, names) if which else None
    if found is None:
        return None
    given = item.get("messages")
    prompt = item.get("prompt")
    if isinstance(given, list):  # system and user turns only (no assistant turn to keep)
        messages = [m for m in given if m.get("role") in ("system", "user")]
    else:
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else []
    turns, entries = turn_messages(found)
    for entry, call in entries:
        sources[id(entry)] = source_record(found.format, "teacher_text_original", text, call)
    item["messages"] = [*messages, *turns]
    return found.format, list(found.markup)


def _note_markup(notes: list[str], where: str, markup: list[str]) -> None:
    if markup:
        shown = ", ".join(markup)
        notes.append(f"template control tokens dropped from {where} (markup, not content): {shown}")


def _call_sources(
    messages: list[dict[str, Any]], sources: dict[int, dict[str, Any]]
) -> list[dict[str, Any] | None]:
    return [
        sources.get(id(call))
        for m in messages
        if m.get("role") == "assistant"
        for call in m.get("tool_calls") or ()
    ]


def _call_like(messages: list[dict[str, Any]]) -> list[str]:
    found = []
    for i, m in enumerate(messages):
        content = m.get("content")
        if m.get("role") == "assistant" and isinstance(content, str):
            hit = call_like(content)
            if hit is not None:
                found.append(f"call_like_text: messages[{i}].content: {hit!r}")
    return found


def _convert_record(
    item: dict[str, Any], fmt: str, notes: list[str], sources: dict[int, Any]
) -> tuple[str | None, list[str | None]]:
    """xLAM, Glaive, LLaMA-Factory or ReAct records as messages: (the format, their fields)."""
    if fmt == "xlam" or (fmt == "auto" and is_xlam(item)):
        sources.update(from_xlam(item, notes))
        return "xlam", [None, "answers"]
    if fmt == "glaive" or (fmt == "auto" and is_glaive(item)):
        if not isinstance(item.get("chat"), str):
            raise FormatError("chat", "expected a string")
        _, pairs, chat = from_glaive(item, notes)
        sources.update({id(e): source_record("glaive", "chat", chat, c) for e, c in pairs})
        return "glaive", []
    if fmt == "llamafactory" or (fmt == "auto" and is_llamafactory(item)):
        found, fields = from_llamafactory(item, notes)
        sources.update(found)
        return "llamafactory", fields
    if fmt == "react" or (fmt == "auto" and is_react(item)):
        found, fields = from_react(item, notes)
        sources.update(found)
        return "react", fields
    return None, []


def ingest(item: dict[str, Any], fmt: str = "auto") -> Source:
    """Parse one record's teacher side; raises FormatError naming the field at fault."""
    if fmt not in FORMATS:
        raise FormatError("format", f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    notes: list[str] = []
    sources: dict[int, dict[str, Any]] = {}
    record_fmt, fields = _convert_record(item, fmt, notes, sources)
    messages = item.get("messages")
    if messages is None and "conversations" in item:
        messages = messages_from_conversations(item["conversations"])
        fields = [f"conversations[{i}].value" for i in range(len(messages))]
        system = item.get("system")
        no_turn = all(m["role"] not in ("system", "developer") for m in messages)
        if isinstance(system, str) and system.strip() and no_turn:
            messages.insert(0, {"role": "system", "content": normalize(system)})
            fields.insert(0, None)
            notes.append("the system column became the first (system) message")
        item["messages"] = messages
        notes.append("messages converted from ShareGPT conversations")
    if isinstance(messages, list) and any(
        isinstance(m, dict) and m.get("role") == "ipython" for m in messages
    ):
        # Llama 3 names the tool's turn `ipython`; the chat template knows `tool`.
        item["messages_original"] = copy.deepcopy(messages)
        messages = [
            {**m, "role": "tool"} if isinstance(m, dict) and m.get("role") == "ipython" else m
            for m in messages
        ]
        item["messages"] = messages
        notes.append("Llama 3 ipython turns read as tool turns (given messages kept)")
    if isinstance(messages, list) and record_fmt is None:
        messages = current_shapes(item, messages, notes)
    reasoning: dict[int, str] = {}
    if messages is not None:
        messages = normalise_messages(messages)
        if record_fmt is None:  # record formats place their calls in their own fields
            # Before any call is read: reasoning prose ahead of a call is not the answer.
            reasoning = drop_reasoning(item, messages, notes)
        repr_calls_in_messages(item, messages, notes)
        note = tools_from_system(item, messages)
        if note is not None:
            notes.append(note)
    if record_fmt is None and isinstance(item.get("tools"), list):
        item["tools"] = openai_tools(item["tools"], notes)
    declared_once(item, notes)
    text = item.get("teacher_text")
    has_text = isinstance(text, str) and bool(text.strip())
    if too_deep(item.get("tools")):
        # Tools read out of a string (system text, a JSON-string column) escaped the
        # line's own nesting check; past it, reading them would recurse out of the run.
        raise FormatError("tools", f"the tool definitions nest deeper than {MAX_JSON_DEPTH} levels")
    schemas = ToolSchemas(item.get("tools"))  # the tools are final from here on
    types = schemas.property_type
    names = frozenset(schemas.schemas)  # the authority on names Python cannot read
    text_fmt = None
    # Calls in a published text format are read from the messages when the record
    # has assistant turns, and from the bare teacher text when it has none.
    from_messages = fmt in TEXT_FORMATS and _has_assistant(messages)
    if record_fmt is None and has_text and fmt not in ("openai", "seed", "hermes"):
        assert isinstance(text, str)
        if _has_assistant(messages):
            which = _text_calls_format(text, fmt)
            from_messages = which is not None and text_turns(text, which, types, names) is not None
        else:
            built = _from_teacher_text(item, text, fmt, types, sources, names)
            if built is not None:
                text_fmt, markup = built
                _note_markup(notes, "teacher_text", markup)
        if text_fmt is not None:
            messages = normalise_messages(item["messages"])
            notes.append(f"messages built from {text_fmt} calls in teacher_text")
    render = record_fmt or text_fmt or fmt == "openai" or from_messages
    if render or (not has_text and _has_assistant(messages)):
        if not _has_assistant(messages):
            raise FormatError("messages", "no assistant message to render as teacher text")
        assert messages is not None
        given, origins = messages, given_turns(messages, from_text=text_fmt is not None)
        if text_fmt is None and fmt not in ("openai", "seed", "hermes"):
            before, known = copy.deepcopy(messages), set(sources)
            messages, found, markup, origins = convert_contents(
                messages, fields, "auto" if fmt in RECORD_FORMATS else fmt, types, sources, names
            )
            if reasoning:  # a call's source span indexes the given text, reasoning included
                named = {i: f for i, f in enumerate(fields) if f is not None}
                prefixes = {named.get(i, f"messages[{i}].content"): p for i, p in reasoning.items()}
                shift_sources(sources, prefixes, known)
            if found:
                messages = normalise_messages(messages)
                item["messages"] = messages
                text_fmt = found[0]
                _note_markup(notes, "assistant contents", markup)
                if not fields and "messages_original" not in item:
                    # The calls' source spans index these contents: keep them.
                    item["messages_original"] = before
                    notes.append("the given messages were kept as messages_original")
                notes.append(f"calls in assistant text converted ({', '.join(sorted(set(found)))})")
        if record_fmt is None:
            # Record formats check each result as they build the turns; the rest
            # once their calls are known, i.e. after text-call conversion.
            refuse_unanswered(messages, origins, given, fields)
        rendered = render_teacher(messages)
        if isinstance(text, str) and text != rendered:
            item["teacher_text_original"] = text
            notes.append("the given teacher_text was kept as teacher_text_original")
        item["teacher_text"] = rendered
        notes.append("teacher_text rendered from messages (hermes style)")
        parsed = parse_hermes(rendered)
        # The label names what was parsed: a forced seed format cannot apply to a
        # rendering that is hermes-style by construction.
        forced = fmt if fmt in TEXT_FORMATS else "hermes"
        label = record_fmt or text_fmt or ("openai" if fmt in ("auto", "openai") else forced)
        parsed.format = label if fmt != "seed" else "hermes"
        if fmt == "seed":
            notes.append(
                "format seed was forced, but the record has only messages: parsed as hermes"
            )
        return Source(
            parsed,
            messages,
            notes,
            _call_sources(messages, sources),
            _call_like(messages),
            schemas,
        )
    if not isinstance(text, str):
        raise FormatError("teacher_text", "missing, and no assistant messages to render instead")
    parsed = PARSERS[fmt if fmt in PARSERS else detect_text_format(text)](text)
    if messages is None:
        prompt = item.get("prompt")
        messages = messages_from_blocks(prompt if isinstance(prompt, str) else None, parsed)
        item["messages"] = messages
        notes.append("messages built from teacher_text (no messages given)")
    elif not _has_assistant(messages):
        # Given prompt turns (system, user) and the teacher's side as text: the
        # assistant turns come from the text, or the sequence would have none.
        messages = [*messages, *messages_from_blocks(None, parsed)]
        item["messages"] = messages
        notes.append("assistant turns built from teacher_text after the given messages")
    return Source(parsed, messages, notes, call_like=_call_like(messages), schemas=schemas)
