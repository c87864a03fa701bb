"""`repo.near_miss`: a mistyped path never exists and never names another file on purpose."""

from __future__ import annotations

import random

import pytest

from pipeline.gen.repo import near_miss


@pytest.mark.parametrize(
    "path", ["svc/config.yaml", "svc/settings.yml", "svc/rates.csv", "a/b/x.py", "a/ab.md"]
)
def test_a_near_miss_is_one_edit_away_and_free(path: str) -> None:
    directory, name = path.rsplit("/", 1)
    stem, ext = name.rsplit(".", 1)
    for seed in range(200):
        taken = {path}
        miss = near_miss(random.Random(seed), path, taken)
        assert miss not in taken and miss.startswith(f"{directory}/")
        miss_stem, miss_ext = miss.rsplit("/", 1)[1].rsplit(".", 1)
        # The other YAML extension, or the stem one letter shorter, longer or swapped.
        assert (miss_stem == stem and {miss_ext, ext} == {"yaml", "yml"}) or (
            miss_ext == ext and abs(len(miss_stem) - len(stem)) <= 1 and miss_stem != stem
        )


def test_a_doubled_letter_is_not_swapped_with_itself() -> None:
    # "abbc": swapping the two b's would give the same name back.
    for seed in range(200):
        assert near_miss(random.Random(seed), "d/abbc.txt", {"d/abbc.txt"}) != "d/abbc.txt"


def test_when_every_edit_is_taken_the_last_letter_is_doubled() -> None:
    path = "d/abc.json"
    rng = random.Random(0)
    taken = {path, "d/ac.json", "d/abbc.json", "d/acb.json", "d/bc.json", "d/aabc.json"}
    taken |= {"d/bac.json"}
    assert near_miss(rng, path, taken) == "d/abcc.json"
