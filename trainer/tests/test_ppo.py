"""`ptlab ppo` on the tiny GP-L model, CPU: a few updates end to end with everything logged,
and kill -9 then --resume reproducing the uninterrupted run."""

import itertools
import json
import math
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import two_processes

torch = pytest.importorskip("torch")

from ptlab import seeds as run_seeds  # noqa: E402
from ptlab.contracts import errors  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def env(ptlab_cache):
    return {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def config(tmp_path: Path, updates: int, save_every: int, max_verify: int = 2) -> Path:
    data = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    data["environment"]["maxVerify"] = max_verify
    # 2 rounds of 8 slots per update: episodes that start in the second round go on in the next update
    data["ppo"].update(updates=updates, stepsPerUpdate=16, parallelEnvs=8, epochs=2, miniBatchSize=8, microBatchSize=3, maxNewTokens=24, saveEverySteps=save_every, temperature=1.0)
    del data["ppo"]["init"]  # from the base model: enough to exercise the loop
    data["evaluation"].update(everySteps=2, maxNewTokens=16)
    for split in data["evaluation"]["splits"]:
        split["episodes"] = 2
    data["logging"] = {"tokenRecordRate": 0.5}  # per-token records of half the episodes, through every path below
    path = tmp_path / f"ppo-{updates}.ptlab.json"
    path.write_text(json.dumps(data))
    return path


def within_bounded_seeds(episodes: list[dict], *bound: int | None) -> bool:
    """Every episode's seed among the first seeds.ppo_episode_seeds(*bound) from the base of the
    tiny config's seed 0 (what config.training_seeds_refused keeps apart from evaluation's)."""
    base, count = run_seeds.ppo_episode_base(0), run_seeds.ppo_episode_seeds(*bound)
    return all((e["seed"] - base) & 0xFFFFFFFF < count for e in episodes)


def run_variant(tmp_path: Path, env, name: str, edit, updates: int = 1, save_every: int = 100) -> Path:
    """A PPO run of the small config without evaluation, changed by `edit(data)`; the run folder."""
    data = json.loads(config(tmp_path, updates, save_every).read_text())
    edit(data)
    del data["evaluation"]
    path = tmp_path / f"{name}.ptlab.json"
    path.write_text(json.dumps(data))
    run = tmp_path / name
    result = ppo(env, "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    return run


def ppo(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ptlab", "ppo", *args], capture_output=True, text=True, env=env, timeout=600)


def records(run: Path, name: str = "metrics.jsonl") -> list[dict]:
    return [json.loads(line) for line in (run / name).read_text().splitlines()]


def timeless(record: dict) -> dict:
    """A metric record without what depends on the clock or the run's segments."""
    kept = {k: v for k, v in record.items() if k not in ("time", "wallSeconds", "segment")}
    if "metrics" in record:
        kept["metrics"] = {k: v for k, v in record["metrics"].items() if not k.startswith(("perf/", "time/"))}  # seconds and tokens per second
    return kept


def assert_same_records(ours: list[dict], theirs: list[dict]) -> None:
    assert [(r["kind"], r["step"]) for r in ours] == [(r["kind"], r["step"]) for r in theirs]
    for a, b in zip(ours, theirs):
        diff = {k: (timeless(a).get(k), timeless(b).get(k)) for k in set(timeless(a)) | set(timeless(b)) if timeless(a).get(k) != timeless(b).get(k)}
        assert not diff, f"{a['kind']} step {a['step']}: {diff}"


def joined_token_records(run: Path) -> list[tuple[dict, dict]]:
    """Each line of the run's tokens.jsonl, valid, decoded, with the episode record it belongs
    to: the line's text ends cut that turn's output whole, as many tokens as it generated."""
    from ptlab import token_records

    lines = (run / "tokens.jsonl").read_text().splitlines()
    assert all(errors("token-record.schema.json", json.loads(line)) == [] for line in lines)
    episodes = {(e["step"], e["split"], e["episode"]): e for e in records(run, "episodes.jsonl")}
    joined = []
    for line in token_records.read(run / "tokens.jsonl"):
        episode = episodes[(line["step"], line["split"], line["episode"])]
        turn = episode["turns"][line["turn"]]
        assert line["tokens"] - turn["outputTokens"] in (0, 1)  # the answer's tokens and the stop token, when it stopped
        assert line["textEnds"][-1] == len(turn["output"]) and all(a <= b for a, b in zip(line["textEnds"], line["textEnds"][1:]))
        assert line["update"] <= line["step"] and line["reward"] == turn["reward"]
        joined.append((line, episode))
    return joined


def has_train_record(run: Path, step: int) -> bool:
    metrics = run / "metrics.jsonl"
    return metrics.exists() and any(json.loads(line)["step"] == step and json.loads(line)["kind"] == "train" for line in metrics.read_text().splitlines())


def wait_for_train_record(run: Path, step: int) -> None:
    deadline = time.time() + 300
    while not has_train_record(run, step):
        assert time.time() < deadline, f"no train record for step {step} in {run}"
        time.sleep(0.05)


def test_updates_run_end_to_end_and_log_everything(tmp_path, env):
    run = tmp_path / "ppo"
    result = ppo(env, "--config", str(config(tmp_path, 3, 2)), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    train = [r for r in records(run) if r["kind"] == "train"]
    assert [r["step"] for r in train] == [1, 2, 3]
    for key in ("rollout/reward_mean", "rollout/return_mean", "rollout/response_tokens_mean", "ppo/policy_loss", "ppo/value_loss", "ppo/clipfrac", "ppo/approx_kl", "ppo/entropy", "ppo/ratio_guarded", "train/lr", "perf/tokens_per_second"):
        assert all(r["metrics"][key] is not None for r in train), key
    assert all(r["metrics"]["ppo/optimizer_steps"] == 2 * 16 // 8 and r["metrics"]["ppo/nonfinite_skipped"] == 0 for r in train)  # epochs x mini-batches
    lrs = [r["metrics"]["train/lr"] for r in train]  # each update's own: the first trains at ppo.learningRate
    assert lrs[0] == json.loads(config(tmp_path, 3, 2).read_text())["ppo"]["learningRate"] and lrs[0] > lrs[1] > lrs[2]
    # before an update's first step the trained policy is the rollout's: the training forward scores its samples alike
    assert all(0 <= r["metrics"]["ppo/first_step_logprob_gap"] < 1e-4 for r in train), [r["metrics"]["ppo/first_step_logprob_gap"] for r in train]
    assert all(r["compute"]["inferenceTokens"] > 0 and r["compute"]["gflops"] > 0 for r in train)
    evals = sorted({r["step"] for r in records(run) if r["kind"] == "eval"})
    assert evals == [0, 2, 3]
    # the evaluation and the checkpoint after update 2 are counted in update 3's record
    assert [(r["metrics"]["time/evaluation_s"] > 0, r["metrics"]["time/checkpoint_s"] > 0) for r in train] == [(False, False), (False, False), (True, True)]
    assert all(r["metrics"]["time/generation_s"] > 0 and r["metrics"]["time/training_s"] > 0 for r in train)
    episodes = records(run, "episodes.jsonl")
    rollout = [e for e in episodes if e["split"] == "train"]
    assert rollout and all(errors("episode-record.schema.json", e) == [] for e in rollout)
    assert all(len(e["turns"]) <= 2 and "prompt" in e["turns"][0] for e in rollout)
    assert all(r["metrics"]["time/token_records_s"] > 0 for r in train)
    final = run / "checkpoints" / "final"
    assert (final / "value_head.pt").exists() and (final / "optimizer.pt").exists()
    assert json.loads((run / "run.json").read_text())["status"] == "finished"


def test_sampled_episodes_get_per_token_records_of_every_turn(tmp_path, env):
    """logging.tokenRecordRate 0.5: about half the episodes (by a hash of their number) get a
    line per turn in tokens.jsonl, under their record's step and number, with an episode
    that went on past an update keeping its earlier turns; the training forward before the
    update scores the sampled tokens as the sampler did (fp32 CPU), the ratio of the last
    epoch is near 1, the entropy positive; rate 0 writes nothing."""
    run = run_variant(tmp_path, env, "tokens", lambda data: data["environment"].update(maxVerify=3), updates=3)
    joined = joined_token_records(run)
    rollout = [e for e in records(run, "episodes.jsonl") if e["split"] == "train"]
    traced = {(e["step"], e["episode"]) for _, e in joined}
    assert 0.2 * len(rollout) <= len(traced) <= 0.8 * len(rollout), (len(traced), len(rollout))
    for step, number in traced:  # every turn of a sampled episode
        turns = sorted(line["turn"] for line, e in joined if (e["step"], e["episode"]) == (step, number))
        episode = next(e for _, e in joined if (e["step"], e["episode"]) == (step, number))
        assert turns == list(range(len(episode["turns"])))
    assert any(line["update"] < line["step"] for line, _ in joined)  # a turn trained an update before its episode ended
    for line, _ in joined:
        assert abs(line["training"] - line["sampling"]).max() < 1e-4
        assert (line["entropy"] > 0).all() and (abs(line["ratio"] - 1) < 0.5).all()
        assert line["value"] is not None and line["clip"] == 0.1  # tiny.ptlab.json's ppo.clip
        assert set(line["weight"].tolist()) <= {0.5, 1.0}
    assert json.loads((run / "run.json").read_text())["files"]["tokens"] == "tokens.jsonl"
    off = run_variant(tmp_path, env, "no-tokens", lambda data: data["logging"].update(tokenRecordRate=0))
    assert not (off / "tokens.jsonl").exists() and "tokens" not in json.loads((off / "run.json").read_text())["files"]


def test_token_records_sample_a_share_of_each_process_s_episodes_by_a_hash():
    """tokenRecordRate r: about r of the episodes, a hash of the seed, the process and the
    episode's number (each process its own share, each seed its own); 0 none, 1 all."""
    from ptlab import token_records

    def chosen(seed, process, rate, n=4000):
        return {k for k in range(n) if token_records.sampled(seed, process, k, rate)}

    assert chosen(0, 0, 0.0) == set() and chosen(0, 0, 1.0) == set(range(4000))
    quarter = chosen(3, 0, 0.25)
    assert 900 <= len(quarter) <= 1100
    assert quarter < chosen(3, 0, 0.5)  # a higher rate keeps the episodes a lower one sampled
    assert quarter != chosen(3, 1, 0.25) and quarter != chosen(4, 0, 0.25)


def test_token_text_ends_are_utf16_offsets_non_decreasing_and_the_stop_token_ends_at_the_text_s_end():
    from ptlab.token_records import utf16_ends

    assert utf16_ends("a\U0001F600b", [1, 2, 3], 3) == [1, 3, 4]  # the emoji is two UTF-16 units
    assert utf16_ends("\uffffx", [1, 2], 2) == [1, 2]  # U+FFFF is one
    assert utf16_ends("abc", [2, 1, 3], 3) == [2, 2, 3]
    assert utf16_ends("abc", [1, 7], 2) == [1, 3]  # an end past the text (a token decoding to more) stops at its end
    assert utf16_ends("abc", [1], 3) == [1, 3, 3]  # the stop token and what follows it


def test_a_token_line_round_trips_through_read_and_a_torn_last_line_is_left_out(tmp_path):
    from ptlab import token_records

    turn = token_records.TurnTokens(ids=[5, 6, 7], text_ends=[1, 2, 2], sampling=[-0.5, -1.0, -2.0], weight=[1.0, 1.0, 0.5], reward=-1.0)
    assert not turn.complete()
    turn.training, turn.entropy = [-0.5, -1.0, -2.0], [0.1, 0.2, 0.3]
    assert not turn.complete()  # the update's last epoch has not given its ratios yet
    turn.ratio, turn.value, turn.advantage, turn.ret, turn.update = [1.0, 1.5, 0.5], 0.25, 0.75, -0.5, 2
    assert turn.complete()
    line = turn.line("run", 3, "train", 9, 1, 0.1)
    assert {k: line[k] for k in ("runId", "step", "split", "episode", "turn", "update", "tokens", "advantage", "value", "return", "reward", "clip")} == {
        "runId": "run", "step": 3, "split": "train", "episode": 9, "turn": 1, "update": 2, "tokens": 3, "advantage": 0.75, "value": 0.25, "return": -0.5, "reward": -1.0, "clip": 0.1}
    path = tmp_path / token_records.FILE
    path.write_text(json.dumps(line) + "\n" + json.dumps(line)[:40])
    (record,) = token_records.read(path)
    assert record["ids"].tolist() == [5, 6, 7] and record["textEnds"].tolist() == [1, 2, 2]
    assert record["ratio"].tolist() == [1.0, 1.5, 0.5] and record["weight"].tolist() == [1.0, 1.0, 0.5]
    longer = dict(line, ids=token_records.encode([5, 6, 7, 8], "<i4"))
    path.write_text(json.dumps(longer) + "\n")
    with pytest.raises(ValueError, match=r"line 1: ids: 4 values where the record has 3 tokens"):
        list(token_records.read(path))


def test_the_kl_penalty_to_init_trains_and_is_reported(tmp_path, env):
    path = config(tmp_path, 2, 5)
    data = json.loads(path.read_text())
    data["ppo"]["klCoef"] = 0.5
    del data["evaluation"]
    path.write_text(json.dumps(data))
    run = tmp_path / "ppo-kl"
    result = ppo(env, "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    kl = [r["metrics"]["ppo/kl_to_init"] for r in records(run) if r["kind"] == "train"]
    assert len(kl) == 2 and all(isinstance(k, float) and abs(k) < 1e3 for k in kl)
    assert all(k != 0.0 for k in kl)  # the policy moves off Init within each update's minibatches


def test_at_init_the_kl_to_init_is_zero(tmp_path, env):
    """One optimizer step per update (a mini-batch of all 16 transitions, in micro-batches of
    3): the update's policy is the rollout's, Init, so its KL to Init is 0 (fp32 CPU, padded
    rows: the reference scores as the trained forward computes, in the scoring stage's
    micro-batches, which the update's shuffled mini-batch need not repeat)."""
    run = run_variant(tmp_path, env, "kl-at-init", lambda data: data["ppo"].update(klCoef=0.5, epochs=1, miniBatchSize=16, microBatchSize=3))
    (train,) = [r["metrics"] for r in records(run) if r["kind"] == "train"]
    assert train["ppo/optimizer_steps"] == 1 and train["ppo/kl_to_init"] == 0.0, train


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path, env):
    cfg = config(tmp_path, 4, 2, max_verify=3)  # 3 attempts over 2-round updates: episodes in flight at every checkpoint
    straight = tmp_path / "straight"
    assert ppo(env, "--config", str(cfg), "--run-dir", str(straight)).returncode == 0
    crashed = tmp_path / "crashed"
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "ppo", "--config", str(cfg), "--run-dir", str(crashed)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_train_record(crashed, 3)
    process.kill()
    process.wait()
    in_flight = json.loads((crashed / "checkpoints/update-000002/trainer_state.json").read_text())["inFlightByProcess"][0]
    assert len(in_flight) == 8 and any(saved["turns"] for saved in in_flight)  # resuming replays episodes half done
    resumed = ppo(env, "--config", str(cfg), "--run-dir", str(crashed), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    ours, theirs = records(crashed), records(straight)
    assert_same_records(ours, theirs)  # same rollouts, losses and evaluations
    def transcripts(run: Path) -> list[dict]:
        return [{k: v for k, v in e.items() if k != "runId"} for e in records(run, "episodes.jsonl") if e["split"] == "train"]

    assert transcripts(crashed) == transcripts(straight)  # the replayed episodes finished as they would have
    # per-token records: those up to the checkpoint kept, none twice; an episode in flight at it loses its earlier turns' records
    ours_tokens = [(line["step"], line["episode"], line["turn"], line["ids"].tobytes()) for line, _ in joined_token_records(crashed)]
    theirs_tokens = [(line["step"], line["episode"], line["turn"], line["ids"].tobytes()) for line, _ in joined_token_records(straight)]
    assert len(set(ours_tokens)) == len(ours_tokens) and set(ours_tokens) <= set(theirs_tokens)
    assert [t for t in ours_tokens if t[0] <= 2] == [t for t in theirs_tokens if t[0] <= 2] and any(t[0] > 2 for t in ours_tokens)
    manifest = json.loads((crashed / "run.json").read_text())
    assert [s["startStep"] for s in manifest["segments"]] == [0, 2] and manifest["segments"][0]["endStatus"] == "crashed"
    from safetensors.torch import load_file

    a, b = load_file(str(straight / "checkpoints/final/model.safetensors")), load_file(str(crashed / "checkpoints/final/model.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_a_static_kv_cache_samples_a_lora_policy_as_the_dynamic_one_does(tmp_path, env):
    """model.kvCache "static" under LoRA (peft's model generates): the step-0 greedy
    evaluation, and the first attempts of the first rollout (sampled with the same seed), are
    the dynamic cache's. (Revisions may part: only the dynamic cache carries a chat's KV
    cache to its next turn, equal up to float rounding, and the tiny model's sampling at
    temperature 1 is near uniform.)"""
    runs = {}
    for cache in ("dynamic", "static"):
        data = json.loads(config(tmp_path, 1, 100).read_text())
        data["model"].update(lora={"r": 4}, kvCache=cache)
        path = tmp_path / f"lora-{cache}.ptlab.json"
        path.write_text(json.dumps(data))
        runs[cache] = tmp_path / f"lora-{cache}"
        result = ppo(env, "--config", str(path), "--run-dir", str(runs[cache]))
        assert result.returncode == 0, result.stderr
    evaluated = {cache: [[t["output"] for t in e["turns"]] for e in records(run, "episodes.jsonl") if e["step"] == 0] for cache, run in runs.items()}
    assert evaluated["static"] == evaluated["dynamic"] and evaluated["static"]
    first = {cache: [e["turns"][0]["output"] for e in records(run, "episodes.jsonl") if e["split"] == "train"] for cache, run in runs.items()}
    assert first["static"] == first["dynamic"] and len(first["static"]) == 8


def test_a_paged_kv_cache_rolls_out_with_the_log_probs_the_training_forward_gives(tmp_path, env):
    """model.kvCache "paged" (transformers' continuous batching) in a LoRA PPO run with group
    advantages and the rollout's own log-probs (oldLogProbs "sampling", no scoring pass):
    before each update's first step the training forward gives the sampled tokens the
    log-probs continuous batching recorded, and the step-0 greedy evaluation is the dynamic
    cache's, episode for episode."""
    runs = {}
    for cache in ("dynamic", "paged"):
        data = json.loads(config(tmp_path, 2, 100).read_text())
        data["model"].update(lora={"r": 4}, kvCache=cache)
        data["ppo"].update(advantage="group", groupSize=2, oldLogProbs="sampling")
        path = tmp_path / f"paged-{cache}.ptlab.json"
        path.write_text(json.dumps(data))
        runs[cache] = tmp_path / f"paged-{cache}"
        result = ppo(env, "--config", str(path), "--run-dir", str(runs[cache]))
        assert result.returncode == 0, result.stderr
    train = [r["metrics"] for r in records(runs["paged"]) if r["kind"] == "train"]
    assert len(train) == 2 and all(m["ppo/first_step_logprob_gap"] < 1e-4 and 0 < m["mismatch/tokens"] and m["mismatch/logprob_abs_max"] < 1e-3 for m in train), train
    evaluated = {cache: [[t["output"] for t in e["turns"]] for e in records(run, "episodes.jsonl") if e["step"] == 0] for cache, run in runs.items()}
    assert evaluated["paged"] == evaluated["dynamic"] and evaluated["paged"]


def test_lora_ppo_saves_adapters_and_value_head(tmp_path, env):
    data = json.loads(config(tmp_path, 2, 1).read_text())
    data["model"]["lora"] = {"r": 4}
    del data["evaluation"]
    path = tmp_path / "lora.ptlab.json"
    path.write_text(json.dumps(data))
    run = tmp_path / "lora"
    result = ppo(env, "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    final = run / "checkpoints" / "final"
    assert (final / "adapter_config.json").exists() and (final / "value_head.pt").exists()
    counted = subprocess.run([sys.executable, "-c", "from ptlab import models; print(models.parameter_count(models.load_causal_lm('embedded:tiny-lm', 'fp32')))"], capture_output=True, text=True, env=env, timeout=300)
    assert json.loads((run / "run.json").read_text())["parameters"] == int(counted.stdout)  # N: the model's, as ptlab eval of the checkpoint counts it
    resumed = ppo(env, "--config", str(path), "--run-dir", str(run), "--resume")
    assert resumed.returncode == 0, resumed.stderr


def test_group_baselines_feed_the_loss_each_episode_return_minus_its_group_mean(tmp_path, env, monkeypatch):
    """advantage "group": no value head; groups of groupSize episodes share a seed and run
    to their end; the loss sees (return - group mean) / group std for every step."""
    from ptlab import cli, ppo_core
    from ptlab import ppo as ppo_module
    from ptlab.generation import Generation

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    data = json.loads(config(tmp_path, 2, 100).read_text())
    data["ppo"].update(advantage="group", groupSize=4, epochs=1, stepsPerUpdate=16)
    del data["evaluation"]
    path = tmp_path / "group.ptlab.json"
    path.write_text(json.dumps(data))
    real_generate, real_loss, fed = ppo_module.generate, ppo_core.policy_loss, []

    def varied_generate(model, tokenizer, chats, *args, **kwargs):  # some answers get a different reward
        answers = real_generate(model, tokenizer, chats, *args, **kwargs)
        other = '{"formula": "1+2"}'
        other_ids = (*tokenizer(other, add_special_tokens=False)["input_ids"], tokenizer.eos_token_id)
        return [Generation(other, g.prompt_tokens, other_ids, True) if (i + len(fed)) % 3 == 0 else g for i, g in enumerate(answers)]

    def spy(new, old, advantages, *args):
        fed.extend(advantages.tolist())
        return real_loss(new, old, advantages, *args)

    monkeypatch.setattr(ppo_module, "generate", varied_generate)
    monkeypatch.setattr(ppo_core, "policy_loss", spy)
    run = tmp_path / "group"
    assert cli.main(["ppo", "--config", str(path), "--run-dir", str(run)]) == 0
    episodes = [e for e in records(run, "episodes.jsonl") if e["split"] == "train"]
    expected = []
    for update in (1, 2):
        mine = [e for e in episodes if e["step"] == update]
        seeds = sorted({e["seed"] for e in mine})
        assert len(mine) == 8 and all(sum(e["seed"] == s for e in mine) == 4 for s in seeds)  # one wave: 2 groups of 4
        for seed in seeds:
            returns = torch.tensor([float(e["totalReward"]) for e in mine if e["seed"] == seed])
            group = ((returns - returns.mean()) / (returns.std() + 1e-6)).tolist()
            expected.append(sorted(a for e, a in zip([e for e in mine if e["seed"] == seed], group) for _ in e["turns"]))
    assert within_bounded_seeds(episodes, 2, 16, 8, 4, 1)
    per_update = [sum(len(e["turns"]) for e in episodes if e["step"] == u) for u in (1, 2)]
    assert len(fed) == sum(per_update)
    got = [sorted(fed[: per_update[0]]), sorted(fed[per_update[0] :])]
    assert got[0] == pytest.approx(sorted(expected[0] + expected[1]), abs=1e-5)
    assert got[1] == pytest.approx(sorted(expected[2] + expected[3]), abs=1e-5)
    assert any(abs(a) > 0.1 for a in fed)  # the rewards did differ within groups
    train = [r for r in records(run) if r["kind"] == "train"]
    assert [r["step"] for r in train] == [1, 2] and all(r["metrics"]["ppo/value_loss"] is None and r["metrics"]["ppo/policy_loss"] is not None for r in train)
    assert not (run / "checkpoints" / "final" / "value_head.pt").exists()


def test_turn_credit_judges_each_attempt_against_the_group_s_attempts_at_the_same_turn():
    """groupCredit "turn": an attempt's return-to-go minus the mean return-to-go of its group's
    episodes at that turn; "episode": the episode's return minus the group's mean, every step."""
    from ptlab.ppo import Transition, group_advantages

    # group 0: episodes 0 (solved at once), 1 (-2, then solved), 2 (-1, -2, -2); group 1: episode 3 alone past turn 0, 4 solved
    rewards = {0: [5.0], 1: [-2.0, 5.0], 2: [-1.0, -2.0, -2.0], 3: [-2.0, -1.0], 4: [5.0]}
    rounds = [(e, r) for turn in range(3) for e, rs in rewards.items() if turn < len(rs) for r in [rs[turn]]]  # collection order: round by round

    def transitions():
        return [Transition(0, [1], [2], [1.0], r, False, episode=e) for e, r in rounds]

    ts = transitions()
    group_advantages(ts, 3, scale=False, credit="turn")
    got = [(t.episode, t.advantage, t.ret) for t in ts]
    # turn 0 of group 0: to-go 5, 3, -5 (mean 1); turn 1: 5, -4 (mean 0.5); turn 2: -2 alone
    assert got[:3] == [(0, 4.0, 5.0), (1, 2.0, 3.0), (2, -6.0, -5.0)]
    assert [(e, a, r) for e, a, r in got if e in (1, 2)][2:] == [(1, 4.5, 5.0), (2, -4.5, -4.0), (2, 0.0, -2.0)]
    # group 1 (episodes 3, 4): turn 0 to-go -3 and 5; episode 3's second attempt has no peer: 0
    assert [a for e, a, _ in got if e == 3] == [-4.0, 0.0] and [a for e, a, _ in got if e == 4] == [4.0]
    scaled = transitions()
    group_advantages(scaled, 3, scale=True, credit="turn")
    assert scaled[0].advantage == pytest.approx(4.0 / torch.tensor([5.0, 3.0, -5.0]).std().item(), rel=1e-5)
    whole = transitions()
    group_advantages(whole, 3, scale=False, credit="episode")
    assert {(t.episode, t.advantage, t.ret) for t in whole} == {(0, 4.0, 5.0), (1, 2.0, 3.0), (2, -6.0, -5.0), (3, -4.0, -3.0), (4, 4.0, 5.0)}


def test_gae_advantages_run_along_each_slot_s_chain_bootstrap_a_cut_one_and_normalize_the_rollout():
    """ppo.advantage "gae": each environment slot's transitions (in collection order, slots
    interleaved) are one chain for core.gae; a chain cut before its episode's end bootstraps
    from the slot's next value, an ended one from 0; then the advantages are normalized over
    the whole rollout, the returns left as they are."""
    from ptlab import ppo_core as core
    from ptlab.ppo import Transition, gae_advantages

    # slot 0: rewards 1, 0 (cut: bootstrap 2.0); slot 1: rewards 0, 3 (ended); collected interleaved
    rows = [(0, 1.0, 0.5, False), (1, 0.0, 0.2, False), (0, 0.0, 0.4, False), (1, 3.0, 1.0, True)]
    ts = []
    for slot, reward, value, done in rows:
        ts.append(Transition(slot, [1], [2], [1.0], reward, done))
        ts[-1].old_value = value
    gae_advantages(ts, {0: 2.0, 1: 99.0}, gamma=0.9, lam=0.95)
    zero, zero_returns = core.gae(torch.tensor([1.0, 0.0]), torch.tensor([0.5, 0.4]), torch.tensor([0.0, 0.0]), 0.9, 0.95, last_value=2.0)
    one, one_returns = core.gae(torch.tensor([0.0, 3.0]), torch.tensor([0.2, 1.0]), torch.tensor([0.0, 1.0]), 0.9, 0.95)
    raw = torch.tensor([zero[0], one[0], zero[1], one[1]])
    assert [t.ret for t in ts] == pytest.approx([zero_returns[0].item(), one_returns[0].item(), zero_returns[1].item(), one_returns[1].item()])
    assert ts[2].ret == pytest.approx(0.9 * 2.0)  # the cut chain's last return: its bootstrap
    assert [t.advantage for t in ts] == pytest.approx(((raw - raw.mean()) / raw.std()).tolist(), abs=1e-5)


def test_the_learning_rate_is_the_cosine_over_all_the_updates_unless_lr_cosine_updates_says():
    """ppo.lr_schedule, stepped once per update: core.cosine_lr from learningRate to
    finalLearningRate over ppo.updates (lrCosineUpdates unset) or over lrCosineUpdates."""
    from ptlab import ppo_core as core
    from ptlab.config import Ppo
    from ptlab.ppo import lr_schedule
    from schedules import rates_per_step

    for cfg, period in ((Ppo(updates=10), 10), (Ppo(updates=10, lrCosineUpdates=4), 4)):
        optimizer = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=cfg.learningRate)
        expected = [core.cosine_lr(u, period, cfg.learningRate, cfg.finalLearningRate) for u in range(cfg.updates)]
        assert rates_per_step(optimizer, lr_schedule(optimizer, cfg), cfg.updates) == pytest.approx(expected, rel=1e-9, abs=1e-18)


def test_group_waves_past_steps_per_update_train_a_random_sample_that_reaches_the_last_rounds():
    """Whole waves collect more than stepsPerUpdate transitions; the first ones in collection
    order are every episode's first attempts, so keeping them would never train a revision."""
    import random

    from ptlab.ppo import Transition, sample_transitions

    # 8 episodes: round r holds the attempts of the episodes still failing (8, 6, 4, 2, 2)
    rollout = [Transition(e, [1], [2], [1.0], -1.0, False, episode=e) for r, alive in enumerate((8, 6, 4, 2, 2)) for e in range(alive)]
    for i, t in enumerate(rollout):
        t.ret = float(i)  # collection order
    random.seed(0)
    kept = sample_transitions(rollout, 12)
    assert len(kept) == 12 and [t.ret for t in kept] == sorted(t.ret for t in kept)
    assert len({id(t) for t in kept}) == 12
    random.seed(0)
    assert [t.ret for t in sample_transitions(rollout, 12)] == [t.ret for t in kept]  # the run's seeded RNG decides
    late = sum(t.ret >= 18 for seed in range(50) for t in (random.seed(seed), sample_transitions(rollout, 12))[1])
    assert 50 * 12 * 4 / 22 * 0.7 < late < 50 * 12 * 4 / 22 * 1.3  # the last two rounds hold 4 of the 22: kept in proportion
    assert sample_transitions(rollout[:10], 12) == rollout[:10]


def test_two_processes_with_accelerate_collect_their_own_rollouts_and_write_one_run(tmp_path, env):
    """Two CPU processes (gloo, see test_sft): each collects stepsPerUpdate transitions from its
    own episode seeds; gradients are averaged; one metrics stream with the global counts."""
    cfg = config(tmp_path, 2, 1)
    single, ddp = tmp_path / "single", tmp_path / "ddp"
    assert ppo(env, "--config", str(cfg), "--run-dir", str(single)).returncode == 0
    two_processes.run("ppo", cfg, ddp, env)
    ours, theirs = [r for r in records(ddp) if r["kind"] == "train"], [r for r in records(single) if r["kind"] == "train"]
    assert [r["step"] for r in ours] == [1, 2]
    assert [r["episodes"] for r in ours] == [2 * r["episodes"] for r in theirs]  # 8 slots per process
    assert all(a["compute"]["trainTokens"] > 1.5 * b["compute"]["trainTokens"] for a, b in zip(ours, theirs))
    assert [(r["step"], r["split"]) for r in records(ddp) if r["kind"] == "eval"] == [(s, n) for s in (0, 1, 2) for n in ("id", "ood-rule")]  # Init, each checkpoint
    rollout = [e for e in records(ddp, "episodes.jsonl") if e["split"] == "train"]
    assert rollout and len({e["seed"] for e in rollout}) == len(rollout)  # every process its own seeds
    for update in (1, 2):
        mine = [e for e in rollout if e["step"] == update]
        assert sorted(e["episode"] for e in mine) == list(range(len(mine)))
    joined_token_records(ddp)  # each process's sampled turns, under the numbers the main process gave their episodes
    final = ddp / "checkpoints" / "final"
    assert len(torch.load(final / "rng.pt", weights_only=False)["processes"]) == 2
    state = json.loads((final / "trainer_state.json").read_text())
    assert [len(in_flight) for in_flight in state["inFlightByProcess"]] == [8, 8]  # each process's slots go on
    assert sum(state["episodesStartedByProcess"]) == len(rollout) + 16 == ours[-1]["episodes"]
    assert json.loads((ddp / "run.json").read_text())["status"] == "finished"


def test_ppo_trains_on_the_token_ids_it_sampled(tmp_path, env, monkeypatch):
    """Every transition's response is the sampled ids, the stop token only when the model
    produced one (answers cut at maxNewTokens get none), even where decoding then
    re-encoding the text would give other ids."""
    from ptlab import cli
    from ptlab import ppo as ppo_module

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    data = json.loads(config(tmp_path, 1, 100).read_text())
    del data["evaluation"]
    data["model"]["generateBatch"] = 2
    path = tmp_path / "sampled.ptlab.json"
    path.write_text(json.dumps(data))
    real_generate, real_score, sampled, scored, passes, calls = ppo_module.generate, ppo_module.score, [], [], [], []

    def recording_generate(*args, **kwargs):
        calls.append((len(args[2]), kwargs["batch_size"]))
        generations = real_generate(*args, **kwargs)
        sampled.extend(generations)
        return generations

    def recording_score(scorer, batch, *args, **kwargs):
        scored.extend((tuple(t.response_ids), len(t.weights)) for t in batch)
        passes.append(len(batch))
        return real_score(scorer, batch, *args, **kwargs)

    monkeypatch.setattr(ppo_module, "generate", recording_generate)
    monkeypatch.setattr(ppo_module, "score", recording_score)
    assert cli.main(["ppo", "--config", str(path), "--run-dir", str(tmp_path / "run")]) == 0
    generated = {g.ids for g in sampled}
    assert max(passes) == 3  # every forward pass, scoring and training, is at most microBatchSize
    assert max(chats for chats, _ in calls) > 2 and {size for _, size in calls} == {2}  # rollouts generate in calls of model.generateBatch
    assert scored and all(ids in generated and weights == len(ids) for ids, weights in scored)
    cut = [g for g in sampled if not g.stopped]
    assert cut, "the untrained model should run out of maxNewTokens at least once"
    assert all(len(g.ids) == 24 == g.answer_tokens for g in cut)


def test_two_processes_killed_with_sigkill_then_resumed_equal_an_uninterrupted_run(tmp_path, env):
    """kill -9 of the whole accelerate launch after update 3 (checkpoint at 2), then --resume
    with two processes: every record and the final weights as an uninterrupted 2-process run."""
    straight, crashed = two_processes.straight_crashed_resumed("ppo", config(tmp_path, 4, 2, max_verify=3), tmp_path, env, lambda run: has_train_record(run, 3))
    assert_same_records(records(crashed), records(straight))
    in_flight = json.loads((crashed / "checkpoints/update-000002/trainer_state.json").read_text())["inFlightByProcess"]
    assert [len(mine) for mine in in_flight] == [8, 8] and all(any(saved["turns"] for saved in mine) for mine in in_flight)
    manifest = json.loads((crashed / "run.json").read_text())
    assert [s["startStep"] for s in manifest["segments"]] == [0, 2] and manifest["segments"][0]["endStatus"] == "crashed"
    from safetensors.torch import load_file

    a, b = load_file(str(straight / "checkpoints/final/model.safetensors")), load_file(str(crashed / "checkpoints/final/model.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_a_resume_under_another_number_of_processes_is_refused_on_every_process(tmp_path, env):
    """A checkpoint numbers each process's episodes (seed base + k * processes + rank) and keeps
    each one's in flight: resumed by another number of processes, episodes would be played twice
    and others dropped (2 -> 1), or a process would find no share (1 -> 2). Both are refused on
    every process before any collective (no hang), naming the counts; run.json records it."""
    data = json.loads(config(tmp_path, 1, 100).read_text())
    del data["evaluation"]
    cfg = tmp_path / "short.ptlab.json"
    cfg.write_text(json.dumps(data))
    one, two = tmp_path / "one", tmp_path / "two"
    assert ppo(env, "--config", str(cfg), "--run-dir", str(one)).returncode == 0
    two_processes.run("ppo", cfg, two, env)
    as_two = two_processes.launched("ppo", cfg, one, env, "--resume", timeout=300)
    as_one = ppo(env, "--config", str(cfg), "--run-dir", str(two), "--resume")
    for run, done, saved, now in ((one, as_two, 1, 2), (two, as_one, 2, 1)):
        refusal = f"saved by {saved} process{'es' if saved > 1 else ''}, resumed by {now}"
        assert done.returncode != 0 and done.stderr.count(refusal) == now, done.stderr[-3000:]
        manifest = json.loads((run / "run.json").read_text())
        assert manifest["status"] == "failed" and manifest["error"]["message"].startswith("CheckpointError:") and refusal in manifest["error"]["message"]
        assert f"relaunch with {saved} process" in manifest["error"]["message"]


def test_a_final_checkpoint_keeps_each_process_s_episodes_in_flight_and_a_resume_from_it_replays_them(tmp_path, env, monkeypatch):
    """Is `final` free of per-process loop state, so that a resume from it could take another
    number of processes? No: episodes go on across updates, so `final` keeps the episodes in
    flight (and counts each process's); a resume from it trains no further (--resume keeps the
    run's config, ppo.updates too) but replays them from their seeds to save `final` again,
    then redoes the final evaluation. Under another number of processes their seeds (base +
    k * processes + rank) would be other episodes': the refusal stands, and says so."""
    from ptlab import checkpoints, cli
    from ptlab import ppo as ppo_module

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    data = json.loads(config(tmp_path, 1, 100, max_verify=3).read_text())
    del data["evaluation"]
    cfg, run = tmp_path / "final.ptlab.json", tmp_path / "run"
    cfg.write_text(json.dumps(data))
    assert cli.main(["ppo", "--config", str(cfg), "--run-dir", str(run)]) == 0
    final = run / "checkpoints" / "final"
    (in_flight,) = json.loads((final / "trainer_state.json").read_text())["inFlightByProcess"]
    assert len(in_flight) == data["ppo"]["parallelEnvs"] and any(saved["turns"] for saved in in_flight)
    replayed, replay = [], ppo_module.EpisodeSource.replay
    monkeypatch.setattr(ppo_module.EpisodeSource, "replay", lambda self, saved: replayed.append(saved["episode"]) or replay(self, saved))
    assert cli.main(["ppo", "--config", str(cfg), "--run-dir", str(run), "--resume"]) == 0
    assert replayed == [saved["episode"] for saved in in_flight]
    assert json.loads((final / "trainer_state.json").read_text())["inFlightByProcess"] == [in_flight]
    refusal = (rf"{final}: saved by 1 process, resumed by 2: a resume from the final checkpoint trains no further, but replays each process's episodes in flight "
               rf"from their seeds, which are each process's, to save it again before redoing the final evaluation, so it resumes only as 1 process; "
               rf"relaunch with 1 process \(.*\), or evaluate it under any number of processes with ptlab eval --checkpoint {final} \(another --run-dir\), or start a new run from it with ppo.init")
    with pytest.raises(checkpoints.CheckpointError, match=refusal):
        ppo_module.refuse_other_processes(final, 2)


def test_cancel_then_resume_equals_an_uninterrupted_run_evaluations_included(tmp_path, env):
    """SIGTERM ends an update before its evaluation; --resume does that evaluation first, so
    every record (evaluations at every update included) matches an uninterrupted run."""
    data = json.loads(config(tmp_path, 4, 100).read_text())
    data["evaluation"]["everySteps"] = 1
    cfg = tmp_path / "every.ptlab.json"
    cfg.write_text(json.dumps(data))
    straight, cancelled = tmp_path / "straight", tmp_path / "cancelled"
    assert ppo(env, "--config", str(cfg), "--run-dir", str(straight)).returncode == 0
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "ppo", "--config", str(cfg), "--run-dir", str(cancelled)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_train_record(cancelled, 1)
    process.terminate()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    step = json.loads((cancelled / "run.json").read_text())["progress"]["step"]
    assert step < 4 and not any(r["kind"] == "eval" and r["step"] == step for r in records(cancelled))
    resumed = ppo(env, "--config", str(cfg), "--run-dir", str(cancelled), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert_same_records(records(cancelled), records(straight))


def test_a_cancel_during_an_evaluation_stops_it_and_resume_plays_it_whole(tmp_path, env):
    """SIGTERM while update 1's evaluation plays (its first split written, the second playing):
    the evaluation stops between generate rounds, the run ends at update 1 with no further
    update, and --resume plays update 1's evaluation whole: every record as an uninterrupted run's."""
    data = json.loads(config(tmp_path, 3, 100).read_text())
    data["evaluation"].update(everySteps=1, maxNewTokens=24)
    data["evaluation"]["splits"][1]["episodes"] = 48  # rounds enough to be cancelled while it plays
    cfg = tmp_path / "long-eval.ptlab.json"
    cfg.write_text(json.dumps(data))
    straight, cancelled = tmp_path / "straight", tmp_path / "cancelled"
    assert ppo(env, "--config", str(cfg), "--run-dir", str(straight)).returncode == 0
    first = data["evaluation"]["splits"][0]["name"]
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "ppo", "--config", str(cfg), "--run-dir", str(cancelled)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while not any(r["kind"] == "eval" and r["step"] == 1 and r["split"] == first for r in (records(cancelled) if (cancelled / "metrics.jsonl").exists() else [])):
        assert time.time() < deadline, "no evaluation of update 1"
        time.sleep(0.05)
    process.terminate()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    manifest = json.loads((cancelled / "run.json").read_text())
    assert manifest["progress"]["step"] == 1 and manifest["checkpoints"][-1]["path"] == "checkpoints/update-000001"
    assert [(r["kind"], r["step"]) for r in records(cancelled)][-2:] == [("train", 1), ("eval", 1)]  # the second split stopped, no update after
    resumed = ppo(env, "--config", str(cfg), "--run-dir", str(cancelled), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert_same_records(records(cancelled), records(straight))


def test_episodes_continue_across_updates_as_in_the_reference(tmp_path, env):
    """An update is 2 rounds of the 8 slots here, episodes up to 6 attempts (5 verifications and
    the reference's step-limit turn): they finish whole in a later update, every attempt of every
    episode is a transition exactly once, and the last ones are in flight in the checkpoint."""
    data = json.loads(config(tmp_path, 4, 100).read_text())
    data["environment"]["maxVerify"] = 5
    del data["evaluation"]
    path = tmp_path / "long.ptlab.json"
    path.write_text(json.dumps(data))
    run = tmp_path / "long"
    result = ppo(env, "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    finished = [e for e in records(run, "episodes.jsonl") if e["split"] == "train"]
    assert max(len(e["turns"]) for e in finished) > 2  # longer than an update's 2 rounds
    state = json.loads((run / "checkpoints/final/trainer_state.json").read_text())
    in_flight = state["inFlightByProcess"][0]
    assert len(in_flight) == 8
    assert sum(len(e["turns"]) for e in finished) + sum(len(s["turns"]) for s in in_flight) == 4 * 16
    assert len(finished) + len(in_flight) == state["episodesStarted"]
    assert len({e["seed"] for e in finished}) == len(finished)
    assert within_bounded_seeds(finished, 4, 16, 8, None, 1) and state["episodesStarted"] <= run_seeds.ppo_episode_seeds(4, 16, 8, None, 1)


def _policy_and_transitions(tmp_path, monkeypatch, env, model_overrides=None, **ppo_overrides):
    """The tiny model's policy (value head included) and 8 hand-made transitions of varied
    lengths with advantages, returns and rollout log-probs set."""
    import dataclasses

    from ptlab import parallel
    from ptlab import ppo as ppo_module
    from ptlab.config import load_experiment

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    experiment = load_experiment(config(tmp_path, 1, 100))
    experiment = dataclasses.replace(experiment, model=dataclasses.replace(experiment.model, **(model_overrides or {})), ppo=dataclasses.replace(experiment.ppo, **ppo_overrides))
    acc = parallel.accelerator()
    policy = ppo_module.load_policy(experiment, acc, None, None)
    cfg = dataclasses.replace(experiment.ppo, **{"epochs": 1, "miniBatchSize": 8, "maxGradNorm": 1e9, **ppo_overrides})
    tokenizer = policy.text
    generator = torch.Generator().manual_seed(0)
    transitions = []
    for i in range(8):
        prompt = tokenizer(f"cards {i} {i + 3} {2 * i}: make 24", add_special_tokens=False)["input_ids"]
        response = tokenizer('{"formula": "' + "1+2*3-4"[: 2 + i % 6] + '"}', add_special_tokens=False)["input_ids"]
        t = ppo_module.Transition(i % 4, prompt, response, [0.5] * 2 + [1.0] * (len(response) - 2), 0.0, False)
        t.old_logprob, t.old_value = -float(torch.rand(1, generator=generator)) * 20, float(torch.randn(1, generator=generator))
        t.advantage, t.ret = float(torch.randn(1, generator=generator)), float(torch.randn(1, generator=generator))
        transitions.append(t)
    return ppo_module, policy, cfg, acc, transitions


def _step_gradients(ppo_module, policy, cfg, acc, transitions, monkeypatch) -> tuple[list[torch.Tensor], dict]:
    """The gradient of each optimizer step of one update (the steps themselves not taken)."""
    grads: list[list[torch.Tensor]] = []
    monkeypatch.setattr(policy.optimizer, "step", lambda: grads.append([p.grad.clone() for p in policy.params]))
    torch.manual_seed(0)  # the same mini-batch order
    sums, _ = ppo_module.update(cfg, policy, transitions, acc)
    return grads, sums


KL_UPDATE_SUMS = {  # recorded from the update that scored the reference in its micro-batches
    "gae": {"policy": -3.5545225143432617, "value": 4.161811828613281, "kl": 1.2659835815429688, "approx_kl": 0.21046441793441772, "entropy": 113.27490997314453, "clipfrac": 6.0},
    "token-ratio-head-chunks": {"policy": -3.1091771125793457, "value": 4.133326053619385, "kl": 0.7433319091796875, "approx_kl": 0.0019329696660861373, "entropy": 113.27500915527344, "clipfrac": 0.0},
    "group-sampled-padding-free": {"policy": -3.561544418334961, "value": 0.0, "kl": 1.3112297058105469, "approx_kl": 0.2171417474746704, "entropy": 113.27490234375, "clipfrac": 6.0},
}
KL_PATHS = {
    "gae": {},
    "token-ratio-head-chunks": {"ratio": "token", "headChunk": 16},
    "group-sampled-padding-free": {"advantage": "group", "oldLogProbs": "sampling", "paddingFree": True},
}


@pytest.mark.parametrize("path", list(KL_PATHS))
def test_the_kl_reference_scores_a_rollout_once_and_every_epoch_reads_it(tmp_path, env, monkeypatch, path):
    """ppo.klCoef: the frozen Init's log-prob of a transition never changes, so the scoring stage
    computes it, one pass per micro-batch (with group advantages and sampled old log-probs too,
    where nothing else is scored), and the update's epochs read it: 3 reference passes for 8
    transitions in micro-batches of 3. They ran in the update, one per micro-batch of every
    epoch: 8 here (2 epochs of 2 mini-batches of 4, each in 2 micro-batches), beside the
    activations kept for backward. The update's sums (losses, KL to Init) are those of the
    update that ran them (recorded from it: tiny model, fp32 CPU)."""
    from ptlab.config import PpoAdam

    # betas as the sums were recorded with (PPO's default then)
    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, klCoef=0.5, epochs=2, miniBatchSize=4, microBatchSize=3, adam=PpoAdam(betas=(0.9, 0.98)), **KL_PATHS[path])
    if cfg.oldLogProbs == "sampling":  # the sampler's: the policy's own
        with torch.no_grad():
            own = ppo_module.score(policy.joint, transitions, cfg.temperature, policy.text.pad_token_id, encoder=policy.tokenizer).logprobs.tolist()
        for t, logprob in zip(transitions, own):
            t.old_logprob = logprob
    for t in transitions:
        t.done = True  # no cut episode: no bootstrap value to score
    calls = []
    forward = policy.reference.forward
    monkeypatch.setattr(policy.reference, "forward", lambda *args, **kwargs: (calls.append(1), forward(*args, **kwargs))[1])
    ppo_module.score_rollout(cfg, policy, ppo_module.Rollout(transitions, [], [], 0))
    torch.manual_seed(0)  # the mini-batches' order
    sums, _ = ppo_module.update(cfg, policy, transitions, acc)
    assert len(calls) == 3, len(calls)
    assert sums["trained"] == 16 and sums["steps"] == 4
    # a padding-free row's log-probs move by a float32 ulp (7.6e-6 at 64 to 128) with the
    # sequences beside them, and the reference's row is now the scoring stage's: up to one per
    # transition trained, in the KL and, through the steps, in the rest
    layout = 16 * 7.7e-6 if cfg.paddingFree else 0.0
    for key, value in KL_UPDATE_SUMS[path].items():
        assert sums[key] == pytest.approx(value, rel=1e-6, abs=1e-6 + layout), key


def test_an_update_with_the_kl_penalty_on_transitions_the_reference_never_scored_is_an_error(tmp_path, env, monkeypatch):
    """The reference's log-probs come from score_rollout; an update that reads a transition
    without one would take its KL to Init against 0 (a sum of -570 here), silently."""
    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, klCoef=0.5, microBatchSize=8)
    assert policy.reference is not None
    with pytest.raises(ppo_module.PpoError, match=r"internal error: .*no log-prob of the KL reference .*score_rollout"):
        ppo_module.update(cfg, policy, transitions, acc)


def test_a_step_accumulated_over_micro_batches_is_one_pass_over_its_mini_batch(tmp_path, env, monkeypatch):
    """miniBatchSize transitions per optimizer step, microBatchSize per forward pass: the step's
    gradient is the same whatever the micro-batches (entropy term included)."""
    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, entropyCoef=0.1)
    whole, sums = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, microBatchSize=8), acc, transitions, monkeypatch)
    assert len(whole) == 1 and sums["steps"] == 1 and sums["trained"] == 8
    for micro in (3, 1):
        accumulated, _ = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, microBatchSize=micro), acc, transitions, monkeypatch)
        assert len(accumulated) == 1
        for a, b in zip(accumulated[0], whole[0]):
            assert float((a - b).norm()) <= 1e-5 * float(b.norm()), (micro, float((a - b).norm() / b.norm()))  # float32 sums in another order
    halves, _ = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, miniBatchSize=4, microBatchSize=3), acc, transitions, monkeypatch)
    assert len(halves) == 2  # two steps of 4: mini-batches, not micro-batches, set the steps


def test_the_entropy_bonus_raises_the_entropy_and_the_value_loss_is_clipped_around_the_old_values(tmp_path, env, monkeypatch):
    """ppo.entropyCoef is a bonus: the step's gradient less the one without it points up the
    policy's entropy (a descent step raises it). ppo.valueClip clips each value's move from its
    rollout value: the value loss summed is 0.5 * max(unclipped, clipped) squared error per
    transition, against the transitions' own old values (not the pass's)."""
    from ptlab import ppo_core as core

    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, microBatchSize=8)
    without, sums = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, entropyCoef=0.0), acc, transitions, monkeypatch)
    with_bonus, _ = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, entropyCoef=0.1), acc, transitions, monkeypatch)
    scored = ppo_module.score(policy.joint, transitions, cfg.temperature, policy.text.pad_token_id, with_entropy=True, encoder=policy.tokenizer)
    rising = torch.autograd.grad(scored.entropy, policy.params, allow_unused=True, retain_graph=True)
    along = sum(float(((b - a) * g).sum()) for a, b, g in zip(without[0], with_bonus[0], rising) if g is not None)
    assert along < 0  # the bonus's gradient is -0.1 x the entropy's: descending it ascends the entropy
    values = scored.values.detach()
    old, returns = torch.tensor([t.old_value for t in transitions]), torch.tensor([t.ret for t in transitions])
    expected = core.value_loss(values, old, returns, cfg.valueClip).item() * len(transitions)
    assert expected != pytest.approx(0.5 * float(((values - returns) ** 2).sum()), rel=1e-3)  # the clip matters here
    assert sums["value"] == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("attention", ["auto", "varlen"])
