"""code_exec recipes: run the user's snippet, compare two snippets, report a snippet's bug.

Programs come from the runner's own family (`world.code_run`), so their
output is known by construction and nothing is executed. A snippet with a
misspelt name fails as the interpreter would; the answer says so, names the
fix and gives the fixed program's output.
"""

from __future__ import annotations

from pipeline.gen import pools, relations
from pipeline.gen.args import code_args, source_for
from pipeline.gen.context import Ctx
from pipeline.gen.recipes.base import Outcome, intent, say_detail
from pipeline.gen.requests import request
from pipeline.world.code_run import WORD_OPS, Program
from pipeline.world.model import World

LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript"}
INT_OPS = ("sum", "max", "min", "spread", "evens", "sorted", "squares", "mean")
# Operations whose output is one number, so two outputs have a relation.
NUMERIC_OPS = ("sum", "max", "min", "spread", "evens", "squares", "mean")
TYPOS = {"values": "valuse", "word": "wrod"}


def values(ctx: Ctx, op: str) -> tuple[int, ...]:
    count = ctx.rng.choice((2, 4)) if op == "mean" else ctx.rng.randint(3, 7)
    return tuple(ctx.rng.randint(1, 999) for _ in range(count))


def program(ctx: Ctx, language: str, ops: tuple[str, ...] = INT_OPS, words: bool = True) -> Program:
    """A program whose data comes the way the structure says (literal, args or stdin)."""
    source = source_for(ctx.structure)
    if words and source == "literal" and ctx.chance(0.3):
        word = f"{ctx.rng.choice(pools.FUNC_VERBS)}_{ctx.rng.choice(pools.FUNC_NOUNS)}"
        return Program(language, "word", ctx.rng.choice(WORD_OPS), word=word, var="word")
    op = ctx.rng.choice(ops)
    return Program(language, source, op, values(ctx, op))


def block(language: str, code: str) -> str:
    return f"```{language}\n{code}\n```"


def probe_timeout(ctx: Ctx) -> float | None:
    """Locale probes give the timeout with a decimal comma ("2,5 s")."""
    return ctx.rng.choice((2.5, 7.5, 12.5, 30.5)) if ctx.probe else None


def single(ctx: Ctx) -> Outcome:
    language = ctx.rng.choice(("python", "python", "javascript"))
    prog = program(ctx, language)
    ep = ctx.episode(World(ctx.today))
    result = ep.call("code.run", code_args(ctx, prog, timeout=probe_timeout(ctx)))
    text = request(
        ctx.rng,
        "code.run",
        ctx.lang,
        language=LANGUAGE_NAMES[language],
        d=say_detail(ctx, "code.run", ep.calls[0].asked),
        block=block(language, prog.code),
    )
    return Outcome(text, ep, [ctx.say("code.prints", out=result["stdout"])], intent("compute"))


def multi(ctx: Ctx) -> Outcome:
    """Two snippets with the same data options; their outputs compared."""
    language = ctx.rng.choice(("python", "javascript"))
    first = program(ctx, language, NUMERIC_OPS, words=False)
    op = ctx.rng.choice([o for o in NUMERIC_OPS if o not in (first.op, "mean")])
    data = first.values if first.source != "literal" else values(ctx, op)
    second = Program(language, first.source, op, data)
    options = code_args(ctx, first, timeout=probe_timeout(ctx))
    ep = ctx.episode(World(ctx.today))
    outs = [ep.call("code.run", {**options, "code": p.code})["stdout"] for p in (first, second)]
    shown = {k: v for k, v in options.items() if k != "code"}
    text = request(
        ctx.rng,
        "code.compare",
        ctx.lang,
        language=LANGUAGE_NAMES[language],
        d=say_detail(ctx, "code.run", shown, many=True),
        block=block(language, first.code),
        block2=block(language, second.code),
    )
    sentence = ctx.say(
        "code.compare", a=outs[0], b=outs[1], relation=relations.relation(ctx, outs[0], outs[1])
    )
    return Outcome(text, ep, [sentence], intent("compare", "compare", "compute"))


def misspelt(prog: Program) -> tuple[str, str, str]:
    """(broken code, the misspelling, the name): the operation line's first use misspelt."""
    typo = TYPOS[prog.var]
    head, _, last = prog.code.rpartition("\n")
    return f"{head}\n{last.replace(prog.var, typo, 1)}", typo, prog.var


def recover(ctx: Ctx) -> Outcome:
    language = ctx.rng.choice(("python", "python", "javascript"))
    prog = program(ctx, language)
    args = code_args(ctx, prog, timeout=probe_timeout(ctx))
    broken, bad, good = misspelt(prog)
    ep = ctx.episode(World(ctx.today))
    failed = ep.call("code.run", {**args, "code": broken}, cause="user")
    fixed = ep.call("code.run", args)
    error = failed["error"].split(". Did you mean")[0]
    sentence = ctx.say("code.typo", error=error, bad=bad, good=good, out=fixed["stdout"])
    text = request(
        ctx.rng,
        "code.run",
        ctx.lang,
        language=LANGUAGE_NAMES[language],
        d=say_detail(ctx, "code.run", args),
        block=block(language, broken),
    )
    return Outcome(text, ep, [sentence], intent("compute"))
