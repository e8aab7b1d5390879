"""The paper presets as they launch (examples/*.ptlab.json: two DeepSpeed ZeRO-3 processes in
bf16, gradient checkpointing, Llama-3.2-Vision's Mllama classes), shrunk to CPU sizes on the
Mllama replica: SFT, then PPO from SFT's final checkpoint, each evaluating its splits at its
start and its checkpoints. The rest of the suite launches with mixed precision off, where the
engine's dtype never met the value head."""

import json
import math
from pathlib import Path

import pytest
import two_processes

pytest.importorskip("torch")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def env(ptlab_cache):
    import os

    return {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def shrunk(name: str, model: str, folder: Path) -> Path:
    """The preset `name` on `model`, everything but its sizes as it is: a few SFT steps, one
    small PPO update from SFT's final checkpoint in folder/sft, two episodes per split (a split
    that plays each route once keeps its routes)."""
    data = json.loads((EXAMPLES / f"{name}.ptlab.json").read_text())
    data["model"]["name"] = model
    data["sft"]["data"]["examples"] = 32
    data["sft"].update(steps=2, globalBatchSize=8, microBatchSize=2)
    data["launcher"]["gpus"] = 2  # the two processes the test launches (the config's batch arithmetic is checked against it)
    data["ppo"].update(init=str(folder / "sft" / "checkpoints" / "final"), updates=1, stepsPerUpdate=16, parallelEnvs=8, epochs=1, miniBatchSize=8, microBatchSize=4, maxNewTokens=24)
    for split in data["evaluation"]["splits"]:
        if not split.get("eachRouteOnce"):
            split["episodes"] = 2
    data["evaluation"]["maxNewTokens"] = 16
    path = folder / f"{name}.ptlab.json"
    path.write_text(json.dumps(data))
    return path


def records(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


@two_processes.needs_deepspeed
@pytest.mark.parametrize("name", ["gp-vl", "virl-l"])
def test_a_paper_preset_runs_sft_then_ppo_as_it_launches(tmp_path, env, name):
    from ptlab import replicas

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
        model = str(replicas.replica_path("mllama"))
    preset = json.loads((EXAMPLES / f"{name}.ptlab.json").read_text())
    assert preset["launcher"]["distributed"] == "deepspeed-zero3" and preset["launcher"]["mixedPrecision"] == "bf16" and preset["model"]["gradientCheckpointing"]
    path = shrunk(name, model, tmp_path)
    stage = int(preset["launcher"]["distributed"][-1])
    for job in ("sft", "ppo"):
        two_processes.run(job, path, tmp_path / job, env, deepspeed_stage=stage, mixed_precision=preset["launcher"]["mixedPrecision"])
    splits = {s["name"] for s in preset["evaluation"]["splits"]}
    sft, ppo = records(tmp_path / "sft"), records(tmp_path / "ppo")
    sft_train, (ppo_train,) = [r for r in sft if r["kind"] == "train"], [r for r in ppo if r["kind"] == "train"]
    assert [r["step"] for r in sft_train] == [1, 2] and all(math.isfinite(r["metrics"]["train/loss"]) for r in sft_train)
    assert all(math.isfinite(ppo_train["metrics"][k]) for k in ("ppo/policy_loss", "ppo/value_loss", "ppo/entropy"))
    assert ppo_train["metrics"]["ppo/optimizer_steps"] == 16 // 8
    for run, last in ((sft, 2), (ppo, 1)):
        evaluated = {(r["step"], r["split"]) for r in run if r["kind"] == "eval"}
        assert {(step, split) for step in (0, last) for split in splits} <= evaluated
    trained = sft_train[-1]["compute"]
    assert ppo_train["compute"]["initTokens"] == trained["trainTokens"] + trained["visualTrainTokens"]