def test_a_padding_free_pass_scores_and_trains_as_padded_rows(tmp_path, env, monkeypatch, attention):
    """ppo.paddingFree: a micro-batch's sequences end to end in one row (an episode's
    revisions still one sequence), logits at the responses' positions only: the same
    log-probs per token, values, entropies and step gradients as right-padded rows (under
    "varlen" the row is attended by its segments, padded rows by SDPA)."""
    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, {"attention": attention}, entropyCoef=0.1)
    first, second = transitions[0], transitions[1]
    second.prompt_ids = first.prompt_ids + first.response_ids + second.prompt_ids  # a revision of the same episode
    first.episode = second.episode = 0
    for i, t in enumerate(transitions[2:], start=1):
        t.episode = i
    assert ppo_module.shared_rows(transitions)[:3] == [0, 0, 1]
    pad_id = policy.text.pad_token_id
    passes = []  # each pass's (input shape, positions with logits)
    forward = policy.joint.forward
    monkeypatch.setattr(policy.joint, "forward", lambda inputs, value_at, positions: (passes.append((tuple(inputs["input_ids"].shape), len(positions))), forward(inputs, value_at, positions))[1])
    with torch.no_grad():
        padded, free = (ppo_module.score(policy.joint, transitions, 0.7, pad_id, with_entropy=True, encoder=policy.tokenizer, token_entropy=True, rows=r) for r in ("padded", "padding-free"))
    assert passes[0][0][0] == 7 and passes[1] == ((1, free.tokens), sum(len(t.response_ids) for t in transitions))
    assert free.tokens == padded.tokens
    torch.testing.assert_close(free.token_weights, padded.token_weights)
    for got, expected in ((free.logprobs, padded.logprobs), (free.token_logprobs, padded.token_logprobs), (free.values, padded.values), (free.entropy, padded.entropy), (free.token_entropy, padded.token_entropy)):
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    whole, _ = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, microBatchSize=3), acc, transitions, monkeypatch)
    flat, _ = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, microBatchSize=3, paddingFree=True), acc, transitions, monkeypatch)
    for a, b in zip(flat[0], whole[0]):
        assert float((a - b).norm()) <= 1e-5 * float(b.norm())


