"""code.run: an offline runner for a closed family of short Python and JavaScript programs.

Nothing is ever executed. A program is one data part and one operation line,
both from the tables below; the runner recognises them exactly (any other
program is refused as outside the runner, never guessed at) and computes
what the real interpreter would print, errors included:

- data: a literal list of integers, the command-line ``args``, ``stdin``
  split on commas, or a literal word;
- operations: sum, max, min, spread, evens, sorted, squares, mean, the share
  left after a percentage cut (``pct_left``), and for words reverse, upper,
  vowels, length;
- a misspelt variable raises ``NameError`` (Python, with CPython's "Did you
  mean" hint only when CPython would give one) or ``ReferenceError``
  (Node.js); a non-numeric argument raises ``ValueError`` in Python at the
  ``int()`` line; an empty list raises what Python raises;
- JavaScript numbers are doubles: input goes through ``Number()``'s grammar,
  sums are float sums, output follows ``Number.prototype.toString`` and
  ``toFixed`` (ties away from zero on the exact binary value).

Programs the interpreter would read differently from the template (a
leading-zero literal, a keyword or a name the operation uses as the
variable) are refused, not guessed at.

``elapsed_ms`` is a fixed function of the program, and a recognised program
run past ``timeout_s`` or ``limits.cpu_s`` fails with exit code 124.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from pipeline.world import js_number, tracebacks
from pipeline.world.suggest import BUILTINS, suggestion
from pipeline.world.tracebacks import Frame, text_at

NAME = "code.run"

# source -> (python lines, javascript lines); {v} is the variable, {values} the literal.
DATA: dict[str, tuple[str, str]] = {
    "literal": ("{v} = [{values}]", "const {v} = [{values}];"),
    "args": (
        "import sys\n{v} = [int(a) for a in sys.argv[1:]]",
        "const {v} = process.argv.slice(2).map(Number);",
    ),
    "stdin": (
        'import sys\n{v} = [int(x) for x in sys.stdin.read().split(",")]',
        "const {v} = require('fs').readFileSync(0, 'utf8').split(\",\").map(Number);",
    ),
    "word": ('{v} = "{word}"', 'const {v} = "{word}";'),
}
_JS_SUM = "{v}.reduce((a, b) => a + b, 0)"
# op -> (python line, javascript line); every {v} is the data variable.
OPS: dict[str, tuple[str, str]] = {
    "sum": ("print(sum({v}))", f"console.log({_JS_SUM});"),
    "max": ("print(max({v}))", "console.log(Math.max(...{v}));"),
    "min": ("print(min({v}))", "console.log(Math.min(...{v}));"),
    "spread": ("print(max({v}) - min({v}))", "console.log(Math.max(...{v}) - Math.min(...{v}));"),
    "evens": (
        "print(sum(1 for x in {v} if x % 2 == 0))",
        "console.log({v}.filter((x) => x % 2 === 0).length);",
    ),
    "sorted": (
        'print(",".join(str(x) for x in sorted({v})))',
        'console.log([...{v}].sort((a, b) => a - b).join(","));',
    ),
    "squares": (
        "print(sum(x * x for x in {v}))",
        "console.log({v}.reduce((a, x) => a + x * x, 0));",
    ),
    "mean": (
        'print(f"{{sum({v}) / len({v}):.2f}}")',
        f"console.log(({_JS_SUM} / {{v}}.length).toFixed(2));",
    ),
    "pct_left": (
        'print(f"{{{v}[0] * (100 - {v}[1]) / 100:.2f}}")',
        "console.log(({v}[0] * (100 - {v}[1]) / 100).toFixed(2));",
    ),
    "reverse": ("print({v}[::-1])", 'console.log({v}.split("").reverse().join(""));'),
    "upper": ("print({v}.upper())", "console.log({v}.toUpperCase());"),
    "vowels": (
        'print(sum(1 for c in {v} if c in "aeiou"))',
        'console.log([...{v}].filter((c) => "aeiou".includes(c)).length);',
    ),
    "length": ("print(len({v}))", "console.log({v}.length);"),
}
WORD_OPS = ("reverse", "upper", "vowels", "length")
LANGUAGES = ("python", "javascript")
BASE_MS = {"python": 21, "javascript": 34}


class Unsupported(ValueError):
    """A program outside the runner's family."""


