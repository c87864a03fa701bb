"""What a recipe works with: the item's RNG, its language and structure, and its probe flag.

Numbers and dates in answers are written the plain way (`1234`, `2024-12-31`)
except in locale probes, where they are written the locale's way
(`1.234`, `1 234`, `31.12.2024`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipeline.gen.episode import Adjust, Episode
from pipeline.gen.lang import count, grammar, locale_date, locale_number
from pipeline.gen.phrases import phrase
from pipeline.world import World


@dataclass
class Ctx:
    rng: random.Random
    lang: str
    structure: str
    probe: bool = False
    today: str = "2025-06-30"  # the world's today (dates in the world are before it)
    adjust: Adjust | None = None  # an adversarial item's correction of the first call

    def episode(self, world: World) -> Episode:
        return Episode(world, adjust=self.adjust)

    def num(self, value: int | float) -> str:
        """A figure in prose as the language writes it ("21 613", "27.674", "65,52")."""
        return str(value) if self.lang == "en" else locale_number(value, self.lang)

    def date(self, iso: str) -> str:
        """A date in prose: ISO in English unless probing, the language's own form otherwise."""
        return locale_date(iso, self.lang) if self.probe or self.lang != "en" else iso

    def count(self, n: int, name: str, dative: bool = False) -> str:
        return count(n, name, self.lang, self.num(n), dative)

    def say(self, key: str, /, **values: object) -> str:
        return grammar(phrase(self.rng, key, self.lang, **values), self.lang)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p