@pytest.mark.parametrize("head_chunk", [0, 16])
def test_a_compiled_training_pass_gives_the_eager_update(tmp_path, env, head_chunk):
    """model.compile: the update's forwards torch.compile'd (its micro-batches of several
    lengths), the rollout as it was: one update's losses and weights are the eager run's;
    with ppo.headChunk too (its chunks' checkpoints inside the compiled pass)."""
    runs = {}
    for compiled in (False, True):
        inductor = tmp_path / f"inductor-{compiled}"  # its own cache: the compile runs, and leaves its kernels there
        runs[compiled] = run_variant(tmp_path, {**env, "TORCHINDUCTOR_CACHE_DIR": str(inductor)}, f"compile-{compiled}", lambda data, c=compiled: (data["model"].update(compile=c), data["ppo"].update(headChunk=head_chunk)))
        assert any(inductor.rglob("*.py")) == compiled
    (eager,), (compiled,) = ([r for r in records(runs[c]) if r["kind"] == "train"] for c in (False, True))
    assert compiled["metrics"]["rollout/reward_mean"] == eager["metrics"]["rollout/reward_mean"]  # the same rollout
    for key in ("ppo/policy_loss", "ppo/value_loss", "ppo/approx_kl", "ppo/entropy"):
        assert compiled["metrics"][key] == pytest.approx(eager["metrics"][key], rel=1e-4, abs=1e-6), key
    from safetensors.torch import load_file

    expected, got = (load_file(str(runs[c] / "checkpoints" / "final" / "model.safetensors")) for c in (False, True))
    assert set(got) == set(expected)
    for name, tensor in expected.items():
        torch.testing.assert_close(got[name], tensor, atol=1e-5, rtol=1e-4)