@dataclass(frozen=True)
class Program:
    language: str
    source: str  # literal | args | stdin | word
    op: str
    values: tuple[int, ...] = ()
    word: str = ""
    var: str = "values"

    @property
    def code(self) -> str:
        side = LANGUAGES.index(self.language)
        data = DATA[self.source][side].format(
            v=self.var, values=", ".join(str(x) for x in self.values), word=self.word
        )
        return f"{data}\n{OPS[self.op][side].format(v=self.var)}"


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{v\}|\{values\}|\{word\})", template)
    pattern = ""
    for part in parts:
        if part == "{v}":
            pattern += r"([A-Za-z_]\w*)"
        elif part == "{values}":
            pattern += r"(-?\d+(?:, -?\d+)*)?"
        elif part == "{word}":
            pattern += r"([A-Za-z_]*)"
        else:
            pattern += re.escape(part.replace("{{", "{").replace("}}", "}"))
    return re.compile(pattern + r"\Z")


_DATA_RE = {
    (lang, source): _template_regex(DATA[source][i])
    for source in DATA
    for i, lang in enumerate(LANGUAGES)
}
_OP_RE = {(lang, op): _template_regex(OPS[op][i]) for op in OPS for i, lang in enumerate(LANGUAGES)}


@dataclass(frozen=True)
class Parsed:
    language: str
    source: str
    op: str
    defined: str
    used: tuple[str, ...]  # the names the operation line refers to, in order
    values: tuple[int, ...]
    word: str
    op_line: str
    op_line_no: int
    data_lines: tuple[str, ...]

    @property
    def int_line(self) -> tuple[int, str]:
        """(number, text) of the line that converts the input with ``int()``."""
        return next((i, line) for i, line in enumerate(self.data_lines, 1) if "int(" in line)


# Names the templates themselves use: a variable called so would shadow or
# break them (``sum = [1, 2]; print(sum(sum))`` is a TypeError in Python).
_TEMPLATE_NAMES = frozenset(
    name
    for pair in (*DATA.values(), *OPS.values())
    for line in pair
    for name in re.findall(
        r"(?<![\w.{])[A-Za-z_]\w*", re.sub(r"f?([\"']).*?\1", "", line.replace("{v}", ""))
    )
)
_JS_RESERVED_WORDS = (
    "break case catch class const continue debugger default delete do else enum export extends "
    "false finally for function if import in instanceof let new null return static super switch "
    "this throw true try typeof var void while with yield await arguments eval undefined NaN "
    "Infinity"
)
_JS_RESERVED = frozenset(_JS_RESERVED_WORDS.split())
# Node's lowercase globals: a misspelling that lands on one is no ReferenceError.
_JS_GLOBAL_NAMES = (
    "globalThis global module exports __dirname __filename console process require parseInt "
    "parseFloat isNaN isFinite escape unescape eval encodeURI encodeURIComponent decodeURI "
    "decodeURIComponent setTimeout setInterval setImmediate clearTimeout clearInterval "
    "clearImmediate queueMicrotask structuredClone fetch atob btoa performance crypto "
    "navigator"
)
_JS_GLOBALS = frozenset(_JS_GLOBAL_NAMES.split())


def _check_reading(language: str, name: str, literal: str | None) -> None:
    """Refuse what the interpreter reads differently from the template."""
    reserved = keyword.kwlist if language == "python" else _JS_RESERVED
    if name in reserved or name in _TEMPLATE_NAMES:
        raise Unsupported(f"the variable name {name!r} is reserved or used by the program")
    # Python rejects 010; sloppy-mode JavaScript reads it as octal 8.
    if literal and re.search(r"(?<![\d])-?0\d", literal):
        raise Unsupported("a number literal with a leading zero")


def _check_used(language: str, defined: str, used: tuple[str, ...]) -> None:
    """Refuse a misspelt name that exists anyway: no NameError would be raised."""
    for name in used:
        if name == defined:
            continue
        known = (
            name in keyword.kwlist or name in BUILTINS or name in _TEMPLATE_NAMES
            if language == "python"
            else name in _JS_RESERVED
            or name in _JS_GLOBALS
            or name in _TEMPLATE_NAMES
            or name[0].isupper()
        )
        if known:
            raise Unsupported(f"{name!r} names something the interpreter already has")


