"""The shared contract fixtures (schemas/fixtures) hold in Python exactly as in TypeScript."""

import json

import pytest

from ptlab.contracts import SCHEMA_FILES, ContractViolation, ecma_regex, error_pointers, errors, load_json_file, schemas_dir, validator

FIXTURES = sorted((schemas_dir() / "fixtures").glob("*.cases.json"))
EXAMPLES = sorted((schemas_dir().parent / "examples").glob("*.ptlab.json"))


def _cases():
    for path in FIXTURES:
        suite = json.loads(path.read_text(encoding="utf-8"))
        for case in suite["cases"]:
            yield pytest.param(suite["schema"], case, id=f"{path.name.split('.')[0]}: {case['name']}")


def test_every_schema_has_fixtures():
    covered = {json.loads(p.read_text())["schema"] for p in FIXTURES}
    assert covered == set(SCHEMA_FILES)


@pytest.mark.parametrize("schema_file", SCHEMA_FILES)
def test_schema_is_valid_2020_12(schema_file):
    assert validator(schema_file).META_SCHEMA["$id"].startswith("https://json-schema.org/draft/2020-12")


@pytest.mark.parametrize("schema_file,case", list(_cases()))
def test_fixture(schema_file, case):
    pointers = error_pointers(schema_file, case["data"])
    if case["valid"]:
        assert pointers == set(), f"expected valid, got errors at {sorted(pointers)}"
    else:
        assert case["errorPath"] in pointers, f"expected an error at {case['errorPath']!r}, got {sorted(pointers)}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_valid(example):
    assert error_pointers("experiment.schema.json", json.loads(example.read_text())) == set()


@pytest.mark.parametrize(("pattern", "text", "matches"), [
    ("^a$", "a\n", False),  # Python's $ also matches before a final newline
    ("^a.$", "a\u2028", False),  # ECMA-262's . takes no line terminator
    ("^a.$", "a\r", False),
    ("^a.$", "ab", True),
    (r"^\d$", "\u0661", False),  # Python's \d takes any Unicode digit
    (r"^\w$", "é", False),
    ("^[$.]+$", "$.", True),  # in a class, $ and . are themselves
    (r"^\$\.$", "$.", True),
    (r"^\$\.$", "$x", False),
])
def test_patterns_read_as_ecma_262(pattern, text, matches):
    """The TypeScript side's ajv reads a schema's `pattern` as ECMA-262 does."""
    assert bool(ecma_regex(pattern).search(text)) is matches


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_invalid_json_naming_file_line_and_token(tmp_path, token):
    path = tmp_path / "e.ptlab.json"
    path.write_text('{"name": "NaN Infinity", "environment": {"env": "generalpoints"},\n "model": {"name": "m"},\n "ppo": {"learningRate": ' + token + "}}")
    with pytest.raises(ContractViolation) as refused:
        load_json_file(path, "experiment.schema.json")
    assert str(refused.value) == f"{path}:3:26: invalid JSON: {token} is not a JSON number (JSON has no NaN or Infinity; write a finite number)"


def test_a_utf8_bom_is_read_past_as_editors_do(tmp_path):
    path = tmp_path / "e.ptlab.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"}}).encode())
    assert load_json_file(path, "experiment.schema.json")["name"] == "x"


@pytest.mark.parametrize("literal", ["1e400", "-1E+400", "1" + "0" * 400])
def test_a_number_too_large_for_a_float_is_invalid_json_naming_file_line_and_literal(tmp_path, literal):
    """json.loads read 1e400 as inf (and JSON.parse reads it, or a 400-digit integer, as Infinity):
    it passed the schema's bounds, and a job then failed on it or wrote a run.json of Infinity."""
    path = tmp_path / "e.ptlab.json"
    path.write_text('{"name": "x", "description": "' + literal + '", "environment": {"env": "generalpoints"},\n "model": {"name": "m"},\n "sft": {"epochs": ' + literal + "}}")
    with pytest.raises(ContractViolation) as refused:
        load_json_file(path, "experiment.schema.json")
    assert str(refused.value) == f"{path}:3:20: invalid JSON: {literal} is too large a number (it reads as Infinity, and JSON has no Infinity; write a finite number)"


def test_an_integer_too_large_for_a_float_is_refused_quoting_it_not_as_inf(tmp_path):
    """An integer field of 1e400 was refused as "inf is not of type 'integer'" (the editor's
    validator took it: Infinity % 1 is NaN, not nonzero)."""
    path = tmp_path / "e.ptlab.json"
    path.write_text('{"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"},\n "sft": {"saveEverySteps": 1e400}}')
    with pytest.raises(ContractViolation) as refused:
        load_json_file(path, "experiment.schema.json")
    assert str(refused.value) == f"{path}:2:28: invalid JSON: 1e400 is too large a number (it reads as Infinity, and JSON has no Infinity; write a finite number)"


def test_an_environment_without_env_is_told_env_and_its_values_at_the_environment():
    """Not "'env' is a required property" beside the V-IRL branch's "Additional properties are
    not allowed ('draw', ...)": the editor's words (contracts.test.ts), at the same place."""
    found = errors("experiment.schema.json", {"name": "x", "environment": {"draw": "deck", "faceCards": "all-10"}, "model": {"name": "m"}})
    assert [str(e) for e in found] == ['/environment: missing required property "env": "generalpoints" or "virl"']


def test_a_training_record_is_told_only_its_own_branchs_errors():
    """A bad metric name was 7 errors, 6 of them the evaluation record's (required split,
    splitKind, ...): the records' oneOf is discriminated by kind, as the editor reads it."""
    record = {"kind": "train", "step": 1, "time": "2026-11-25T10:00:00Z", "compute": {"parameters": 1, "trainTokens": 0, "inferenceTokens": 0, "gflops": 0}, "metrics": {"loss": 1.0}}
    assert [str(e) for e in errors("metric-record.schema.json", record)] == ["/metrics: 'loss' does not match '^[a-z0-9_]+(/[a-z0-9_@.-]+)+$'"]
    assert error_pointers("metric-record.schema.json", {**record, "kind": "test"}) == {"/kind"}  # no branch's: only kind's errors
