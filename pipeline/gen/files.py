"""File tools (fs.read, fs.list, fs.search): arguments per structure, coherent results.

Each builder returns the successful `Step`; the `fail_*` functions return the
failing attempt that a branching_error_recovery item shows before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.gen import pools
from pipeline.gen.contents import Body, make_body
from pipeline.gen.context import Ctx, Step
from pipeline.gen.phrases import join_list
from pipeline.gen.pools import RepoFile

STRUCTURED = ("config", "table")
ENCODINGS = ("utf-8", "latin-1", "ascii")
SORTS = ("name", "size", "mtime")
MODES = ("literal", "regex", "word")


@dataclass
class Found:
    """What a listing or search hands to the next step: the first file and its body."""

    file: RepoFile
    body: Body


def _size_kb(body: Body) -> float:
    return round(len(body.text.encode("utf-8")) / 1024, 2)


def _probe(ctx: Ctx, result: dict[str, Any], size_kb: float, sentences: list[str]) -> None:
    modified = pools.iso_date(ctx.rng)
    result["size_kb"] = size_kb
    result["modified"] = modified
    sentences.append(ctx.say("ans.probe", modified=ctx.date(modified), size=ctx.num(size_kb)))


def read_args(ctx: Ctx, body: Body, whole: bool = False) -> dict[str, Any]:
    """Arguments for reading `body`; `whole` keeps every line (a later step uses them all)."""
    rng, path, total = ctx.rng, body.file.path, len(body.lines)
    args: dict[str, Any] = {"path": path}
    if ctx.structure == "nested_args":
        starts = [i for i, line in enumerate(body.lines, 1) if line.strip()]
        start = 1 if whole else rng.choice(starts[:-1] or starts)
        args["range"] = {"start": start, "end": total if whole else rng.randint(start, total)}
    elif ctx.structure == "arrays":
        numeric = [k for k in body.names if k in body.ints_by_key()]
        if whole and numeric:
            args["keys"] = rng.sample(numeric, min(len(numeric), rng.randint(2, 3)))
        else:
            args["keys"] = rng.sample(body.names, min(len(body.names), rng.randint(1, 3)))
    elif ctx.structure == "enums":
        args["encoding"] = rng.choice(ENCODINGS)
    elif ctx.structure == "numeric_ranges":
        short = rng.random() < 0.4 and not whole
        args["max_lines"] = rng.randint(2, total - 1) if short else rng.randint(total, 2000)
    elif ctx.structure == "optional_keys":
        args["follow_symlinks"] = rng.random() < 0.5
    return args


def read_step(ctx: Ctx, body: Body, whole: bool = False) -> Step:
    """fs.read of `body`; arrays need a structured (config or CSV) body."""
    args = read_args(ctx, body, whole)
    total = len(body.lines)
    summary = ctx.say(body.summary_key, **body.summary_args)
    shown = body.lines
    result: dict[str, Any] = {
        "ok": True,
        "path": body.file.path,
        "lines": total,
        "summary": summary,
    }
    sentences = [ctx.say("ans.read", path=body.file.path, lines=ctx.num(total), summary=summary)]
    if "range" in args:
        start, end = args["range"]["start"], args["range"]["end"]
        shown = body.lines[start - 1 : end]
        result["range"] = [start, end]
        first = next(line for line in shown if line.strip())
        sentences.append(ctx.say("ans.read.range", start=start, end=end, first=first.strip()))
    if "keys" in args:
        result["values"] = {k: body.values[k] for k in args["keys"]}
        pairs = [f"{k} = {_plain(v)}" for k, v in result["values"].items()]
        sentences.append(ctx.say("ans.read.values", pairs=join_list(pairs, ctx.lang)))
    if "encoding" in args:
        result["encoding"] = args["encoding"]
    if args.get("max_lines", total) < total:
        shown = shown[: args["max_lines"]]
        result["returned"] = args["max_lines"]
        result["truncated"] = True
        sentences.append(
            ctx.say("ans.read.truncated", returned=args["max_lines"], lines=ctx.num(total))
        )
    result["content"] = "\n".join(shown)
    if ctx.probe:
        _probe(ctx, result, _size_kb(body), sentences)
    return Step("fs.read", args, result, sentences=sentences, value=ctx.say("unit.lines", n=total))


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fail_read(ctx: Ctx, step: Step) -> Step:
    """A read of a near-miss path whose error names the real file."""
    assert isinstance(step.arguments, dict)
    path = step.arguments["path"]
    stem, ext = path.rsplit(".", 1)
    swaps = {"yaml": "yml", "yml": "yaml", "ts": "js", "js": "ts", "md": "txt", "txt": "md"}
    wrong = f"{stem}.{swaps[ext]}" if ext in swaps else f"{stem}_old.{ext}"
    args = dict(step.arguments, path=wrong)
    error = f"FileNotFoundError: {wrong} does not exist; a similar file is {path}"
    return Step("fs.read", args, {"ok": False, "error": error}, ok=False)


def _kinds(ctx: Ctx, min_ints: int, default: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """File kinds a step may pick: configs to compute on, structured files for `keys`."""
    if min_ints:
        return ("config",)
    return STRUCTURED if ctx.structure == "arrays" else default


def pick_file(ctx: Ctx, min_ints: int = 0) -> Body:
    return make_body(ctx.rng, pools.repo_file(ctx.rng, _kinds(ctx, min_ints, None)), min_ints)


def list_step(ctx: Ctx, min_ints: int = 0) -> tuple[Step, Found]:
    rng = ctx.rng
    directory = pools.repo_dir(rng)
    first = pools.repo_file(rng, _kinds(ctx, min_ints, None), directory)
    args: dict[str, Any] = {"dir": directory}
    ext_filter = [first.ext]
    if ctx.structure == "nested_args":
        low = rng.randint(0, 4) * 256
        args["size"] = {"min_bytes": low, "max_bytes": low + rng.randint(2, 64) * 1024}
    elif ctx.structure == "arrays":
        others = [e for e in pools.CONFIG_EXTENSIONS if e != first.ext]
        ext_filter += rng.sample(others, rng.randint(0, 2))
        args["extensions"] = ext_filter
    elif ctx.structure == "enums":
        args["sort"] = rng.choice(SORTS)
    elif ctx.structure == "numeric_ranges":
        args["recursive"] = True
        args["max_depth"] = rng.randint(1, 10)
    elif ctx.structure == "optional_keys":
        args["pattern"] = f"*.{first.ext}"
    shown = [first.path] + [
        f"{directory}/{rng.choice(pools.STEMS)}_{rng.randint(2, 99)}.{rng.choice(ext_filter)}"
        for _ in range(rng.randint(1, 4))
    ]
    if args.get("sort") == "name":
        shown = [first.path, *sorted(shown[1:])]
    count = len(shown) + rng.randint(0, 30)
    result: dict[str, Any] = {"ok": True, "dir": directory, "count": count, "results": shown}
    sentences = [ctx.say("ans.list", dir=directory, count=ctx.num(count), r0=first.path)]
    body = make_body(rng, first, min_ints)
    if ctx.probe:
        _probe(ctx, result, round(_size_kb(body) * len(shown), 2), sentences)
    step = Step("fs.list", args, result, sentences=sentences, value=ctx.say("unit.files", n=count))
    return step, Found(first, body)


def fail_list(ctx: Ctx, step: Step) -> Step:
    assert isinstance(step.arguments, dict)
    directory = step.arguments["dir"]
    head, _, tail = directory.rpartition("/")
    wrong = f"{head}/{tail[:-1]}" if len(tail) > 3 else f"{directory}s"
    args = dict(step.arguments, dir=wrong)
    error = f"NotADirectoryError: {wrong} not found; did you mean {directory}?"
    return Step("fs.list", args, {"ok": False, "error": error}, ok=False)


def search_step(ctx: Ctx, min_ints: int = 0) -> tuple[Step, Found]:
    rng = ctx.rng
    kinds = _kinds(ctx, min_ints, ("config", "code"))
    body = make_body(rng, pools.repo_file(rng, kinds), min_ints)
    # A literal line (a setting with its value, a function's return) is what people grep for.
    candidates = [i for i, line in enumerate(body.lines) if line.strip() not in ("", "{", "}")]
    if body.file.kind == "code":
        candidates = [i for i in candidates if "return" in body.lines[i]]
    line_no = rng.choice(candidates)
    pattern = body.lines[line_no].strip().rstrip(",")
    args: dict[str, Any] = {"pattern": pattern}
    top = body.file.path.split("/")[0]
    if ctx.structure == "nested_args":
        args["options"] = {
            "case_sensitive": rng.random() < 0.5,
            "context_lines": rng.randint(0, 10),
        }
    elif ctx.structure == "arrays":
        extra = [d for d in pools.ROOTS if d != top]
        args["paths"] = [top, *rng.sample(extra, rng.randint(0, 2))]
    elif ctx.structure == "enums":
        args["mode"] = rng.choice(("literal", "word"))
    elif ctx.structure == "numeric_ranges":
        args["max_results"] = rng.randint(5, 200)
    elif ctx.structure == "optional_keys":
        args["include_hidden"] = rng.random() < 0.5
    first = f"{body.file.path}:{line_no + 1}"
    others = [
        f"{top}/{rng.choice(pools.MODULES)}/{rng.choice(pools.STEMS)}.{body.file.ext}:"
        f"{rng.randint(1, 400)}"
        for _ in range(rng.randint(0, 4))
    ]
    count = 1 + len(others) + (rng.randint(0, 20) if others else 0)
    files = min(count, 1 + len(others) + rng.randint(0, 3))
    summary = ctx.say("sum.search", n=count, f=files)
    result = {"ok": True, "count": count, "summary": summary, "results": [first, *others]}
    sentences = [ctx.say("ans.search", pattern=pattern, summary=summary, r0=first)]
    if ctx.probe:
        # Match counts are often below 1,000: the probe needs a size and a date too.
        _probe(ctx, result, _size_kb(body), sentences)
    step = Step(
        "fs.search", args, result, sentences=sentences, value=ctx.say("unit.matches", n=count)
    )
    return step, Found(body.file, body)


def fail_search(ctx: Ctx, step: Step) -> Step:
    error = f"IndexBusy: the search index is rebuilding, retry in {ctx.rng.randint(1, 9)} s"
    return Step("fs.search", step.arguments, {"ok": False, "error": error}, ok=False)
