"""fs.search: the lines of the workspace's files that match a pattern, as ripgrep finds them.

- ``paths`` (files or directories; the whole workspace without it) must exist.
- ``mode``: ``literal`` (the default) finds the text, ``word`` the text between
  word boundaries, ``regex`` a regular expression (nested quantifiers and
  patterns over 200 characters are refused: a replay must never hang).
- Case-sensitive unless ``options.case_sensitive`` is false, as ripgrep is.
- Hidden files are searched only with ``include_hidden``; links are not followed.
- Matches come in path, then line order. ``count`` is every matching line,
  ``files`` the files they are in; at most ``max_results`` (default 50) come
  back, with ``truncated`` when that cut any. ``options.context_lines`` adds
  that many lines ``before`` and ``after`` each match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pipeline.world.model import File, World
from pipeline.world.paths import Refused, hidden, is_dir, normalize, text_lines, under

NAME = "fs.search"
DEFAULT_MAX = 50
MAX_REGEX = 200
_QUANTIFIER = re.compile(r"[+*?]|\{\d*,?\d*\}")


def nested_quantifier(pattern: str) -> bool:
    """Whether a repeated group holds a repeat at any depth: ``(a+)+``, ``((a)+)*``.

    Those are the patterns whose backtracking can take exponential time. The
    scan skips escapes and character classes, so ``[(]+`` or ``\\(a+\\)+`` pass.
    """
    stack: list[bool] = []  # per open group: has a quantifier been seen inside it
    closed_repeats = False  # the group that just closed held a quantifier
    i = 0
    while i < len(pattern):
        char = pattern[i]
        after_group, closed_repeats = closed_repeats, False
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(pattern, i)
            continue
        if char == "(":
            stack.append(False)
            i += 2 if pattern.startswith("(?", i) else 1
            continue
        if char == ")" and stack:
            inner = stack.pop()
            if stack:
                stack[-1] = stack[-1] or inner
            closed_repeats = inner
            i += 1
            continue
        quantifier = _QUANTIFIER.match(pattern, i)
        if quantifier is not None and quantifier.group() != "?":
            if after_group:
                return True
            if stack:
                stack[-1] = True
            i = quantifier.end()
            continue
        i += 1
    return False


def _class_end(pattern: str, start: int) -> int:
    """The index after the character class opening at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a leading ] is a literal
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


# Truthy where the pattern matches in the text (a line, or a whole file).
Search = Callable[[str], object]


@lru_cache(maxsize=4096)
def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    """re.compile, kept for longer than re's own cache of 512: an item's patterns recur
    across a run (a compiled pattern is immutable, so sharing one is safe)."""
    return re.compile(pattern, flags)


def _matcher(args: dict[str, Any]) -> Search:
    options = args.get("options") or {}
    flags = 0 if options.get("case_sensitive", True) else re.IGNORECASE
    pattern, mode = args["pattern"], args.get("mode", "literal")
    if mode == "regex":
        if len(pattern) > MAX_REGEX or nested_quantifier(pattern):
            raise Refused("ValueError: regex refused (nested quantifiers or over 200 characters)")
        try:
            return _compile(pattern, flags).search
        except re.error as exc:
            raise Refused(f"ValueError: invalid regex: {exc}") from None
    if mode != "word" and not flags and isinstance(pattern, str):
        # re.escape(pattern) matches exactly the text itself, case-sensitively: it is
        # found in the same lines as a substring, without compiling a regex.
        return lambda text: pattern in text
    text = re.escape(pattern)
    return _compile(rf"\b{text}\b" if mode == "word" else text, flags).search


def _scope(world: World, args: dict[str, Any]) -> list[File]:
    chosen: dict[str, File] = {}
    for given in args.get("paths") or [""]:
        path = normalize(given)
        if path in world.files:
            found = [(path, world.files[path])]
        elif is_dir(world.files, path):
            found = [(f.path, f) for _, f in under(world.files, path)]
        else:
            raise Refused(f"FileNotFoundError: [Errno 2] No such file or directory: {given!r}")
        for full, f in found:
            chosen.setdefault(full, f)
    include_hidden = args.get("include_hidden", False)
    return [
        chosen[p]
        for p in sorted(chosen)
        if chosen[p].link is None and (include_hidden or not hidden(p))
    ]


def execute(world: World, args: dict[str, Any]) -> dict[str, Any]:
    try:
        matcher = _matcher(args)
        scope = _scope(world, args)
    except Refused as exc:
        return {"ok": False, "error": str(exc)}
    context = (args.get("options") or {}).get("context_lines", 0)
    limit = args.get("max_results", DEFAULT_MAX)
    results: list[dict[str, Any]] = []
    count, files = 0, 0
    # Text and word patterns cannot match a line of a file in which they match nowhere
    # (a line is a substring, bounded by a newline, a non-word character), so such a
    # file is not split into lines. A regex may be anchored: its files are all split.
    whole_file = args.get("mode", "literal") != "regex"
    for f in scope:
        if whole_file and not matcher(f.content):
            continue
        lines = text_lines(f.content)
        hits = [i for i, line in enumerate(lines) if matcher(line)]
        files += bool(hits)
        for i in hits:
            count += 1
            if len(results) >= limit:
                continue
            match: dict[str, Any] = {"path": f.path, "line": i + 1, "text": lines[i]}
            if context:
                match["before"] = lines[max(0, i - context) : i]
                match["after"] = lines[i + 1 : i + 1 + context]
            results.append(match)
    out: dict[str, Any] = {"ok": True, "count": count, "files": files, "results": results}
    if count > len(results):
        out["truncated"] = True
    return out
