"""R18 readers: what the fresh sample of dataset 2.2.0 showed.

- A document's name on a program or a table: "platform/gateway/README.py" (note).
"""

from __future__ import annotations

import random

from pipeline.gen.pools import DOC_ONLY_STEMS, KINDS, repo_file


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