def test_transitions_with_non_finite_log_probs_are_skipped_counted_and_the_step_averages_the_rest(tmp_path, env, monkeypatch):
    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, microBatchSize=3)
    broken = {id(transitions[1]), id(transitions[6])}
    real_score = ppo_module.score

    def nan_for_broken(scorer, batch, *args, **kwargs):
        scored = real_score(scorer, batch, *args, **kwargs)
        nan = torch.tensor([float("nan") if id(t) in broken else 0.0 for t in batch])
        return scored._replace(logprobs=scored.logprobs + nan)

    monkeypatch.setattr(ppo_module, "score", nan_for_broken)
    skipping, sums = _step_gradients(ppo_module, policy, cfg, acc, transitions, monkeypatch)
    assert sums["skipped"] == 2 and sums["trained"] == 6 and sums["steps"] == 1
    clean = [t for t in transitions if id(t) not in broken]
    expected, _ = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, miniBatchSize=6), acc, clean, monkeypatch)
    for a, b in zip(skipping[0], expected[0]):
        assert torch.isfinite(a).all() and float((a - b).norm()) <= 1e-5 * float(b.norm())
    broken.update(id(t) for t in transitions)
    with pytest.raises(ppo_module.PpoError, match="every transition's log-prob was non-finite"):
        _step_gradients(ppo_module, policy, cfg, acc, transitions, monkeypatch)


def test_a_step_redone_under_fp16s_gradient_scaler_unscales_its_gradient_once(tmp_path, env, monkeypatch):
    """Under launcher.mixedPrecision "fp16" accelerate's clip unscales the gradients through
    torch's GradScaler, which allows one unscale per optimizer step: a step redone for a
    non-finite log-prob clips only once it knows it is not to be redone. (accelerate gives a
    CPU run no scaler: the clip and step are its, through a real GradScaler.)"""
    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, microBatchSize=3)
    broken = {id(transitions[1])}
    real_score = ppo_module.score

    def nan_for_broken(scorer, batch, *args, **kwargs):
        scored = real_score(scorer, batch, *args, **kwargs)
        return scored._replace(logprobs=scored.logprobs + torch.tensor([float("nan") if id(t) in broken else 0.0 for t in batch]))

    monkeypatch.setattr(ppo_module, "score", nan_for_broken)
    scaler, real_step = torch.amp.GradScaler("cpu", init_scale=1.0), policy.optimizer.step
    monkeypatch.setattr(acc, "scaler", scaler, raising=False)

    def unscaled_clip(parameters, max_norm):
        scaler.unscale_(policy.optimizer)  # a second call before the step's update() raises
        return torch.nn.utils.clip_grad_norm_(parameters, max_norm)

    steps = []
    monkeypatch.setattr(acc, "clip_grad_norm_", unscaled_clip)
    monkeypatch.setattr(policy.optimizer, "step", lambda: (steps.append(1), real_step(), scaler.update()))
    sums, _ = ppo_module.update(cfg, policy, transitions, acc)
    assert steps == [1] and sums["skipped"] == 1 and sums["trained"] == 7


def test_an_fp16_overflow_is_the_scalers_skipped_step_counted_and_an_error_without_a_scaler(tmp_path, env, monkeypatch):
    """fp16's GradScaler finds its scale by overflowing: a step whose gradient is not finite
    (the loss finite) goes to the scaler, which skips it and halves its scale, and the update
    counts it (ppo/fp16_overflow_steps); without a scaler the same gradient ends the run. (The
    scaler's unscale, step and update are a real torch GradScaler's, as accelerate calls them.)"""
    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, microBatchSize=3)
    scaler, inner, steps = torch.amp.GradScaler("cpu", init_scale=1024.0), policy.optimizer, []

    def unscaled_clip(parameters, max_norm):
        scaler.unscale_(inner)
        return torch.nn.utils.clip_grad_norm_(parameters, max_norm)

    class Scaled:  # accelerate's AcceleratedOptimizer under fp16
        def zero_grad(self, set_to_none=True):
            inner.zero_grad(set_to_none=set_to_none)

        def step(self):
            steps.append(1)
            scaler.step(inner)
            scaler.update()

    monkeypatch.setattr(acc, "scaler", scaler, raising=False)
    monkeypatch.setattr(acc, "clip_grad_norm_", unscaled_clip)
    monkeypatch.setattr(policy, "optimizer", Scaled())
    overflow = policy.params[0].register_hook(lambda grad: grad * float("inf"))
    before = [p.detach().clone() for p in policy.params]
    sums, _ = ppo_module.update(cfg, policy, transitions, acc)
    assert steps == [1] and sums["steps"] == 0 and sums["overflows"] == 1 and scaler.get_scale() == 512.0
    assert all(torch.equal(a, b) for a, b in zip(before, policy.params))
    monkeypatch.undo()
    with pytest.raises(ppo_module.PpoError, match="the PPO gradient is not finite"):
        ppo_module.update(cfg, policy, transitions, acc)
    overflow.remove()


@pytest.mark.parametrize("broken", ["advantage", "ret"])
def test_a_non_finite_loss_with_finite_log_probs_fails_before_the_step(tmp_path, env, monkeypatch, broken):
    """The loss's finiteness is read once per step (no wait inside the micro-batches), but
    before the optimizer steps: a broken advantage or return ends the run with the weights as
    they were, naming which loss broke."""
    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env, microBatchSize=3)
    setattr(transitions[5], broken, float("nan"))  # in the step's second micro-batch
    before = [p.detach().clone() for p in policy.params]
    steps = []
    monkeypatch.setattr(policy.optimizer, "step", lambda: steps.append(1))
    part = "policy nan" if broken == "advantage" else "value nan"
    with pytest.raises(ppo_module.PpoError, match=f"the PPO loss is not finite \\(.*{part}.*\\) with finite log-probs"):
        ppo_module.update(cfg, policy, transitions, acc)
    assert steps == []
    assert all(torch.equal(a, b) for a, b in zip(before, policy.params))


def two_processes_hooked(tmp_path: Path, env, sitecustomize: str) -> subprocess.CompletedProcess[str]:
    """A one-update two-process run of the small config without evaluation (in tmp_path/run),
    each process starting with `sitecustomize` imported (a hook that breaks something)."""
    data = json.loads(config(tmp_path, 1, 100).read_text())
    del data["evaluation"]
    path = tmp_path / "ppo.ptlab.json"
    path.write_text(json.dumps(data))
    return two_processes.launched("ppo", path, tmp_path / "run", two_processes.hooked(env, tmp_path, sitecustomize))


NAN_ADVANTAGES_ON_RANK_1 = """
import os
if os.environ.get("RANK") == "1":  # the second of two processes: its advantages broken after it starts
    import ptlab.ppo as ppo

    made = ppo._old_estimates

    def broken(*args, **kwargs):
        estimates = made(*args, **kwargs)
        estimates["advantages"][:] = float("nan")
        return estimates

    ppo._old_estimates = broken
"""


def test_a_non_finite_loss_on_one_of_two_processes_ends_both(tmp_path, env):
    """Each process reads its loss's finiteness once per step, and the step's reduction tells the
    others: both end, before the step, with the loss's error (the main process's run.json saying
    it broke on another process) instead of the main process failing on the gradient that the
    all-reduce carried over from the broken one, a message that hides the cause."""
    done = two_processes_hooked(tmp_path, env, NAN_ADVANTAGES_ON_RANK_1)
    assert done.returncode != 0
    assert "the PPO loss is not finite (policy nan" in done.stderr  # the broken process
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())  # the main process's
    assert manifest["status"] == "failed" and "the PPO loss is not finite on another process" in manifest["error"]["message"]


NAN_LOG_PROB_ON_RANK_1 = """
import os
if os.environ.get("RANK") == "1":  # the second of two processes: the first transition of one of its training passes diverged
    import torch
    import ptlab.ppo as ppo

    made, broken, passes = ppo.training_pass, set(), []
    which = int(os.environ["PTLAB_TEST_BROKEN_PASS"])  # 0: the mini-batch's first micro-batch; 2: its last (3 + 3 + 2)

    def diverged(cfg, policy, batch, *args, **kwargs):
        scored = made(cfg, policy, batch, *args, **kwargs)
        passes.append(len(batch))
        if not broken and len(passes) == which + 1:
            broken.add(id(batch[0]))
        nan = torch.tensor([float("nan") if id(t) in broken else 0.0 for t in batch])
        return scored._replace(logprobs=scored.logprobs + nan)

    ppo.training_pass = diverged
"""


