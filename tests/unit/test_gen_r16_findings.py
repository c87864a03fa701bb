"""R16 readers: a maximum over the keys a read was cut to, named as the file's own.

"internal/limits/CHANGELOG.yml holds the integer settings pool_size = 45 and
backoff_ms = 5375; the largest ... is 5375", while the search in the same item had
shown `flush_interval_ms: 6718` in that file (UF, harmful). A read cut to some keys
is answered as the settings asked for."""

from __future__ import annotations

import random

import pytest

from pipeline.gen.context import Ctx
from pipeline.gen.plan import STRUCTURES
from pipeline.gen.recipes import multi

LANGS = ("en", "es", "de", "fr")
TODAY = "2024-07-05"


@pytest.mark.parametrize("lang", LANGS)
def test_settings_of_a_read_cut_to_some_keys_are_the_ones_asked_for(lang: str) -> None:
    asked = multi.SETTINGS_ASKED[lang].split("{x}")[0].rstrip(", ")
    whole = multi.SETTINGS[lang].split("{x}")[0].rstrip()
    cut = plain = 0
    for seed in range(300):
        structure = STRUCTURES[seed % len(STRUCTURES)]
        outcome = multi.config_sum(Ctx(random.Random(seed), lang, structure, today=TODAY))
        read = next(c for c in outcome.episode.calls if c.name == "fs.read")
        answer = " ".join(outcome.sentences)
        if "keys" in read.arguments:
            cut += 1
            assert asked in answer, answer
        else:
            plain += 1
            assert asked not in answer and whole in answer, answer
    assert cut >= 10 and plain >= 10
