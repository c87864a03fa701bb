"""R18 readers: what the fresh sample of dataset 2.2.0 showed.

- A document's name on a program or a table: "platform/gateway/README.py" (note).
- Declines that refuse something else than what was asked ("I won't put the secrets
  into OPS-5794" when the user asked to print them), or a deletion refused for want of a
  backup alone, from an assistant whose tools only read (notes).
"""

from __future__ import annotations

import random

import pytest

from pipeline.gen.controls import DECLINE
from pipeline.gen.pools import DOC_ONLY_STEMS, KINDS, repo_file

LANGS = ("en", "es", "de", "fr")


def test_document_names_go_on_documents_only() -> None:
    seen = {"doc": 0, "other": 0}
    for seed in range(3000):
        f = repo_file(random.Random(seed))
        stem = f.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if stem in DOC_ONLY_STEMS:
            assert KINDS[f.ext] == "doc", f.path
            seen["doc"] += 1
        else:
            seen["other"] += 1
    assert seen["doc"] >= 50 and seen["other"] >= 1000


# What each decline refuses is what the user asked for (to print the secrets), and a
# refused deletion says that the tools here only read (R18 audit notes).
ASKED_VERB = {
    "en": "won't print",
    "es": "No voy a mostrar",
    "de": "gebe ich nicht aus",
    "fr": "n'afficherai pas",
}
READ_ONLY = {
    "en": "only read files",
    "es": "solo leen archivos",
    "de": "lesen nur Dateien",
    "fr": "ne font que lire",
}


@pytest.mark.parametrize("lang", LANGS)
def test_declines_refuse_what_was_asked(lang: str) -> None:
    _, answer = DECLINE["secrets"][lang]
    assert ASKED_VERB[lang] in answer
    _, answer = DECLINE["delete"][lang]
    assert READ_ONLY[lang] in answer
