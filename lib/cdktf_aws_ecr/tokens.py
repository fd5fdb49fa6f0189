"""cdktf tokens: recognising values only known at apply (asked only of values that failed a
plain check, sparing valid input the jsii round trips), and writing literal text that
Terraform reads as written."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Iterable, Mapping, Optional, TypeGuard

# Every cdktf token encodes as text holding this marker ("${TfToken[TOKEN.1]}", or
# "#{...}" in lists and "&{...}" as map keys), except numbers and objects.
_TOKEN_MARKER = "TfToken["


def _may_hold_token(value: Any) -> bool:
    """False when ``value`` certainly holds no token: a check without a jsii round trip."""
    if isinstance(value, str):
        return _TOKEN_MARKER in value
    if isinstance(value, float):
        return True  # a number token is a float only jsii can recognise
    if isinstance(value, (list, tuple)):
        return any(_may_hold_token(item) for item in value)
    if isinstance(value, Mapping):
        return any(_may_hold_token(k) or _may_hold_token(v) for k, v in value.items())
    # Object tokens (IResolvable) live in the jsii kernel; other Python objects never are tokens.
    return hasattr(value, "__jsii_ref__")


def is_token(value: Any) -> bool:
    """True for an unresolved cdktf token (string, number, list, map or object) of this app;
    not for values that only look like one (cdktf would fail on them with a bare
    RuntimeError), nor NaN and infinities (jsii cannot pass them)."""
    from ._framework import Token, Tokenization

    if isinstance(value, float) and not math.isfinite(value):
        return False
    if not _may_hold_token(value):
        return False

    if not Token.is_unresolved(value):
        return False
    try:
        if isinstance(value, str):
            Tokenization.reverse_string(value)
        elif isinstance(value, list):
            Tokenization.reverse_list(value)
        elif isinstance(value, float):
            Tokenization.reverse_number(value)
        elif isinstance(value, Mapping):
            Tokenization.reverse_map(value)
    except RuntimeError:  # jsii: "Unrecognized Token Key" / "unknown number Token"
        return False
    return True


def forged_token(texts: Iterable[Any]) -> Optional[str]:
    """The first of ``texts`` that looks like a cdktf token but is none of this app's (cdktf
    would fail on it at synth with a bare RuntimeError), or None."""
    for text in texts:
        if not isinstance(text, str) or not _may_hold_token(text) or is_token(text):
            continue
        if text.startswith("#{") and is_token([text]):
            continue
        return text
    return None


def forged_token_problem(text: str) -> str:
    """The ``problem`` of a :class:`ValidationError` for :func:`forged_token`'s finding."""
    return f"holds {text!r}, which looks like a cdktf token but is none of this app's"


def is_map_token(value: Any) -> bool:
    """True for a whole map that is a token (``TerraformLocal(...).as_string_map``),
    as opposed to a plain mapping whose keys or values are tokens."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and key.startswith("&{") and is_token(dict(value))


def literal_text(text: str) -> str:
    """``text`` as Terraform JSON must spell it to mean exactly ``text``: ``${`` and ``%{``
    (an IAM policy variable too) start an expression unless doubled; tokens stay as they are."""
    if _TOKEN_MARKER not in text:
        return _escape_template(text)
    # re.split with a group keeps the tokens, at the odd positions.
    parts = _STRING_TOKEN.split(text)
    return "".join(part if i % 2 else _escape_template(part) for i, part in enumerate(parts))


def literal_in_expression(text: str) -> str:
    """``text`` as a literal of an expression cdktf builds (``Fn.jsonencode``) must spell it:
    cdktf escapes ``${`` there itself, but not ``%{``, a template directive."""
    return text.replace("%{", "%%{")


# A string token as cdktf encodes it ("${TfToken[TOKEN.1]}"); list and map tokens
# ("#{...}", "&{...}") are never part of a longer text.
_STRING_TOKEN = re.compile(r"(\$\{TfToken\[[^\]]*\]\})")


def _escape_template(text: str) -> str:
    return text.replace("${", "$${").replace("%{", "%%{")


def is_literal(value: Optional[str]) -> TypeGuard[str]:
    """Whether ``value``, which passed a check, is known text (not None, not a token)."""
    return value is not None and "${" not in value and not value.startswith("#{")


# A number in JSON text; a number token is a float (one of this form) jsii alone recognises.
_JSON_FRACTION = re.compile(r"\d[.eE]")


def may_hold_token_json(value: Any) -> bool:
    """False when ``value`` certainly holds no token, tested on its JSON text (fast for large
    blocks; a text or a float that only looks like one makes it True, as does a value
    that is not plain JSON)."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        return True
    return _TOKEN_MARKER in text or _JSON_FRACTION.search(text) is not None