@pytest.mark.parametrize("micro_batch", [0, 2], ids=["first-micro-batch", "last-micro-batch"])
def test_a_non_finite_log_prob_on_one_of_two_processes_redoes_the_step_on_both(tmp_path, env, micro_batch):
    """The update's passes read nothing; a step's end reads whether every log-prob was finite,
    and the step's reduction tells the other process: both redo the step with each pass
    checked, the broken transition skipped (once per epoch), and the run goes on. A process that
    did not redo would step on the gradient the all-reduce carried over from the other. In the
    mini-batch's last micro-batch (DDP's synchronizing one) the broken process's second forward
    is its own: DDP must not make a collective of it (its buffers' broadcast once hung there)."""
    done = two_processes_hooked(tmp_path, {**env, "PTLAB_TEST_BROKEN_PASS": str(micro_batch)}, NAN_LOG_PROB_ON_RANK_1)
    assert done.returncode == 0, done.stderr[-3000:]
    (train,) = [r for r in records(tmp_path / "run") if r["kind"] == "train"]
    assert train["metrics"]["ppo/nonfinite_skipped"] == 2  # epochs
    assert train["metrics"]["ppo/optimizer_steps"] == 2 * 16 // 8
    assert all(math.isfinite(train["metrics"][k]) for k in ("ppo/policy_loss", "ppo/value_loss", "ppo/approx_kl"))


NAN_LAST_MICRO_BATCH_NOTING_ENGINE_STEPS = """
import json, os
if os.environ.get("RANK") is not None:  # the job's process, not the launcher
    import ptlab.ppo as ppo

    made_pass, passes = ppo.training_pass, []

    def diverged(cfg, policy, batch, *args, **kwargs):
        scored = made_pass(cfg, policy, batch, *args, **kwargs)
        passes.append(len(batch))
        if len(passes) == 3:  # the first mini-batch's last micro-batch (3 + 3 + 2): every transition diverged
            return scored._replace(logprobs=scored.logprobs + float("nan"))
        return scored

    made_update = ppo.update

    def noted(cfg, policy, transitions, acc):
        out = made_update(cfg, policy, transitions, acc)
        with open(os.environ["PTLAB_TEST_NOTES"], "w") as notes:
            json.dump({"engine_steps": policy.trained.global_steps}, notes)
        return out

    ppo.training_pass, ppo.update = diverged, noted
"""


