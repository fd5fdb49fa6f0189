"""Policy documents as JSON text: as Terraform writes them, and as ECR receives them."""

from __future__ import annotations

import json
import re
from typing import Any


def compact_json(document: Any) -> str:
    """Serialise like Terraform's ``jsonencode`` (sorted keys, no whitespace), so a plan shows
    the same ``policy`` string as the seed HCL module's."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# Go's encoding/json (which the provider uses) escapes these besides '"' and '\'.
_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(_GO_ESCAPES)) + "\x00-\x1f]")


def go_json(value: Any) -> str:
    """Compact JSON with sorted keys and Go's escaping: the text ECR receives."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{go_json(k)}:{go_json(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    text = str(value)
    if _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    return (
        '"'
        + "".join(
            _GO_ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 else ch) for ch in text
        )
        + '"'
    )
