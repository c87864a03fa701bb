"""Privacy scanning: PII patterns, detect-secrets detectors, URL allowlist."""

from __future__ import annotations

import pytest

from pipeline.gates import privacy
from pipeline.gates.privacy import DETECTORS, scan_secrets, scan_text, scan_urls, url_hosts

ALLOW = ("example.com", "example.org", "example.net")


def codes(text: str) -> list[str]:
    return sorted({code for code, _ in scan_text(text, ALLOW)})


@pytest.mark.parametrize(
    "text",
    [
        "Es kostet 1.234,56 € am 31.12.2024.",
        "Il y a 1 234,56 éléments le 31/12/2024.",
        "The log at 2024-12-31T10:00:00 had 1700000000000 ms and version 1.2.3.",
        "Count: 12345678 lines, 3.14159 ratio, sha 9f86d081884c7d659a2feaa0c55ad015.",
        "See https://example.org/ane/fp16 and https://www.example.com.",
        "def f(x):\n    return x - 1  # 555 items",
        "",
    ],
)
def test_clean_texts_have_no_findings(text: str) -> None:
    assert scan_text(text, ALLOW) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("write to jane.doe@corp.io today", "pii_email"),
        ("request 123e4567-e89b-12d3-a456-426614174000 failed", "pii_uuid"),
        ("call +1 415 555 2671 now", "pii_phone"),
        ("call (415) 555-2671 now", "pii_phone"),
        ("call 415-555-2671 now", "pii_phone"),
        ("ruf +49 30 1234567 an", "pii_phone"),
        ("card 4111 1111 1111 1111 exp", "pii_card"),
        ("card 5500-0000-0000-0004 exp", "pii_card"),
        ("amex 378282246310005", "pii_card"),
    ],
)
def test_pii_is_found(text: str, code: str) -> None:
    assert code in codes(text)


def test_card_needs_luhn_and_a_brand_prefix() -> None:
    assert "pii_card" not in codes("card 4111 1111 1111 1112")  # Luhn fails
    assert "pii_card" not in codes("id 1700000000000000")  # no issuer prefix


def test_short_plus_numbers_are_not_phones() -> None:
    assert "pii_phone" not in codes("delta +12 34 items")


SECRETS = {
    "AWSKeyDetector": "key = AKIAIOSFODNN7EXAMPLE",
    "AzureStorageKeyDetector": "AccountKey=" + "a" * 86 + "==",
    "BasicAuthDetector": "https://user:hunter2pass@example.org/x",
    "GitHubTokenDetector": "token ghp_" + "A1b2C3d4E5" * 3 + "F6g7H8",
    "GitLabTokenDetector": "glpat-" + "x" * 20,
    "JwtTokenDetector": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "MailchimpDetector": "0123456789abcdef0123456789abcdef-us12",
    "NpmDetector": "//registry.npmjs.org/:_authToken=npm_" + "a" * 36,
    "OpenAIDetector": "sk-" + "a" * 20 + "T3BlbkFJ" + "b" * 20,
    "PrivateKeyDetector": "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
    "PypiTokenDetector": "pypi-AgEIcHlwaS5vcmc" + "a" * 70,
    "SendGridDetector": "SG." + "a" * 22 + "." + "b" * 43,
    "SlackDetector": "XOXB-1234-5678-abcdef",
    "SquareOAuthDetector": "sq0csp-" + "a" * 43,
    "StripeDetector": "sk_live_" + "a" * 24,
    "TwilioKeyDetector": "SK" + "0" * 32,
}