@two_processes.needs_deepspeed
def test_deepspeed_on_one_process_steps_a_mini_batch_whose_last_micro_batch_had_nothing_finite(tmp_path, env):
    """DeepSpeed's engine counts every backward to its step: a mini-batch whose last
    micro-batch held only non-finite log-probs still takes the zero backward (it did only with
    several processes), so the engine steps that mini-batch. It did not, on one process: the
    gradient waited for the next mini-batch's, and 3 engine steps were taken (4 reported)."""
    data = json.loads(config(tmp_path, 1, 100).read_text())
    del data["evaluation"]
    path, run, notes = tmp_path / "one.ptlab.json", tmp_path / "run", tmp_path / "notes.json"
    path.write_text(json.dumps(data))
    hooked = two_processes.hooked({**env, "PTLAB_TEST_NOTES": str(notes)}, tmp_path, NAN_LAST_MICRO_BATCH_NOTING_ENGINE_STEPS)
    command = [*two_processes.launch_deepspeed(2, processes=1), "--module", "ptlab", "ppo", "--config", str(path), "--run-dir", str(run)]
    done = subprocess.run(command, capture_output=True, text=True, env=hooked, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (train,) = [r["metrics"] for r in records(run) if r["kind"] == "train"]
    assert train["ppo/nonfinite_skipped"] == 2 and train["ppo/optimizer_steps"] == 2 * 16 // 8
    assert json.loads(notes.read_text())["engine_steps"] == train["ppo/optimizer_steps"]


def dataclasses_replace(cfg, **changes):
    import dataclasses

    return dataclasses.replace(cfg, **changes)


@two_processes.needs_deepspeed
@pytest.mark.parametrize("stage", [2, 3])
def test_deepspeed_zero_two_processes_train_as_ddp_save_full_weights_and_resume(tmp_path, env, stage):
    """DeepSpeed ZeRO-2 / ZeRO-3 for real (two CPU processes, gloo), the KL penalty on: the
    policy and its value head are one prepared module; micro-batches of 3 accumulate into steps
    of 8 transitions (one engine step each, clipped at ppo.maxGradNorm); the first update (the
    same rollouts) trains as DDP does; evaluation runs (under ZeRO-3 on both processes); the
    checkpoints hold the full weights and value head, and --resume reads the engine's shards."""
    data = json.loads(config(tmp_path, 2, 1).read_text())
    data["ppo"]["klCoef"] = 0.05
    cfg = tmp_path / "kl.ptlab.json"
    cfg.write_text(json.dumps(data))
    ddp, zero = two_processes.ddp_and_deepspeed("ppo", cfg, tmp_path, env, stage)
    ours, theirs = [r for r in records(zero) if r["kind"] == "train"], [r for r in records(ddp) if r["kind"] == "train"]
    assert [r["step"] for r in ours] == [1, 2] and [r["metrics"]["ppo/optimizer_steps"] for r in ours] == [4, 4]
    assert ours[0]["episodes"] == theirs[0]["episodes"] and ours[0]["compute"]["trainTokens"] == theirs[0]["compute"]["trainTokens"]
    assert ours[0]["compute"]["parameters"] == theirs[0]["compute"]["parameters"] > 0  # ZeRO-3 loads shards
    for key in ("ppo/policy_loss", "ppo/value_loss", "ppo/kl_to_init", "ppo/approx_kl", "rollout/reward_mean"):
        assert ours[0]["metrics"][key] == pytest.approx(theirs[0]["metrics"][key], rel=1e-3, abs=1e-6), key
    assert [(r["step"], r["split"]) for r in records(zero) if r["kind"] == "eval"] == [(s, n) for s in (0, 1, 2) for n in ("id", "ood-rule")]
    first = zero / "checkpoints" / "update-000001"
    from safetensors.torch import load_file

    a, b = load_file(str(first / "model.safetensors")), load_file(str(ddp / "checkpoints" / "update-000001" / "model.safetensors"))
    assert sorted(a) == sorted(b) and max((a[k] - b[k]).abs().max().item() for k in a) < 1e-4
    head, ddp_head = torch.load(first / "value_head.pt", weights_only=True), torch.load(ddp / "checkpoints" / "update-000001" / "value_head.pt", weights_only=True)
    assert sorted(head) == sorted(ddp_head) and max((head[k] - ddp_head[k]).abs().max().item() for k in head) < 1e-4
    assert (first / "deepspeed").is_dir() and not (first / "optimizer.pt").exists()
    two_processes.run("ppo", cfg, zero, env, "--resume", deepspeed_stage=stage)
    assert json.loads((zero / "run.json").read_text())["status"] == "finished"


@two_processes.needs_deepspeed
@pytest.mark.parametrize("precision,stage,lora", [("bf16", 3, False), ("bf16", 3, True), pytest.param("fp16", 2, False, marks=two_processes.needs_cpu_fp16)], ids=["bf16-zero3", "bf16-zero3-lora", "fp16-zero2"])
def test_deepspeed_mixed_precision_trains_the_value_head_with_the_model_and_counts_fp16_overflows(tmp_path, env, precision, stage, lora):
    """The paper presets' launch (DeepSpeed, bf16): the value head trains in one prepared module
    with the policy, in the dtype of its trained weights (ZeRO-3 refuses two: bf16 as the
    weights are partitioned, float32 for LoRA's adapters) or the engine's (ZeRO-2 casts the
    module). In fp16 the engine's loss scaler starts at 2**16 and finds its scale by
    overflowing: those steps are skipped by the engine and counted (ppo/fp16_overflow_steps),
    not an error; the rest step."""
    data = json.loads(config(tmp_path, 1, 100).read_text())
    del data["evaluation"]
    if lora:
        data["model"]["lora"] = {"r": 4, "alpha": 8, "dropout": 0.0}
    path, run = tmp_path / "no-eval.ptlab.json", tmp_path / "run"
    path.write_text(json.dumps(data))
    two_processes.run("ppo", path, run, env, deepspeed_stage=stage, mixed_precision=precision)
    (train,) = [r for r in records(run) if r["kind"] == "train"]
    metrics = train["metrics"]
    assert all(math.isfinite(metrics[k]) for k in ("ppo/policy_loss", "ppo/value_loss", "ppo/entropy"))
    if precision == "fp16":
        assert metrics["ppo/fp16_overflow_steps"] >= 1 and metrics["ppo/optimizer_steps"] + metrics["ppo/fp16_overflow_steps"] == 2 * 16 // 8
    else:
        assert "ppo/fp16_overflow_steps" not in metrics and metrics["ppo/optimizer_steps"] == 2 * 16 // 8
    head = torch.load(run / "checkpoints" / "final" / "value_head.pt", weights_only=True)
    assert {v.dtype for v in head.values()} == {torch.float32 if lora else getattr(torch, {"bf16": "bfloat16", "fp16": "float16"}[precision])}


def vision_config() -> dict:
    """One small PPO update of the tiny -VL config (card images), without evaluation."""
    data = json.loads((EXAMPLES / "tiny-vl.ptlab.json").read_text())
    del data["ppo"]["init"], data["evaluation"]
    data["environment"]["maxVerify"] = 2
    data["ppo"].update(updates=1, stepsPerUpdate=16, parallelEnvs=8, epochs=1, miniBatchSize=8, microBatchSize=4, maxNewTokens=16, temperature=1.0)
    return data


RANK_1_DIFFERS = """
import dataclasses, os
if os.environ.get("RANK") == "1":  # the second of two processes: every answer ends its episode; no turn's tokens recorded
    import ptlab.episodes as episodes
    import ptlab.ppo as ppo

    advance = episodes.advance
    episodes.advance = lambda slot, generation: dataclasses.replace(advance(slot, generation), done=True, next_prompt=None)
    ppo.TokenRecorder.wants = lambda self, episode: False
"""


GENERATE_CALLS_NOTED = """
import json, os
if os.environ.get("RANK") is not None:  # the job's processes, not the launcher
    import torch
    from ptlab import generation

    made = generation.generate

    def noted(*args, **kwargs):
        with open(os.path.join(os.environ["PTLAB_TEST_NOTES"], os.environ["RANK"]), "a") as notes:
            notes.write(json.dumps({"rollout": kwargs.get("record_logprobs", False), "autocast": torch.is_autocast_enabled("cpu"), "dtype": str(torch.get_autocast_dtype("cpu"))}) + "\\n")
        return made(*args, **kwargs)

    generation.generate = noted  # before ptlab.ppo and ptlab.evaluate import it
"""


@pytest.mark.parametrize("old_logprobs", ["sampling", "recompute"])
def test_ddp_mixed_precision_rolls_out_scores_init_and_evaluates_in_the_training_precision(tmp_path, env, old_logprobs):
    """fp32 weights under `accelerate launch --mixed_precision bf16` (DDP): accelerate runs the
    prepared module's forward under autocast; the rollout's decoding (the sampler's log-probs,
    oldLogProbs "sampling"), the KL reference and evaluation run under it as well. They ran in
    fp32: the only step's KL to Init (the policy is Init before it) was 6.7e-4, not 0. The
    recomputed old log-probs (oldLogProbs "recompute") come from the prepared module's own
    forward, autocast by accelerate: the first step's ratio is exactly 1."""
    data = json.loads(config(tmp_path, 1, 100).read_text())
    data["ppo"].update(klCoef=0.5, oldLogProbs=old_logprobs, epochs=1, miniBatchSize=16, microBatchSize=8)
    path, run, notes = tmp_path / "mixed.ptlab.json", tmp_path / "run", tmp_path / "notes"
    path.write_text(json.dumps(data))
    notes.mkdir()
    hooked = two_processes.hooked({**env, "PTLAB_TEST_NOTES": str(notes)}, tmp_path, GENERATE_CALLS_NOTED)
    done = two_processes.launched("ppo", path, run, hooked, mixed_precision="bf16")
    assert done.returncode == 0, done.stderr
    (train,) = [r["metrics"] for r in records(run) if r["kind"] == "train"]
    assert train["ppo/optimizer_steps"] == 1 and train["ppo/kl_to_init"] == 0.0, train
    if old_logprobs == "recompute":
        assert train["ppo/first_step_logprob_gap"] == 0.0, train
    calls = [json.loads(line) for rank in ("0", "1") for line in (notes / rank).read_text().splitlines()]
    assert {c["rollout"] for c in calls} == {True, False}  # the rollout's and evaluation's
    assert all(c["autocast"] and c["dtype"] == "torch.bfloat16" for c in calls), calls


@two_processes.needs_deepspeed
@pytest.mark.parametrize("model", ["text", "vision"])
def test_under_zero3_processes_whose_rollouts_differ_make_the_same_forwards(tmp_path, env, model):
    """ZeRO-3 gathers each module's weights as it runs, so every process must run the same
    modules in the same order (or both wait forever). Rank 1's episodes end at every answer
    (it starts new chats every round, rank 0 in the first only) and it records no turn's
    tokens (rank 0 records every turn): a text model's new chats were prefilled apart, one
    forward per round on rank 1 only; a vision model's token-record passes were matched on
    rank 1 by text-only stand-ins, which skip the vision tower. Both hung (the paper presets:
    deepspeed-zero3, tokenRecordRate 0.1 by default)."""
    if model == "vision":
        data = vision_config()
    else:
        data = json.loads(config(tmp_path, 1, 100).read_text())
        del data["evaluation"]
        data["ppo"].update(epochs=1, microBatchSize=4)
    data["logging"] = {"tokenRecordRate": 1.0}
    path, run = tmp_path / f"{model}.ptlab.json", tmp_path / "run"
    path.write_text(json.dumps(data))
    done = two_processes.launched("ppo", path, run, two_processes.hooked(env, tmp_path, RANK_1_DIFFERS), deepspeed_stage=3, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (train,) = [r for r in records(run) if r["kind"] == "train"]
    assert train["metrics"]["ppo/optimizer_steps"] == 16 // 8 and math.isfinite(train["metrics"]["ppo/policy_loss"])


NAN_MICRO_BATCH_ON_RANK_1 = """
import os
if os.environ.get("RANK") == "1":  # the second of two processes: every log-prob of its first training pass diverged
    import ptlab.ppo as ppo

    made, calls = ppo.training_pass, []

    def diverged(*args, **kwargs):
        scored = made(*args, **kwargs)
        calls.append(1)
        return scored._replace(logprobs=scored.logprobs + float("nan")) if len(calls) == 1 else scored

    ppo.training_pass = diverged
"""


@two_processes.needs_deepspeed
def test_a_process_with_nothing_to_learn_from_in_a_micro_batch_takes_part_in_zero2s_reduction_with_its_images(tmp_path, env):
    """Under DeepSpeed every backward reduces the gradients, in buckets filled as they come:
    a process whose micro-batch has no finite log-prob still runs a backward (zero_backward),
    through one of its prompts with its images. Its text-only stand-in skipped a vision model's
    tower, so its buckets were not the other process's and the reduction crashed."""
    path, run = tmp_path / "vl.ptlab.json", tmp_path / "run"
    path.write_text(json.dumps(vision_config()))
    done = two_processes.launched("ppo", path, run, two_processes.hooked(env, tmp_path, NAN_MICRO_BATCH_ON_RANK_1), deepspeed_stage=2, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (train,) = [r for r in records(run) if r["kind"] == "train"]
    assert train["metrics"]["ppo/nonfinite_skipped"] == 4 and train["metrics"]["ppo/optimizer_steps"] == 16 // 8  # rank 1's first micro-batch
    assert math.isfinite(train["metrics"]["ppo/policy_loss"])


ENDS_AT_OTHER_ROUNDS = """
# episode i ends after 3, 3, 2, 2 turns (even i) or 1 (odd i): the processes' episodes end at other rounds
import dataclasses
import ptlab.episodes as episodes

advance = episodes.advance

def ends(slot, generation):
    step = advance(slot, generation)
    if not step.done and len(slot.turns) >= (1 if slot.index % 2 else 3 - slot.index // 4):
        return dataclasses.replace(step, done=True, next_prompt=None)
    return step

episodes.advance = ends
"""


@pytest.mark.parametrize("stage", [0, pytest.param(3, marks=two_processes.needs_deepspeed)])
def test_each_process_evaluates_its_share_of_the_episodes_and_the_records_are_one_processs(tmp_path, env, stage):
    """In a distributed job each process plays every other episode of a split (the main process
    gathers and writes them): greedy answers are those of one process playing them all. Under
    ZeRO-3 (stage 3) every forward is collective: with two answers per generate call, a process
    with fewer episodes left fills its calls with stand-ins, and one done goes on with them (here
    rank 1's episodes all end at the first answer, rank 0's go on for two more rounds)."""
    data = json.loads(config(tmp_path, 1, 100, max_verify=3).read_text())
    data["model"]["generateBatch"] = 2
    for split in data["evaluation"]["splits"]:
        split["episodes"] = 7
    path = tmp_path / "shares.ptlab.json"
    path.write_text(json.dumps(data))
    single, shared = tmp_path / "single", tmp_path / "shared"
    played = tmp_path / "played.jsonl"
    hooked = {**two_processes.hooked(env, tmp_path, two_processes.SHARES_HOOK + ENDS_AT_OTHER_ROUNDS), "PTLAB_TEST_PLAYED": str(played)}
    assert ppo(hooked, "--config", str(path), "--run-dir", str(single)).returncode == 0
    assert two_processes.shares(played) == [[0, split, list(range(7))] for split in ("id", "id", "ood-rule", "ood-rule")]
    played.unlink()
    done = two_processes.launched("ppo", path, shared, hooked, deepspeed_stage=stage, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert two_processes.shares(played) == sorted([rank, split, list(range(rank, 7, 2))] for rank in (0, 1) for split in ("id", "ood-rule") for _ in (0, 1))  # steps 0 and 1

    def init_evaluation(run: Path) -> list[dict]:
        return [{k: v for k, v in e.items() if k != "runId"} for e in records(run, "episodes.jsonl") if e["split"] != "train" and e["step"] == 0]

    ours, theirs = init_evaluation(shared), init_evaluation(single)
    assert [(e["split"], e["episode"]) for e in ours] == [(split, i) for split in ("id", "ood-rule") for i in range(7)]
    assert ours == theirs
    assert [len(e["turns"]) for e in ours[:7]] == [3, 1, 3, 1, 2, 1, 2]
    evaluations = lambda run: [{k: r[k] for k in ("split", "success", "meanReward", "failureModes")} for r in records(run) if r["kind"] == "eval" and r["step"] == 0]  # noqa: E731
    assert evaluations(shared) == evaluations(single)


RANK_1_STOPS_AT_UPDATE_2 = """
import os, time
import ptlab.runlog as runlog

runlog.HEARTBEAT_SECONDS = 0.2
if os.environ.get("RANK") == "1":  # the second of two processes never starts its second update: the first waits on it
    import ptlab.ppo as ppo

    made, calls = ppo.update, []

    def stops(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            time.sleep(3600)
        return made(*args, **kwargs)

    ppo.update = stops
"""


def test_a_job_waiting_on_a_collective_beats_but_its_active_time_stays(tmp_path, env):
    """A hang under a collective: one process never joins the second update's reductions, the
    other waits in them (gloo's timeout is 30 minutes). The main process's heartbeat goes on,
    so the run shows as running; run.json's activeAt (the extension's stalledProgress alert)
    stays at the job's last move: the first update's record or after it, before the hang."""
    data = json.loads(config(tmp_path, 2, 100).read_text())
    del data["evaluation"]
    data["ppo"].update(epochs=1, microBatchSize=4)
    path, run = tmp_path / "hang.ptlab.json", tmp_path / "run"
    path.write_text(json.dumps(data))
    env = two_processes.environment(two_processes.hooked(env, tmp_path, RANK_1_STOPS_AT_UPDATE_2))
    process = subprocess.Popen(two_processes.command("ppo", path, run), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    seconds = lambda at: datetime.fromisoformat(at).timestamp()
    try:
        deadline, manifest = time.time() + 300, {}
        while not (manifest.get("progress", {}).get("step") == 1 and seconds(manifest["heartbeatAt"]) - seconds(manifest["activeAt"]) > 3):
            assert time.time() < deadline and process.poll() is None, f"the run never hung: {process.poll()}"
            time.sleep(0.2)
            try:
                manifest = json.loads((run / "run.json").read_text())
            except (OSError, ValueError):
                pass
        (first,) = [r for r in records(run) if r["kind"] == "train"]
        assert manifest["status"] == "running" and seconds(manifest["activeAt"]) >= seconds(first["time"])
        time.sleep(1)
        later = json.loads((run / "run.json").read_text())
        assert seconds(later["heartbeatAt"]) > seconds(manifest["heartbeatAt"]) and later["activeAt"] == manifest["activeAt"]
        assert errors("run-manifest.schema.json", later) == []
    finally:
        two_processes.kill_everything(process.pid, run)
        process.communicate()


def test_evaluation_during_fsdp_training_is_refused_with_what_to_do(tmp_path, env, monkeypatch):
    """FSDP (GPUs only, not run here) from an `accelerate launch` of the user's own (the config's
    own FSDP launcher is refused as it loads): evaluation would generate with the unwrapped model,
    whose flattened parameters only the wrapper gathers; fail before any work, saying what to do."""
    from types import SimpleNamespace

    from accelerate.utils import DistributedType

    from ptlab import parallel
    from ptlab import ppo as ppo_module
    from ptlab.config import load_experiment

    monkeypatch.setattr(parallel, "accelerator", lambda model=None: SimpleNamespace(distributed_type=DistributedType.FSDP, num_processes=2))
    with pytest.raises(ppo_module.PpoError, match='/evaluation: evaluation during launcher.distributed "fsdp" training is not supported.*`ptlab eval`'):
        ppo_module.run_ppo(load_experiment(config(tmp_path, 1, 100)), None, resume=False)


def test_at_checkpoints_evaluates_init_every_saved_checkpoint_and_the_final_one_once(tmp_path, env):
    """evaluation.atCheckpoints without everySteps: update 0 (Init), each saveEverySteps
    checkpoint and the final one, each split once."""
    data = json.loads(config(tmp_path, 3, 2).read_text())
    del data["evaluation"]["everySteps"]
    cfg = tmp_path / "at-checkpoints.ptlab.json"
    cfg.write_text(json.dumps(data))
    run = tmp_path / "run"
    result = ppo(env, "--config", str(cfg), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    assert [(r["step"], r["split"]) for r in records(run) if r["kind"] == "eval"] == [(step, split) for step in (0, 2, 3) for split in ("id", "ood-rule")]


class DigitsEpisode:
    """A one-turn GeneralPoints hand whose reward is easy to learn and dense: the share of digits
    among the answer's characters (the real hand's prompt and record state; the verifier's own
    reward is too rare for a random-weight model to learn from in a few updates)."""

    def __init__(self, hand):
        self.hand, self.seed, self.prompt, self.success = hand, hand.seed, hand.prompt, False
        self.expert_action = None

    def observation_image(self):
        return None

    def step(self, output):
        from types import SimpleNamespace

        share = sum(c.isdigit() for c in output) / max(1, len(output))
        self.success = share > 0.5
        return SimpleNamespace(reward=share, message="digits", done=True, next_prompt=None, new_chat=False, recognized=None, failure_mode=None)

    def record_state(self):
        return self.hand.record_state()


def learning_run(tmp_path, monkeypatch, flip_advantages: bool = False, ratio: str = "sequence") -> list[float]:
    """PPO on DigitsEpisode from the random-weight tiny-lm: the rollout's mean reward per update.
    At temperature 0.1: a random-weight model's softmax is nearly flat over its 1,218 tokens,
    and the rollout samples from all of them (no top-k cut), so at temperature 1 a few
    updates of 32 episodes do not move it; 0.1 gives it the peaked start a pretrained
    policy has."""
    tmp_path.mkdir()
    from ptlab import ppo as ppo_module
    from ptlab import ppo_core
    from ptlab.config import load_experiment
    from ptlab.envs import generalpoints as gp
    from ptlab.runlog import RunLog

    monkeypatch.setattr(gp.GeneralPointsConfig, "episodes", lambda self, base_dir: lambda seed: DigitsEpisode(gp.GeneralPointsEpisode(self, seed)))
    if flip_advantages:
        loss, token_loss = ppo_core.policy_loss, ppo_core.token_policy_loss
        monkeypatch.setattr(ppo_core, "policy_loss", lambda new, old, advantages, *rest: loss(new, old, -advantages, *rest))
        monkeypatch.setattr(ppo_core, "token_policy_loss", lambda new, old, advantages, *rest: token_loss(new, old, -advantages, *rest))
    data = json.loads(config(tmp_path, 6, 100).read_text())
    data.pop("evaluation")
    data["ppo"].update(stepsPerUpdate=32, parallelEnvs=32, epochs=2, miniBatchSize=16, microBatchSize=16, maxNewTokens=8, learningRate=3e-4, finalLearningRate=3e-4, maxGradNorm=1.0, temperature=0.1, ratio=ratio)
    path = tmp_path / "digits.ptlab.json"
    path.write_text(json.dumps(data))
    experiment = load_experiment(path)
    with RunLog(tmp_path / "digits", experiment="digits", job="ppo", config=experiment.to_dict(), config_path=path, command=["pytest"], seeds={"global": 0}) as run:
        assert ppo_module.run_ppo(experiment, run, resume=False) == "finished"
    return [r["metrics"]["rollout/reward_mean"] for r in records(tmp_path / "digits") if r["kind"] == "train"]


@pytest.mark.parametrize("ratio", ["sequence", "token"])
def test_ppo_learns_an_easily_learned_reward_within_a_few_updates(tmp_path, monkeypatch, env, ratio):
    """The learning check: from random weights, six updates of 32 one-turn episodes raise the
    share of digits the policy writes well above where it started, and the same run with the
    advantages' sign flipped (a broken policy gradient) does not; with a ratio per response and
    per token (ppo.ratio)."""
    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    curve = learning_run(tmp_path / "right", monkeypatch, ratio=ratio)
    print("digit share per update:", [round(r, 3) for r in curve])
    assert curve[-1] > 2 * curve[0] + 0.1, curve
    flipped = learning_run(tmp_path / "flipped", monkeypatch, flip_advantages=True, ratio=ratio)
    print("with the advantages flipped:", [round(r, 3) for r in flipped])
    assert flipped[-1] < curve[0] + 0.05, flipped


def test_outcome_reward_is_one_for_an_accepted_attempt_and_zero_otherwise_in_both_tasks():
    """ppo.reward "outcome": PPO trains on acceptance alone; the verifier's reward stays in the records."""
    from ptlab.config import Ppo
    from ptlab.envs import virl
    from ptlab.envs.generalpoints import GeneralPointsConfig, GeneralPointsEpisode, expert_response

    gp = GeneralPointsEpisode(GeneralPointsConfig.from_dict({"env": "generalpoints", "maxVerify": 3}), 0)
    wrong, right = gp.step("no idea"), gp.step(expert_response(gp.hand))
    route = virl.VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 5}}}).episodes(Path("."))(0)
    expert = route.expert_action
    moved, missed = route.step(f'{{"action": "{expert}"}}'), route.step('{"action": "stop()"}')
    outcome, verifier = Ppo(reward="outcome", rewardScale=2), Ppo()
    assert [ppo_module_reward(s, outcome) for s in (wrong, right, moved, missed)] == [0.0, 2.0, 2.0, 0.0]
    assert [ppo_module_reward(s, verifier) for s in (wrong, right)] == [wrong.reward, 5.0]
    assert wrong.reward < 0 and missed.reward < 0


def ppo_module_reward(step, cfg):
    from ptlab.ppo import trained_reward

    return trained_reward(step, cfg)


def test_a_run_with_outcome_reward_trains_on_it_and_records_the_verifiers(tmp_path, env):
    run = run_variant(tmp_path, env, "outcome", lambda data: data["ppo"].update(reward="outcome"))
    [train] = [r for r in records(run) if r["kind"] == "train"]
    turns = [t for e in records(run, "episodes.jsonl") for t in e["turns"]]
    reward_mean = train["metrics"]["rollout/reward_mean"]
    assert 0.0 <= reward_mean <= 1.0  # the verifier's would be negative: most attempts fail
    if not any(t["reward"] == 5 for t in turns):
        assert reward_mean == 0.0
    assert any(t["reward"] < 0 for t in turns)  # the records keep the verifier's rewards


def test_an_episode_s_revisions_share_one_row_and_score_as_they_would_alone(tmp_path, env, monkeypatch):
    """Transitions whose prompt continues the previous one's prompt and response (a rejected
    attempt, the verifier's message, the next attempt) are one row of the forward pass: each
    response's log-probs, per token and summed, and the value on its last prompt token are
    those it gets scored alone; a prompt that does not continue (another episode, an edited
    chat) gets a row of its own."""
    ppo_module, policy, cfg, acc, _ = _policy_and_transitions(tmp_path, monkeypatch, env)
    tokenizer = policy.text
    ids = lambda text: tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    weighted = lambda response: [0.5, 0.5] + [1.0] * (len(response) - 2)  # noqa: E731
    answer = ids('{"formula": "2*9+6"}') + [tokenizer.eos_token_id]
    first = ppo_module.Transition(0, ids("cards 2 2 6 9: make 24"), answer, weighted(answer), 0.0, False, episode=7)
    answer = ids('{"formula": "2*9+6*1"}')
    second = ppo_module.Transition(0, first.prompt_ids + first.response_ids + ids("it evaluates to 24? no, 28."), answer, weighted(answer), 0.0, False, episode=7)
    answer = ids('{"formula": "2+2"}')
    third = ppo_module.Transition(0, second.prompt_ids + second.response_ids + ids("again"), answer, weighted(answer), 0.0, True, episode=7)
    edited = ppo_module.Transition(1, ids("cards 2 2 6 9: make 24 now") + first.response_ids, ids("no"), weighted(ids("no")), 0.0, True, episode=7)
    other = ppo_module.Transition(2, ids("cards 1 1 1 1"), answer, weighted(answer), 0.0, True, episode=8)
    batch = [first, second, third, edited, other]
    assert ppo_module.shared_rows(batch) == [0, 0, 0, 1, 2]
    with torch.no_grad():
        together = ppo_module.score(policy.joint, batch, 0.7, tokenizer.pad_token_id, encoder=policy.tokenizer)
        alone = [ppo_module.score(policy.joint, [t], 0.7, tokenizer.pad_token_id, encoder=policy.tokenizer) for t in batch]
    assert together.tokens == sum(len(t.prompt_ids) + len(t.response_ids) for t in (third, edited, other)) < sum(s.tokens for s in alone)
    for i, (t, single) in enumerate(zip(batch, alone)):
        n = len(t.response_ids)
        assert float(together.logprobs[i]) == pytest.approx(float(single.logprobs[0]), abs=1e-4)
        assert torch.allclose(together.token_logprobs[i, :n], single.token_logprobs[0, :n], atol=1e-5)
        assert together.token_weights[i, :n].tolist() == t.weights and not together.token_weights[i, n:].any()
        assert float(together.values[i]) == pytest.approx(float(single.values[0]), abs=1e-5)


def test_scoring_keeps_one_vocabulary_sized_tensor_for_backward_and_the_same_numbers():
    """The training pass's log-probs come from the scaled logits less their logsumexp: backward
    keeps those logits and no other (positions x vocabulary) tensor (the log_softmax it
    replaces kept its output too, and the entropy two more: at the paper's 128k vocabulary
    each is about 10 GB for a micro-batch of 8 chats of 2,500 tokens). The entropy has a
    gradient only for a loss with an entropy term (then two tensors more). Log-probs, entropy
    and the gradients equal the log_softmax formulas'."""
    from ptlab import ppo as ppo_module
    from ptlab import ppo_core as core
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    vocab = 4096
    model = LlamaForCausalLM(LlamaConfig(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1, head_dim=16, pad_token_id=0))
    scorer = ppo_module.PolicyAndValue(model, None)
    ids = lambda n, seed: torch.randint(1, vocab, (n,), generator=torch.Generator().manual_seed(seed)).tolist()  # noqa: E731
    batch = [ppo_module.Transition(0, ids(12, 1), ids(20, 2), [0.5] * 5 + [1.0] * 15, 0.0, True, episode=0), ppo_module.Transition(1, ids(9, 3), ids(14, 4), [1.0] * 14, 0.0, True, episode=1)]
    positions = 2 * (20 + 12 - 9)  # rows x scored positions: from the earliest response's start to the longest end

    def saved_vocabulary_tensors(**options):
        sizes: dict[int, int] = {}
        weights = {p.untyped_storage().data_ptr() for p in model.parameters()}

        def pack(tensor):
            if tensor.dim() and tensor.shape[-1] == vocab and tensor.dtype.is_floating_point and tensor.untyped_storage().data_ptr() not in weights:
                sizes[tensor.untyped_storage().data_ptr()] = tensor.numel()
            return tensor

        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            scored = ppo_module.score(scorer, batch, 0.7, 0, with_entropy=True, **options)
        assert all(n == positions * vocab for n in sizes.values())
        return scored, len(sizes)

    scored, kept = saved_vocabulary_tensors(entropy_grad=False)
    assert kept == 1 and not scored.entropy.requires_grad
    with_entropy, kept = saved_vocabulary_tensors(entropy_grad=True)
    assert kept == 3 and with_entropy.entropy.requires_grad

    # the formulas they replace, on the same forward
    inputs = {"input_ids": torch.tensor([t.prompt_ids + t.response_ids + [0] * (34 - len(t.prompt_ids) - len(t.response_ids)) for t in batch])}
    logits = scorer(inputs, None, torch.arange(8, 31))[0].float() / 0.7
    log_softmax = torch.log_softmax(logits, dim=-1)
    for i, t in enumerate(batch):
        start = len(t.prompt_ids) - 1 - 8
        expected = log_softmax[i, start : start + len(t.response_ids)].gather(-1, torch.tensor(t.response_ids).unsqueeze(-1)).squeeze(-1)
        torch.testing.assert_close(scored.token_logprobs[i, : len(t.response_ids)], expected, atol=1e-5, rtol=0)
    mask = torch.zeros(logits.shape[:2])
    for i, t in enumerate(batch):
        mask[i, len(t.prompt_ids) - 9 : len(t.prompt_ids) - 9 + len(t.response_ids)] = 1
    expected_entropy = (-(log_softmax.exp() * log_softmax).sum(-1) * mask).sum() / mask.sum()
    torch.testing.assert_close(with_entropy.entropy, expected_entropy, atol=1e-5, rtol=0)
    torch.testing.assert_close(core.entropy(logits, mask), expected_entropy, atol=1e-5, rtol=0)
    gradient = lambda value: torch.autograd.grad(value, model.lm_head.weight, retain_graph=True)[0]  # noqa: E731
    expected_sum = sum(log_softmax[i, len(t.prompt_ids) - 9 : len(t.prompt_ids) - 9 + len(t.response_ids)].gather(-1, torch.tensor(t.response_ids).unsqueeze(-1)).sum() for i, t in enumerate(batch))
    torch.testing.assert_close(gradient(with_entropy.token_logprobs.sum()), gradient(expected_sum), atol=1e-6, rtol=1e-4)
    torch.testing.assert_close(gradient(with_entropy.entropy), gradient(expected_entropy), atol=1e-6, rtol=1e-4)


def test_the_update_keeps_an_episode_s_transitions_together_in_turn_order():
    """Mini-batches shuffle whole episodes (torch's generator), scoring passes go shortest
    episode first; within an episode the turn order stays, so its revisions can share a row."""
    from ptlab import ppo as ppo_module

    transitions = [ppo_module.Transition(0, [1] * (10 + 5 * turn + episode), [2], [1.0], 0.0, False, episode=episode) for turn in range(3) for episode in range(4)]
    torch.manual_seed(0)
    shuffled = ppo_module.in_episodes(transitions, shuffle=True)
    assert sorted(map(id, shuffled)) == sorted(map(id, transitions))
    for k in range(0, 12, 3):
        chain = shuffled[k : k + 3]
        assert len({t.episode for t in chain}) == 1 and [len(t.prompt_ids) for t in chain] == sorted(len(t.prompt_ids) for t in chain)
    assert [t.episode for t in ppo_module.in_episodes(transitions, shuffle=False)] == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]


def test_the_pretrained_base_s_revisions_continue_their_chat_and_share_rows(tmp_path, env, monkeypatch):
    """On the embedded pretrained base (real answers, the GP-L prompt), each revision's prompt
    is the chat so far with the sampled ids rendered back, so the episode's attempts share
    forward rows: the update reads fewer tokens than its transitions hold."""
    from ptlab import cli
    from ptlab import ppo as ppo_module

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    data = json.loads(config(tmp_path, 1, 100, max_verify=3).read_text())
    data["model"] = {"name": "embedded:gp-base", "kind": "causal-lm", "dtype": "fp32"}
    data["ppo"].update(advantage="group", groupSize=4, stepsPerUpdate=8, miniBatchSize=8, microBatchSize=8, maxNewTokens=64, epochs=1)
    del data["evaluation"]
    path = tmp_path / "base.ptlab.json"
    path.write_text(json.dumps(data))
    real_score, passes = ppo_module.score, []

    def recording_score(scorer, batch, *args, **kwargs):
        scored = real_score(scorer, batch, *args, **kwargs)
        passes.append((len(batch), len(set(ppo_module.shared_rows(batch))), scored.tokens, sum(len(t.prompt_ids) + len(t.response_ids) for t in batch), torch.is_grad_enabled()))
        return scored

    monkeypatch.setattr(ppo_module, "score", recording_score)
    assert cli.main(["ppo", "--config", str(path), "--run-dir", str(tmp_path / "run")]) == 0
    transitions, rows, read, held = (sum(p[i] for p in passes) for i in range(4))
    assert rows < transitions and read < held, passes
    trained = [r for r in records(tmp_path / "run") if r["kind"] == "train"][0]
    assert trained["compute"]["trainTokens"] == sum(p[2] for p in passes if p[4])  # the training passes' tokens, as read


@pytest.mark.parametrize("family", ["embedded:gp-base", "qwen2.5"])
def test_rollouts_sample_from_the_policy_and_their_log_probs_are_the_ratio_s_old_ones(tmp_path, env, monkeypatch, family):
    """The rollout samples from the policy's own softmax at the temperature, not with the
    checkpoint's decoding (the Qwen replica's generation_config, Qwen2.5-Instruct's, asks for
    top_p 0.8, top_k 20 and a repetition penalty; generate's default adds top_k 50); with
    oldLogProbs "sampling" the log-probs it
    sampled with are the ratio's old ones, no scoring pass runs, and they are the training
    forward's up to float rounding."""
    from transformers import TemperatureLogitsWarper
    from transformers.generation.utils import GenerationMixin

    from ptlab import cli, generation, replicas
    from ptlab import ppo as ppo_module

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    data = json.loads(config(tmp_path, 1, 100, max_verify=3).read_text())
    data["model"] = {"name": family if family.startswith("embedded:") else str(replicas.replica_path(family)), "kind": "causal-lm", "dtype": "fp32"}
    data["ppo"].update(advantage="group", groupSize=4, parallelEnvs=8, stepsPerUpdate=12, miniBatchSize=12, microBatchSize=6, maxNewTokens=32, epochs=1, ratio="token", temperature=0.7, oldLogProbs="sampling")
    del data["evaluation"]
    path = tmp_path / "sampled.ptlab.json"
    path.write_text(json.dumps(data))
    processors, no_grad_passes, checked, token_passes = [], [], [], []
    real_processors, real_score, real_update = GenerationMixin._get_logits_processor, ppo_module.score, ppo_module.update

    def recording_processors(self, *args, **kwargs):
        chain = real_processors(self, *args, **kwargs)
        processors.append([type(p) for p in chain])
        return chain

    def recording_score(scorer, batch, *args, **kwargs):
        if not torch.is_grad_enabled():
            (token_passes if kwargs.get("token_entropy") else no_grad_passes).append(len(batch))
        return real_score(scorer, batch, *args, **kwargs)

    def checking_update(cfg, policy, transitions, acc):
        with torch.no_grad():
            scored = real_score(policy.joint, transitions, cfg.temperature, policy.text.pad_token_id, encoder=policy.tokenizer)
        for i, t in enumerate(transitions):
            assert len(t.old_token_logprobs) == len(t.response_ids)
            torch.testing.assert_close(torch.tensor(t.old_token_logprobs), scored.token_logprobs[i, : len(t.response_ids)], atol=1e-4, rtol=0)
            assert t.old_logprob == pytest.approx(float(scored.logprobs[i]), abs=1e-3)
        checked.append(len(transitions))
        return real_update(cfg, policy, transitions, acc)

    monkeypatch.setattr(GenerationMixin, "_get_logits_processor", recording_processors)
    monkeypatch.setattr(ppo_module, "score", recording_score)
    monkeypatch.setattr(ppo_module, "update", checking_update)
    assert cli.main(["ppo", "--config", str(path), "--run-dir", str(tmp_path / "run")]) == 0
    assert checked == [12] and no_grad_passes == []  # only the per-token records' pass (logging.tokenRecordRate) reads without a gradient
    assert sum(token_passes) == len(joined_token_records(tmp_path / "run")) > 0  # their text ends cut this family's decoded outputs whole
    assert processors and all(set(chain) == {TemperatureLogitsWarper, generation._SampledLogprobs} for chain in processors), processors
    trained = [r for r in records(tmp_path / "run") if r["kind"] == "train"][0]
    assert trained["metrics"]["ppo/first_step_logprob_gap"] < 1e-3
    mismatch = {k: v for k, v in trained["metrics"].items() if k.startswith("mismatch/")}
    assert mismatch["mismatch/tokens"] > 0 and mismatch["mismatch/logprob_abs_max"] < 1e-3 and 0 <= mismatch["mismatch/kl"] < 1e-6, mismatch


@pytest.mark.parametrize("old_logprobs", ["recompute", "sampling"])
def test_the_generation_vs_training_mismatch_and_the_step_timeline_are_recorded_per_update(tmp_path, env, monkeypatch, old_logprobs):
    """mismatch/* compare each trained token's sampling log-prob with the training forward's
    before the update's first step: about 0 when they agree, and a sampler whose log-probs are
    off by 0.05 reads |difference| 0.05 and KL (r - 1) - log r with r = e^0.05. time/* split
    the update's seconds by stage."""
    from ptlab import cli, generation

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    data = json.loads(config(tmp_path, 1, 100, max_verify=3).read_text())
    data["ppo"].update(advantage="group", groupSize=4, parallelEnvs=8, stepsPerUpdate=12, miniBatchSize=12, microBatchSize=6, maxNewTokens=24, epochs=1, ratio="token", temperature=0.7, oldLogProbs=old_logprobs)
    del data["evaluation"]
    path = tmp_path / "run.ptlab.json"
    path.write_text(json.dumps(data))

    def metrics(run: str) -> dict[str, float]:
        assert cli.main(["ppo", "--config", str(path), "--run-dir", str(tmp_path / run)]) == 0
        trained = [r for r in records(tmp_path / run) if r["kind"] == "train"][0]
        return {k.split("/")[1]: v for k, v in trained["metrics"].items() if k.startswith("mismatch/")}

    agreeing = metrics("agree")
    timeline = {k: v for k, v in [r for r in records(tmp_path / "agree") if r["kind"] == "train"][0]["metrics"].items() if k.startswith(("time/", "perf/"))}
    stages = ("generation", "environment", "scoring", "token_records", "training", "evaluation", "checkpoint")
    assert set(timeline) == {f"time/{s}_s" for s in stages} | {"perf/tokens_per_second", "perf/generation_tokens_per_second", "perf/training_tokens_per_second", "perf/generation_forwarded_tokens"}, timeline
    assert timeline["time/generation_s"] > 0 and timeline["time/environment_s"] > 0 and timeline["time/training_s"] > 0
    assert (timeline["time/scoring_s"] > 0) == (old_logprobs == "recompute")  # group advantages with sampled log-probs score nothing
    assert timeline["time/token_records_s"] > 0  # the config's logging.tokenRecordRate 0.5
    assert timeline["time/evaluation_s"] == timeline["time/checkpoint_s"] == 0  # none ran before the first update's record
    assert timeline["perf/generation_tokens_per_second"] > 0 and timeline["perf/training_tokens_per_second"] > 0
    charged = [r for r in records(tmp_path / "agree") if r["kind"] == "train"][0]["compute"]["inferenceTokens"]
    assert 0 < timeline["perf/generation_forwarded_tokens"] < charged  # each group's prompt prefilled once
    assert agreeing["tokens"] > 0 and agreeing["logprob_abs_max"] < 1e-3 and 0 <= agreeing["kl"] < 1e-6, agreeing
    real_per_token = generation._SampledLogprobs.per_token
    monkeypatch.setattr(generation._SampledLogprobs, "per_token", lambda self, ids: real_per_token(self, ids) - 0.05)
    off = metrics("off")
    assert off["tokens"] > 0
    assert off["logprob_abs_mean"] == pytest.approx(0.05, abs=1e-3) and off["logprob_abs_max"] == pytest.approx(0.05, abs=1e-3)
    assert off["kl"] == pytest.approx(math.expm1(0.05) - 0.05, rel=0.05)


def test_scoring_drops_the_mask_of_right_padded_text_rows_and_scores_as_with_it(tmp_path, env, monkeypatch):
    """Text-only rows are right-padded, so causal attention alone keeps real tokens off the
    padding: score() passes no attention mask (SDPA's causal kernel) and gets the log-probs,
    values and entropy the masked pass gives."""
    from ptlab import chat

    ppo_module, policy, cfg, acc, transitions = _policy_and_transitions(tmp_path, monkeypatch, env)
    assert len({len(t.prompt_ids) + len(t.response_ids) for t in transitions}) > 1  # padded rows
    seen, causal_inputs = [], chat.causal_inputs
    forward = policy.joint.policy.forward
    monkeypatch.setattr(policy.joint.policy, "forward", lambda *args, **kwargs: seen.append("attention_mask" in kwargs) or forward(*args, **kwargs))
    with torch.no_grad():
        unmasked = ppo_module.score(policy.joint, transitions, 0.7, policy.text.pad_token_id, with_entropy=True, encoder=policy.tokenizer)
        monkeypatch.setattr(chat, "causal_inputs", lambda inputs: inputs)
        masked = ppo_module.score(policy.joint, transitions, 0.7, policy.text.pad_token_id, with_entropy=True, encoder=policy.tokenizer)
    assert seen == [False, True]
    for ours, theirs in ((unmasked.token_logprobs, masked.token_logprobs), (unmasked.logprobs, masked.logprobs), (unmasked.values, masked.values), (unmasked.entropy, masked.entropy)):
        torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="right-padded"):
        causal_inputs({"input_ids": torch.ones(1, 3, dtype=torch.long), "attention_mask": torch.tensor([[0, 1, 1]])})


