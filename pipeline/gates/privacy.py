"""Privacy: PII patterns, a real secret scanner, and a URL allowlist.

Every text of an item is joined once and scanned once. The PII patterns are
deliberately narrow (a phone needs a `+` country code or a NANP layout, a card
number needs a brand prefix and a valid Luhn sum), because the data is full of
locale-formatted numbers and dates that must not read as phones or cards.

Secrets come from `detect-secrets`' own detectors, called through
`analyze_string` (pure regex work: no verification requests, no settings, no
baseline). Only detectors whose every match must contain a known literal are
used, and a detector runs only when one of its literals occurs in the text, so
the scan costs a few substring searches on a clean item. The entropy and
keyword detectors are left out on purpose: hashes, hex ids and code snippets
make them fire on clean data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

import idna
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector

# (detector, literal groups, literal groups matched on lower-cased text). Every
# match of the detector contains all literals of at least one group; the groups are
# read off each detector's denylist, and a unit test checks that a sample secret of
# every detector passes its own prefilter.
Groups = tuple[tuple[str, ...], ...]


def _any(*literals: str) -> Groups:
    return tuple((literal,) for literal in literals)


DETECTORS: tuple[tuple[RegexBasedDetector, Groups, Groups], ...] = (
    # AKIA... keys (a case-sensitive pattern), or "aws" near a keyword
    # (key|pwd|pw|password|pass|token) and a secret: caseless, as the detector's
    # keyword pattern is, and AWS_SECRET_ACCESS_KEY is how the key is usually written.
    (
        AWSKeyDetector(),
        _any("A3T", "ABIA", "ACCA", "AKIA", "ASIA"),
        tuple(("aws", keyword) for keyword in ("key", "pw", "pass", "token")),
    ),
    (AzureStorageKeyDetector(), _any("AccountKey="), ()),
    (BasicAuthDetector(), (("://", "@"),), ()),
    (GitHubTokenDetector(), _any("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), ()),
    (
        GitLabTokenDetector(),
        _any(
            *("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "GR1348941", "glcbt-"),
            *("glimt-", "glptt-", "glagent-", "gloas-"),
        ),
        (),
    ),
    (JwtTokenDetector(), _any("eyJ"), ()),
    (MailchimpDetector(), _any("-us"), ()),
    (NpmDetector(), _any(":_authToken="), ()),
    (OpenAIDetector(), _any("T3BlbkFJ"), ()),
    (PrivateKeyDetector(), _any("PRIVATE KEY", "PuTTY-User-Key-File-2"), ()),
    (PypiTokenDetector(), _any("pypi-AgE"), ()),
    (SendGridDetector(), _any("SG."), ()),
    # Slack's patterns are case-insensitive, so its literals are matched on lower-cased text.
    (SlackDetector(), (), _any("xox", "hooks.slack.com")),
    (SquareOAuthDetector(), _any("sq0csp-"), ()),
    (StripeDetector(), _any("k_live_"), ()),
    (TwilioKeyDetector(), _any("AC", "SK"), ()),
)

EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
UUID = re.compile(
    r"(?<![0-9A-Fa-f-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f-])"
)
# A phone needs a "+" country code, a "(555) 123-4567" area code, or 555-123-4567;
# dates (31.12.2024) and locale numbers (1.234,56) never have those shapes.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,8}){1,4}"
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?![\w-])"
)
PHONE_MIN_DIGITS = 8
# A card number is written in one run or in the issuers' groups (4-4-4-4[-3],
# Amex 4-6-5); a list of small numbers separated by spaces is not a card.
CARD = re.compile(
    r"(?<![\d.,-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?"
    r"|\d{4}([ -])\d{6}\2\d{5})(?![\d-]|[.,]\d)"
)
# Issuer prefixes (Visa, Mastercard, Amex, Discover, JCB, Diners): a long number
# without one of them is an id or a timestamp, not a card.
CARD_PREFIX = re.compile(r"4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01])|3[47]|6(?:011|5)|35|30[0-5]|3[68]")
URL = re.compile(r"(?i)\b(?:https?|ftp|wss?)://[^\s\"'<>`]+")
BARE_WWW = re.compile(r"(?i)(?<![\w./@-])www\.[^\s\"'<>`/?#]+")
_AUTHORITY_END_RFC = re.compile(r"[/?#]")
_AUTHORITY_END_WHATWG = re.compile(r"[/?#\\]")

Finding = tuple[str, str]  # (reason code, masked evidence)


def mask(value: str) -> str:
    """Evidence for a report without repeating the secret: first 4 characters and length."""
    return f"{value[:4]}…({len(value)} chars)" if len(value) > 4 else "…"


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# Digits become "0", the separators a phone or card can use stay, all else is "x":
# one C-level pass that lets clean text skip the digit patterns.
_SHAPE = bytes(
    ord("0") if 48 <= b <= 57 else b if chr(b) in " .-()+" else ord("x") for b in range(256)
)
_CARD_SHAPES = (b"0" * 13, b"0000 0000", b"0000-0000")
# PHONE lets each separator of 000-000-0000 be "." or "-" on its own.
_PHONE_SHAPES = (
    b"+0",
    b"+ 0",
    b"(000)",
    *(f"000{a}000{b}0000".encode() for a in ".-" for b in ".-"),
)


def shape(text: str) -> bytes:
    return text.encode("utf-8").translate(_SHAPE)


# Hex digits become "h", "-" stays, all else is "x": a UUID's shape is one fixed
# string, so text without it skips the (slow, lookbehind) UUID pattern.
_HEX_SHAPE = bytes(
    ord("h") if chr(b) in "0123456789abcdefABCDEF" else b if b == ord("-") else ord("x")
    for b in range(256)
)
_UUID_SHAPE = b"-".join(b"h" * n for n in (8, 4, 4, 4, 12))


def _uuids(text: str) -> Iterable[str]:
    if _UUID_SHAPE in text.encode("utf-8").translate(_HEX_SHAPE):
        yield from (m.group() for m in UUID.finditer(text))


def _cards(text: str) -> Iterable[str]:
    for match in CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and CARD_PREFIX.match(digits) and luhn_ok(digits):
            yield match.group()


def _emails(text: str) -> Iterable[str]:
    """E-mail addresses, leaving out the userinfo@host of a URL (judged as a URL)."""
    for match in EMAIL.finditer(text):
        word_start = max(text.rfind(c, 0, match.start()) for c in " \n\t\"'<(") + 1
        if "://" not in text[word_start : match.start()]:
            yield match.group()


def _phones(text: str) -> Iterable[str]:
    for match in PHONE.finditer(text):
        if sum(c.isdigit() for c in match.group()) >= PHONE_MIN_DIGITS:
            yield match.group()


def normalize_host(host: str) -> str | None:
    """Canonical ASCII host: unquoted, lower-case, no trailing dot, no `www.`, IDNA-encoded.

    Returns None for a host that is not a valid name (it can never be allowlisted).
    """
    host = unquote(host).strip().lower().rstrip(".")
    if not host or host.startswith("["):
        return None
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
    if host.startswith("www."):
        host = host[4:]
    return host or None


def url_hosts(url: str) -> set[str | None]:
    """Every host a parser could read from `url`.

    RFC 3986 ends the authority at / ? #; browsers also end it at a backslash.
    `http://example.org\\@evil.com` is example.org to one and evil.com to the
    other, so both readings are returned and both must be allowed. The host is
    what follows the last `@` (userinfo tricks like http://example.org@evil.com).
    """
    rest = url.split("://", 1)[1] if "://" in url else url
    hosts: set[str | None] = set()
    for end in (_AUTHORITY_END_RFC, _AUTHORITY_END_WHATWG):
        authority = end.split(rest, maxsplit=1)[0]
        host = authority.rpartition("@")[2]
        if not host.startswith("["):
            host = host.split(":", 1)[0]
        hosts.add(normalize_host(host))
    return hosts


@lru_cache(maxsize=16)
def normalized_allowlist(allowlist: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(h for h in (normalize_host(a) for a in allowlist) if h)


def host_allowed(host: str | None, allowlist: Sequence[str]) -> bool:
    if host is None:
        return False
    return any(host == allowed or host.endswith("." + allowed) for allowed in allowlist)


# The longest scheme URL accepts (`https`); the shortest is `ws`.
_SCHEME_CHARS = 5


def _scheme_urls(text: str) -> Iterable[str]:
    """What `URL.finditer` finds, matched only where a scheme can end at a `://`.

    The pattern cannot skip ahead to a literal (it is caseless and starts with
    \\b), so a plain scan tries it at every character. Every match has its `://`
    right after a 2-5 letter scheme, so trying the few starts before each `://`
    (leftmost first, from where the last match ended) finds the same matches."""
    pos = 0
    while (colon := text.find("://", pos)) >= 0:
        for start in range(max(pos, colon - _SCHEME_CHARS), colon - 1):
            # match() sees the text before `start`, so \\b is judged as in a scan.
            found = URL.match(text, start)
            if found is not None:
                yield found.group()
                pos = found.end()
                break
        else:
            # A later match cannot start at or before this `:` (schemes are letters).
            pos = colon + 1


def _urls(text: str, lowered: str | None = None) -> Iterable[str]:
    if "://" in text:
        yield from _scheme_urls(text)
    if "www." in (text.lower() if lowered is None else lowered):
        yield from (m.group() for m in BARE_WWW.finditer(text))


@lru_cache(maxsize=65536)
def url_allowed(url: str, allowlist: tuple[str, ...]) -> bool:
    """Whether every host a parser could read from `url` is allowlisted (cached: the
    worlds' addresses recur across items)."""
    allowed = normalized_allowlist(allowlist)
    return all(host_allowed(h, allowed) for h in url_hosts(url.rstrip(".,;:!?)]}")))


def scan_urls(text: str, allowlist: tuple[str, ...], lowered: str | None = None) -> list[Finding]:
    """`lowered`: text.lower(), when the caller has it already."""
    return [
        ("url_not_allowlisted", url[:80])
        for url in _urls(text, lowered)
        if not url_allowed(url, allowlist)
    ]


# Characters by how rarely prose and code hold them, rarest first (upper-case
# letters, then the rarest lower-case ones): a literal is only searched for when
# its rarest character occurs (one memchr), and most texts lack it.
_RARITY = "JVQXZKYGWBFUHMPDLNOCTIRASEqjz987654321=@"


def _anchor(literal: str) -> str | None:
    """The literal's rarest character (by `_RARITY`), or None when all are common."""
    ranked = [c for c in literal if c in _RARITY]
    return min(ranked, key=_RARITY.index) if len(literal) > 1 and ranked else None


def _heads(literals: Sequence[str]) -> dict[str, str | None]:
    """literal -> a two-character head that at least three literals share (`gh`, `gl`):
    searched for once, it rules out all of them on a text that lacks it."""
    counts: dict[str, int] = {}
    for literal in literals:
        counts[literal[:2]] = counts.get(literal[:2], 0) + 1
    return {x: x[:2] if len(x) > 2 and counts[x[:2]] >= 3 else None for x in literals}


def _gates(caseless: bool) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
    """Every distinct literal searched on one haystack, grouped by its gate: the
    anchor (`_anchor`), else the shared head (`_heads`), else None (always searched).
    A literal occurs only where its gate does, so a text without the gate skips it."""
    groups = (g for _, exact, lowered in DETECTORS for g in (lowered if caseless else exact))
    literals = list(dict.fromkeys(x for g in groups for x in g))
    heads = _heads(literals)
    by_gate: dict[str | None, list[str]] = {}
    for literal in literals:
        by_gate.setdefault(_anchor(literal) or heads[literal], []).append(literal)
    return tuple((gate, tuple(xs)) for gate, xs in by_gate.items())


_GATES = {False: _gates(False), True: _gates(True)}


def _by_first(caseless: bool) -> dict[str, tuple[int, ...]]:
    """First literal of a group -> the indices (into DETECTORS) of the detectors it
    starts a group of. A group passes only when its first literal occurs, so the
    literals found name the few detectors worth a closer look."""
    table: dict[str, list[int]] = {}
    for index, (_, exact, lowered) in enumerate(DETECTORS):
        for group in lowered if caseless else exact:
            if index not in table.setdefault(group[0], []):
                table[group[0]].append(index)
    return {first: tuple(indices) for first, indices in table.items()}


_BY_FIRST = (_by_first(False), _by_first(True))


def _literals_in(haystack: str, caseless: bool) -> set[str]:
    """The detectors' literals that occur in `haystack`: the same set as searching
    for each, since a literal occurs only where its gate does."""
    found: set[str] = set()
    for gate, literals in _GATES[caseless]:
        if gate is None or gate in haystack:
            found.update(filter(haystack.__contains__, literals))
    return found


def scan_secrets(text: str, lowered: str | None = None) -> list[Finding]:
    """`lowered`: text.lower(), when the caller has it already."""
    hits = _literals_in(text, False)
    hits_caseless = _literals_in(text.lower() if lowered is None else lowered, True)
    candidates = {i for x in hits for i in _BY_FIRST[0].get(x, ())}
    candidates.update(i for x in hits_caseless for i in _BY_FIRST[1].get(x, ()))
    found: list[Finding] = []
    for index in sorted(candidates):  # DETECTORS' order: the findings' order
        detector, groups, groups_caseless = DETECTORS[index]
        # A group passes when all its literals were found: `issuperset`, at C speed.
        if any(map(hits.issuperset, groups)) or any(map(hits_caseless.issuperset, groups_caseless)):
            found.extend(
                ("secret", f"{detector.secret_type}: {mask(value)}")
                for value in detector.analyze_string(text)
            )
    return found


# An item's texts repeat in some sets (the earlier version's 10,000-item file has
# 186 distinct prompt and teacher-text pairs) and the findings are a pure function
# of (text, allowlist): the most recent distinct texts' findings are kept. Where
# every text is distinct (generated sets), a miss costs one lookup. Bounded (a few
# hundred texts of a few KB), so memory stays flat.
MEMO_TEXTS = 256


def scan_text(text: str, allowlist: tuple[str, ...]) -> list[Finding]:
    """All privacy findings in one text, in a fixed order (a new list on every call)."""
    return list(_scan_text(text, allowlist))


@lru_cache(maxsize=MEMO_TEXTS)
def _scan_text(text: str, allowlist: tuple[str, ...]) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    if "@" in text:
        findings.extend(("pii_email", mask(e)) for e in _emails(text))
    if "-" in text:
        findings.extend(("pii_uuid", mask(u)) for u in _uuids(text))
    form = shape(text)
    # map over the bound `in`: the shapes are tested without a Python frame each.
    if any(map(form.__contains__, _PHONE_SHAPES)):
        findings.extend(("pii_phone", mask(p)) for p in _phones(text))
    if any(map(form.__contains__, _CARD_SHAPES)):
        findings.extend(("pii_card", mask(c)) for c in _cards(text))
    # Lower-cased once for the caseless secret literals and the bare www. addresses.
    lowered = text.lower()
    findings.extend(scan_secrets(text, lowered))
    findings.extend(scan_urls(text, allowlist, lowered))
    return tuple(findings)


def _add_strings(value: Any, into: list[Any]) -> None:
    """Appends every string under `value` to `into`, in order (a call per container)."""
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        if isinstance(value, str):
            into.append(value)
        return
    for child in value:
        if isinstance(child, str):
            into.append(child)
        elif isinstance(child, dict | list):
            _add_strings(child, into)


def item_texts(item: dict[str, Any]) -> str:
    """The item's free text, each distinct piece once.

    Message contents and call arguments are usually copies of the prompt and
    teacher text; a piece already contained in them is not scanned again.
    """
    pieces = [p for p in (item.get("prompt"), item.get("teacher_text")) if isinstance(p, str)]
    joined = "\n".join(pieces)
    extra: list[str] = []
    for message in item.get("messages") or ():
        if not isinstance(message, dict):
            continue
        candidates = [message.get("content")]
        for call in message.get("tool_calls") or ():
            function = call.get("function", call) if isinstance(call, dict) else None
            if isinstance(function, dict):
                _add_strings(function.get("arguments"), candidates)
        extra.extend([c for c in candidates if isinstance(c, str) and c and c not in joined])
    return "\n".join([joined, *extra]) if extra else joined
