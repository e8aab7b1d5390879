"""The JSON Schema contracts in schemas/, shared with the TypeScript side.

One validator per schema, with cross-file `$ref`s resolved locally (never over the
network), formats checked (date-time), and errors reported as `file: /json/pointer: what`.
"""

from __future__ import annotations

import json
import os
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


@cache
def validator(schema_file: str) -> jsonschema.protocols.Validator:
    registry, schemas = _registry()
    schema = schemas[schema_file]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


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
    branches whose discriminating property matches, like ajv does.
    """
    if not error.context:
        yield error
        return
    branches = error.context
    discriminator = error.schema.get("discriminator", {}).get("propertyName") if isinstance(error.schema, dict) else None
    if discriminator:
        mismatched = {
            e.relative_schema_path[0]
            for e in branches
            if e.validator == "const" and list(e.relative_path) == [discriminator]
        }
        branches = [e for e in branches if e.relative_schema_path[0] not in mismatched] or branches
    for sub in branches:
        yield from _leaves(sub)


def errors(schema_file: str, instance: Any) -> list[ContractError]:
    """Every violation, deepest first, de-duplicated, each with its JSON pointer."""
    found: dict[tuple[str, str], ContractError] = {}
    for top in validator(schema_file).iter_errors(instance):
        for err in _leaves(top):
            item = ContractError(_pointer(err.absolute_path), err.message)
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


def load_json_file(path: Path, schema_file: str) -> Any:
    """Read a JSON file and validate it; errors name the file, the line or the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractViolation(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractViolation(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    check(schema_file, data, str(path))
    return data
