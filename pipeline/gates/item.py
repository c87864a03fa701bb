"""All per-item checks of one chunk, in a worker: one encode_batch, one decode_batch.

`check_chunk` is what `map_chunks` runs. It returns one small, picklable
result per input line (a `Reject` line included), which the parent folds
into set-level statistics. Nothing here depends on other items.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Any

from jinja2 import TemplateError

from pipeline.gates.alignment import Segmenter
from pipeline.gates.calls import Validators
from pipeline.gates.checks import caws_line, reasoning_key_absent
from pipeline.gates.judge import Result, Settings, add, as_dict, as_str, judge_item
from pipeline.gates.spans import SpanChecks
from pipeline.parallel import worker_state
from pipeline.records import RawLine, Reject, parse_entries
from pipeline.student import Student, fingerprint
from pipeline.tools.registry import load_registry


class Checker:
    """A worker's state: the tokenizer, its segmenter and the schema validators."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.student = Student(settings.tokenizer_dir)
        self.segmenter = Segmenter(self.student.tokenizer, self.student.bytebpe())
        self.validators = Validators(
            load_registry(),
            prefer_item_tools=settings.standalone or not settings.own_registry,
            use_registry=settings.own_registry,
        )

    def render(self, item: dict[str, Any]) -> str | None:
        messages, tools = item.get("messages"), item.get("tools")
        if not isinstance(messages, list) or not messages:
            return None
        try:
            return self.student.render(messages, tools or None)
        except (TemplateError, TypeError, AttributeError, KeyError):
            # A malformed message list cannot be rendered; its sequence spans then fail.
            return None

    def check(self, entries: list[tuple[int, Any]], keyless: Collection[int] = ()) -> list[Result]:
        """`keyless`: lines whose raw bytes cannot hold the reasoning key
        (`checks.reasoning_key_absent`); every other item is searched for it."""
        results: list[Result] = []
        preps: list[dict[str, Any]] = []
        texts: list[str] = []
        shared: list[tuple[int, ...]] = []
        for line, entry in entries:
            if isinstance(entry, Reject):
                results.append(reject_result(line, entry))
                continue
            prep = self._prepare(line, entry, line in keyless)
            prep["first"] = len(texts)
            texts.extend(prep["texts"])
            shared.extend(prep["shared"])
            preps.append(prep)
            results.append(prep["result"])
        encoded = self.segmenter.encode_many(texts, shared)
        spans = SpanChecks(self.segmenter)
        for prep in preps:
            encs = encoded[prep["first"] : prep["first"] + len(prep["texts"])]
            self._token_checks(prep, encs)
            self._reference(prep, encs)
            spans.add(prep, encs[0], encs[1] if prep["rendered"] is not None else None)
        spans.decode()
        for prep in preps:
            spans.finish(prep)
        return results

    def _reference(self, prep: dict[str, Any], encs: list[Any]) -> None:
        """Re-encode a selected item's pieces with the tokenizer itself, where the
        fast path encoded them; any difference fails the item."""
        result = prep["result"]
        if self.segmenter.pieces.fast is None:
            result["counts"]["reference_items"] = 1  # the tokenizer itself encoded it
            return
        if not reference_selected(result["id"], self.settings.reference_share):
            return
        result["counts"]["reference_items"] = 1
        differs = self.segmenter.reference_differs(prep["texts"], encs)
        if differs:
            detail = f"{len(differs)} piece(s) encode differently, first {differs[0][:60]!r}"
            add(result, "tokenizer_mismatch", detail)

    def _prepare(self, line: int, item: dict[str, Any], keyless: bool) -> dict[str, Any]:
        result = judge_item(line, item, self.validators, self.settings, keyless)
        rendered = self.render(item)
        prompt = as_str(item.get("prompt"))
        texts = [as_str(item.get("teacher_text")), rendered or "", caws_line(prompt)]
        if as_dict(item.get("metadata")).get("long_context"):
            texts.append(prompt)
        targets = item.get("targets") if "targets_invalid" not in result["reasons"] else None
        return {
            "result": result,
            "targets": as_dict(targets),
            "teacher": texts[0],
            "rendered": rendered,
            "has_messages": bool(item.get("messages")),
            "texts": texts,
            "shared": shared_starts(item, texts),
        }

    def _token_checks(self, prep: dict[str, Any], encs: list[Any]) -> None:
        result = prep["result"]
        labels = result["labels"]
        if prep["rendered"] is not None:
            result["sequence_tokens"] = len(encs[1])  # the training sequence, for the plots
        if labels["caws_parsed"] and not self.settings.standalone:
            result["caws_tokens"] = len(encs[2])
            if len(encs[2]) > self.settings.caws_max_tokens:
                add(result, "caws_too_long", f"{len(encs[2])} tokens")
        if labels["long_context_flag"]:
            labels["long_context"] = len(encs[3]) >= self.settings.long_context_tokens
            if not labels["long_context"]:
                add(result, "long_context_short", f"prompt has {len(encs[3])} tokens")


