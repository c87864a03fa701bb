"""The project's template environment looks attributes up exactly as Jinja's own."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pytest
from jinja2 import Environment, Undefined

from pipeline.student import chat_template, compile_template


class _Obj:
    role = "attribute"


@pytest.mark.parametrize(
    ("obj", "name"),
    [
        ({"role": "user"}, "role"),
        ({"items": "a key"}, "items"),  # a dict method wins over a key, as in Jinja
        ({"get": 1}, "get"),
        ({}, "function"),
        (OrderedDict(role="x"), "role"),
        (_Obj(), "role"),
        ([1, 2], "append"),
    ],
)
def test_getattr_matches_jinja(obj: Any, name: str) -> None:
    ours = compile_template(chat_template()).environment.getattr(obj, name)
    theirs = Environment().getattr(obj, name)
    if isinstance(theirs, Undefined):
        assert isinstance(ours, Undefined)
    else:
        assert ours == theirs
