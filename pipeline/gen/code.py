"""code.run: short Python/JavaScript programs whose output is known by construction.

Programs are assembled from a data part (a literal, argv or stdin) and an
operation, and the output is computed here in Python from the same values.
Nothing is ever executed. Outputs are integers or plain strings (a mean only
over 2 or 4 integers, which is exact in binary and prints the same in both
languages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.gen import pools
from pipeline.gen.context import Ctx, Step

LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript"}
_JS_SUM = "values.reduce((a, b) => a + b, 0)"
# op -> (python line, javascript line, output from the values)
INT_OPS: dict[str, tuple[str, str, Callable[[list[int]], str]]] = {
    "sum": ("print(sum(values))", f"console.log({_JS_SUM});", lambda v: str(sum(v))),
    "max": ("print(max(values))", "console.log(Math.max(...values));", lambda v: str(max(v))),
    "min": ("print(min(values))", "console.log(Math.min(...values));", lambda v: str(min(v))),
    "spread": (
        "print(max(values) - min(values))",
        "console.log(Math.max(...values) - Math.min(...values));",
        lambda v: str(max(v) - min(v)),
    ),
    "evens": (
        "print(sum(1 for v in values if v % 2 == 0))",
        "console.log(values.filter((v) => v % 2 === 0).length);",
        lambda v: str(sum(1 for x in v if x % 2 == 0)),
    ),
    "sorted": (
        'print(",".join(str(v) for v in sorted(values)))',
        'console.log([...values].sort((a, b) => a - b).join(","));',
        lambda v: ",".join(str(x) for x in sorted(v)),
    ),
    "squares": (
        "print(sum(v * v for v in values))",
        "console.log(values.reduce((a, v) => a + v * v, 0));",
        lambda v: str(sum(x * x for x in v)),
    ),
    "mean": (
        'print(f"{sum(values) / len(values):.2f}")',
        f"console.log(({_JS_SUM} / values.length).toFixed(2));",
        lambda v: f"{sum(v) / len(v):.2f}",
    ),
    "pct_reduce": (
        "print(values[0] * (100 - values[1]) // 100)",
        "console.log(Math.floor((values[0] * (100 - values[1])) / 100));",
        lambda v: str(v[0] * (100 - v[1]) // 100),
    ),
}
STRING_OPS: dict[str, tuple[str, str, Callable[[str], str]]] = {
    "reverse": ("print(word[::-1])", 'console.log(word.split("").reverse().join(""));',
                lambda w: w[::-1]),
    "upper": ("print(word.upper())", "console.log(word.toUpperCase());", str.upper),
    "vowels": ('print(sum(1 for c in word if c in "aeiou"))',
               'console.log([...word].filter((c) => "aeiou".includes(c)).length);',
               lambda w: str(sum(1 for c in w if c in "aeiou"))),
    "length": ("print(len(word))", "console.log(word.length);", lambda w: str(len(w))),
}  # fmt: skip
DATA = {
    ("python", "literal"): "values = {values}",
    ("python", "argv"): "import sys\nvalues = [int(a) for a in sys.argv[1:]]",
    ("python", "stdin"): 'import sys\nvalues = [int(x) for x in sys.stdin.read().split(",")]',
    ("javascript", "literal"): "const values = {values};",
    ("javascript", "argv"): "const values = process.argv.slice(2).map(Number);",
    ("javascript", "stdin"): (
        "const values = require('fs').readFileSync(0, 'utf8').split(\",\").map(Number);"
    ),
}
GENERAL_OPS = ("sum", "max", "min", "spread", "evens", "sorted", "squares", "mean")


@dataclass
class Program:
    language: str
    code: str
    output: str
    op: str
    typo: tuple[str, str]  # (name, misspelling) that a failing first attempt uses
    values: list[int] | None = None  # the integer data, delivered per structure

    @property
    def label(self) -> str:
        return LANGUAGE_NAMES[self.language]


def block(args: dict[str, Any]) -> str:
    """The snippet as the user shows it (a failing attempt shows the broken code)."""
    return f"```{args['language']}\n{args['code']}\n```"


def delivery(structure: str) -> str:
    return {"arrays": "argv", "optional_keys": "stdin"}.get(structure, "literal")


def int_program(language: str, values: list[int], op: str, how: str) -> Program:
    py, js, compute = INT_OPS[op]
    data = DATA[(language, how)].format(values=repr(values))
    code = f"{data}\n{py if language == 'python' else js}"
    return Program(language, code, compute(values), op, ("values", "valuse"), list(values))


def string_program(language: str, word: str, op: str) -> Program:
    py, js, compute = STRING_OPS[op]
    code = f'word = "{word}"\n{py}' if language == "python" else f'const word = "{word}";\n{js}'
    return Program(language, code, compute(word), op, ("word", "wrod"))


def random_values(ctx: Ctx, op: str) -> list[int]:
    count = ctx.rng.choice((2, 4)) if op == "mean" else ctx.rng.randint(3, 7)
    return [ctx.rng.randint(1, 999) for _ in range(count)]


def random_program(ctx: Ctx, language: str | None = None) -> Program:
    """A program for a code_exec request: integer data or, for literal data, a word."""
    rng = ctx.rng
    language = language or rng.choice(("python", "python", "javascript"))
    how = delivery(ctx.structure)
    if how == "literal" and rng.random() < 0.3:
        word = f"{rng.choice(pools.FUNC_VERBS)}_{rng.choice(pools.FUNC_NOUNS)}"
        return string_program(language, word, rng.choice(tuple(STRING_OPS)))
    op = rng.choice(GENERAL_OPS)
    return int_program(language, random_values(ctx, op), op, how)


def data_args(values: list[int] | None, how: str) -> dict[str, Any]:
    if how == "argv" and values is not None:
        return {"args": [str(v) for v in values]}
    if how == "stdin" and values is not None:
        # Commas, not spaces: a run of digit groups would read like a card number.
        return {"stdin": ",".join(str(v) for v in values)}
    return {}


def run_step(ctx: Ctx, program: Program) -> Step:
    rng = ctx.rng
    args: dict[str, Any] = {"language": program.language, "code": program.code}
    args.update(data_args(program.values, delivery(ctx.structure)))
    if ctx.structure == "nested_args":
        args["limits"] = {
            "memory_mb": rng.choice((128, 256, 512, 1024)),
            "cpu_s": rng.randint(1, 30),
        }
    elif ctx.structure == "numeric_ranges":
        args["timeout_s"] = rng.randint(2, 120)
    result: dict[str, Any] = {
        "ok": True, "exit_code": 0, "stdout": program.output, "results": [program.output]
    }  # fmt: skip
    sentences = [ctx.say("ans.code", out=program.output)]
    if ctx.probe:
        finished = pools.iso_date(rng)
        elapsed = round(rng.randint(100_000, 999_999) / 100, 2)
        result.update(finished=finished, elapsed_ms=elapsed)
        sentences.append(
            ctx.say("ans.probe.code", finished=ctx.date(finished), ms=ctx.num(elapsed))
        )
    return Step(
        "code.run",
        args,
        result,
        sentences=sentences,
        value=ctx.say("unit.output", n=program.output),
    )


def fail_run(ctx: Ctx, step: Step, program: Program) -> Step:
    """The same program with a misspelt name in its last line, and the runtime's error."""
    assert isinstance(step.arguments, dict)
    name, typo = program.typo
    head, _, last = program.code.rpartition("\n")
    broken = f"{head}\n{last.replace(name, typo, 1)}"
    args = dict(step.arguments, code=broken)
    if program.language == "python":
        error = f"NameError: name '{typo}' is not defined"
    else:
        error = f"ReferenceError: {typo} is not defined"
    return Step("code.run", args, {"ok": False, "error": error, "exit_code": 1}, ok=False)