def _grouped_transitions(ppo_module, tokenizer, generator) -> list:
    """Two groups of four episodes on one hand each (their first prompts alike), an episode's
    revision continuing its row, and an episode alone on another hand."""
    rules = "you are an expert 24 points card game player: make 24 with + - * / , each card used once."
    hands = [f"{rules} cards 3 4 7 10", f"{rules} cards 1 5 5 5, a hard one", f"{rules} cards 2 2 6 9"]  # all open alike, groups more so
    transitions = []
    for episode in range(9):
        prompt = tokenizer(hands[min(episode // 4, 2)], add_special_tokens=False)["input_ids"]
        response = tokenizer('{"formula": "' + "1+2*3-4"[: 2 + episode % 6] + '"}', add_special_tokens=False)["input_ids"]
        transitions.append(ppo_module.Transition(episode, prompt, response, [0.5] * 2 + [1.0] * (len(response) - 2), 0.0, False, episode=episode))
    first = transitions[0]
    revision = tokenizer(" wrong, again:", add_special_tokens=False)["input_ids"]
    transitions.insert(1, ppo_module.Transition(0, first.prompt_ids + first.response_ids + revision, first.response_ids[:5], [1.0] * 5, 0.0, False, episode=0))
    for t in transitions:
        t.old_logprob, t.old_value = -float(torch.rand(1, generator=generator)) * 20, float(torch.randn(1, generator=generator))
        t.advantage, t.ret = float(torch.randn(1, generator=generator)), float(torch.randn(1, generator=generator))
        t.old_token_logprobs = [-float(torch.rand(1, generator=generator)) for _ in t.response_ids]
    return transitions


def test_shared_openings_score_and_train_as_padded_rows(tmp_path, env, monkeypatch):
    """ppo.sharedPrefixes: the opening that a group's rows share is read once, each row
    attending to it through its cache: the same log-probs per token, values, entropies and
    step gradients as right-padded rows, with each opening's tokens read once."""
    ppo_module, policy, cfg, acc, _ = _policy_and_transitions(tmp_path, monkeypatch, env, entropyCoef=0.1)
    cfg = dataclasses_replace(cfg, miniBatchSize=10)
    transitions = _grouped_transitions(ppo_module, policy.text, torch.Generator().manual_seed(0))
    openings = ppo_module.shared_openings(transitions)
    assert openings.of == [0, 0, 0, 0, 1, 1, 1, 1, -1]  # the revision shares its episode's row
    assert [len(o) for o in openings.ids] == [len(transitions[0].prompt_ids) - 1, len(transitions[5].prompt_ids) - 1]
    assert len(openings.ids[0]) < len(openings.ids[1])  # the shorter opening is padded in the openings' pass, masked in its rows
    pad_id = policy.text.pad_token_id
    passes = []
    forward = policy.joint.forward
    monkeypatch.setattr(policy.joint, "forward", lambda inputs, value_at, positions: (passes.append({k: tuple(v.shape) for k, v in inputs.items()}), forward(inputs, value_at, positions))[1])
    with torch.no_grad():
        padded, shared = (ppo_module.score(policy.joint, transitions, 0.7, pad_id, with_entropy=True, encoder=policy.tokenizer, token_entropy=True, rows=rows) for rows in ("padded", "shared-prefixes"))
    assert "opening_ids" not in passes[0] and passes[1]["opening_ids"] == (2, len(openings.ids[1]))  # the longer opening sets the width
    assert padded.tokens - shared.tokens == 3 * len(openings.ids[0]) + 3 * len(openings.ids[1])
    torch.testing.assert_close(shared.token_weights, padded.token_weights)
    for got, expected in ((shared.logprobs, padded.logprobs), (shared.token_logprobs, padded.token_logprobs), (shared.values, padded.values), (shared.entropy, padded.entropy), (shared.token_entropy, padded.token_entropy)):
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    monkeypatch.setattr(policy.joint, "forward", forward)
    for ratio in ("sequence", "token"):
        whole, _ = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, microBatchSize=10, ratio=ratio), acc, transitions, monkeypatch)
        opened, _ = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, microBatchSize=10, ratio=ratio, sharedPrefixes=True), acc, transitions, monkeypatch)
        for a, b in zip(opened[0], whole[0]):
            assert float((a - b).norm()) <= 1e-5 * float(b.norm()), ratio


