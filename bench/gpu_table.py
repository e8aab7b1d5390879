"""Issue 18's table from `bench/gpu_check.sh` results: configuration x tokens/s x MFU x peak memory, ours and the baselines side by side, the PPO update's time by stage, and each target met or not.

    python3 bench/gpu_table.py RESULTS [RESULTS ...]

RESULTS: the folders gpu_check.sh wrote (its $OUT), each step's JSON lines in STEP.log; the
lines that are not JSON (progress, warnings) are skipped. Each step's outcome and seconds
(steps.tsv) close the table, with the steps that gave no result (failed, stopped, skipped). Rows come from
`bench/gpu_trainer.py` (our `ptlab sft` and `ptlab ppo`, one row per job and configuration),
`bench/gpu_train.py` (plain PyTorch/transformers training and generation: the baselines, set
beside ours only when their model is ours: a baseline whose header names another model, or
other parameters, is marked not comparable in its row and in the targets) and
`bench/rollout_reference.py` (our rollouts against the reference's one-step-per-generate
loop), `bench/host_syncs.py` (host waits inside the trainer's micro-batches) and
`bench/optimizer_step.py` (an Adam step under each kernel). Prints Markdown. Standard library only: it runs where the results land.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# issue 18's targets
SFT_MFU = {"0.5b": 0.35, "1.5b": 0.45}
GENERATION_SHARE = 0.60
UPDATE_MFU = 0.30
ROLLOUT_RATIO = 10.0
OPTIONS = (("kvCache", "dynamic"), ("attention", "auto"), ("paddingFree", False), ("compile", False), ("ligerKernel", False), ("groupSize", 0), ("sharedPrefixes", False), ("headChunk", 0), ("PYTORCH_CUDA_ALLOC_CONF", None))


@dataclass
class Step:
    name: str
    header: dict[str, Any] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)


def read_outcomes(folders: list[Path]) -> list[list[str]]:
    """gpu_check.sh's steps.tsv lines (step, outcome, seconds) of each folder that has one."""
    rows = []
    for folder in folders:
        path = folder / "steps.tsv"
        if path.exists():
            rows += [line.split("\t") for line in path.read_text(errors="replace").splitlines() if line.count("\t") == 2]
    return rows


def read_steps(folders: list[Path]) -> list[Step]:
    steps = []
    for folder in folders:
        if not folder.is_dir():
            raise SystemExit(f"gpu_table: {folder} is not a folder of gpu_check.sh results (its $OUT)")
        for log in sorted(folder.glob("*.log")):
            records = [record for record in map(_json, log.read_text(errors="replace").splitlines()) if record is not None]
            if records:
                header = records[0] if "bench" not in records[0] else {}
                steps.append(Step(log.stem, header, [r for r in records if "bench" in r]))
    return steps


