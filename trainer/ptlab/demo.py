"""The paper's GP-L study, SFT vs RL, from the embedded pretrained base, in one command.

    python -m ptlab.demo [--out runs/demo] [--size full|ci] [--seeds N]

Stages, each an ordinary run folder under OUT (so the Runs view, the dashboard, the
transcript viewer and Compare Checkpoints show them like any other run):

1. `sft-init`  brief SFT of `embedded:gp-base` (the project's pretrained stand-in for an LLM,
               docs/base-model.md) on the ID variant (face cards count 10): the Init checkpoint.
2. `sft-more`  more SFT from Init, evaluated on ID and OOD (J, Q, K as 11, 12, 13) at step 0
               (Init, evaluated once for both arms) and on a schedule.
3. `ppo`       multi-turn PPO from Init with the verifier's rewards, evaluated on the same
               episodes on a schedule (its curves start at the SFT run's Init point).
4. `export`    ONNX exports of both final checkpoints (the extension plays them locally).

With `--seeds N`, stages 2 and 3 run once per training seed from the same Init (seed k > 0
into `sft-more-seedk` and `ppo-seedk`); the report averages each effect over the seeds.

Each stage's job is `python -m ptlab {sft,ppo,export}` in a child process; progress comes
from its run.json. A stage that finished is kept; one that stopped half-way resumes; so an
interrupted demo continues where it was. The configs are written to OUT/configs/.
The report is written afterwards by `npx ptlab report` (scripts/demo.sh runs both).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ptlab.runlog import atomic_write_text, jsonl_lines, signals_raise


def greedy_evaluation(ood_overrides: dict[str, Any], max_new_tokens: int) -> dict[str, Any]:
    """A study's evaluation: ID and the OOD rule (the training environment with `ood_overrides`),
    greedy, the same seeded episodes at Init and at every checkpoint (sizes set the episodes)."""
    return {
        "splits": [
            {"name": "id", "kind": "id", "episodes": 64},
            {"name": "ood-rule", "kind": "rule-ood", "episodes": 64, "overrides": ood_overrides},
        ],
        "atCheckpoints": True,
        "seed": 1234,
        "temperature": 0,
        "maxNewTokens": max_new_tokens,
    }


# The GP-L recipe: the strict verifier, the paper's ID/OOD rule split, greedy evaluation.
BASE: dict[str, Any] = {
    "seed": 0,
    "environment": {"env": "generalpoints", "target": 24, "faceCards": "all-10", "sampling": "any", "draw": "independent", "suits": "all", "modality": "language", "maxVerify": 5, "verifier": "strict"},
    # one generate call per round: on CPU decoding is bound by per-step overhead, so wider batches are faster
    "model": {"name": "embedded:gp-base", "kind": "causal-lm", "dtype": "fp32", "generateBatch": 128},
    "evaluation": greedy_evaluation({"faceCards": "11-12-13", "sampling": "at-least-one-face"}, max_new_tokens=64),
    "launcher": {"kind": "local"},
}

# Sizes: `full` is the README's demo; `ci` runs every stage at a fraction of the size, to
# check the pipeline, not the learning. Init is a brief SFT (a few steps): the base already
# writes the answer format and reads the face-card rule it is given, and SFT on the ID rule
# erases the latter within about ten steps (docs/ppo-learning.md).
SIZES: dict[str, dict[str, Any]] = {
    "full": {"examples": 4000, "initSteps": 4, "moreSteps": 60, "ppoUpdates": 32, "episodes": 256, "evalEvery": {"sft": 30, "ppo": 16}, "ppo": {}},
    "ci": {"examples": 400, "initSteps": 2, "moreSteps": 4, "ppoUpdates": 2, "episodes": 8, "evalEvery": {"sft": 2, "ppo": 1}, "ppo": {"parallelEnvs": 8, "stepsPerUpdate": 16, "miniBatchSize": 8, "microBatchSize": 8}},
}

SFT_RECIPE: dict[str, Any] = {"learningRate": 0.001, "schedule": "cosine", "warmupRatio": 0.03, "adam": {"betas": [0.9, 0.98], "eps": 1e-07, "weightDecay": 0}, "globalBatchSize": 32, "microBatchSize": 16, "packing": False}
# GRPO-style groups of 4 episodes per hand, each attempt credited with its return-to-go
# against the group's attempts at the same turn, a clipped ratio per token, a constant
# learning rate; chosen with bench/ppo_learning.py on evaluation seeds of its own
# (docs/ppo-learning.md, L1): at this scale PPO needs about 4,000 episodes (32 updates) to
# raise ID success beyond its noise; fewer episodes at a higher rate did not do it. The
# ratio's old log-probs are those the rollout sampled with (fp32 on CPU: the training
# forward's up to float rounding), so no scoring pass runs.
PPO_RECIPE: dict[str, Any] = {
    "advantage": "group", "groupSize": 4, "groupStd": False, "groupCredit": "turn", "ratio": "token", "clip": 0.2, "oldLogProbs": "sampling",
    "parallelEnvs": 128, "stepsPerUpdate": 384, "epochs": 1, "miniBatchSize": 64, "microBatchSize": 32,
    "learningRate": 5e-05, "finalLearningRate": 5e-05, "maxGradNorm": 1.0, "temperature": 0.7, "maxNewTokens": 64,
    "adam": {"betas": [0.9, 0.98]},  # what it was tuned and measured with; PPO's default is torch's (0.9, 0.999)
}


# V-IRL-L (`--task virl-l`): navigation by instructions on the synthetic NYC routes of the
# paper's preset (examples/virl-l.ptlab.json), ID with absolute directions, OOD with relative
# ones, from embedded:virl-base (pretrained on the other cities' routes); the strict verifier.
# An episode is a whole route (about 13 positions, each a model call of about 450 prompt tokens),
# so an evaluation and a PPO update cost several times GP-L's: fewer episodes per evaluation
# and per update.
VIRL_BASE: dict[str, Any] = {
    "seed": 0,
    "environment": {"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 1000, "seed": 0}}, "actionSpace": "absolute", "maxStraight": 5, "dropRate": 0.5, "modality": "language", "maxVerify": 2, "verifier": "strict"},
    "model": {"name": "embedded:virl-base", "kind": "causal-lm", "dtype": "fp32", "generateBatch": 128},
    "evaluation": greedy_evaluation({"actionSpace": "relative"}, max_new_tokens=96),
    "launcher": {"kind": "local"},
}
# The full size's arms spend about equal training compute, as the paper's comparisons do
# (figure 6): 360 SFT steps end at 82.8k GFLOPs, 32 PPO updates at about 87k (counted
# from the base, rollouts included; docs/base-model.md). The SFT arm's length and its constant
# rate come from a probe on tuning seeds (evaluation seed 99, never the study's): 180 steps
# (1.4 epochs) left the relative action space in place, and continuing at a constant 3e-4
# erased it between 2.2 and 2.9 epochs; a cosine decay over 360 steps would end with the
# cumulative rate of that probe's 270-step point. GP-L's SFT arm is not matched: 9x its 60
# steps would not fit the main job's budget.
VIRL_SIZES: dict[str, dict[str, Any]] = {
    "full": {"examples": 4000, "initSteps": 4, "moreSteps": 360, "ppoUpdates": 32, "episodes": 128, "evalEvery": {"sft": 90, "ppo": 8}, "ppo": {}},
    "ci": {"examples": 400, "initSteps": 2, "moreSteps": 4, "ppoUpdates": 2, "episodes": 4, "evalEvery": {"sft": 2, "ppo": 1}, "ppo": {"parallelEnvs": 4, "stepsPerUpdate": 8, "miniBatchSize": 8, "microBatchSize": 8}},
}
VIRL_SFT_RECIPE: dict[str, Any] = {**SFT_RECIPE, "schedule": "constant"}
VIRL_PPO_RECIPE: dict[str, Any] = {
    **PPO_RECIPE,
    "parallelEnvs": 32, "stepsPerUpdate": 256, "miniBatchSize": 64, "microBatchSize": 16, "maxNewTokens": 96,
}


RULES = {"gp-l": ("face cards 10", "J, Q, K = 11, 12, 13"), "virl-l": ("absolute directions", "relative directions: left, right, slightly left, slightly right")}


@dataclass(frozen=True)
class Task:
    """A study the demo runs: its environment, base model and evaluation (`base`), its sizes,
    and the SFT and PPO recipes."""

    name: str
    title: str
    base: dict[str, Any]
    sizes: dict[str, dict[str, Any]]
    sft: dict[str, Any]
    ppo: dict[str, Any]


TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task("gp-l", "GP-L", BASE, SIZES, SFT_RECIPE, PPO_RECIPE),
        Task("virl-l", "V-IRL-L", VIRL_BASE, VIRL_SIZES, VIRL_SFT_RECIPE, VIRL_PPO_RECIPE),
    )
}


@dataclass(frozen=True)
class Stage:
    name: str
    job: str  # sft | ppo | export
    config: str  # file name under OUT/configs
    title: str


def seed_suffix(seed: int) -> str:
    """A training seed's run folders: `sft-more` and `ppo` for seed 0, `sft-more-seed1`... after
    it (the names `ptlab report` gathers an arm's seeds by)."""
    return f"-seed{seed}" if seed else ""


def stages(seeds: int = 1) -> tuple[Stage, ...]:
    """Init, then each training seed's two arms in turn (seed 0's first: its report comes first),
    then the ONNX exports of seed 0's final checkpoints."""
    arms = []
    for seed in range(seeds):
        suffix, which = seed_suffix(seed), f" (training seed {seed})" if seeds > 1 else ""
        arms += [Stage(f"sft-more{suffix}", "sft", f"sft-more{suffix}.ptlab.json", f"more SFT from Init{which}"), Stage(f"ppo{suffix}", "ppo", f"ppo{suffix}.ptlab.json", f"PPO from Init{which}")]
    return (
        Stage("sft-init", "sft", "sft-init.ptlab.json", "SFT of the base to the Init checkpoint"),
        *arms,
        Stage("sft-more", "export", "sft-more.ptlab.json", "ONNX export of the final SFT checkpoint"),
        Stage("ppo", "export", "ppo.ptlab.json", "ONNX export of the final RL checkpoint"),
    )


def experiment_configs(out: Path, size: str, seeds: int = 1, task: str = "gp-l") -> dict[str, dict[str, Any]]:
    """The study's experiment configs, paths relative to their folder: Init, and each training
    seed's SFT and PPO runs from it (seed k > 0 differs from seed 0 in `seed` alone, and leaves
    Init's evaluation to seed 0's SFT run)."""
    study = TASKS[task]
    base, s = study.base, study.sizes[size]
    init_checkpoint = "../sft-init/checkpoints/final"

    def config(name: str, description: str, **parts: Any) -> dict[str, Any]:
        value = copy.deepcopy(base)
        value["name"] = f"demo-{name}" if task == "gp-l" else f"demo-{task}-{name}"
        value["description"] = description
        for split in value["evaluation"]["splits"]:
            split["episodes"] = s["episodes"]
        value.update(parts)
        return value

    sft_eval = {**copy.deepcopy(base["evaluation"]), "everySteps": s["evalEvery"]["sft"]}
    ppo_eval = {**copy.deepcopy(base["evaluation"]), "everySteps": s["evalEvery"]["ppo"], "atStart": False}  # Init: the SFT run's step 0
    for evaluation in (sft_eval, ppo_eval):
        for split in evaluation["splits"]:
            split["episodes"] = s["episodes"]
    data = {"examples": s["examples"], "trajectories": "optimal"}
    init_sft = {**study.sft, "data": data, "steps": s["initSteps"], "learningRate": 0.0003, "schedule": "constant", "warmupRatio": 0}
    more_sft = {**study.sft, "init": init_checkpoint, "data": data, "steps": s["moreSteps"], "learningRate": 0.0003, "warmupRatio": 0}
    ppo = {**study.ppo, **s["ppo"], "init": init_checkpoint, "updates": s["ppoUpdates"]}
    configs = {
        # the Init baseline is step 0 of the SFT run below, evaluated once
        "sft-init.ptlab.json": {k: v for k, v in config("sft-init", f"Init: brief SFT of the pretrained base on {study.title} ({RULES[task][0]}).", sft=init_sft).items() if k != "evaluation"},
        "sft-more.ptlab.json": config("sft", f"SFT from Init on the ID rule; evaluated on ID and the OOD rule ({RULES[task][1]}).", sft=more_sft, evaluation=sft_eval),
        "ppo.ptlab.json": config("rl", "PPO from Init with the verifier's rewards and sequential revision; evaluated like the SFT run.", ppo=ppo, evaluation=ppo_eval),
    }
    for seed in range(1, seeds):
        suffix = seed_suffix(seed)
        for arm in ("sft-more", "ppo"):
            value = copy.deepcopy(configs[f"{arm}.ptlab.json"])
            value.update(seed=seed, name=f"{value['name']}{suffix}")
            value["evaluation"]["atStart"] = False  # Init: step 0 of seed 0's SFT run
            configs[f"{arm}{suffix}.ptlab.json"] = value
    return configs


def write_configs(out: Path, configs: dict[str, dict[str, Any]]) -> Path:
    """experiment_configs' `configs` into OUT/configs, the folder returned."""
    folder = out / "configs"
    for name, value in configs.items():
        atomic_write_text(folder / name, json.dumps(value, indent=2) + "\n")
    return folder


def _manifest(run: Path) -> dict[str, Any] | None:
    try:
        return json.loads((run / "run.json").read_text())
    except (OSError, ValueError):
        return None


def _latest_success(run: Path) -> str:
    """`ID 0.42 OOD 0.03` from the run's last evaluation records."""
    try:
        lines = jsonl_lines(run / "metrics.jsonl")
    except OSError:
        return ""
    latest: dict[str, float] = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("kind") == "eval":
            latest[record["splitKind"]] = record["success"]["rate"]
    return " ".join(f"{'ID' if kind == 'id' else 'OOD'} {rate:.2f}" for kind, rate in sorted(latest.items()))


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def own_manifest(out: Path, stage: Stage, configs: Path, value: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The training stage's run.json, None before it ran; SystemExit where its folder holds a
    run of another job or config (another --size's, say), which is neither kept nor resumed.
    `value`: the stage's config before it is written to `configs` (without: read from there)."""
    from ptlab.config import experiment_from_dict, filled_in, load_experiment
    from ptlab.runlog import config_differences

    run = out / stage.name
    manifest = _manifest(run)
    if manifest is None:
        return None
    config = configs / stage.config
    experiment = load_experiment(config) if value is None else experiment_from_dict(value, config.resolve())
    differs = f"a {manifest.get('job')} job, not {stage.job}" if manifest.get("job") != stage.job else config_differences(manifest, experiment.to_dict(), filled_in)
    if differs:
        raise SystemExit(
            f"demo: {run} holds another run than this study's {stage.name} ({config} differs from its run.json at {differs}); "
            f"the demo keeps or resumes only its own runs: pass another --out for this study, or delete {out} to start it over"
        )
    return manifest


def _exported(run: Path) -> bool:
    """Whether the run's last checkpoint has its export (not one of another checkpoint)."""
    from ptlab.export import ExportError, export_target, last_checkpoint, made_from

    try:
        checkpoint = last_checkpoint(run)
        return made_from(export_target(run, checkpoint), checkpoint)
    except (ExportError, OSError, ValueError):
        return False


class Stopped(Exception):
    """SIGTERM or SIGHUP reached the demo (`kill`, a closed terminal) while a stage's job ran."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def run_stage(index: int, count: int, stage: Stage, out: Path, configs: Path) -> None:
    run = out / stage.name
    header = f"[{index}/{count}] {stage.title}"
    command = [sys.executable, "-m", "ptlab", stage.job, "--config", str(configs / stage.config), "--run-dir", str(run)]
    if stage.job == "export":
        if _exported(run):
            print(f"{header}: done before, kept", flush=True)
            return
    else:
        manifest = own_manifest(out, stage, configs)
        if manifest and manifest["status"] == "finished":
            print(f"{header}: finished before, kept ({_latest_success(run)})", flush=True)
            return
        if manifest:
            command.append("--resume")
    log = out / "logs" / f"{index}-{stage.name}-{stage.job}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    progress = Progress(header)
    with log.open("a", encoding="utf-8") as sink, signals_raise(Stopped):  # not the default's end, leaving the job an orphan
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        try:
            while process.poll() is None:
                time.sleep(2)
                progress.show(run, stage, time.monotonic() - started)
        except (KeyboardInterrupt, Stopped):
            # The terminal's Ctrl+C (or SIGHUP) reached the job too; a signal sent to the demo alone
            # did not. Either way the job checkpoints and ends as cancelled; rerun to resume
            process.terminate()
            process.wait()
            raise
    if process.returncode != 0:
        tail = "".join(log.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)[-15:])
        raise SystemExit(f"{header} failed (exit {process.returncode}); log: {log}\n{tail}")
    progress.done(f"{header}: done in {_clock(time.monotonic() - started)} {_latest_success(run)}".rstrip())


class Progress:
    """One status line per stage: rewritten in place on a terminal, a new line per step otherwise."""

    def __init__(self, header: str) -> None:
        self.header = header
        self.last = ""
        self.tty = sys.stdout.isatty()

    def show(self, run: Path, stage: Stage, elapsed: float) -> None:
        manifest = _manifest(run) if stage.job != "export" else None
        progress = (manifest or {}).get("progress", {})
        step, total = progress.get("step"), progress.get("totalSteps")
        where = f"step {step}/{total}" if step is not None and total else "starting"
        status = f"{self.header}: {where} {_latest_success(run) if manifest else ''}".rstrip()
        if self.tty:
            print(f"\r{status}, {_clock(elapsed)}".ljust(100), end="", flush=True)
        elif status != self.last:
            print(f"{status} ({_clock(elapsed)})", flush=True)
        self.last = status

    def done(self, text: str) -> None:
        print(f"\r{text}".ljust(100) if self.tty else text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ptlab.demo", description="The paper's SFT-vs-RL study on GP-L (or V-IRL-L) from an embedded pretrained base (CPU).")
    parser.add_argument("--task", choices=sorted(TASKS), default="gp-l", help="gp-l (default): GeneralPoints from embedded:gp-base; virl-l: V-IRL navigation from embedded:virl-base")
    parser.add_argument("--out", help="folder for the study's runs (default runs/demo, runs/demo-virl-l for V-IRL-L)")
    parser.add_argument("--size", choices=sorted(SIZES), default="full", help="full: the README's demo; ci: every stage, tiny sizes")
    parser.add_argument("--seeds", type=int, choices=range(1, 9), default=1, metavar="N", help="training seeds per arm, 1-8 (default 1): each adds an SFT and a PPO run from the same Init; the report averages the effects over them")
    args = parser.parse_args(argv)
    study = TASKS[args.task]
    from ptlab.models import ModelFamilyError, resolve_model_path

    try:
        resolve_model_path(study.base["model"]["name"])  # a base not in this installation: say how to build it before any stage starts
    except ModelFamilyError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out or ("runs/demo" if args.task == "gp-l" else f"runs/demo-{args.task}")).resolve()
    values = experiment_configs(out, args.size, args.seeds, args.task)
    print(f"{study.title}, SFT vs RL, from {study.base['model']['name']} ({args.size}, {args.seeds} training seed{'s' if args.seeds > 1 else ''} per arm); runs in {out}", flush=True)
    started = time.monotonic()
    plan = stages(args.seeds)
    for stage in plan:  # every stage's folder before the first job, not hours into the study
        if stage.job != "export":  # and before the configs are written: a refused folder's runs name theirs (run.json configPath)
            own_manifest(out, stage, out / "configs", values[stage.config])
    configs = write_configs(out, values)
    try:
        for index, stage in enumerate(plan, start=1):
            run_stage(index, len(plan), stage, out, configs)
    except Stopped as stop:
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            print(f"\ndemo: stopped by {stop}; the running stage's job was cancelled: run the demo again to resume", file=sys.stderr, flush=True)
        return 128 + stop.signum
    print(f"all stages done in {_clock(time.monotonic() - started)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
