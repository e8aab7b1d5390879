"""`python -m ptlab pretrain [--base gp-base|virl-base]`: build a pretrained embedded base
(docs/base-model.md): `embedded:gp-base` (GeneralPoints) or `embedded:virl-base` (V-IRL).

Each base's recipe is one or more stages, each an ordinary experiment config in examples/: SFT
on the synthetic corpus (`sft.data.source: "pretraining-corpus"`, ptlab/corpus.py) with the
stage's mix of tasks. gp-base has one stage (examples/gp-base.pretrain.ptlab.json, from
`embedded:gp-base-init`, GP_BASE's random weights); virl-base has three: `copying`
(examples/virl-base.copying.pretrain.ptlab.json, from gp-base: short texts repeated word for
word, at a small batch, where a look-up by content forms), `long-copying`
(examples/virl-base.long-copying.pretrain.ptlab.json: long ones, so that it reaches as far
back as V-IRL-L's prompt) and `navigation` (examples/virl-base.pretrain.ptlab.json). A later stage starts from the stage before it: this
command writes its config into the run folder with `sft.init` set to the earlier stage's final
checkpoint (the file in examples/ names no init, so that it does not depend on where runs go).
This command runs the stages' SFT jobs in order (a finished stage is kept; `--resume`
continues an interrupted one), then publishes the last stage's final checkpoint as
ptlab/weights/{base}: the weights, tokenizer and config, and a manifest (MANIFEST) with the
files' SHA-256, the corpus file's SHA-256, the recipe, the first steps' losses (the first
stage's), steps, tokens and wall time (all stages'), each stage's own, and the machine. A
published folder appears whole (temp name, then rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from ptlab import corpus
from ptlab.data import SFT_FILE
from ptlab.models import EMBEDDED_PREFIX, GP_BASE, MANIFEST, PRETRAINED, VIRL_BASE, WEIGHTS_DIR
from ptlab.runlog import atomic_write_text, host_info, jsonl_lines, package_versions, readable_by_all, replace_dir

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass(frozen=True)
class Stage:
    name: str  # the stage's run folder under the base's (a one-stage recipe runs in the base's folder itself)
    recipe: Path


def _recipe(file: str) -> Path:
    return EXAMPLES / f"{file}.pretrain.ptlab.json"


STAGES: dict[str, tuple[Stage, ...]] = {
    GP_BASE: (Stage("pretrain", _recipe("gp-base")),),
    VIRL_BASE: (Stage("copying", _recipe("virl-base.copying")), Stage("long-copying", _recipe("virl-base.long-copying")), Stage("navigation", _recipe("virl-base"))),
}
assert set(STAGES) == set(PRETRAINED), "every pretrained base needs its recipe"
RECIPES = {name: stages[-1].recipe for name, stages in STAGES.items()}  # the stage that makes the published checkpoint
RECIPE = RECIPES[GP_BASE]
PUBLISHED_FILES = ("config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json")
FIRST_STEPS = 5  # losses recorded in the manifest, reproduced by the tests


class PretrainError(ValueError):
    """The pretraining run cannot be published; the message says why and what to do."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        import platform

        return platform.processor()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")


def train_records(run_dir: Path) -> list[dict[str, Any]]:
    lines = jsonl_lines(run_dir / "metrics.jsonl")
    return [record for record in map(json.loads, lines) if record["kind"] == "train"]


def stage_runs(name: str, run_dir: Path) -> list[tuple[Stage, Path]]:
    """Each stage of the base's recipe with its run folder: the base's folder itself for a
    one-stage recipe, else a folder per stage inside it."""
    stages = STAGES[name]
    if len(stages) == 1:
        return [(stages[0], run_dir)]
    return [(stage, run_dir / stage.name) for stage in stages]


def stage_config(stage: Stage, stage_dir: Path, init: Path | None) -> Path:
    """The config a stage runs: its recipe as is for the first stage; for a later one, a copy
    beside its run folder whose `sft.init` is the stage before's final checkpoint."""
    if init is None:
        return stage.recipe
    config = json.loads(stage.recipe.read_text(encoding="utf-8"))
    if config["sft"].get("init"):
        raise PretrainError(f"{stage.recipe}: /sft/init: a later stage of a recipe starts from the stage before it; remove sft.init")
    path = stage_dir.parent / f"{stage.name}.ptlab.json"
    config["sft"]["init"] = os.path.relpath(init, path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(config, indent=2) + "\n")
    return path