def test_a_chunked_head_scores_and_trains_as_whole_logits(tmp_path, env, monkeypatch):
    """ppo.headChunk: the LM head runs on the response tokens' hidden states a few at a time,
    in forward and again in backward, never on more rows than the chunk and never on a
    prompt's: the same log-probs per token, values, entropies and step gradients (entropy
    term included) as the whole pass's logits, in each row layout."""
    ppo_module, policy, cfg, acc, _ = _policy_and_transitions(tmp_path, monkeypatch, env, entropyCoef=0.1)
    cfg = dataclasses_replace(cfg, miniBatchSize=10)
    transitions = _grouped_transitions(ppo_module, policy.text, torch.Generator().manual_seed(0))
    pad_id = policy.text.pad_token_id
    head_rows = []
    hook = policy.plain.get_output_embeddings().register_forward_hook(lambda _m, args, _out: head_rows.append(args[0].shape[:-1]))
    response_tokens = sum(len(t.response_ids) for t in transitions)
    try:
        for rows in ppo_module.ROWS:
            with torch.no_grad():
                whole = ppo_module.score(policy.joint, transitions, 0.7, pad_id, with_entropy=True, encoder=policy.tokenizer, token_entropy=True, rows=rows)
                head_rows.clear()
                chunked = ppo_module.score(policy.joint, transitions, 0.7, pad_id, with_entropy=True, encoder=policy.tokenizer, token_entropy=True, rows=rows, head_chunk=4)
            assert [len(shape) for shape in head_rows] == [1] * len(head_rows) and max(shape[0] for shape in head_rows) == 4, rows
            assert sum(shape[0] for shape in head_rows) == response_tokens, rows
            assert chunked.tokens == whole.tokens
            torch.testing.assert_close(chunked.token_weights, whole.token_weights)
            for got, expected in ((chunked.logprobs, whole.logprobs), (chunked.token_logprobs, whole.token_logprobs), (chunked.values, whole.values), (chunked.entropy, whole.entropy), (chunked.token_entropy, whole.token_entropy)):
                torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
        for ratio in ("sequence", "token"):
            whole_grads, whole_sums = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, microBatchSize=10, ratio=ratio), acc, transitions, monkeypatch)
            head_rows.clear()
            chunked_grads, chunked_sums = _step_gradients(ppo_module, policy, dataclasses_replace(cfg, microBatchSize=10, ratio=ratio, headChunk=4), acc, transitions, monkeypatch)
            assert sum(shape[0] for shape in head_rows) == 2 * response_tokens  # forward, then backward's recompute
            assert chunked_sums["entropy"] == pytest.approx(whole_sums["entropy"], rel=1e-5)
            for a, b in zip(chunked_grads[0], whole_grads[0]):
                assert float((a - b).norm()) <= 1e-5 * float(b.norm()), ratio
    finally:
        hook.remove()


def test_a_chunked_head_is_refused_for_a_model_type_the_tests_do_not_run():
    """ppo.headChunk names the model types it was checked on and what to do for another
    (a family whose forward soft-caps or scales its logits would score otherwise)."""
    from types import SimpleNamespace

    from ptlab import ppo as ppo_module
    from ptlab.config import Ppo

    gemma = SimpleNamespace(config=SimpleNamespace(model_type="gemma2"))
    assert ppo_module.head_chunk_model_refused(Ppo(headChunk=0), gemma) is None
    assert ppo_module.head_chunk_model_refused(Ppo(headChunk=512), SimpleNamespace(config=SimpleNamespace(model_type="qwen2"))) is None
    refused = ppo_module.head_chunk_model_refused(Ppo(headChunk=512), gemma)
    assert refused is not None and "ppo.headChunk" in refused and "'gemma2'" in refused and "llama" in refused and "set it to 0" in refused


def test_group_episodes_stay_together_when_their_passes_share_openings():
    """in_episodes with a group size: each group's episodes side by side (shuffled or sorted
    as whole groups), an episode's turns in order; by episodes alone without it."""
    from ptlab import ppo as ppo_module

    transitions = [ppo_module.Transition(e, [1] * (5 + e % 3), [2] * turn, [1.0] * turn, 0.0, False, episode=e, turn=turn) for e in range(12) for turn in (1, 2)]
    torch.manual_seed(3)
    for shuffle in (True, False):
        ordered = ppo_module.in_episodes(transitions, shuffle=shuffle, group_size=4)
        groups = [t.episode // 4 for t in ordered]
        assert all(len(list(g)) == 8 for _, g in itertools.groupby(groups))  # three runs of a group's 8 transitions
        assert all(a.turn < b.turn for a, b in zip(ordered, ordered[1:]) if a.episode == b.episode)
    torch.manual_seed(3)
    alone = [t.episode // 4 for t in ppo_module.in_episodes(transitions, shuffle=True)]
    assert len([k for k, _ in itertools.groupby(alone)]) > 3


def test_shared_prefixes_are_refused_where_a_pass_cannot_read_them_once(tmp_path, env):
    """With gradient checkpointing (it drops the openings' cache) or padding-free rows (the
    other layout) the run fails at its start, naming both fields."""
    for edit, named in ((lambda d: d["model"].update(gradientCheckpointing=True), "model.gradientCheckpointing"), (lambda d: d["ppo"].update(paddingFree=True), "ppo.paddingFree")):
        data = json.loads(config(tmp_path, 1, 100).read_text())
        data["ppo"]["sharedPrefixes"] = True
        edit(data)
        path = tmp_path / "refused.ptlab.json"
        path.write_text(json.dumps(data))
        result = subprocess.run([sys.executable, "-m", "ptlab", "ppo", "--config", str(path), "--run-dir", str(tmp_path / named)], capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode != 0 and "ppo.sharedPrefixes" in result.stderr and named in result.stderr, result.stderr[-2000:]



def test_padding_free_rows_are_refused_for_a_model_whose_sequences_would_read_one_another(tmp_path, env, tiny_opt):
    """ppo.paddingFree on OPT, whose decoder builds its mask without the positions
    (attention.packed_rows_refused): the run fails at its start, naming the field and
    model.attention "varlen"."""
    data = json.loads(config(tmp_path, 1, 100).read_text())
    data["model"]["name"] = str(tiny_opt)
    data["ppo"]["paddingFree"] = True
    path = tmp_path / "opt.ptlab.json"
    path.write_text(json.dumps(data))
    result = ppo(env, "--config", str(path), "--run-dir", str(tmp_path / "opt"))
    assert result.returncode != 0 and 'ppo.paddingFree: this model\'s decoder (OPTDecoder) under attention "sdpa"' in result.stderr, result.stderr[-2000:]
    assert 'set model.attention "varlen" (one sequence at a time), or ppo.paddingFree to false' in result.stderr

def test_a_run_with_shared_openings_trains_as_one_without(tmp_path, env):
    """ppo.sharedPrefixes in a whole run with group advantages (its groups kept together in
    the update's passes), one optimizer step per update so that the order of the transitions
    does not matter: the rollout, losses and weights of the run without it, with fewer
    training tokens read. (The tiny model fails every hand alike, so group advantages are
    zero: the entropy term gives the step its gradient.)"""
    runs = {}
    for shared in (False, True):
        runs[shared] = run_variant(tmp_path, env, f"shared-{shared}", lambda data, s=shared: data["ppo"].update(advantage="group", groupSize=4, epochs=1, miniBatchSize=16, learningRate=1e-3, entropyCoef=0.1, sharedPrefixes=s))
    (plain,), (shared,) = ([r for r in records(runs[s]) if r["kind"] == "train"] for s in (False, True))
    assert shared["metrics"]["rollout/reward_mean"] == plain["metrics"]["rollout/reward_mean"]
    for key in ("ppo/policy_loss", "ppo/approx_kl", "ppo/entropy", "ppo/clipfrac"):
        assert shared["metrics"][key] == pytest.approx(plain["metrics"][key], rel=1e-4, abs=1e-6), key
    assert shared["compute"]["trainTokens"] < 0.8 * plain["compute"]["trainTokens"]
    _moved_alike(env, runs[False], runs[True])


def _moved_alike(env, expected_run: Path, run: Path) -> None:
    """Both runs' final weights moved the same way from the base model's: their difference is
    under 1% of the step (Adam's first step is about the learning rate in every weight, so a
    gradient pointing elsewhere shows)."""
    from safetensors.torch import load_file

    from ptlab import models

    base = dict(models.load_causal_lm("embedded:tiny-lm", dtype="fp32").state_dict())
    expected, got = (load_file(str(r / "checkpoints" / "final" / "model.safetensors")) for r in (expected_run, run))
    step = max(float((tensor - base[name]).abs().max()) for name, tensor in expected.items())
    apart = max(float((got[name] - tensor).abs().max()) for name, tensor in expected.items())
    assert step > 1e-4 and apart < 0.01 * step, (step, apart)


@pytest.mark.parametrize("stage", [0, pytest.param(2, marks=two_processes.needs_deepspeed), pytest.param(3, marks=two_processes.needs_deepspeed)], ids=["ddp", "zero2", "zero3"])
def test_a_chunked_head_trains_as_whole_logits_under_ddp_and_zero(tmp_path, env, stage):
    """ppo.headChunk in two-process runs, DDP and DeepSpeed ZeRO-2 and ZeRO-3 (whose hooks
    gather the LM head's weight at each call, in forward and in backward's recompute: every
    process makes as many calls, though their rollouts differ in length), value head, entropy
    term and token records on: the weights of the same run without it."""
    runs = {}
    for chunk in (0, 4):
        data = json.loads(config(tmp_path, 1, 100).read_text())
        data["ppo"].update(epochs=1, learningRate=1e-3, entropyCoef=0.1, headChunk=chunk)
        del data["evaluation"]
        path = tmp_path / f"chunk-{chunk}.ptlab.json"
        path.write_text(json.dumps(data))
        runs[chunk] = tmp_path / f"chunk-{chunk}"
        two_processes.run("ppo", path, runs[chunk], env, deepspeed_stage=stage)
    _moved_alike(env, runs[0], runs[4])


def ddp_runs_per_kv_cache(tmp_path: Path, env, caches: tuple[str, ...], **ppo) -> dict[str, Path]:
    """A one-update two-process DDP run (gloo) of the small config per model.kvCache, with
    `ppo` overrides; each run's folder."""
    runs = {}
    for cache in caches:
        data = json.loads(config(tmp_path, 1, 100).read_text())
        data["model"]["kvCache"] = cache
        data["ppo"].update(ppo)
        path = tmp_path / f"ddp-{cache}.ptlab.json"
        path.write_text(json.dumps(data))
        runs[cache] = tmp_path / f"ddp-{cache}"
        two_processes.run("ppo", path, runs[cache], env)
    return runs


def step_0_answers(run: Path) -> list:
    """The step-0 evaluation's answers, in an order that does not depend on which process evaluated what."""
    return sorted((e["split"], e["seed"], tuple(t["output"] for t in e["turns"])) for e in records(run, "episodes.jsonl") if e["step"] == 0)


def test_a_static_kv_cache_samples_as_the_dynamic_one_does_under_ddp(tmp_path, env):
    """model.kvCache "static" in a two-process DDP run (gloo): the step-0 greedy evaluation,
    shared out over the processes, and the first attempts of each process's first rollout
    are the dynamic cache's (issue 18's last condition for making it CUDA's default)."""
    runs = ddp_runs_per_kv_cache(tmp_path, env, ("dynamic", "static"))
    assert step_0_answers(runs["static"]) == step_0_answers(runs["dynamic"]) and step_0_answers(runs["static"])
    first = {cache: sorted((e["seed"], e["turns"][0]["output"]) for e in records(run, "episodes.jsonl") if e["split"] == "train") for cache, run in runs.items()}
    assert first["static"] == first["dynamic"] and len(first["static"]) == 16  # 8 slots per process


def test_a_paged_kv_cache_runs_under_ddp(tmp_path, env):
    """model.kvCache "paged" in a two-process DDP run (gloo): each process runs continuous
    batching sessions of its own (a collective in them would hang the run), the step-0 greedy
    evaluation, shared out over the processes, is the dynamic cache's, and before the first
    optimizer step the training forward gives each process's sampled tokens the log-probs
    its sessions recorded."""
    runs = ddp_runs_per_kv_cache(tmp_path, env, ("dynamic", "paged"), advantage="group", groupSize=2, oldLogProbs="sampling")
    assert step_0_answers(runs["paged"]) == step_0_answers(runs["dynamic"]) and step_0_answers(runs["paged"])
    [train] = [r["metrics"] for r in records(runs["paged"]) if r["kind"] == "train"]
    assert train["ppo/first_step_logprob_gap"] < 1e-4 and train["mismatch/logprob_abs_max"] < 1e-3, train


def test_shared_openings_train_as_padded_rows_under_ddp(tmp_path, env):
    """ppo.sharedPrefixes in a two-process DDP run (the openings' and the rows' forwards in
    one call of the prepared module, its parameters used twice before one all-reduce), one
    optimizer step per update: the weights of the same run without it."""
    runs = {}
    for shared in (False, True):
        data = json.loads(config(tmp_path, 1, 100).read_text())
        data["ppo"].update(advantage="group", groupSize=4, epochs=1, miniBatchSize=16, learningRate=1e-3, entropyCoef=0.1, sharedPrefixes=shared)
        del data["evaluation"]
        path = tmp_path / f"ddp-shared-{shared}.ptlab.json"
        path.write_text(json.dumps(data))
        runs[shared] = tmp_path / f"ddp-shared-{shared}"
        two_processes.run("ppo", path, runs[shared], env)
    _moved_alike(env, runs[False], runs[True])
