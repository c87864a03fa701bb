"""Privacy scanning, edge cases: masked evidence, card and phone length limits,
URL userinfo versus e-mail, host normalisation (IDNA, `www.`, IPv6 literals),
and which parts of an item are collected for the scan."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates.privacy import (
    item_texts,
    mask,
    normalize_host,
    scan_secrets,
    scan_text,
    scan_urls,
    url_hosts,
)

ALLOW = ("example.com", "example.org", "example.net")


def codes(text: str) -> list[str]:
    return sorted({code for code, _ in scan_text(text, ALLOW)})


@pytest.mark.parametrize(
    ("value", "evidence"),
    [
        ("abcdefgh", "abcd…(8 chars)"),
        ("abcde", "abcd…(5 chars)"),
        ("abcd", "…"),
        ("", "…"),
    ],
)
def test_mask_shows_four_characters_and_the_length_only(value: str, evidence: str) -> None:
    assert mask(value) == evidence


def test_evidence_of_a_finding_is_masked() -> None:
    assert scan_text("write to jane.doe@corp.io today", ALLOW) == [("pii_email", "jane…(16 chars)")]


@pytest.mark.parametrize(
    "text",
    [
        "visa 4222222222222 exp",  # 13 digits, the shortest card
        "card 4111111111111111110 exp",  # 19 digits, the longest card
    ],
)
def test_cards_of_13_and_19_digits_are_found(text: str) -> None:
    assert codes(text) == ["pii_card"]


def test_phone_needs_eight_digits() -> None:
    assert codes("call +49 30 1234 now") == ["pii_phone"]
    assert codes("call +49 30 123 now") == []


def test_email_after_an_unrelated_url_is_still_found() -> None:
    assert codes("see https://example.org and mail bob@evil.com") == ["pii_email"]


@pytest.mark.parametrize(
    "text",
    [
        "http://example.org@evil.com/x",  # the URL opens the text
        "see http://MAX:hunter2@evil.com/ now",  # upper-case userinfo
    ],
)
def test_url_userinfo_is_never_an_email(text: str) -> None:
    found = codes(text)
    assert "pii_email" not in found
    assert "url_not_allowlisted" in found


@pytest.mark.parametrize(
    ("host", "normal"),
    [
        ("WWW.Example.ORG.", "example.org"),
        ("www.example.org", "example.org"),
        ("%65xample.org", "example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("ｅｘａｍｐｌｅ.org", "example.org"),  # full-width letters map to ASCII
        ("[::1]", None),
        ("", None),
    ],
)
def test_normalize_host(host: str, normal: str | None) -> None:
    assert normalize_host(host) == normal


@pytest.mark.parametrize(
    ("url", "allowlist"),
    [
        ("https://bücher.example/x", ("xn--bcher-kva.example",)),
        ("https://xn--bcher-kva.example/x", ("bücher.example",)),
        ("https://ｅｘａｍｐｌｅ.org/x", ALLOW),
        ("https://example.org/x", ("www.example.org",)),
        ("https://example.org/redirect?to=http://evil.com", ALLOW),
    ],
)
def test_hosts_are_compared_in_canonical_form(url: str, allowlist: tuple[str, ...]) -> None:
    assert scan_urls(f"see {url} now", allowlist) == []


def test_an_ipv6_literal_can_never_be_allowlisted() -> None:
    found = scan_urls("see http://[::1]/admin now", ("[::1]",))
    assert [code for code, _ in found] == ["url_not_allowlisted"]


@pytest.mark.parametrize(
    ("url", "hosts"),
    [
        ("https://example.org:8443/x", {"example.org"}),
        ("http://example.org:8080:1/", {"example.org"}),
        ("https://example.org/a?next=https://evil.com/", {"example.org"}),
        ("http://user:pw@evil.com:80/", {"evil.com"}),
    ],
)
def test_url_host_is_the_authority_without_userinfo_and_port(url: str, hosts: set[str]) -> None:
    assert url_hosts(url) == hosts


def _item(messages: list[Any]) -> dict[str, Any]:
    return {"prompt": "p", "teacher_text": "t", "messages": messages}


@pytest.mark.parametrize(
    "arguments",
    [
        {"to": "bob@evil.io"},
        {"mail": {"to": "bob@evil.io"}},
        {"cc": ["x", "bob@evil.io"]},
    ],
)
def test_item_texts_read_nested_call_arguments(arguments: dict[str, Any]) -> None:
    item = _item([{"role": "assistant", "tool_calls": [{"function": {"arguments": arguments}}]}])
    assert "bob@evil.io" in item_texts(item)
    assert "pii_email" in codes(item_texts(item))


def test_item_texts_read_calls_without_a_function_wrapper() -> None:
    item = _item([{"role": "assistant", "tool_calls": [{"arguments": {"to": "bob@evil.io"}}]}])
    assert item_texts(item) == "p\nt\nbob@evil.io"


def test_item_texts_skip_malformed_entries_and_keep_reading() -> None:
    item = _item(
        [
            "not a message",
            {"role": "assistant", "tool_calls": ["junk", {"function": {"arguments": {"q": "x"}}}]},
            {"role": "tool", "content": "bob@evil.io"},
        ]
    )
    assert item_texts(item) == "p\nt\nx\nbob@evil.io"


def test_item_texts_without_new_pieces_are_prompt_and_teacher_text() -> None:
    item = _item([{"role": "user", "content": "p"}])
    assert item_texts(item) == "p\nt"


@pytest.mark.parametrize(
    "text",
    [
        "(see https://example.org)",
        "see https://example.org, then https://example.com; done",
        "is it https://example.net?",
    ],
)
def test_trailing_punctuation_is_not_part_of_the_host(text: str) -> None:
    assert scan_urls(text, ALLOW) == []


def test_url_evidence_is_cut_at_80_characters() -> None:
    url = "https://evil.com/" + "a" * 100
    assert scan_urls(f"see {url} now", ALLOW) == [("url_not_allowlisted", url[:80])]


@pytest.mark.parametrize(
    "text",
    [
        'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        'aws_secret_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        "key id akiaIOSFODNN7EXAMPLE is not one, AKIAIOSFODNN7EXAMPLE is",
    ],
)
def test_aws_keys_are_found_whatever_the_case_of_the_keyword(text: str) -> None:
    assert any(kind == "secret" for kind, _ in scan_secrets(text))


@pytest.mark.parametrize("number", ["415-555.2671", "415.555-2671", "415.555.2671"])
def test_phones_with_either_separator_in_each_place_are_found(number: str) -> None:
    assert [kind for kind, _ in scan_text(f"call {number} now", ())] == ["pii_phone"]
