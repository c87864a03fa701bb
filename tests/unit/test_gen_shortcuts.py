"""The generator's shortcuts give what the long way gives (they exist for speed only)."""

from __future__ import annotations

import json
import random

import pytest

from pipeline.gen import pools
from pipeline.gen.contents import _scalar, make_body
from pipeline.gen.item import ItemRandom
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


def test_the_item_rng_draws_exactly_what_random_draws() -> None:
    bounds = [(0, 0), (1, 2), (1, 9), (2, 999), (1025, 65000), (-5, 5), (0, 2**70)]
    for seed in range(300):
        fast, plain = (
            ItemRandom(f"{seed}:generate:{seed}"),
            random.Random(f"{seed}:generate:{seed}"),
        )
        for a, b in bounds * 20:
            assert fast.randint(a, b) == plain.randint(a, b)
        # Interleaved with other draws, the streams stay in step.
        assert fast.random() == plain.random()
        assert fast.choice("abcdefg") == plain.choice("abcdefg")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(("a", "b"), [(3, 2), (1.5, 3), (1, "x"), (True, 3)])
def test_the_item_rngs_randint_fails_or_converts_as_randoms_does(a: object, b: object) -> None:
    try:
        expected: object = random.Random(1).randint(a, b)  # type: ignore[arg-type]
    except Exception as exc:  # whatever random raises, the item rng raises
        with pytest.raises(type(exc)):
            ItemRandom(1).randint(a, b)  # type: ignore[arg-type]
    else:
        assert ItemRandom(1).randint(a, b) == expected  # type: ignore[arg-type]


def test_a_config_value_is_written_in_json_as_json_dumps_writes_it() -> None:
    rng = random.Random(11)
    values = [pools.config_value(rng, kind) for _, kind in pools.CONFIG_KEYS for _ in range(50)]
    for value in [*values, True, False, 0, 65000, 'a "quoted" é']:
        assert _scalar(value, "json") == json.dumps(value)
