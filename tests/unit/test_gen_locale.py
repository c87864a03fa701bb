"""Locale probes must show the locale's number and date formats, whatever the tool."""

from __future__ import annotations

import dataclasses

from pipeline.gates import checks
from pipeline.gen.item import generate_item
from pipeline.gen.plan import slot
from pipeline.params import Params


def test_every_locale_probe_is_formatted_the_locales_way() -> None:
    params = Params()
    params = dataclasses.replace(
        params, generate=dataclasses.replace(params.generate, total=10_000)
    )
    probes = [i for i in range(10_000) if slot(params.generate, params.seed, i).locale_probe]
    assert len(probes) >= params.generate.locale_probes_min
    tools = set()
    for index in probes:
        item = generate_item(params, index, None)
        meta = item["metadata"]
        tools.update(call["name"] for call in meta["call_sequence"])
        assert checks.locale_probe_ok(meta["lang"], [item["prompt"], item["teacher_text"]]), (
            index,
            item["teacher_text"][-300:],
        )
    # fs.search answers often carry only small counts: it must still be probed.
    assert "fs.search" in tools