@lru_cache(maxsize=4096)
def parse(language: str, code: str) -> Parsed:
    """The program's parts, or Unsupported when it is not one of the family.

    Cached: a generator and a replay read the same program several times."""
    data_lines, _, op_line = code.rstrip("\n").rpartition("\n")
    for (lang, source), regex in _DATA_RE.items():
        found = regex.match(data_lines) if lang == language else None
        if found is None:
            continue
        defined = found.group(1)
        literal = found.group(2) if source in ("literal", "word") else None
        _check_reading(language, defined, literal if source == "literal" else None)
        for (op_lang, op), op_regex in _OP_RE.items():
            used = op_regex.match(op_line) if op_lang == language else None
            if used is None or (op in WORD_OPS) != (source == "word"):
                continue
            _check_used(language, defined, used.groups())
            values = (
                tuple(int(x) for x in literal.split(", "))
                if source == "literal" and literal
                else ()
            )
            return Parsed(
                language,
                source,
                op,
                defined,
                used.groups(),
                values,
                literal if source == "word" and literal else "",
                op_line,
                data_lines.count("\n") + 2,
                tuple(data_lines.split("\n")),
            )
    raise Unsupported("the offline runner only knows its own program family")


class ProgramError(Exception):
    """What the program raised: the exception line and the interpreter's stderr."""

    def __init__(self, message: str, stderr: str) -> None:
        super().__init__(message)
        self.stderr = stderr


def _python_values(parsed: Parsed, args: dict[str, Any]) -> list[int]:
    if parsed.source == "literal":
        return list(parsed.values)
    raw = (
        list(args.get("args") or ())
        if parsed.source == "args"
        else args.get("stdin", "").split(",")
    )
    values = []
    for text in raw:
        try:
            values.append(int(text))
        except ValueError:
            # Raised inside the list comprehension on the conversion line.
            line_no, line = parsed.int_line
            message = f"ValueError: invalid literal for int() with base 10: {text!r}"
            outer = Frame(line_no, line, *text_at(line, line[line.index("[") :]))
            inner = Frame(line_no, line, *text_at(line, line[line.index("int(") :].split(" ")[0]))
            raise ProgramError(
                message, tracebacks.python([outer, replace(inner, scope="<listcomp>")], message)
            ) from None
    return values


def _python_fail(parsed: Parsed, message: str, span: tuple[int, int], **how: Any) -> ProgramError:
    frame = Frame(parsed.op_line_no, parsed.op_line, *span, **how)
    return ProgramError(message, tracebacks.python([frame], message))


def _python_int_op(parsed: Parsed, v: list[int]) -> str:
    op, line, var = parsed.op, parsed.op_line, parsed.defined
    if op in ("max", "min", "spread") and not v:
        called = "min" if op == "min" else "max"
        raise _python_fail(
            parsed,
            f"ValueError: {called}() arg is an empty sequence",
            text_at(line, f"{called}({var})"),
        )
    if op == "mean" and not v:
        span = text_at(line, f"sum({var}) / len({var})")
        slash = line.index(" / ") + 1
        raise _python_fail(
            parsed, "ZeroDivisionError: division by zero", span, anchor=(slash, slash + 1)
        )
    if op == "pct_left" and len(v) < 2:
        start, end = text_at(line, f"{var}[{len(v)}]")
        raise _python_fail(
            parsed,
            "IndexError: list index out of range",
            (start, end),
            anchor=(start + len(var), end),
        )
    outputs: dict[str, Callable[[], str]] = {
        "sum": lambda: str(sum(v)),
        "max": lambda: str(max(v)),
        "min": lambda: str(min(v)),
        "spread": lambda: str(max(v) - min(v)),
        "evens": lambda: str(sum(1 for x in v if x % 2 == 0)),
        "sorted": lambda: ",".join(str(x) for x in sorted(v)),
        "squares": lambda: str(sum(x * x for x in v)),
        "mean": lambda: f"{sum(v) / len(v):.2f}",
        "pct_left": lambda: f"{v[0] * (100 - v[1]) / 100:.2f}",
    }
    return outputs[op]()


def _js_values(parsed: Parsed, args: dict[str, Any]) -> list[float]:
    if parsed.source == "literal":
        return [float(x) for x in parsed.values]
    raw = (
        list(args.get("args") or ())
        if parsed.source == "args"
        else args.get("stdin", "").split(",")
    )
    return [js_number.number(str(text)) for text in raw]


