"""`python -m ptlab pretrain [--base gp-base|virl-base]`: build a pretrained embedded base
(docs/base-model.md): `embedded:gp-base` (GeneralPoints) or `embedded:virl-base` (V-IRL).

Each base's recipe is an ordinary experiment config, examples/{base}.pretrain.ptlab.json: SFT
on the synthetic corpus (`sft.data.source: "pretraining-corpus"`, ptlab/corpus.py) with the
base's mix of tasks, gp-base's from `embedded:gp-base-init` (GP_BASE's random weights),
virl-base's from gp-base. This
command runs that SFT job (resumable like any other: `--resume`), then publishes the final
checkpoint as ptlab/weights/{base}: the weights, tokenizer and config, and a manifest (MANIFEST) with the
files' SHA-256, the corpus file's SHA-256, the recipe, the first steps' losses, steps, tokens,
wall time and the machine. A published folder appears whole (temp name, then rename).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ptlab import corpus
from ptlab.data import SFT_FILE
from ptlab.models import EMBEDDED_PREFIX, GP_BASE, MANIFEST, PRETRAINED, WEIGHTS_DIR
from ptlab.runlog import host_info, package_versions, replace_dir

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RECIPES = {name: EXAMPLES / f"{name.removeprefix(EMBEDDED_PREFIX)}.pretrain.ptlab.json" for name in PRETRAINED}
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
    lines = (run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    return [record for record in map(json.loads, lines) if record["kind"] == "train"]


def manifest(run_dir: Path, checkpoint: Path, files: list[str], name: str = GP_BASE) -> dict[str, Any]:
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    records = train_records(run_dir)
    last = records[-1]
    config = run["config"]
    mix = dict(corpus.resolve_mix(config["sft"]["data"].get("mix")))
    return {
        "name": name,
        "files": {name: sha256(checkpoint / name) for name in files},
        "corpus": {"module": "ptlab.corpus", "mix": mix, "excludedTarget": None if "twenty-four" in mix or name != GP_BASE else corpus.GP_TARGET, "seed": run["seeds"].get("data"), "examples": config["sft"]["data"]["examples"], "sha256": sha256(run_dir / SFT_FILE)},
        "recipe": config,
        "parameters": last["compute"]["parameters"],
        "steps": last["step"],
        "trainTokens": last["compute"]["trainTokens"],
        "wallSeconds": last["wallSeconds"],
        "firstLosses": [r["metrics"]["train/loss"] for r in records[:FIRST_STEPS]],
        "finalLoss": last["metrics"]["train/loss"],
        "machine": {**run["host"], "cpu": cpu_model()},
        "gpus": run.get("gpus", []),
        "packages": package_versions(),
        "publishedFrom": str(checkpoint),
    }


def publish(run_dir: Path, target: Path | None = None, name: str = GP_BASE) -> Path:
    """The finished run's final checkpoint as the base `name`'s folder, with its manifest."""
    target = target or WEIGHTS_DIR / name.removeprefix(EMBEDDED_PREFIX)
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    checkpoint = run_dir / "checkpoints" / "final"
    if run["status"] != "finished" or not checkpoint.is_dir():
        raise PretrainError(f"{run_dir}: the pretraining run is {run['status']}, with no final checkpoint; finish it first (python -m ptlab pretrain --base {name.removeprefix(EMBEDDED_PREFIX)} --run-dir {run_dir} --resume)")
    files = [name for name in PUBLISHED_FILES if (checkpoint / name).is_file()]
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would make an installed package's folder private
        for name in files:
            shutil.copyfile(checkpoint / name, staging / name)
            (staging / name).chmod(0o644)
        (staging / MANIFEST).write_text(json.dumps(manifest(run_dir, checkpoint, files, name), indent=2) + "\n", encoding="utf-8")
        replace_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def verify(folder: Path) -> list[str]:
    """Files of a published folder whose SHA-256 differs from its manifest's (empty: intact)."""
    recorded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    return [name for name, digest in recorded.items() if not (folder / name).is_file() or sha256(folder / name) != digest]
