"""The JSON Schema contracts in schemas/, shared with the TypeScript side.

One validator per schema, with cross-file `$ref`s resolved locally (never over the
network), formats checked (date-time), `pattern` read as ajv reads it (ECMA-262: `ecma_regex`),
and errors reported as `file: /json/pointer: what`.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import jsonschema
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

SCHEMA_FILES = (
    "experiment.schema.json",
    "run-manifest.schema.json",
    "metric-record.schema.json",
    "episode-record.schema.json",
    "eval-summary.schema.json",
    "token-record.schema.json",
)


def schemas_dir() -> Path:
    """schemas/ of this checkout (or PTLAB_SCHEMAS_DIR when the trainer is installed elsewhere)."""
    override = os.environ.get("PTLAB_SCHEMAS_DIR")
    path = Path(override) if override else Path(__file__).resolve().parents[2] / "schemas"
    if not (path / SCHEMA_FILES[0]).is_file():
        raise FileNotFoundError(
            f"JSON Schemas not found in {path}; set PTLAB_SCHEMAS_DIR to the extension's schemas/ folder"
        )
    return path


@cache
def _registry() -> tuple[Registry, dict[str, dict[str, Any]]]:
    schemas = {name: json.loads((schemas_dir() / name).read_text(encoding="utf-8")) for name in SCHEMA_FILES}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    return registry, schemas


def schema(schema_file: str) -> dict[str, Any]:
    """One of SCHEMA_FILES as read (not to be changed)."""
    return _registry()[1][schema_file]


ECMA_LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"


@cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """A schema's `pattern` as the TypeScript side's ajv applies it (ECMA-262, flag "u"), where
    Python's reading differs: `$` matches only at the very end (Python's also before a final
    "\\n"), `.` matches no line terminator (Python's only excludes "\\n"), and \\d, \\w and \\b
    are ASCII (Python's \\d takes any Unicode digit). The schemas' patterns use no \\s."""
    translated, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            translated.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        elif char == ".":
            char = f"[^{ECMA_LINE_TERMINATORS}]"
        translated.append(char)
        i += 1
    return re.compile("".join(translated), re.ASCII)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _finite_number(checker: Any, instance: Any) -> bool:
    """A number as ajv reads one with strictNumbers: inf and nan are none (they would pass any bound)."""
    return jsonschema.Draft202012Validator.TYPE_CHECKER.is_type(instance, "number") and not (isinstance(instance, float) and not math.isfinite(instance))


@cache
def validator(schema_file: str) -> jsonschema.protocols.Validator:
    registry, schemas = _registry()
    schema = schemas[schema_file]
    base = jsonschema.validators.validator_for(schema)
    base.check_schema(schema)
    cls = jsonschema.validators.extend(base, {"pattern": _ecma_pattern}, type_checker=base.TYPE_CHECKER.redefine("number", _finite_number))
    return cls(schema, registry=registry, format_checker=_format_checker(cls.FORMAT_CHECKER))


def _format_checker(formats: jsonschema.FormatChecker) -> jsonschema.FormatChecker:
    """The draft's formats, with date-time as the TypeScript side's (scripts/gen-validators.mjs)
    reads it: rfc3339-validator's `$` also matches before a final "\\n"."""
    checker = copy.deepcopy(formats)
    checker.checks("date-time")(lambda instance: not (isinstance(instance, str) and instance.endswith("\n")) and formats.conforms(instance, "date-time"))
    return checker


@dataclass(frozen=True)
class ContractError:
    pointer: str  # JSON pointer of the offending value, "" for the document itself
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The most specific errors: for oneOf/anyOf/allOf failures, those of the branches.

    A schema with an OpenAPI-style `discriminator` (as ajv reads it) only reports the
    branches whose discriminating property matches, like ajv does; when none does, only
    that property's errors.
    """
    discriminator = _discriminator(error)
    if not error.context or _lacks(error, discriminator):  # no branch is the value's: one error, as ajv's
        yield error
        return
    branches = error.context
    if discriminator:
        tag_errors = [e for e in branches if e.validator == "const" and list(e.relative_path) == [discriminator]]
        mismatched = {e.relative_schema_path[0] for e in tag_errors}
        branches = [e for e in branches if e.relative_schema_path[0] not in mismatched] or tag_errors
    for sub in branches:
        yield from _leaves(sub)


def _discriminator(error: ValidationError) -> str | None:
    return error.schema.get("discriminator", {}).get("propertyName") if isinstance(error.schema, dict) else None


def _lacks(error: ValidationError, discriminator: str | None) -> bool:
    return discriminator is not None and isinstance(error.instance, dict) and discriminator not in error.instance


def _message(schema_file: str, error: ValidationError) -> str:
    """jsonschema's message; for a missing discriminator (environment.env), the one the
    editor gives (contracts.ts), naming its values, for both the `required` and the `oneOf`."""
    discriminator = _discriminator(error)
    about_it = error.validator == "oneOf" or error.message == f"{discriminator!r} is a required property"  # not another required property
    if not (_lacks(error, discriminator) and about_it):
        return error.message
    values = " or ".join(json.dumps(_resolved(schema_file, branch)["properties"][discriminator]["const"]) for branch in error.schema["oneOf"])
    return f'missing required property "{discriminator}": {values}'


def _resolved(schema_file: str, branch: dict[str, Any]) -> dict[str, Any]:
    """A oneOf branch, its $ref (within the schema file) followed."""
    if "$ref" not in branch:
        return branch
    registry, schemas = _registry()
    return registry.resolver(base_uri=schemas[schema_file]["$id"]).lookup(branch["$ref"]).contents


def errors(schema_file: str, instance: Any) -> list[ContractError]:
    """Every violation, deepest first, de-duplicated, each with its JSON pointer."""
    found: dict[tuple[str, str], ContractError] = {}
    for top in validator(schema_file).iter_errors(instance):
        for err in _leaves(top):
            item = ContractError(_pointer(err.absolute_path), _message(schema_file, err))
            found.setdefault((item.pointer, item.message), item)
    return sorted(found.values(), key=lambda e: (-e.pointer.count("/"), e.pointer))


def error_pointers(schema_file: str, instance: Any) -> set[str]:
    return {e.pointer for e in errors(schema_file, instance)}


class ContractViolation(ValueError):
    """A file or record does not satisfy its schema; the message says where and what."""


def check(schema_file: str, instance: Any, source: str) -> None:
    found = errors(schema_file, instance)
    if found:
        shown = "\n".join(f"  {source}: {e}" for e in found[:10])
        more = f"\n  ... and {len(found) - 10} more" if len(found) > 10 else ""
        raise ContractViolation(f"{source} does not match {schema_file}:\n{shown}{more}")


def with_integers(schema_file: str, instance: Any) -> Any:
    """The instance with each integral float where the schema says "integer" (4000.0, 1e1) as an
    int: JSON Schema and JSON.parse take them as the integers they equal, Python's range() does not."""
    registry, schemas = _registry()
    schema = schemas[schema_file]
    return _integers(schema, registry.resolver(base_uri=schema["$id"]), instance)


def _integers(schema: Any, resolver: Any, value: Any) -> Any:
    if not isinstance(schema, dict):
        return value
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        value = _integers(resolved.contents, resolved.resolver, value)
    for branch in schema.get("allOf", []) + [b for b in schema.get("oneOf", []) + schema.get("anyOf", []) if _fits(b, resolver, value)]:
        value = _integers(branch, resolver, value)
    types = schema.get("type", [])
    if isinstance(value, float) and value.is_integer() and "integer" in (types if isinstance(types, list) else [types]):
        return int(value)
    if isinstance(value, dict):
        properties, rest = schema.get("properties", {}), schema.get("additionalProperties")
        return {key: _integers(properties.get(key, rest), resolver, item) for key, item in value.items()}
    if isinstance(value, list):
        prefix, rest = schema.get("prefixItems", []), schema.get("items")
        return [_integers(prefix[i] if i < len(prefix) else rest, resolver, item) for i, item in enumerate(value)]
    return value


_JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _fits(schema: Any, resolver: Any, value: Any) -> bool:
    """Whether a oneOf/anyOf branch is the value's: its type, and the consts (discriminators) it sets."""
    while isinstance(schema, dict) and "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver
    if not isinstance(schema, dict):
        return False
    declared = schema.get("type")
    if isinstance(declared, str) and declared in _JSON_TYPES and not isinstance(value, _JSON_TYPES[declared]):
        return False
    if declared in ("integer", "number") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return False
    consts = {k: p["const"] for k, p in schema.get("properties", {}).items() if isinstance(p, dict) and "const" in p}
    return not isinstance(value, dict) or all(value.get(k, c) == c for k, c in consts.items())


class _NotJson(ValueError):
    """A token json.loads would read that is no finite JSON number, and what to say of it."""

    def __init__(self, token: str, why: str) -> None:
        super().__init__(token)
        self.token = token
        self.why = why


def _not_json(token: str) -> Any:
    """json.loads' NaN, Infinity and -Infinity, which JSON (and the editor's parser) has not:
    read, they would pass the schema's bounds, as every comparison with NaN is false."""
    raise _NotJson(token, "is not a JSON number (JSON has no NaN or Infinity; write a finite number)")


def _finite_float(token: str) -> float:
    """A number too large for a float (1e400) reads as inf here and as Infinity in JSON.parse:
    refused as Infinity is."""
    value = float(token)
    if math.isinf(value):
        raise _NotJson(token, "is too large a number (it reads as Infinity, and JSON has no Infinity; write a finite number)")
    return value


def _finite_int(token: str) -> int:
    _finite_float(token)  # JSON.parse reads an integer of 400 digits as Infinity too
    return int(token)


_STRING_OR_NUMBER = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)')


def _position(text: str, token: str) -> tuple[int, int]:
    """Line and column (1-based) of the first token outside strings: json.loads reads in order
    and stops at it, so it is the one refused."""
    offset = next((m.start(1) for m in _STRING_OR_NUMBER.finditer(text) if m.group(1) == token), 0)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def load_json_file(path: Path, schema_file: str) -> Any:
    """Read a JSON file and validate it; errors name the file, the line or the field."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as editors and JSON.parse's readers skip it
    except OSError as exc:
        raise ContractViolation(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:  # UTF-16 as some Windows editors save it, Latin-1, ...
        raise ContractViolation(f"{path}: cannot read: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); save the file as UTF-8") from exc
    try:
        data = json.loads(text, parse_constant=_not_json, parse_float=_finite_float, parse_int=_finite_int)
    except json.JSONDecodeError as exc:
        raise ContractViolation(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    except _NotJson as exc:
        line, column = _position(text, exc.token)
        raise ContractViolation(f"{path}:{line}:{column}: invalid JSON: {exc.token} {exc.why}") from exc
    check(schema_file, data, str(path))
    return with_integers(schema_file, data)
