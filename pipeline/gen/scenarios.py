"""Call chains per scenario and complexity, and the request that asks for them.

A chain's later calls take their inputs from earlier results (the first file
listed, the top search result, the numbers read from a config), so every
call answers the request and the one before it. branching_error_recovery
puts a failing attempt in front of the first call; the request then shows what
the user gave (the misspelt path, the buggy snippet) and the error names the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.gen import code, files, prompts, web
from pipeline.gen.contents import Body, make_body
from pipeline.gen.context import Ctx, Step
from pipeline.gen.pools import repo_file

BER = "branching_error_recovery"
FAILS: dict[str, Callable[[Ctx, Step], Step]] = {
    "fs.read": files.fail_read,
    "fs.list": files.fail_list,
    "fs.search": files.fail_search,
    "web.search": web.fail_search,
    "web.open": web.fail_open,
}


@dataclass
class Chain:
    request: str
    steps: list[Step]
    attempts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sentences(self) -> list[str]:
        return [s for step in self.steps if step.ok for s in step.sentences]


def _args(step: Step) -> dict[str, Any]:
    assert isinstance(step.arguments, dict)
    return step.arguments


def _recover(ctx: Ctx, steps: list[Step], ber: bool, program: code.Program | None) -> list[Step]:
    """Prefix a failing attempt of the first call when the item recovers from an error."""
    if not ber:
        return steps
    first = steps[0]
    if first.name == "code.run":
        assert program is not None
        failed = code.fail_run(ctx, first, program)
    else:
        failed = FAILS[first.name](ctx, first)
    return [failed, *steps]


def _values_read(body: Body, step: Step) -> list[int]:
    """The integers a reader of `step` saw: the requested keys, else the whole file."""
    numbers = body.ints_by_key()
    keys = _args(step).get("keys") or list(numbers)
    return [numbers[k] for k in keys if k in numbers]


def _file_single(ctx: Ctx, ber: bool) -> tuple[str, list[Step], code.Program | None]:
    roll = ctx.rng.random()
    if roll < 0.5:
        step = files.read_step(ctx, files.pick_file(ctx))
    elif roll < 0.75:
        step, _ = files.list_step(ctx)
    else:
        step, _ = files.search_step(ctx)
    steps = _recover(ctx, [step], ber, None)
    return prompts.task(ctx.rng, step.name, _args(steps[0]), ctx.lang), steps, None


def _file_multi(ctx: Ctx, ber: bool) -> tuple[str, list[Step], code.Program | None]:
    rng, lang = ctx.rng, ctx.lang
    roll = rng.random()
    if roll < 0.4:
        first, found = files.list_step(ctx)
        second = files.read_step(ctx, found.body)
        follow = prompts.follow(rng, "read_first", "fs.read", _args(second), lang)
    elif roll < 0.7:
        first, found = files.search_step(ctx)
        second = files.read_step(ctx, found.body)
        follow = prompts.follow(rng, "read_match", "fs.read", _args(second), lang)
    else:
        first = files.read_step(ctx, files.pick_file(ctx))
        second = files.read_step(ctx, files.pick_file(ctx))
        follow = prompts.follow(rng, "read_also", "fs.read", _args(second), lang)
    steps = _recover(ctx, [first, second], ber, None)
    return prompts.lead(rng, first.name, _args(steps[0]), lang) + follow + ".", steps, None


def _web_single(ctx: Ctx, ber: bool) -> tuple[str, list[Step], code.Program | None]:
    step = web.search_step(ctx)[0] if ctx.rng.random() < 0.7 else web.open_step(ctx)[0]
    steps = _recover(ctx, [step], ber, None)
    return prompts.task(ctx.rng, step.name, _args(steps[0]), ctx.lang), steps, None


def _web_multi(ctx: Ctx, ber: bool) -> tuple[str, list[Step], code.Program | None]:
    rng, lang = ctx.rng, ctx.lang
    first, topic = web.search_step(ctx)
    if rng.random() < 0.6:
        second, _ = web.open_step(ctx, topic)
        follow = prompts.follow(rng, "open_top", "web.open", _args(second), lang)
    else:
        second, _ = web.search_step(ctx)
        follow = prompts.follow(rng, "search_also", "web.search", _args(second), lang)
    steps = _recover(ctx, [first, second], ber, None)
    return prompts.lead(rng, "web.search", _args(steps[0]), lang) + follow + ".", steps, None


def _code_single(ctx: Ctx, ber: bool) -> tuple[str, list[Step], code.Program | None]:
    program = code.random_program(ctx)
    steps = _recover(ctx, [code.run_step(ctx, program)], ber, program)
    args = _args(steps[0])
    request = prompts.task(
        ctx.rng, "code.run", args, ctx.lang, language=program.label, block=code.block(args)
    )
    return request, steps, program


def _code_multi(ctx: Ctx, ber: bool) -> tuple[str, list[Step], code.Program | None]:
    rng = ctx.rng
    first_program = code.random_program(ctx)
    first = code.run_step(ctx, first_program)
    language, values = first_program.language, first_program.values
    if values is not None:
        op = rng.choice([o for o in code.GENERAL_OPS if o not in (first_program.op, "mean")])
        second_program = code.int_program(language, values, op, code.delivery(ctx.structure))
    else:
        second_program = code.random_program(ctx, language)
    second = code.run_step(ctx, second_program)
    # Both snippets run with the same options, so the request states them once.
    second.arguments = {**_args(first), "code": second_program.code}
    steps = _recover(ctx, [first, second], ber, first_program)
    request = prompts.code_pair(
        rng, _args(steps[0]), ctx.lang, language=first_program.label,
        block=code.block(_args(steps[0])), block2=code.block(_args(second)),
    )  # fmt: skip
    return request, steps, first_program


def _multi_step(ctx: Ctx, ber: bool) -> tuple[str, list[Step], code.Program | None]:
    rng, lang = ctx.rng, ctx.lang
    language = rng.choice(("python", "javascript"))
    how = code.delivery(ctx.structure)
    roll = rng.random()
    if roll < 0.55:
        first, found = files.search_step(ctx, 2) if roll < 0.3 else files.list_step(ctx, 2)
        read = files.read_step(ctx, found.body, whole=True)
        op = rng.choice(("sum", "max"))
        program = code.int_program(language, _values_read(found.body, read), op, how)
        run = code.run_step(ctx, program)
        key = "read_match" if first.name == "fs.search" else "read_first"
        tail = prompts.follow(rng, key, "fs.read", _args(read), lang) + prompts.follow(
            rng, f"code.{op}", "code.run", _args(run), lang, language=program.label
        )
        chain = [first, read, run]
    elif roll < 0.8:
        first, topic = web.search_step(ctx)
        opened, _ = web.open_step(ctx, topic)
        base = rng.randint(100, 5000)
        program = code.int_program(language, [base, topic.pct], "pct_reduce", how)
        run = code.run_step(ctx, program)
        tail = prompts.follow(rng, "open_top", "web.open", _args(opened), lang) + prompts.follow(
            rng, "code.pct", "code.run", _args(run), lang, language=program.label, base=base
        )
        chain = [first, opened, run]
    else:
        body = make_body(rng, repo_file(rng, ("table",)))
        first = files.read_step(ctx, body, whole=True)
        keys = _args(first).get("keys") or body.names
        column = keys[0]
        program = code.int_program(language, body.columns[column], "sum", how)
        run = code.run_step(ctx, program)
        tail = prompts.follow(
            rng, "code.col", "code.run", _args(run), lang, language=program.label, column=column
        )
        chain = [first, run]
    steps = _recover(ctx, chain, ber, None)
    return prompts.lead(rng, first.name, _args(steps[0]), lang) + tail + ".", steps, None


BUILDERS = {
    ("file_ops", False): _file_single,
    ("file_ops", True): _file_multi,
    ("web_search", False): _web_single,
    ("web_search", True): _web_multi,
    ("code_exec", False): _code_single,
    ("code_exec", True): _code_multi,
    ("multi_step", False): _multi_step,
    ("multi_step", True): _multi_step,
}


def build_chain(ctx: Ctx, scenario: str, complexity: str) -> tuple[Chain, code.Program | None]:
    """The calls of a normal item; multi_step chains always make several calls."""
    ber = complexity == BER
    request, steps, program = BUILDERS[(scenario, complexity == "multi_call")](ctx, ber)
    chain = Chain(request, steps)
    if ber:
        chain.attempts = [
            {"call_index": 0, "ok": False, "error": steps[0].error},
            {"call_index": 1, "ok": True},
        ]
    return chain, program