def test_every_detector_has_a_sample() -> None:
    assert {type(d).__name__ for d, _, _ in DETECTORS} == set(SECRETS)


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_each_detector_fires_through_its_prefilter(name: str) -> None:
    sample = SECRETS[name]
    detector, groups, caseless = next(d for d in DETECTORS if type(d[0]).__name__ == name)
    assert any(all(lit in sample for lit in group) for group in groups) or any(
        all(lit in sample.lower() for lit in group) for group in caseless
    ), "prefilter skips it"
    assert list(detector.analyze_string(sample)), "detector itself must fire"
    found = scan_secrets(sample)
    assert found and found[0][0] == "secret"
    assert sample not in found[0][1], "evidence is masked"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x",
        "https://www.example.com",
        "https://docs.example.net/a?b=1#c",
        "HTTPS://EXAMPLE.ORG./x",
        "https://example.org:8443/x",
        "https://user@example.org/x",
    ],
)
def test_allowlisted_urls_pass(url: str) -> None:
    assert scan_urls(f"see {url} now", ALLOW) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.com/x",
        "http://example.org@evil.com/",
        "http://example.org\\@evil.com/",
        "https://example.org.evil.com/",
        "https://notexample.org/",
        "https://xn--exmple-cua.org/",
        "https://exаmple.org/",  # Cyrillic a
        "http://%65vil.com/",
        "http://[::1]/admin",
        "ftp://files.evil.net/x",
    ],
)
def test_off_list_and_trick_urls_are_flagged(url: str) -> None:
    found = scan_urls(f"see {url} now", ALLOW)
    assert [code for code, _ in found] == ["url_not_allowlisted"]


def test_bare_www_hosts_are_checked() -> None:
    assert scan_urls("visit www.evil.com today", ALLOW)
    assert not scan_urls("visit www.example.com today", ALLOW)


def test_backslash_reading_gives_both_hosts() -> None:
    assert url_hosts("http://example.org\\@evil.com/") == {"evil.com", "example.org"}


def test_invalid_idna_host_is_never_allowed() -> None:
    assert privacy.normalize_host("exa\u200dmple.org") is None or not privacy.host_allowed(
        privacy.normalize_host("exa\u200dmple.org"), ("example.org",)
    )
    assert privacy.normalize_host("") is None


def test_item_texts_scan_messages_only_when_new() -> None:
    item = {
        "prompt": "p",
        "teacher_text": 'call {"q": "x"}',
        "messages": [
            {"role": "user", "content": "p"},
            {"role": "assistant", "tool_calls": [{"function": {"arguments": {"q": "x"}}}]},
            {"role": "assistant", "tool_calls": [{"function": {"arguments": '{"to": "a@b.io"}'}}]},
            {"role": "tool", "content": "secret a@evil.io"},
            "not a message",
        ],
    }
    text = privacy.item_texts(item)
    assert text.count("p\n") == 1
    assert "a@evil.io" in text and "a@b.io" in text
    assert '{"q": "x"}' not in text.split("\n", 2)[-1]


def test_space_separated_small_numbers_are_not_cards() -> None:
    assert "pii_card" not in codes('stdin "451 869 629 831 852" and 4111 111 111 111 11')


def test_aws_secret_key_near_a_keyword_is_found() -> None:
    text = 'aws_secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'
    assert [code for code, _ in scan_secrets(text)] == ["secret"]
    assert scan_secrets('{"caws":{"tier":2}} read the keys') == []


def test_url_userinfo_is_a_url_finding_not_an_email() -> None:
    assert codes("see http://example.org@evil.com/x now") == ["url_not_allowlisted"]
    assert codes("mail bob@evil.com, see https://example.org") == ["pii_email"]


def test_remembered_findings_are_the_scanned_ones_and_a_new_list_each_time() -> None:
    """`scan_text` keeps the most recent texts' findings (sets whose items repeat their
    texts): the same findings as scanning again, under each allowlist, in a list the
    caller may change."""
    texts = [
        "write to jane.doe@corp.io today, see https://evil.example.io/x",
        "key AKIAIOSFODNN7EXAMPLE and id 123e4567-e89b-12d3-a456-426614174000",
        "See https://example.org/ane/fp16.",
        "",
    ]
    for text in texts * 3:
        for allow in (ALLOW, ()):
            first = scan_text(text, allow)
            assert first == list(privacy._scan_text.__wrapped__(text, allow))
            first.append(("changed", "by the caller"))
            assert ("changed", "by the caller") not in scan_text(text, allow)
    assert scan_text(texts[2], ()) != scan_text(texts[2], ALLOW)  # the allowlist is in the key
    assert privacy._scan_text.cache_info().maxsize == privacy.MEMO_TEXTS
