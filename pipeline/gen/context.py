"""What a builder works with: the item's RNG and language, and the calls it makes.

Numbers and dates in answers are written the plain way (`1234`, `2024-12-31`)
except in locale probes, where babel writes them the locale's way
(`1.234,56`, `1 234,56`, `31.12.2024`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date

from pipeline.gen.phrases import phrase

LOCALES = {"en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR"}
DATE_PATTERNS = {"en": "yyyy-MM-dd", "es": "dd/MM/yyyy", "de": "dd.MM.yyyy", "fr": "dd/MM/yyyy"}


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


@lru_cache(maxsize=8)
def _decimal_pattern(lang: str) -> Any:
    # Parsing the locale's pattern is most of format_decimal's cost; do it once.
    return _locale(lang).decimal_formats[None]


def locale_number(value: int | float, lang: str) -> str:
    """`format_decimal(value, locale)`, with the locale's pattern parsed once."""
    return str(_decimal_pattern(lang).apply(value, _locale(lang)))


def locale_date(iso: str, lang: str) -> str:
    return str(format_date(date.fromisoformat(iso), DATE_PATTERNS[lang], locale=_locale(lang)))


@dataclass
class Step:
    """One tool call as it appears in the teacher text, with what it returned."""

    name: str
    arguments: dict[str, Any] | str  # a string only for a malformed_json attempt
    result: dict[str, Any]
    ok: bool = True
    sentences: list[str] = field(default_factory=list)  # integration sentences it grounds
    value: str = ""  # the headline value, for adversarial answers ("14 lines")

    @property
    def error(self) -> str | None:
        error = self.result.get("error")
        return error if isinstance(error, str) else None


@dataclass
class Ctx:
    rng: random.Random
    lang: str
    structure: str
    probe: bool = False

    def num(self, value: int | float) -> str:
        if self.probe and self.lang != "en":
            return locale_number(value, self.lang)
        return str(value)

    def date(self, iso: str) -> str:
        return locale_date(iso, self.lang) if self.probe else iso

    def say(self, key: str, /, **values: object) -> str:
        return phrase(self.rng, key, self.lang, **values)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p
