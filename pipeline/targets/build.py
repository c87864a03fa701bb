"""Targets for a chunk of items: parse, judge, find, tokenise once (batched), align.

Per item the work is a pure function of the item (and the tokenizer): nothing
depends on the chunk it shares or on the process it runs in, so the output is
byte-identical for any number of workers. Per chunk, every teacher text and
every rendered sequence is tokenised in one `encode_batch` call; spans are then
mapped by bisection over the offsets (`TokenIndex`), never by re-encoding.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, NamedTuple

import jinja2
import numpy as np
import orjson

from pipeline.formats import CallParse, FormatError, Source, ToolSchemas, ingest
from pipeline.records import Reject, dumps
from pipeline.spans import Span, SpanError, TextIndex, make_span
from pipeline.student import Student
from pipeline.targets.calls import call_record, judge_calls
from pipeline.targets.encode import ArrayTokenIndex, Encoding, PieceEncoder
from pipeline.targets.integration import Integration, find_integration
from pipeline.targets.place import Placement, place
from pipeline.targets.sequence import (
    CharRange,
    Layout,
    layout,
    sequence_digest,
    uses_project_template,
)
from pipeline.targets.trainers import ItemView, TrainerRecords, trainer_records

Entry = tuple[int, "dict[str, Any] | Reject"]
STAT_KEYS = (
    "calls",
    "json_invalid",
    "schema_invalid",
    "schema_unknown",
    "spans",
    "unaligned_spans",
    "sequence_spans",
    "sequence_unaligned",
    "integration_spans",
    "over_cap",
    "call_like_text",
)


@dataclass(frozen=True)
class Settings:
    fmt: str = "auto"
    cap: int = 3
    min_chars: int = 3
    trim_attribution: bool = False
    # export.train_on_failed_attempts: train the failed attempts the teacher marked.
    train_failed_attempts: bool = False
    # extract.exports / extract.validation_share: the trainer-native exports to build.
    exports: tuple[str, ...] = ()
    validation_share: float = 0.02


class ExportRow(NamedTuple):
    """One training row; arrays travel as bytes (int32 ids, uint8 masks)."""

    id: str
    input_ids: bytes
    labels: bytes  # int32 ids, -100 where no loss is taken
    assistant: bytes
    tool_name: bytes
    tool_args: bytes
    integration: bytes
    tools: str
    messages: str


class Outcome(NamedTuple):
    line: int
    record: bytes | None  # the output JSONL line, or None when rejected
    row: ExportRow | None
    reject: tuple[str, str, str] | None  # (field, reason, raw preview)
    stats: dict[str, int]
    trainers: TrainerRecords | None = None  # the trainer-native export lines


@dataclass
class Prepared:
    line: int
    item: dict[str, Any]
    source: Source
    schemas: ToolSchemas
    calls: list[CallParse]
    integration: Integration
    layout: Layout


def _preview(item: dict[str, Any]) -> str:
    return orjson.dumps(item)[:200].decode("utf-8", errors="replace")


def _spans(index: TextIndex, tokens_: ArrayTokenIndex, ranges: list[CharRange | None]) -> list[Any]:
    """`make_span` of every range (None stays None), the token ranges found with one
    search for all (`cover_all`) instead of two per span. The spans are made in order,
    so a range that cannot exist raises the error it raised one at a time."""
    covered = tokens_.cover_all(ranges)
    out: list[Span | None] = []
    for span, tokens in zip(ranges, covered, strict=True):
        if span is None:
            out.append(None)
            continue
        made = make_span(index, None, *span)
        made["tokens"] = list(tokens) if tokens is not None else None
        out.append(made)
    return out


def _mask(length: int, ranges: list[list[int] | None]) -> bytes:
    mask = bytearray(length)
    for r in ranges:
        if r is not None and r[1] > r[0]:
            mask[r[0] : r[1]] = b"\x01" * (r[1] - r[0])
    return bytes(mask)


class Extractor:
    """The per-process state: one loaded tokenizer and the settings."""

    def __init__(self, tokenizer_dir: str | os.PathLike[str], settings: Settings) -> None:
        self.student = Student(tokenizer_dir)
        self.settings = settings
        self.encoder = PieceEncoder(self.student.tokenizer, self.student.bytebpe())
        self.port = uses_project_template(self.student)
        eos = self.student.config.get("eos_token")
        # The text an assistant region ends with (a dict in AddedToken form in some configs).
        self.eot = (eos.get("content") if isinstance(eos, dict) else eos) or ""

    def prepare(self, line: int, item: dict[str, Any]) -> Prepared:
        source = ingest(item, self.settings.fmt)
        schemas = source.schemas or ToolSchemas(item.get("tools"))
        calls = judge_calls(source.parsed, schemas)
        settings = self.settings
        integration = find_integration(
            source.parsed, settings.cap, settings.min_chars, settings.trim_attribution
        )
        try:
            # The bytes the tools were read under (`tools_json` below): the port
            # writes the tool lines from them, once per tool set.
            lay = layout(
                self.student,
                source.messages,
                item.get("tools"),
                port=self.port,
                tools_json=schemas.json,
            )
        except (jinja2.TemplateError, TypeError, ValueError) as exc:
            raise FormatError("messages", f"the chat template cannot render them: {exc}") from exc
        return Prepared(line, item, source, schemas, calls, integration, lay)

    def finish(self, prep: Prepared, teacher_enc: Encoding, seq_enc: Encoding) -> Outcome:
        text = prep.source.parsed.text
        index, tok, seq_tok = TextIndex(text), teacher_enc.token_index(), seq_enc.token_index()
        placement = place(
            text, prep.calls, prep.integration, prep.source.parsed.answer()[1], prep.layout
        )
        spans = _spans(
            index,
            tok,
            [r for c in prep.calls for r in (c.name_span, c.args_span, c.call_span)]
            + [(s, e) for s, e, _ in prep.integration.spans],
        )
        calls = self._calls(prep, spans)
        integration = [
            {**span, "grounded_fields": fields}
            for span, (_, _, fields) in zip(
                spans[3 * len(prep.calls) :], prep.integration.spans, strict=True
            )
        ]
        sequence = self._sequence(prep, placement, seq_tok, len(seq_enc))
        teacher_spans = [
            c[k] for c in calls for k in ("name_span", "args_span", "call_span") if c[k]
        ] + integration
        unaligned = sum(1 for s in teacher_spans if s["tokens"] is None)
        notes = prep.source.notes + prep.source.call_like + prep.schemas.problems
        prep.item["targets"] = {
            "format": prep.source.parsed.format,
            "calls": calls,
            "integration_spans": integration,
            "integration_method": prep.integration.method,
            "over_cap": prep.integration.over_cap,
            "teacher_tokens": len(teacher_enc),
            "unaligned_spans": unaligned,
            "schema_normalized": sorted(set(prep.schemas.notes)),
            "sequence": sequence,
            "notes": notes,
        }
        if prep.source.call_like:
            # Only when found, so that records without it keep their exact bytes.
            prep.item["targets"]["call_like_text"] = len(prep.source.call_like)
        stats = self._stats(prep, teacher_spans, unaligned, sequence)
        skipped = set() if self.settings.train_failed_attempts else excluded_calls(prep.item)
        quiet = turns_of(prep.source.messages, skipped)
        row = self._row(prep, seq_enc.ids, sequence, skipped, quiet)
        trainers = None
        if self.settings.exports:
            trainers = self._trainers(prep, placement, seq_enc.ids, sequence, skipped, quiet, row)
        return Outcome(prep.line, dumps(prep.item), row, None, stats, trainers)

    def _trainers(
        self,
        prep: Prepared,
        placement: Placement,
        ids: np.ndarray,
        sequence: dict[str, Any],
        skipped: set[int],
        quiet: set[int],
        row: ExportRow,
    ) -> TrainerRecords:
        """The trainer-native export lines of one item (pipeline/targets/trainers.py)."""
        spans: list[tuple[str, CharRange]] = []
        for name, args, _call in placement.calls:
            spans += [(k, r) for k, r in (("tool_name", name), ("tool_args", args)) if r]
        spans += [("integration", r) for r in placement.integration if r]
        view = ItemView(
            item_id=row.id,
            messages=prep.source.messages,
            tools=prep.item.get("tools") or [],
            text=prep.layout.text,
            regions=prep.layout.regions,
            quiet=quiet,
            spans=spans,
            eot=self.eot,
            messages_json=row.messages,
            tools_json=row.tools,
        )
        settings = self.settings
        arrays: dict[str, Any] = {}
        if "earlier" in settings.exports:  # only the earlier version's fields read these
            kept = [i for i in range(len(prep.calls)) if i not in skipped]
            arrays = {
                "ids": ids.astype(np.int32),
                "labels": np.frombuffer(row.labels, dtype="<i4"),
                "calls": [sequence["calls"][i] for i in kept],
                "json_valid": [prep.calls[i].json_valid for i in kept],
                "masks": {"tool_name": row.tool_name, "integration": row.integration},
            }
        return trainer_records(settings.exports, settings.validation_share, prep.item, view, arrays)

    def _calls(self, prep: Prepared, spans: list[Span | None]) -> list[dict[str, Any]]:
        """The call records; `spans` holds each call's name, args and call spans in turn."""
        out = []
        sources = prep.source.call_sources
        for i, call in enumerate(prep.calls):
            record = call_record(call)
            record["name_span"], record["args_span"], record["call_span"] = spans[3 * i : 3 * i + 3]
            if i < len(sources) and sources[i] is not None:
                record["source"] = sources[i]
            out.append(record)
        return out

    def _sequence(
        self, prep: Prepared, placement: Placement, seq_tok: ArrayTokenIndex, length: int
    ) -> dict[str, Any]:
        """The sequence's token ranges; every span of the item is looked up at once."""
        calls, integration = placement.calls, placement.integration
        spans = [r for call in calls for r in call] + [*integration, *prep.layout.regions]
        found = [list(c) if c is not None else None for c in seq_tok.cover_all(spans)]
        rest = 3 * len(calls)
        return {
            "length": length,
            "sha256": sequence_digest(prep.layout.text),
            "calls": [
                {"name": found[k], "args": found[k + 1], "call": found[k + 2]}
                for k in range(0, rest, 3)
            ],
            "integration": found[rest : rest + len(integration)],
            "assistant": found[rest + len(integration) :],
        }

    @staticmethod
    def _stats(
        prep: Prepared, spans: list[Span], unaligned: int, sequence: dict[str, Any]
    ) -> dict[str, int]:
        expected = [
            r
            for call, placed in zip(prep.calls, sequence["calls"], strict=True)
            for span, r in zip(
                (call.name_span, call.args_span, call.call_span),
                (placed["name"], placed["args"], placed["call"]),
                strict=True,
            )
            if span is not None
        ] + list(sequence["integration"])
        return {
            "calls": len(prep.calls),
            "json_invalid": sum(1 for c in prep.calls if not c.json_valid),
            "schema_invalid": sum(1 for c in prep.calls if c.schema_valid is False),
            "schema_unknown": sum(1 for c in prep.calls if c.schema_valid is None),
            "spans": len(spans),
            "unaligned_spans": unaligned,
            "sequence_spans": len(expected),
            "sequence_unaligned": sum(1 for r in expected if r is None),
            "integration_spans": len(prep.integration.spans),
            "over_cap": int(prep.integration.over_cap),
            "call_like_text": len(prep.source.call_like),
        }

    @staticmethod
    def _row(
        prep: Prepared,
        ids: np.ndarray,
        sequence: dict[str, Any],
        skipped: set[int],
        quiet: set[int],
    ) -> ExportRow:
        """The training row; the turns of skipped calls (failed attempts, whose turns
        are `quiet`) take no loss, and their name and argument tokens leave the
        process masks too."""
        length = int(ids.size)
        calls = [c for i, c in enumerate(sequence["calls"]) if i not in skipped]
        assistant = _mask(length, sequence["assistant"])
        # Without quiet turns (the usual case) the loss is taken on every assistant turn.
        trained = assistant
        if quiet:
            kept = [r for i, r in enumerate(sequence["assistant"]) if i not in quiet]
            trained = _mask(length, kept)
        labels = ids.astype("<i4")  # a copy: the loss-free tokens become -100 in it
        labels[np.frombuffer(trained, dtype=np.uint8) == 0] = -100
        return ExportRow(
            id=str(prep.item["id"]),
            input_ids=ids.astype("<i4", copy=False).tobytes(),
            labels=labels.tobytes(),
            assistant=assistant,
            tool_name=_mask(length, [c["name"] for c in calls]),
            tool_args=_mask(length, [c["args"] for c in calls]),
            integration=_mask(length, sequence["integration"]),
            tools=tools_json(prep.item.get("tools"), prep.schemas).decode("utf-8"),
            messages=orjson.dumps(prep.source.messages).decode("utf-8"),
        )

    def run_chunk(self, entries: list[Entry]) -> list[Outcome]:
        """Outcomes in input order; a record that cannot be processed becomes a reject.

        Lines the reader already rejected travel through here too, so that the
        rejects file is in input order whatever the number of workers.
        """
        results: list[Outcome | Prepared] = []
        for line, entry in entries:
            if isinstance(entry, Reject):
                results.append(
                    Outcome(line, None, None, (entry.field, entry.reason, entry.raw), {})
                )
                continue
            try:
                results.append(self.prepare(line, entry))
            except FormatError as exc:
                reject = (exc.field, exc.reason, _preview(entry))
                results.append(Outcome(line, None, None, reject, {}))
        prepared = [r for r in results if isinstance(r, Prepared)]
        encodings = self.encoder.encode(
            [p.source.parsed.text for p in prepared] + [p.layout.text for p in prepared]
        )
        done = {
            id(p): self._finish_safely(p, encodings[i], encodings[len(prepared) + i])
            for i, p in enumerate(prepared)
        }
        return [done[id(r)] if isinstance(r, Prepared) else r for r in results]

    def _finish_safely(self, prep: Prepared, teacher_enc: Encoding, seq_enc: Encoding) -> Outcome:
        try:
            return self.finish(prep, teacher_enc, seq_enc)
        except SpanError as exc:
            return Outcome(
                prep.line, None, None, ("teacher_text", str(exc), _preview(prep.item)), {}
            )


def tools_json(tools: Any, schemas: ToolSchemas) -> bytes:
    """The export's ``tools`` text: the bytes the tools were read under when there
    are any (the tools do not change after `ingest` reads them), else ``[]``."""
    if tools and schemas.json is not None:
        return schemas.json
    return orjson.dumps(tools or [])


def excluded_calls(item: dict[str, Any]) -> set[int]:
    """Calls the generator marked as failed attempts to keep out of the loss."""
    metadata = item.get("metadata")
    attempts = metadata.get("attempts") if isinstance(metadata, dict) else None
    return {
        a["call_index"]
        for a in attempts or ()
        if isinstance(a, dict) and a.get("ok") is False and a.get("excluded") is True
        and isinstance(a.get("call_index"), int)
    }  # fmt: skip


def turns_of(messages: list[dict[str, Any]], calls: set[int]) -> set[int]:
    """Assistant turns (in turn order) whose every call is in `calls`."""
    out: set[int] = set()
    turn = call = 0
    for message in messages:
        if message.get("role") != "assistant":
            continue
        own = range(call, call + len(message.get("tool_calls") or ()))
        if len(own) and all(i in calls for i in own):
            out.add(turn)
        call += len(own)
        turn += 1
    return out
