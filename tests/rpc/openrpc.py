"""The execution-apis OpenRPC spec (/work/shared/conformance/execution-apis-spec) as result validators.

The venv has neither a YAML parser nor jsonschema, so this module reads the YAML subset the spec uses
(block mappings and sequences, plain and quoted scalars, ``|``/``>`` block scalars, ``[a, b]`` and ``{}``)
and checks values against the JSON-schema keywords the spec uses (``$ref``, ``type``, ``pattern``,
``properties``, ``required``, ``additionalProperties``, ``items``, ``oneOf``/``anyOf``/``allOf``/``not``,
``enum``, ``const``, ``minimum``/``maximum``, ``minItems``/``maxItems``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SPEC = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "execution-apis-spec"
if not SPEC.exists():
    SPEC = Path("/work/shared/conformance/execution-apis-spec")

# ---------------------------------------------------------------------------------------- YAML subset


def _scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1].replace("''", "'")
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        return json.loads(text)
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [_scalar(part) for part in inner.split(",")] if inner else []
    if text == "{}":
        return {}
    if text in ("true", "false"):
        return text == "true"
    if text in ("null", "~", ""):
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and i > 0 and line[i - 1] == " ":
            return line[:i].rstrip()
    return line.rstrip()


def _split_key(content: str) -> tuple[str, str] | None:
    """``key: value`` -> (key, value); None when the content is not a mapping entry."""
    if content[:1] in "'\"":
        end = content.index(content[0], 1)
        key, rest = content[1:end], content[end + 1 :]
        return (key, rest[1:].strip()) if rest.startswith(":") else None
    match = re.match(r"([^\s:'\"][^:]*?):(\s+(.*))?$", content)
    if match is None:
        return None
    return match.group(1), (match.group(3) or "").strip()


def load_yaml(text: str) -> Any:
    """Parse the YAML subset of the execution-apis spec."""
    lines = [(len(line) - len(line.lstrip(" ")), line.strip()) for line in map(_strip_comment, text.splitlines())]
    lines = [item for item in lines if item[1]]
    value, end = _block(lines, 0, lines[0][0] if lines else 0)
    assert end == len(lines), f"unparsed YAML from line {end}: {lines[end]}"
    return value


def _block(lines: list[tuple[int, str]], i: int, indent: int) -> tuple[Any, int]:
    if i >= len(lines) or lines[i][0] < indent:
        return None, i
    indent = lines[i][0]
    if lines[i][1] == "-" or lines[i][1].startswith("- "):
        items = []
        while i < len(lines) and lines[i][0] == indent and (lines[i][1] == "-" or lines[i][1].startswith("- ")):
            rest = lines[i][1][2:].strip()
            if not rest:
                value, i = _block(lines, i + 1, indent + 1)
            elif _split_key(rest) is not None:
                lines[i] = (indent + 2, rest)
                value, i = _block(lines, i, indent + 2)
            else:
                value, i = _scalar(rest), i + 1
            items.append(value)
        return items, i
    mapping: dict[str, Any] = {}
    while i < len(lines) and lines[i][0] == indent:
        entry = _split_key(lines[i][1])
        assert entry is not None, f"not a mapping entry: {lines[i][1]}"
        key, rest = entry
        i += 1
        if rest in ("|", "|-", ">", ">-", "|+", ">+"):
            start = i
            while i < len(lines) and lines[i][0] > indent:
                i += 1
            mapping[key] = "\n".join(text for _, text in lines[start:i])
        elif rest:
            parts = [rest]
            while i < len(lines) and lines[i][0] > indent:  # a plain scalar folded over several lines
                parts.append(lines[i][1])
                i += 1
            mapping[key] = _scalar(" ".join(parts)) if len(parts) > 1 else _scalar(rest)
        elif i < len(lines) and (
            lines[i][0] > indent or (lines[i][0] == indent and (lines[i][1] == "-" or lines[i][1].startswith("- ")))
        ):
            mapping[key], i = _block(lines, i, lines[i][0])
        else:
            mapping[key] = None
    return mapping, i


# ---------------------------------------------------------------------------------------- the spec


@cache
def schemas() -> dict[str, Any]:
    """``#/components/schemas/*``: every file in schemas/ merged."""
    out: dict[str, Any] = {}
    for path in sorted((SPEC / "schemas").glob("*.yaml")):
        out.update(load_yaml(path.read_text()))
    return out


@cache
def methods() -> dict[str, Any]:
    """Method name -> its OpenRPC method object, for the eth_ and txpool_ namespaces."""
    out: dict[str, Any] = {}
    for path in sorted([*(SPEC / "eth").glob("*.yaml"), *(SPEC / "txpool").glob("*.yaml")]):
        for method in load_yaml(path.read_text()):
            out[method["name"]] = method
    return out


ZKSYNC_FIELDS = frozenset({"l1BatchNumber", "l1BatchTxIndex", "l2ToL1Logs"})
"""What ZKsync nodes add to receipts and transactions (sdk-compat.md §3.5); the spec's objects forbid extra keys."""


def _without(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def result_errors(method: str, result: Any, *, extensions: frozenset[str] = frozenset()) -> list[str]:
    """Why ``result`` does not match ``method``'s result schema (empty: it matches).

    ``extensions`` are keys removed from every object first (e.g. :data:`ZKSYNC_FIELDS` on a ZK chain).
    """
    return _check(methods()[method]["result"]["schema"], _without(result, extensions), f"{method}.result")


_TYPES: dict[str, Any] = {
    "string": str,
    "object": dict,
    "array": list,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def _check(schema: Any, value: Any, where: str) -> list[str]:
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _check(schemas()[name], value, where)
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is_type(value, k) for k in kinds):
            return [f"{where}: {json.dumps(value)[:80]} is not of type {kind}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} != const {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where}: {value[:80]!r} does not match {schema['pattern']}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        for name in schema.get("required") or []:
            if name not in value:
                errors.append(f"{where}: missing required {name!r}")
        for name, item in value.items():
            if name in properties:
                errors += _check(properties[name], item, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected property {name!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += _check(schema["additionalProperties"], item, f"{where}.{name}")
    if isinstance(value, list):
        if "items" in schema:
            for n, item in enumerate(value):
                errors += _check(schema["items"], item, f"{where}[{n}]")
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            errors.append(f"{where}: {len(value)} items is out of bounds")
    for sub in schema.get("allOf") or []:
        errors += _check(sub, value, where)
    if "anyOf" in schema and all(_check(sub, value, where) for sub in schema["anyOf"]):
        errors.append(f"{where}: matches none of anyOf: {json.dumps(value)[:120]}")
    if "oneOf" in schema:
        matching = sum(not _check(sub, value, where) for sub in schema["oneOf"])
        if matching != 1:
            detail = [e for sub in schema["oneOf"] for e in _check(sub, value, where)][:3]
            errors.append(f"{where}: matches {matching} of oneOf (need exactly 1): {detail}")
    if "not" in schema and not _check(schema["not"], value, where):
        errors.append(f"{where}: matches a 'not' schema")
    return errors