def _json(line: str) -> dict[str, Any] | None:
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def configuration(step: Step) -> str:
    """What a gpu_trainer.py run changed from the defaults, in config words."""
    changed = [f"{key} {json.dumps(step.header[key])}" for key, default in OPTIONS if step.header.get(key, default) != default]
    return ", ".join(changed) if changed else "defaults"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _gib(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _model(step: Step) -> dict[str, Any]:
    """The model a step ran (its header's `model`; older results state only the parameters)."""
    return step.header.get("model") or {"parameters": step.header.get("parameters")}


def _described(model: dict[str, Any]) -> str:
    parameters = model.get("parameters")
    words = [f"{parameters:,} parameters" if isinstance(parameters, int) else "parameters not stated"]
    if "vocab_size" in model:
        words.append(f"vocabulary {model['vocab_size']:,}")
    if "tieWordEmbeddings" in model:
        words.append("tied embeddings" if model["tieWordEmbeddings"] else "untied embeddings")
    return ", ".join(words)


def not_comparable(baseline: Step, steps: list[Step]) -> str | None:
    """Why a plain-PyTorch baseline cannot stand beside our loops of its size: another model
    (issue 18's ratios are on the same model in the same run). None when it is ours, or when no
    result of ours at its size is there to compare."""
    ours = [step for step in steps if step.header.get("size") == baseline.header.get("size") and any(line["bench"] in ("sft", "ppo") for line in step.lines)]
    if not ours or _model(baseline) == _model(ours[0]):
        return None
    return f"not comparable: another model ({_described(_model(baseline))}; ours {_described(_model(ours[0]))})"


def throughput_rows(steps: list[Step]) -> list[list[str]]:
    rows = []
    for step in steps:
        size = step.header.get("size", "")
        for line in step.lines:
            if line["bench"] in ("sft", "ppo"):
                rows.append([f"`ptlab {line['bench']}`{' ' + size if size else ''}, {configuration(step)}", step.name, _number(line.get("tokensPerSecond")), _percent(line.get("mfu")), _gib(line.get("peakMemoryGiB"))])
            elif line["bench"] in ("train", "generate"):
                data = f"batch {line.get('batch')} x {line.get('seq')}" if "seq" in line else f"{line.get('batch')} rows of `ptlab sft`'s data per step" if line["bench"] == "train" else f"batch {line.get('batch')} (new tokens/s)"
                what = f"plain PyTorch training {size}, {data}" if line["bench"] == "train" else f"plain generate {size}, {data}"
                why = not_comparable(step, steps)
                rate = line.get("tokensPerSecond") if line["bench"] == "train" else line.get("newTokensPerSecond")
                rows.append([what + (f" ({why})" if why else ""), step.name, _number(rate), _percent(line.get("mfu")), ""])
    return rows


def step_rows(steps: list[Step]) -> list[list[str]]:
    """Our loops' steady steps: their own seconds' spread (a few slow ones pull tokens/s below
    the per-step rates) and the wall seconds per step outside them (the GPU waiting for the host)."""
    rows = []
    for step in steps:
        size = step.header.get("size", "")
        for line in step.lines:
            spread, between = line.get("stepSeconds") or {}, line.get("betweenStepsSeconds")
            if line["bench"] in ("sft", "ppo") and (spread or between is not None):
                seconds = [f"{spread[k]:.3f}" if k in spread else "" for k in ("min", "median", "max")]
                rows.append([f"`ptlab {line['bench']}`{' ' + size if size else ''}, {configuration(step)}", step.name, *seconds, "" if between is None else f"{between:.4f}"])
    return rows


def split_rows(steps: list[Step]) -> list[list[str]]:
    rows = []
    for step in steps:
        for line in step.lines:
            stages = line.get("stageSecondsPerUpdate")
            if line["bench"] != "ppo" or not stages:
                continue
            other = sum(v for k, v in stages.items() if k not in ("generation", "training"))
            rows.append([f"{step.header.get('size', '')}, {configuration(step)}", step.name, f"{stages.get('generation', 0):.2f}", f"{stages.get('training', 0):.2f}", f"{other:.2f}", _percent(line.get("generationShare")), _percent(line.get("updateMfu"))])
    return rows


def rollout_rows(steps: list[Step]) -> list[list[str]]:
    rows = []
    for step in steps:
        loops = {line.get("loop"): line for line in step.lines if line["bench"] == "rollout-reference"}
        for line in step.lines:
            if line["bench"] == "rollout-reference-ratio":
                ours, theirs = loops.get("ptlab", {}), loops.get("reference", {})
                rows.append([step.name, _number(ours.get("answerTokensPerSecond")), _number(theirs.get("answerTokensPerSecond")), f"{line['answerTokensPerSecond']:.1f}x"])
    return rows


def sync_rows(steps: list[Step]) -> list[list[str]]:
    """bench/host_syncs.py: host reads (and, on CUDA, synchronizing calls) inside the trainer's
    micro-batches, per micro-batch, with the places that make them; and the host's gaps between
    a read and the next forward, when the device has nothing queued (median ms, batches copied
    inside them)."""
    rows = []
    for step in steps:
        for line in step.lines:
            if line["bench"] != "host-syncs":
                continue
            inside = line.get("reads", {}).get("in micro-batches", {})
            per = sum(inside.values()) / line["microBatches"] if line.get("microBatches") else 0.0
            places = "; ".join(f"{where} x{count}" for where, count in sorted(inside.items(), key=lambda item: -item[1])[:4])
            gaps = line.get("hostGaps") or {}
            gap = "" if gaps.get("medianSeconds") is None else f"{gaps['medianSeconds'] * 1e3:.2f} ({gaps.get('copies', 0)})"
            rows.append([str(line.get("job", "")), step.name, str(line.get("microBatches", "")), f"{per:.1f}", places, gap])
    return rows


def optimizer_rows(steps: list[Step]) -> list[list[str]]:
    """bench/optimizer_step.py: one Adam step per model and kernel (adam.implementation), its
    speed-up over the for-loop and its largest weight difference from the for-loop's."""
    return [
        [line["model"], line["dtype"], line["implementation"], f"{line['medianMs']:.3f}", f"{line['speedup']:.2f}x", f"{line['maxDiffFromForLoop']:.1e}"]
        for step in steps
        for line in step.lines
        if line["bench"] == "optimizer-step"
    ]


def draw_rows(steps: list[Step]) -> list[list[str]]:
    """bench/sampling_draws.py: one decoding step's token choice, generate's multinomial against
    evaluation's keyed draws."""
    return [
        [str(line["vocab"]), str(line["rows"]), line["decoding"], f"{line['multinomialMs']:.3f}", f"{line['keyedMs']:.3f}", f"{line['keyedOverMultinomial']:.2f}x"]
        for step in steps
        for line in step.lines
        if line["bench"] == "sampling-draws" and "keyedMs" in line
    ]


def targets(steps: list[Step]) -> list[str]:
    """Each issue-18 target, the best figure the results hold for it, and met or not."""
    found = []
    trainer = [(step, line) for step in steps for line in step.lines if line["bench"] in ("sft", "ppo")]
    raw = {step.header.get("size"): (line.get("mfu"), not_comparable(step, steps)) for step in steps for line in step.lines if line["bench"] == "train"}
    for size, target in SFT_MFU.items():
        sft = [(line["mfu"], step.name) for step, line in trainer if line["bench"] == "sft" and step.header.get("size") == size and line.get("mfu") is not None]
        if not sft:
            found.append(f"- SFT MFU at {size} >= {target:.0%}: no result")
            continue
        best, name = max(sft)
        baseline, why = raw.get(size, (None, None))
        if baseline is None:
            versus = ""
        elif why:
            versus = f"; plain PyTorch {_percent(baseline)} in these results, {why}"
        else:
            versus = f"; plain PyTorch {_percent(baseline)} in these results: {'at least' if best >= baseline else 'below'} it"
        found.append(f"- SFT MFU at {size} >= {target:.0%}: best {_percent(best)} ({name}): {'met' if best >= target else 'not met'}{versus}")
    ppo = [(line, step.name) for step, line in trainer if line["bench"] == "ppo"]
    shares = [(line["generationShare"], name) for line, name in ppo if line.get("generationShare") is not None]
    mfus = [(line["updateMfu"], name) for line, name in ppo if line.get("updateMfu") is not None]
    found.append(_best("PPO generation share of an update", "<=", GENERATION_SHARE, min(shares) if shares else None))
    found.append(_best("PPO update phase MFU", ">=", UPDATE_MFU, max(mfus) if mfus else None))
    ratios = [(float(row[3].rstrip("x")), row[0]) for row in rollout_rows(steps)]
    best_ratio = max(ratios) if ratios else None
    found.append(f"- rollout answer tokens/s against the reference's loop >= {ROLLOUT_RATIO:.0f}x: " + ("no result" if best_ratio is None else f"best {best_ratio[0]:.1f}x ({best_ratio[1]}): {'met' if best_ratio[0] >= ROLLOUT_RATIO else 'not met'}"))
    return found


def _best(what: str, sense: str, target: float, best: tuple[float, str] | None) -> str:
    if best is None:
        return f"- {what} {sense} {target:.0%}: no result"
    met = best[0] <= target if sense == "<=" else best[0] >= target
    return f"- {what} {sense} {target:.0%}: best {_percent(best[0])} ({best[1]}): {'met' if met else 'not met'}"


def markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(steps: list[Step], outcomes: list[list[str]] | None = None) -> str:
    devices = sorted({str(step.header["device"]) for step in steps if "device" in step.header})
    parts = [f"Device: {', '.join(devices) or 'not stated'}; MFU against each result's own peak (bf16 dense).", ""]
    parts += [markdown(["configuration", "step", "tokens/s", "MFU", "peak GiB"], throughput_rows(steps)), ""]
    spreads = step_rows(steps)
    if spreads:
        parts += ["Steady steps (updates for PPO) of our loops, seconds:", "", markdown(["configuration", "step", "min", "median", "max", "between steps"], spreads), ""]
    split = split_rows(steps)
    if split:
        parts += ["PPO's steady updates by stage (seconds per update):", "", markdown(["configuration", "step", "generation", "training", "other", "generation share", "update MFU"], split), ""]
    rollouts = rollout_rows(steps)
    if rollouts:
        parts += ["Rollouts against the reference's loop (answer tokens/s, same model, GPU and episodes):", "", markdown(["step", "ptlab", "reference", "ratio"], rollouts), ""]
    adam = optimizer_rows(steps)
    if adam:
        parts += ["One Adam step under each kernel (bench/optimizer_step.py; adam.implementation):", "", markdown(["model", "dtype", "kernel", "ms", "against for-loop", "max weight difference"], adam), ""]
    draws = draw_rows(steps)
    if draws:
        parts += ["A decoding step's token choice (bench/sampling_draws.py; evaluation's per-episode draws):", "", markdown(["vocabulary", "rows", "decoding", "multinomial ms", "keyed ms", "keyed / multinomial"], draws), ""]
    syncs = sync_rows(steps)
    if syncs:
        parts += ["Host waits inside the trainer's micro-batches (bench/host_syncs.py):", "", markdown(["job", "step", "micro-batches", "per micro-batch", "where", "gap before a forward, median ms (copies)"], syncs), ""]
    parts += ["Targets (issue 18):", *targets(steps)]
    if outcomes:
        missed = [name for name, outcome, _ in outcomes if outcome != "ok"]
        parts += ["", f"Steps run ({len(outcomes) - len(missed)} of {len(outcomes)} ok{'; without a result: ' + ', '.join(missed) if missed else ''}):", "", markdown(["step", "outcome", "seconds"], outcomes)]
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path, help="gpu_check.sh output folders ($OUT)")
    args = parser.parse_args()
    steps, outcomes = read_steps(args.results), read_outcomes(args.results)
    if not steps and not outcomes:
        raise SystemExit(f"gpu_table: no JSON results in {', '.join(map(str, args.results))}")
    print(render(steps, outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
