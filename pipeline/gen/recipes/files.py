"""file_ops recipes: read, list, search; list or search then read; compare a setting; recover.

Every recipe draws a repository, decides the calls from the request, runs
them in the world and composes the answer from what came back.
"""

from __future__ import annotations

from pipeline.gen import listing_answers, read_answers, relations
from pipeline.gen.args import list_args, read_args, search_args
from pipeline.gen.context import Ctx
from pipeline.gen.episode import Episode
from pipeline.gen.lang import join_list
from pipeline.gen.reading import read_lines
from pipeline.gen.recipes.base import (
    Outcome,
    closest,
    intent,
    probed,
    read_detail,
    repo_world,
    say_detail,
    transient,
)
from pipeline.gen.repo import Repo, draw_repo, near_miss
from pipeline.gen.requests import request
from pipeline.world.model import Fault, World
from pipeline.world.paths import text_lines


def read_request(ctx: Ctx, path: str, args: dict[str, object]) -> tuple[str, dict[str, object]]:
    if "keys" in args:
        keys = join_list([str(k) for k in args["keys"]], ctx.lang)  # type: ignore[attr-defined]
        rest = {k: v for k, v in args.items() if k != "keys"}
        text = request(
            ctx.rng, "values", ctx.lang, path=path, keys=keys, d=say_detail(ctx, "fs.read", rest)
        )
        return text, intent("values", "read", path=path)
    d = say_detail(ctx, "fs.read", args)
    return request(ctx.rng, "read", ctx.lang, path=path, d=d), intent("read", path=path)


def pick_readable(ctx: Ctx, repo: Repo, world: World) -> str:
    """A file of the main directory; configs when the arguments name keys, a link sometimes."""
    if ctx.structure == "arrays":
        return ctx.rng.choice(repo.of_kind("config", repo.main)).file.path
    links = [p for p in repo.in_dir(repo.main) if world.files[p].link]
    if links and ctx.structure == "optional_keys" and ctx.chance(0.5):
        return links[0]
    plain = [p for p in repo.in_dir(repo.main) if not p.rsplit("/", 1)[1].startswith(".")]
    return ctx.rng.choice([p for p in plain if world.files[p].link is None])


def search_pattern(ctx: Ctx, repo: Repo, world: World, path: str) -> str:
    """A line of `path` worth searching for (a setting, a definition, a heading)."""
    lines = [x.strip().rstrip(",") for x in text_lines(world.files[path].content)]
    good = [x for x in lines if x and x not in ("{", "}") and not x.startswith("[")]
    reading = read_lines(path, lines)
    if reading.kind == "config" and path.endswith(".json"):
        good = [k for k, _ in reading.pairs] or good  # a JSON line quotes its key
    elif reading.kind == "code":
        good = [f"{name}(" for name in reading.names] or good
    elif reading.kind in ("table", "log"):
        good = [
            x.split(",")[0] if reading.kind == "table" else x.split(" ")[2] for x in good[1:]
        ] or good
    return ctx.rng.choice(good)


def _single(ctx: Ctx, repo: Repo, world: World) -> Outcome:
    ep = ctx.episode(world)
    roll = ctx.rng.random()
    # A locale probe shows a date and a size: a read states both.
    if roll < 0.5 or ctx.probe:
        path = pick_readable(ctx, repo, world)
        result = ep.call("fs.read", read_args(ctx, world, path))
        text, why = probed(ctx, *read_request(ctx, path, ep.calls[0].asked), "file")
        return Outcome(text, ep, read_answers.read(ctx, result), why)
    if roll < 0.75:
        result = ep.call("fs.list", list_args(ctx, repo, world, repo.main))
        args, asked = ep.calls[0].arguments, ep.calls[0].asked
        kind = "count" if ctx.chance(0.3) else "list"
        # An order means nothing to a count: a count whose call sorts (the enum of
        # `enums`) asks for the listing too, where the order shows.
        asks = ("count", "list") if kind == "count" and "sort" in asked else (kind,)
        key = "count.list" if len(asks) == 2 else kind
        text = request(ctx.rng, key, ctx.lang, dir=repo.main, d=say_detail(ctx, "fs.list", asked))
        why = intent(kind, *asks, dir=repo.main)
        return Outcome(text, ep, [listing_answers.listing(ctx, result, args)], why)
    path = pick_readable(ctx, repo, world)
    pattern = search_pattern(ctx, repo, world, world.files[path].link or path)
    result = ep.call("fs.search", search_args(ctx, repo, pattern, repo.main))
    args, asked = ep.calls[0].arguments, ep.calls[0].asked
    text = request(
        ctx.rng, "search", ctx.lang, pattern=pattern, d=say_detail(ctx, "fs.search", asked)
    )
    return Outcome(
        text,
        ep,
        listing_answers.search(ctx, result, args),
        intent("search", "list", pattern=pattern),
    )