def shared_starts(item: dict[str, Any], texts: list[str]) -> list[tuple[int, ...]]:
    """Per text of `_prepare`, where a text another one also holds starts: the
    final answer, at the end of the teacher text and inside the rendering; a
    long-context prompt inside the rendering. `Segmenter.encode_many` encodes
    each such text once when the rule allows it (`alignment.line_cut`), so these
    are hints: a wrong or missing one costs time, never a token."""
    teacher, rendered = texts[0], texts[1]
    shared: list[tuple[int, ...]] = [()] * len(texts)
    messages = item.get("messages")
    last = messages[-1] if isinstance(messages, list) and messages else None
    answer = last.get("content") if isinstance(last, dict) else None
    if isinstance(answer, str) and answer and teacher.endswith(answer):
        shared[0] = (len(teacher) - len(answer),)
        shared[1] = (rendered.rfind(answer),)
    if len(texts) > 3 and texts[3]:
        shared[1] = (*shared[1], rendered.find(texts[3]))
    return shared


def reference_selected(item_id: Any, share: float) -> bool:
    """Whether verify re-encodes this item with the tokenizer itself: a pure function
    of the item's id and the share, so the same items for any worker or shard count."""
    if share >= 1.0:
        return True
    digest = hashlib.blake2b(str(item_id).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") < share * 2**64


def reject_result(line: int, reject: Reject) -> Result:
    return {
        "line": line,
        "id": None,
        "reasons": ["record_invalid"],
        "details": [f"record_invalid: {reject.field}: {reject.reason}"],
    }


_CHECKERS: dict[tuple[Settings, str], Checker] = {}


def make_checker(settings: Settings) -> Checker:
    """The worker state, reused while the settings and the tokenizer file are the same.

    Loading the tokenizer is the slowest part of starting a worker; repeated
    runs in one process (tests, a notebook) and forked workers reuse it.
    """
    key = (settings, fingerprint(settings.tokenizer_dir)["sha256"])
    checker = _CHECKERS.get(key)
    if checker is None:
        _CHECKERS.clear()
        checker = _CHECKERS[key] = Checker(settings)
    return checker


def check_chunk(entries: list[tuple[int, Any]]) -> list[Result]:
    """The function `map_chunks` sends to workers (module-level, pickled by reference);
    raw lines (`RawLine`) are parsed here, in the worker."""
    checker: Checker = worker_state()
    return checker.check(parse_entries(entries), keyless_lines(entries))


def keyless_lines(entries: list[tuple[int, Any]]) -> set[int]:
    """The lines of raw entries whose bytes cannot hold the reasoning key. Read before
    parsing; a line the parser edits (legacy upgrade, an adapter) is left out, so its
    item is searched once parsed, as is any line whose bytes may hold the key."""
    return {
        line
        for line, entry in entries
        if isinstance(entry, RawLine)
        and entry.parser.adapt is None
        and not entry.parser.legacy
        and reasoning_key_absent(entry.raw)
    }