def is_finished(run_dir: Path) -> bool:
    run = run_dir / "run.json"
    return run.is_file() and json.loads(run.read_text(encoding="utf-8"))["status"] == "finished"


def _stage_record(run_dir: Path, name: str) -> dict[str, Any]:
    """What one stage's run did: its recipe, corpus, steps, tokens, time and losses."""
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    records = train_records(run_dir)
    last = records[-1]
    config = run["config"]
    mix = dict(corpus.resolve_mix(config["sft"]["data"].get("mix")))
    return {
        "corpus": {"module": "ptlab.corpus", "mix": mix, "excludedTarget": None if "twenty-four" in mix or name != GP_BASE else corpus.GP_TARGET, "seed": run["seeds"].get("data"), "examples": config["sft"]["data"]["examples"], "sha256": sha256(run_dir / SFT_FILE)},
        "recipe": config,
        "parameters": last["compute"]["parameters"],
        "steps": last["step"],
        "trainTokens": last["compute"]["trainTokens"],
        "wallSeconds": last["wallSeconds"],
        "firstLosses": [r["metrics"]["train/loss"] for r in records[:FIRST_STEPS]],
        "finalLoss": last["metrics"]["train/loss"],
        "host": run["host"],
        "gpus": run.get("gpus", []),
    }


def manifest(run_dirs: list[Path], checkpoint: Path, files: list[str], name: str = GP_BASE) -> dict[str, Any]:
    """The published folder's manifest: the last stage's recipe and corpus, the first stage's
    first losses (what a test reproduces), steps, tokens and time summed over the stages, and
    with several stages, each one's record."""
    stages = [_stage_record(run_dir, name) for run_dir in run_dirs]
    first, last = stages[0], stages[-1]
    host, gpus = last.pop("host"), last.pop("gpus")
    summed = {key: sum(stage[key] for stage in stages) for key in ("steps", "trainTokens", "wallSeconds")}
    record = {
        "name": name,
        "files": {name: sha256(checkpoint / name) for name in files},
        "corpus": last["corpus"],
        "recipe": last["recipe"],
        "parameters": last["parameters"],
        **summed,
        "firstLosses": first["firstLosses"],
        "finalLoss": last["finalLoss"],
        "machine": {**host, "cpu": cpu_model()},
        "gpus": gpus,
        "packages": package_versions(),
        "publishedFrom": str(checkpoint),
    }
    if len(stages) > 1:
        record["stages"] = [{"name": stage.name, **{k: v for k, v in data.items() if k not in ("host", "gpus", "parameters")}} for (stage, _), data in zip(stage_runs(name, Path()), stages)]
    return record


def publish(run_dir: Path, target: Path | None = None, name: str = GP_BASE) -> Path:
    """The finished recipe's last checkpoint as the base `name`'s folder, with its manifest."""
    target = target or WEIGHTS_DIR / name.removeprefix(EMBEDDED_PREFIX)
    run_dirs = [stage_dir for _, stage_dir in stage_runs(name, run_dir)]
    checkpoint = run_dirs[-1] / "checkpoints" / "final"
    unfinished = [stage_dir for stage_dir in run_dirs if not is_finished(stage_dir)]
    if unfinished or not checkpoint.is_dir():
        raise PretrainError(f"{unfinished[0] if unfinished else run_dirs[-1]}: the pretraining run is not finished, with no final checkpoint; finish it first (python -m ptlab pretrain --base {name.removeprefix(EMBEDDED_PREFIX)} --run-dir {run_dir} --resume)")
    files = [name for name in PUBLISHED_FILES if (checkpoint / name).is_file()]
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for file in files:
            shutil.copyfile(checkpoint / file, staging / file)
        (staging / MANIFEST).write_text(json.dumps(manifest(run_dirs, checkpoint, files, name), indent=2) + "\n", encoding="utf-8")
        readable_by_all(staging)  # an installed package's folder
        replace_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def verify(folder: Path) -> list[str]:
    """Files of a published folder whose SHA-256 differs from its manifest's (empty: intact)."""
    recorded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    return [name for name, digest in recorded.items() if not (folder / name).is_file() or sha256(folder / name) != digest]