def single(ctx: Ctx) -> Outcome:
    repo = draw_repo(ctx.rng, ctx.today, need=("config",))
    return _single(ctx, repo, repo_world(repo, ctx.today))


def _list_then_read(ctx: Ctx, repo: Repo, world: World) -> Outcome:
    ep = ctx.episode(world)
    largs = list_args(ctx, repo, world, repo.main)
    listed = ep.call("fs.list", largs)
    first = listed["results"][0]["path"]
    rargs = read_args(ctx, world, first)
    read = ep.call("fs.read", rargs)
    text = request(
        ctx.rng,
        "list.read",
        ctx.lang,
        dir=repo.main,
        d=say_detail(ctx, "fs.list", largs),
        d2=read_detail(ctx, rargs),
    )
    sentences = [listing_answers.listing(ctx, listed, largs), *read_answers.read(ctx, read)]
    text, why = probed(ctx, text, intent("chain", "list", "read", dir=repo.main), "that")
    return Outcome(text, ep, sentences, why)


def _search_then_read(ctx: Ctx, repo: Repo, world: World) -> Outcome:
    ep = ctx.episode(world)
    path = pick_readable(ctx, repo, world)
    pattern = search_pattern(ctx, repo, world, world.files[path].link or path)
    sargs = search_args(ctx, repo, pattern, repo.main)
    found = ep.call("fs.search", sargs)
    first = found["results"][0]["path"]
    rargs = read_args(ctx, world, first)
    read = ep.call("fs.read", rargs)
    text = request(
        ctx.rng,
        "search.read",
        ctx.lang,
        pattern=pattern,
        d=say_detail(ctx, "fs.search", sargs),
        d2=read_detail(ctx, rargs),
    )
    sentences = [*listing_answers.search(ctx, found, sargs), *read_answers.read(ctx, read)]
    text, why = probed(ctx, text, intent("chain", "list", "read", pattern=pattern), "that")
    return Outcome(text, ep, sentences, why)


def _shared_key(repo: Repo) -> tuple[str, str, str] | None:
    """(key, first path, second path) of two configs that set the same key."""
    configs = [b for b in repo.bodies.values() if b.file.kind == "config"]
    for i, a in enumerate(configs):
        for b in configs[i + 1 :]:
            common = [k for k in a.values if k in b.values]
            if common:
                return common[0], a.file.path, b.file.path
    return None


def _value(result: dict[str, object], key: str) -> object:
    values = result.get("values")
    if isinstance(values, dict):
        return values.get(key)
    pairs = dict(read_lines(str(result["path"]), text_lines(str(result["content"]))).pairs)
    return pairs.get(key)


