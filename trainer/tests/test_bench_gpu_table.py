"""bench/gpu_table.py: issue 18's table and targets from gpu_check.sh's results, on the
committed H200 logs of 2026-11-26 and on results in the newer scripts' format."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "gpu_table.py"


def table(*folders: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, folders)], capture_output=True, text=True, timeout=60)


def assert_printed(folders: list[Path], lines: list[str]) -> None:
    """The table of `folders` prints each of `lines` whole, one per line of its output."""
    done = table(*folders)
    assert done.returncode == 0, done.stderr
    printed = set(done.stdout.splitlines())
    missing = [line for line in lines if line not in printed]
    assert not missing, f"not printed: {missing}\n{done.stdout}"


def test_the_committed_h200_results_give_their_rows_and_unmet_targets():
    assert_printed([ROOT / "bench" / "results" / "h200-2026-11-26"], [
        "Device: NVIDIA H200; MFU against each result's own peak (bf16 dense).",
        "| `ptlab sft` 0.5b, defaults | trainer-0.5b | 38,026 | 8.3% |  |",
        '| `ptlab ppo` 0.5b, kvCache "static" | trainer-0.5b-static | 21,024 | 3.6% |  |',
        "| plain PyTorch training 1.5b, batch 8 x 1024 | raw-1.5b | 34,522 | 37.2% |  |",
        # that baseline was another model (151,936-token vocabulary, random 1,024-token rows): not set beside ours
        "| plain PyTorch training 0.5b, batch 8 x 1024 (not comparable: another model (494,032,768 parameters; ours 358,989,440 parameters)) | raw-0.5b | 73,537 | 22.0% |  |",
        "- SFT MFU at 0.5b >= 35%: best 8.3% (trainer-0.5b): not met; plain PyTorch 22.0% in these results, not comparable: another model (494,032,768 parameters; ours 358,989,440 parameters)",
        "- PPO generation share of an update <= 60%: no result",
    ])


def _write(folder: Path, name: str, lines: list) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.log").write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")


def test_newer_results_give_the_stage_split_the_rollout_ratio_and_met_targets(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    header = {"device": "NVIDIA H100 80GB HBM3", "size": "0.5b", "bf16PeakTflops": 989.0, "kvCache": "static", "headChunk": 1024, "ligerKernel": False}
    stages = {"generation": 4.4, "environment": 0.1, "scoring": 0.5, "training": 3.0, "token_records": 0.0, "checkpoint": 0.0}
    _write(a, "trainer-0.5b-static", [header, "Loading weights: 100%", {"bench": "sft", "tokensPerSecond": 250000.0, "mfu": 0.36, "peakMemoryGiB": 21.43, "stepSeconds": {"min": 0.081, "median": 0.083, "max": 0.31}, "betweenStepsSeconds": 0.0012}, {"bench": "ppo", "tokensPerSecond": 90000.0, "mfu": 0.12, "peakMemoryGiB": 30.0, "stageSecondsPerUpdate": stages, "generationShare": 0.55, "updateMfu": 0.31}])
    _write(a, "raw-0.5b", [{"device": "NVIDIA H100 80GB HBM3", "size": "0.5b"}, {"bench": "train", "tokensPerSecond": 73000.0, "mfu": 0.22, "batch": 8, "seq": 1024}])
    _write(b, "rollout-reference-0.5b", [{"bench": "rollout-reference", "loop": "ptlab", "answerTokensPerSecond": 24600.0}, {"bench": "rollout-reference", "loop": "reference", "answerTokensPerSecond": 2000.0}, {"bench": "rollout-reference-ratio", "transitionsPerSecond": 11.9, "answerTokensPerSecond": 12.3}])
    _write(b, "notes", ["no JSON here", "{broken"])
    _write(b, "trainer-0.5b-expandable", [{"device": "NVIDIA H100 80GB HBM3", "size": "0.5b", "bf16PeakTflops": 989.0, "PYTORCH_CUDA_ALLOC_CONF": "expandable_segments:True"}, {"bench": "sft", "tokensPerSecond": 200000.0, "mfu": 0.3, "peakMemoryGiB": 20.0}])
    assert_printed([a, b], [
        '| `ptlab sft` 0.5b, kvCache "static", headChunk 1024 | trainer-0.5b-static | 250,000 | 36.0% | 21.4 |',
        '| 0.5b, kvCache "static", headChunk 1024 | trainer-0.5b-static | 4.40 | 3.00 | 0.60 | 55.0% | 31.0% |',
        '| `ptlab sft` 0.5b, kvCache "static", headChunk 1024 | trainer-0.5b-static | 0.081 | 0.083 | 0.310 | 0.0012 |',
        "| rollout-reference-0.5b | 24,600 | 2,000 | 12.3x |",
        '| `ptlab sft` 0.5b, PYTORCH_CUDA_ALLOC_CONF "expandable_segments:True" | trainer-0.5b-expandable | 200,000 | 30.0% | 20.0 |',
        "- SFT MFU at 0.5b >= 35%: best 36.0% (trainer-0.5b-static): met; plain PyTorch 22.0% in these results: at least it",
        "- SFT MFU at 1.5b >= 45%: no result",
        "- PPO generation share of an update <= 60%: best 55.0% (trainer-0.5b-static): met",
        "- PPO update phase MFU >= 30%: best 31.0% (trainer-0.5b-static): met",
        "- rollout answer tokens/s against the reference's loop >= 10x: best 12.3x (rollout-reference-0.5b): met",
    ])


def test_a_baseline_is_set_beside_ours_only_on_the_same_model(tmp_path):
    ours = {"parameters": 358989440, "flopsParameters": 358989440, "tieWordEmbeddings": True, "hidden_size": 896, "vocab_size": 1218}
    other = {**ours, "parameters": 494032768, "flopsParameters": 494032768, "vocab_size": 151936}
    sft = {"bench": "sft", "tokensPerSecond": 100000.0, "mfu": 0.3, "peakMemoryGiB": 20.0}
    train = {"bench": "train", "tokensPerSecond": 90000.0, "mfu": 0.25, "batch": 32, "meanRowTokens": 231.0}
    for folder, baseline in (("same", ours), ("other", other)):
        _write(tmp_path / folder, "trainer-0.5b", [{"device": "NVIDIA H200", "size": "0.5b", "parameters": ours["parameters"], "model": ours}, sft])
        _write(tmp_path / folder, "raw-0.5b", [{"device": "NVIDIA H200", "size": "0.5b", "parameters": baseline["parameters"], "model": baseline}, train])
    assert_printed([tmp_path / "same"], [
        "| plain PyTorch training 0.5b, 32 rows of `ptlab sft`'s data per step | raw-0.5b | 90,000 | 25.0% |  |",
        "- SFT MFU at 0.5b >= 35%: best 30.0% (trainer-0.5b): not met; plain PyTorch 25.0% in these results: at least it",
    ])
    why = "not comparable: another model (494,032,768 parameters, vocabulary 151,936, tied embeddings; ours 358,989,440 parameters, vocabulary 1,218, tied embeddings)"
    assert_printed([tmp_path / "other"], [
        f"| plain PyTorch training 0.5b, 32 rows of `ptlab sft`'s data per step ({why}) | raw-0.5b | 90,000 | 25.0% |  |",
        f"- SFT MFU at 0.5b >= 35%: best 30.0% (trainer-0.5b): not met; plain PyTorch 25.0% in these results, {why}",
    ])


def test_a_folder_without_results_fails_saying_so(tmp_path):
    empty = tmp_path / "out"
    empty.mkdir()
    done = table(empty)
    assert done.returncode != 0 and f"no JSON results in {empty}" in done.stderr
    missing = table(tmp_path / "nope")
    assert missing.returncode != 0 and "is not a folder of gpu_check.sh results" in missing.stderr


def test_host_sync_counts_give_their_rows(tmp_path):
    reads = {"in micro-batches": {"cuda sync @ ptlab/ppo.py:1189 (train_forward)": 12, "cuda sync @ transformers/masking_utils.py:761 (find_packed_sequence_indices)": 12}, "between micro-batches": {"__float__ @ ptlab/sft.py:326 (run_sft)": 3}}
    gaps = {"count": 2, "medianSeconds": 0.00125, "totalSeconds": 0.003, "copies": 0}
    _write(tmp_path / "a", "host-syncs", [{"device": "NVIDIA H100 80GB HBM3", "size": "tiny"}, {"bench": "host-syncs", "job": "ppo", "microBatches": 12, "reads": reads}, {"bench": "host-syncs", "job": "sft", "microBatches": 6, "reads": {}, "hostGaps": gaps}])
    assert_printed([tmp_path / "a"], [
        "Host waits inside the trainer's micro-batches (bench/host_syncs.py):",
        "| ppo | host-syncs | 12 | 2.0 | cuda sync @ ptlab/ppo.py:1189 (train_forward) x12; cuda sync @ transformers/masking_utils.py:761 (find_packed_sequence_indices) x12 |  |",
        "| sft | host-syncs | 6 | 0.0 |  | 1.25 (0) |",
    ])


def test_optimizer_steps_give_their_rows(tmp_path):
    lines = [{"bench": "optimizer-step", "model": "0.5b", "dtype": "bfloat16", "implementation": implementation, "medianMs": ms, "speedup": speedup, "maxDiffFromForLoop": diff} for implementation, ms, speedup, diff in (("for-loop", 12.0, 1.0, 0.0), ("fused", 1.5, 8.0, 3e-8))]
    _write(tmp_path / "a", "optimizer-step", [{"device": "NVIDIA H100 80GB HBM3", "threads": 16}, *lines])
    assert_printed([tmp_path / "a"], [
        "One Adam step under each kernel (bench/optimizer_step.py; adam.implementation):",
        "| 0.5b | bfloat16 | for-loop | 12.000 | 1.00x | 0.0e+00 |",
        "| 0.5b | bfloat16 | fused | 1.500 | 8.00x | 3.0e-08 |",
    ])


def test_sampling_draws_give_their_rows(tmp_path):
    line = {"bench": "sampling-draws", "vocab": 128256, "rows": 64, "decoding": "llama-3.2-vision", "dtype": "bf16", "multinomialMs": 0.5, "keyedMs": 0.6, "keyedOverMultinomial": 1.2}
    _write(tmp_path / "a", "sampling-draws", [{"device": "NVIDIA H100 80GB HBM3", "threads": 16}, line])
    assert_printed([tmp_path / "a"], [
        "A decoding step's token choice (bench/sampling_draws.py; evaluation's per-episode draws):",
        "| 128256 | 64 | llama-3.2-vision | 0.500 | 0.600 | 1.20x |",
    ])
