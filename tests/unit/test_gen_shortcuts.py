"""The generator's shortcuts give what the long way gives (they exist for speed only)."""

from __future__ import annotations

import random

import pytest

from pipeline.gen import pools
from pipeline.gen.contents import make_body
from pipeline.gen.recipes.multi import _ints
from pipeline.gen.repo import Repo
from pipeline.world.fs_read import parse_structured


@pytest.mark.parametrize("ext", pools.CONFIG_EXTENSIONS)
def test_a_configs_parsed_ints_are_what_the_parser_finds(ext: str) -> None:
    for seed in range(400):
        rng = random.Random(seed)
        f = pools.RepoFile(f"src/auth/config.{ext}", "config", ext)
        body = make_body(rng, f, min_ints=rng.randint(0, 3))
        data = parse_structured(f.path, body.text)
        ints = [v for v in data.values() if isinstance(v, int) and not isinstance(v, bool)]
        assert body.parsed_ints() == len(ints), body.text


def test_no_pool_string_reads_as_another_yaml_type() -> None:
    for kind, choices in pools._CHOICES.items():
        for value in choices:
            assert parse_structured("c.yaml", f"{kind}: {value}\n") == {kind: value}


@pytest.mark.parametrize("ext", pools.CONFIG_EXTENSIONS)
def test_the_integers_of_a_whole_config_read_are_its_bodys(ext: str) -> None:
    for seed in range(400):
        rng = random.Random(seed)
        f = pools.RepoFile(f"src/auth/config.{ext}", "config", ext)
        repo = Repo("src/auth", "src/cache", bodies={f.path: make_body(rng, f)})
        # What fs.read returns for the whole file: its lines, without the last newline.
        read = {"path": f.path, "content": repo.bodies[f.path].text[:-1]}
        parsed = _ints(Repo("src/auth", "src/cache"), read)  # unknown file: parsed
        assert _ints(repo, read) == parsed