def _compare(ctx: Ctx) -> Outcome:
    """Read the same setting in two configs and state both values and their relation."""
    while True:
        repo = draw_repo(ctx.rng, ctx.today, need=("config", "config"))
        shared = _shared_key(repo)
        if shared is not None:
            break
    key, p1, p2 = shared
    world = repo_world(repo, ctx.today)
    # One set of options for both reads: the user states them once.
    common = read_args(ctx, world, p1, whole=True)
    del common["path"]
    if "keys" in common:
        common["keys"] = [key]
    if "max_lines" in common:
        longest = max(len(text_lines(world.files[p].content)) for p in (p1, p2))
        common["max_lines"] = max(common["max_lines"], longest)
    ep = ctx.episode(world)
    results = [ep.call("fs.read", {"path": path, **common}) for path in (p1, p2)]
    v1, v2 = _value(results[0], key), _value(results[1], key)
    rest = {k: v for k, v in common.items() if k != "keys"}
    text = request(
        ctx.rng,
        "compare.files",
        ctx.lang,
        key=key,
        p1=p1,
        p2=p2,
        d=say_detail(ctx, "fs.read", rest, many=True),
    )
    sentence = ctx.say(
        "compare.files",
        key=key,
        v1=read_answers.plain(v1),
        v2=read_answers.plain(v2),
        p1=p1,
        p2=p2,
        relation=relations.relation(ctx, v1, v2, (p1, p2)),
    )
    sentences = [sentence, *read_answers.file_probe(ctx, results[0])]
    text, why = probed(ctx, text, intent("compare", key=key, paths=[p1, p2]), "named", path=p1)
    return Outcome(text, ep, sentences, why)


def multi(ctx: Ctx) -> Outcome:
    roll = ctx.rng.random()
    # A line range fits one file, not two: nested arguments go to the chains.
    if roll < 0.3 and ctx.structure != "nested_args":
        return _compare(ctx)
    repo = draw_repo(ctx.rng, ctx.today, need=("config",))
    world = repo_world(repo, ctx.today)
    return _list_then_read(ctx, repo, world) if roll < 0.65 else _search_then_read(ctx, repo, world)


def missing_file(
    ctx: Ctx, repo: Repo, world: World, ep: Episode, kind: str | None = None
) -> tuple[str, str, dict[str, object]]:
    """Read a path the user mistyped, list its directory, read the closest file (with
    the user's own options). Returns (the path given, the disclosure, the read's result)."""
    while True:
        if kind is None:
            target = pick_readable(ctx, repo, world)
        else:
            target = ctx.rng.choice(repo.of_kind(kind, repo.main)).file.path
        asked = near_miss(ctx.rng, target, set(world.files))
        directory = asked.rsplit("/", 1)[0]
        if closest(asked, repo.in_dir(directory)) == target:
            break
    args = read_args(ctx, world, target, whole=kind is not None)
    args.pop("keys", None) if kind == "table" else None
    failed = ep.call("fs.read", {**args, "path": asked}, cause="user")
    listed = ep.call("fs.list", {"dir": directory})
    found = closest(asked, [e["path"] for e in listed["results"]])
    read = ep.call("fs.read", {**args, "path": found})
    disclose = ctx.say(
        "err.missing", asked=asked, error=failed["error"], dir=directory, found=found
    )
    return asked, disclose, read


def recover(ctx: Ctx) -> Outcome:
    if ctx.probe or ctx.chance(0.6):
        repo = draw_repo(ctx.rng, ctx.today, need=("config",))
        world = repo_world(repo, ctx.today)
        ep = ctx.episode(world)
        asked, disclose, read = missing_file(ctx, repo, world, ep)
        text, why = probed(ctx, *read_request(ctx, asked, ep.calls[0].arguments), "file")
        return Outcome(text, ep, [disclose, *read_answers.read(ctx, read)], why)
    repo = draw_repo(ctx.rng, ctx.today, need=("config",))
    world = repo_world(repo, ctx.today, (Fault(0, "fs.search", transient(ctx, "fs.search")),))
    ep = ctx.episode(world)
    path = pick_readable(ctx, repo, world)
    pattern = search_pattern(ctx, repo, world, world.files[path].link or path)
    args = search_args(ctx, repo, pattern, repo.main)
    ep.call("fs.search", args, cause="transient")
    result = ep.call("fs.search", args)
    text = request(
        ctx.rng, "search", ctx.lang, pattern=pattern, d=say_detail(ctx, "fs.search", args)
    )
    return Outcome(
        text,
        ep,
        listing_answers.search(ctx, result, args),
        intent("search", "list", pattern=pattern),
    )