def _js_int_op(op: str, v: list[float]) -> str:
    """Double arithmetic, left to right as ``reduce`` does it."""
    if op == "sorted" and any(math.isnan(x) for x in v):
        raise Unsupported("sorting NaN depends on the engine")
    total = 0.0
    for x in v:
        total += x
    outputs: dict[str, Callable[[], str]] = {
        "sum": lambda: js_number.logged(total),
        "max": lambda: js_number.logged(js_number.maximum(v)),
        "min": lambda: js_number.logged(js_number.minimum(v)),
        "spread": lambda: js_number.logged(js_number.maximum(v) - js_number.minimum(v)),
        "evens": lambda: str(sum(1 for x in v if js_number.is_even(x))),
        "sorted": lambda: ",".join(js_number.to_string(x) for x in sorted(v)),
        "squares": lambda: js_number.logged(_squares(v)),
        "mean": lambda: js_number.to_fixed(total / len(v) if v else math.nan),
        "pct_left": lambda: js_number.to_fixed(
            v[0] * (100 - v[1]) / 100 if len(v) > 1 else math.nan
        ),
    }
    return outputs[op]()


def _squares(v: list[float]) -> float:
    total = 0.0
    for x in v:
        total += x * x
    return total


def _word_op(op: str, word: str) -> str:
    if op == "reverse":
        return word[::-1]
    if op == "upper":
        return word.upper()
    if op == "vowels":
        return str(sum(1 for c in word if c in "aeiou"))
    return str(len(word))


def _undefined(parsed: Parsed) -> str | None:
    return next((name for name in parsed.used if name != parsed.defined), None)


def _name_error(parsed: Parsed, missing: str) -> ProgramError:
    span = tracebacks.name_at(parsed.op_line, missing)
    if parsed.language == "javascript":
        message = f"ReferenceError: {missing} is not defined"
        return ProgramError(
            message, tracebacks.node(parsed.op_line_no, parsed.op_line, span[0], message)
        )
    own = ("sys", parsed.defined) if parsed.source in ("args", "stdin") else (parsed.defined,)
    hint = suggestion(missing, own)
    message = f"NameError: name '{missing}' is not defined" + (
        f". Did you mean: '{hint}'?" if hint else ""
    )
    return _python_fail(parsed, message, span)


def run(parsed: Parsed, args: dict[str, Any]) -> str:
    """The program's stdout; ProgramError with the exception and stderr when it raises."""
    # The data lines run first: bad input fails there before a misspelt name can.
    if parsed.source == "word":
        values: list[Any] = []
    elif parsed.language == "python":
        values = _python_values(parsed, args)
    else:
        values = _js_values(parsed, args)
    missing = _undefined(parsed)
    if missing is not None:
        raise _name_error(parsed, missing)
    if parsed.source == "word":
        return _word_op(parsed.op, parsed.word)
    if parsed.language == "python":
        return _python_int_op(parsed, values)
    return _js_int_op(parsed.op, values)


def elapsed_ms(language: str, code: str) -> int:
    return BASE_MS.get(language, 40) + len(code) // 40


def execute(args: dict[str, Any]) -> dict[str, Any]:
    language, code = args["language"], args["code"]
    # Only a recognised program has a known running time; anything else is refused.
    try:
        parsed = parse(language, code)
    except Unsupported as exc:
        return {"ok": False, "exit_code": 2, "error": f"Unsupported: {exc}"}
    ms = elapsed_ms(language, code)
    limit_s = min(
        args.get("timeout_s", math.inf), (args.get("limits") or {}).get("cpu_s", math.inf)
    )
    if ms > limit_s * 1000:
        return {
            "ok": False,
            "exit_code": 124,
            "stdout": "",
            "elapsed_ms": int(limit_s * 1000),
            "error": f"TimeoutError: the program ran past its {limit_s:g} s limit",
        }
    try:
        stdout = run(parsed, args)
    except Unsupported as exc:
        return {"ok": False, "exit_code": 2, "error": f"Unsupported: {exc}"}
    except ProgramError as exc:
        return {
            "ok": False,
            "exit_code": 1,
            "stdout": "",
            "stderr": exc.stderr,
            "error": str(exc),
            "elapsed_ms": ms,
        }
    return {"ok": True, "exit_code": 0, "stdout": stdout, "stderr": "", "elapsed_ms": ms}
