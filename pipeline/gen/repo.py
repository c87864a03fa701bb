"""A small repository for one item: a module directory, a subfolder, a sibling module.

Files get contents that follow their type (`contents.make_body`), dates in
the year before the world's today, and now and then a hidden file or a
symbolic link, so listing, reading and searching have something to honour.
`Repo` keeps each body's facts (config values, names) for the request
writer; answers are composed from what the tools return, never from here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pipeline.gen import pools
from pipeline.gen.contents import Body, make_body
from pipeline.gen.pools import RepoFile
from pipeline.world.model import File

KINDS = ("config", "code", "doc", "table", "log")


@dataclass
class Repo:
    main: str  # the module directory most requests are about
    sibling: str  # another module, for searches over several paths
    files: dict[str, File] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)

    def of_kind(self, kind: str, directory: str | None = None) -> list[Body]:
        return [
            b
            for p, b in sorted(self.bodies.items())
            if b.file.kind == kind and (directory is None or p.rsplit("/", 1)[0] == directory)
        ]

    def in_dir(self, directory: str) -> list[str]:
        return sorted(p for p in self.files if p.rsplit("/", 1)[0] == directory)


def _date(rng: random.Random, today: str) -> str:
    return pools.days_before(today, rng.randint(1, 365))


def _add(
    rng: random.Random, repo: Repo, f: RepoFile, today: str, taken: set[str], min_ints: int = 0
) -> Body:
    """Add a file drawn by `_fresh`; `taken` keeps the stems (paths without extension) in use."""
    modified = _date(rng, today)
    body = make_body(rng, f, min_ints, modified)
    repo.bodies[f.path] = body
    repo.files[f.path] = File(f.path, modified, content=body.text)
    taken.add(f.path.rsplit(".", 1)[0])
    return body


def _fresh(rng: random.Random, directory: str, kinds: tuple[str, ...], taken: set[str]) -> RepoFile:
    """A file path in `directory` whose stem is not in `taken` (the repository's so far)."""
    while True:
        f = pools.repo_file(rng, kinds, directory)
        if f.path.rsplit(".", 1)[0] not in taken:
            return f


def draw_repo(
    rng: random.Random,
    today: str,
    *,
    need: tuple[str, ...] = (),
    min_ints: int = 0,
    hidden: bool | None = None,
    link: bool | None = None,
) -> Repo:
    """A repository whose main directory holds one file of each kind in `need`
    (configs with at least `min_ints` integer settings), then a few more."""
    main = pools.repo_dir(rng)
    sibling = main
    while sibling == main:
        sibling = pools.repo_dir(rng)
    repo = Repo(main, sibling)
    taken: set[str] = set()
    for kind in need:
        f = _fresh(rng, main, (kind,), taken)
        _add(rng, repo, f, today, taken, min_ints if kind == "config" else 0)
    for _ in range(rng.randint(2, 4)):
        _add(rng, repo, _fresh(rng, main, KINDS, taken), today, taken)
    sub = f"{main}/{rng.choice(pools.SUBDIRS)}"
    for _ in range(rng.randint(1, 2)):
        _add(rng, repo, _fresh(rng, sub, KINDS, taken), today, taken)
    for _ in range(rng.randint(1, 3)):
        _add(rng, repo, _fresh(rng, sibling, KINDS, taken), today, taken)
    if hidden if hidden is not None else rng.random() < 0.4:
        name = rng.choice((".env.example", ".local.yaml", ".tool-versions", ".editorconfig"))
        path = f"{main}/{name}"
        content = pools.hidden_content(rng, name)
        repo.files[path] = File(path, _date(rng, today), content=content)
    configs = repo.of_kind("config", main)
    if configs and (link if link is not None else rng.random() < 0.25):
        target = rng.choice(configs).file.path
        path = f"{main}/current.{target.rsplit('.', 1)[1]}"
        if path not in repo.files:
            repo.files[path] = File(path, _date(rng, today), link=target)
    return repo


def near_miss(rng: random.Random, path: str, taken: set[str]) -> str:
    """A path the user might mistype for `path`, that does not exist: the other
    YAML extension, or a dropped, doubled or swapped letter. Never a name that
    could be another file on purpose (`_old`, `_v2`): reading the real file for
    one of those would be a guess, not a correction."""
    directory, name = path.rsplit("/", 1)
    stem, ext = name.rsplit(".", 1)
    options = []
    if ext in ("yaml", "yml"):
        options.append(f"{stem}.{'yml' if ext == 'yaml' else 'yaml'}")
    # A one-letter stem has only its first letter to double (and none to drop).
    i = min(rng.randint(1, max(1, len(stem) - 2)), len(stem) - 1)
    if len(stem) > 1:
        options.append(f"{stem[:i]}{stem[i + 1 :]}.{ext}")
    options.append(f"{stem[:i]}{stem[i]}{stem[i:]}.{ext}")
    if i + 1 < len(stem) and stem[i] != stem[i + 1]:
        options.append(f"{stem[:i]}{stem[i + 1]}{stem[i]}{stem[i + 2 :]}.{ext}")
    rng.shuffle(options)
    for option in options:
        candidate = f"{directory}/{option}"
        if candidate not in taken and option != name:
            return candidate
    return f"{directory}/{stem}{stem[-1]}.{ext}"
