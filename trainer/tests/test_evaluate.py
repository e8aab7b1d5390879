"""`ptlab eval`: same seeded episodes for every checkpoint, transcripts and summary per contract."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import two_processes

pytest.importorskip("torch")

from ptlab import episodes  # noqa: E402
from ptlab.contracts import errors  # noqa: E402
from ptlab.evaluate import rate  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def eval_config(tmp_path: Path, environment: dict | None = None, splits: list | None = None) -> Path:
    data = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    data["evaluation"].update(maxNewTokens=16)
    for split in data["evaluation"]["splits"]:
        split["episodes"] = 4
    if environment is not None:
        data["environment"] = environment
        data["evaluation"]["splits"] = splits
    path = tmp_path / "eval.ptlab.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture(scope="module")
def env(ptlab_cache):
    return {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache)}


def ptlab_eval(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ptlab", "eval", *args], capture_output=True, text=True, env=env, timeout=600)


def test_rate_and_standard_error():
    assert rate(1, 4) == {"rate": 0.25, "stderr": pytest.approx((0.25 * 0.75 / 4) ** 0.5), "n": 4}
    assert rate(0, 0) == {"rate": 0.0, "stderr": 0.0, "n": 0}


def test_rule_collapse_is_the_training_rule_s_values_on_a_split_of_another_rule(tmp_path, monkeypatch):
    """Trained on all-10: an ID split's answer valuing J, Q, K as 11, 12, 13 is wrong numbers;
    the rule-OOD split's (11-12-13) answer valuing them as 10 is rule collapse."""
    from ptlab import evaluate
    from ptlab.config import load_experiment
    from ptlab.envs.generalpoints import card_value
    from ptlab.generation import Generation

    def the_other_rule_s_values(model, tokenizer, chats, *args, **kwargs):  # a model that answers by the rule it was not told
        answers = []
        for chat in chats:
            text = chat[0]["content"]
            cards = re.search(r"Cards: \[(.*?)\]", text).group(1).replace("'", "").split(", ")
            other = "11-12-13" if "count as '10'" in text else "all-10"
            answers.append(Generation(json.dumps({"cards": cards, "formula": "+".join(str(card_value(c, other)) for c in cards)}), 1, (), True))
        return answers

    monkeypatch.setattr(evaluate, "generate", the_other_rule_s_values)
    experiment = load_experiment(eval_config(tmp_path))
    modes = {}
    for split in experiment.evaluation.splits:
        slots = evaluate.play_split(experiment, split, None, None)
        modes[split.name] = {t["failureMode"] for s in slots for t in episodes.record("", 0, split.name, split.kind, s, experiment.environment_for(split))["turns"] if "failureMode" in t}
    assert "wrong-numbers" in modes["id"] and "rule-collapse" not in modes["id"]
    assert "rule-collapse" in modes["ood-rule"]


def test_generalpoints_id_and_ood(tmp_path, env):
    run = tmp_path / "eval"
    result = ptlab_eval(env, "--config", str(eval_config(tmp_path)), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    summary = json.loads((run / "eval-summary.json").read_text())
    assert errors("eval-summary.schema.json", summary) == []
    assert [(s["name"], s["episodes"]) for s in summary["splits"]] == [("id", 4), ("ood-rule", 4)]
    assert summary["splits"][1]["environment"]["faceCards"] == "11-12-13"
    episodes = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    assert [e["seed"] for e in episodes] == [1234, 1235, 1236, 1237] * 2
    for e in episodes:
        assert "prompt" in e["turns"][0] and all("promptDelta" in t for t in e["turns"][1:])
        assert len(e["turns"]) <= 5


def test_the_same_episodes_every_time(tmp_path, env):
    config = eval_config(tmp_path)
    for name in ("a", "b"):
        assert ptlab_eval(env, "--config", str(config), "--run-dir", str(tmp_path / name)).returncode == 0
    strip = lambda path: [{k: v for k, v in json.loads(line).items() if k != "runId"} for line in path.read_text().splitlines()]  # noqa: E731
    assert strip(tmp_path / "a" / "episodes.jsonl") == strip(tmp_path / "b" / "episodes.jsonl")


@pytest.mark.parametrize(("stage", "sampled"), [(0, False), (0, True), pytest.param(3, True, marks=two_processes.needs_deepspeed)], ids=["ddp-greedy", "ddp-sampled", "zero3-sampled"])
def test_ptlab_eval_as_two_processes_shares_the_episodes_and_writes_one_processs_run(tmp_path, env, stage, sampled):
    """`ptlab eval` under `accelerate launch` (DDP, or the paper presets' ZeRO-3 launch, which
    it loads whole models under): each process plays its share, the main process writes
    the run: the episodes and summary of one process, greedy or sampled (an answer's draws
    come from its episode and attempt, not from the stream of the process playing it)."""
    config = eval_config(tmp_path)
    if sampled:
        data = json.loads(config.read_text())
        data["evaluation"].update(temperature=1.0, topP=0.9)
        config.write_text(json.dumps(data))
    single, shared = tmp_path / "single", tmp_path / "shared"
    assert ptlab_eval(env, "--config", str(config), "--run-dir", str(single)).returncode == 0
    played = tmp_path / "played.jsonl"
    hooked = {**two_processes.hooked(env, tmp_path, two_processes.SHARES_HOOK), "OMP_NUM_THREADS": "1", "PTLAB_TEST_PLAYED": str(played)}
    done = two_processes.launched("eval", config, shared, hooked, deepspeed_stage=stage, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert two_processes.shares(played) == [[0, "id", [0, 2]], [0, "ood-rule", [0, 2]], [1, "id", [1, 3]], [1, "ood-rule", [1, 3]]]
    strip = lambda path: [{k: v for k, v in json.loads(line).items() if k not in ("runId", "time")} for line in path.read_text().splitlines()]  # noqa: E731
    assert strip(shared / "episodes.jsonl") == strip(single / "episodes.jsonl")
    assert strip(shared / "metrics.jsonl") == strip(single / "metrics.jsonl")
    summary = lambda run: {k: v for k, v in json.loads((run / "eval-summary.json").read_text()).items() if k not in ("runId", "createdAt")}  # noqa: E731
    assert summary(shared) == summary(single)
    assert json.loads((shared / "run.json").read_text())["status"] == "finished"
    assert len(re.findall(r"^ *\S+ \(\S+\): success ", done.stdout, re.MULTILINE)) == 2  # the main process's two splits


def test_virl_per_step_accuracy(tmp_path, env):
    config = eval_config(tmp_path, {"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 10}}, "verifier": "reference"},
                         [{"name": "id", "kind": "id", "episodes": 3}, {"name": "ood-rule", "kind": "rule-ood", "episodes": 3, "overrides": {"actionSpace": "relative"}}])
    run = tmp_path / "virl"
    result = ptlab_eval(env, "--config", str(config), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    summary = json.loads((run / "eval-summary.json").read_text())
    for split in summary["splits"]:
        ours, reference = split["perStepAccuracy"], split["perStepAccuracyReference"]
        assert reference["n"] == ours["n"] + split["failureModes"].get("budget-exhausted", 0)
        assert reference["rate"] * reference["n"] == pytest.approx(ours["rate"] * ours["n"])
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert all(errors("metric-record.schema.json", m) == [] and "perStepAccuracyReference" in m for m in metrics)
    episode = json.loads((run / "episodes.jsonl").read_text().splitlines()[0])
    assert episode["state"]["routeId"].startswith("nyc-") and "expertAction" in episode["turns"][0]


def test_resume_redoes_the_evaluation_of_the_runs_checkpoint_and_refuses_another(tmp_path, env, ptlab_cache, monkeypatch):
    """--resume without --checkpoint evaluates run.json's `init` again (it evaluated the config's
    base model, clearing the checkpoint's records); another --checkpoint is refused, naming both,
    before the run folder changes."""
    from ptlab.models import resolve_model_path

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    checkpoint = Path(resolve_model_path("embedded:tiny-lm")).resolve()
    config, run = eval_config(tmp_path), tmp_path / "eval"
    assert ptlab_eval(env, "--config", str(config), "--run-dir", str(run), "--checkpoint", str(checkpoint)).returncode == 0
    resumed = ptlab_eval(env, "--config", str(config), "--run-dir", str(run), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((run / "eval-summary.json").read_text())["checkpoint"] == str(checkpoint)
    assert {json.loads(line)["checkpoint"] for line in (run / "episodes.jsonl").read_text().splitlines()} == {str(checkpoint)}
    manifest = (run / "run.json").read_text()
    assert json.loads(manifest)["init"] == str(checkpoint)
    other = ptlab_eval(env, "--config", str(config), "--run-dir", str(run), "--resume", "--checkpoint", str(tmp_path))
    assert other.returncode == 2
    assert f"{run / 'run.json'}: --resume redoes this run's evaluation, of {checkpoint}, not of --checkpoint {tmp_path}; leave out --checkpoint" in other.stderr
    assert (run / "run.json").read_text() == manifest


def cancelled_after_the_first_split(command: list[str], env, run: Path, segments: int = 1) -> subprocess.CompletedProcess[str]:
    """`command` (`ptlab eval` into `run`) sent SIGTERM once its `segments`-th segment has written the first split's metric record."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)

    def first_split_done() -> bool:
        try:
            return len(json.loads((run / "run.json").read_text())["segments"]) == segments and (run / "metrics.jsonl").read_text().count("\n") == 1
        except (OSError, ValueError, KeyError):
            return False

    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None and not first_split_done():
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def long_second_split(tmp_path: Path) -> Path:
    config = json.loads(eval_config(tmp_path).read_text())
    config["evaluation"]["splits"][1]["episodes"] = 16  # rounds long enough that the cancel comes in the first
    path = tmp_path / "long.ptlab.json"
    path.write_text(json.dumps(config))
    return path


def assert_cancelled_after_the_first_split(run: Path, result: subprocess.CompletedProcess[str]) -> None:
    assert json.loads((run / "run.json").read_text())["status"] == "cancelled", result.stderr[-3000:]
    assert not (run / "eval-summary.json").exists()
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    episodes = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    assert [m["split"] for m in metrics] == ["id"] and [e["split"] for e in episodes] == ["id"] * 4
    assert all(errors("metric-record.schema.json", m) == [] for m in metrics) and all(errors("episode-record.schema.json", e) == [] for e in episodes)


def test_sigterm_stops_ptlab_eval_between_generate_rounds_and_keeps_the_splits_done(tmp_path, env):
    """Cancel (SIGTERM; SIGHUP from a closed task terminal) ends `ptlab eval` at its next
    generate round, as it ends SFT and PPO: exit 130, run.json cancelled; the splits evaluated
    keep their valid records, the split it stopped in writes none, and there is no
    eval-summary.json (it used to play every split to the end, then say cancelled). A resume
    redoes it whole; cancelled again, the finished attempt's summary goes with its records."""
    path, run = long_second_split(tmp_path), tmp_path / "eval"
    eval_command = [sys.executable, "-m", "ptlab", "eval", "--config", str(path), "--run-dir", str(run)]
    for segments, resume in ((1, []), (3, ["--resume"])):
        if resume:
            resumed = ptlab_eval(env, "--config", str(path), "--run-dir", str(run), "--resume")
            assert resumed.returncode == 0, resumed.stderr
            assert [s["episodes"] for s in json.loads((run / "eval-summary.json").read_text())["splits"]] == [4, 16]
        result = cancelled_after_the_first_split([*eval_command, *resume], env, run, segments)
        assert result.returncode == 130 and f"{run}: cancelled" in result.stdout, result.stderr
        assert_cancelled_after_the_first_split(run, result)


def test_a_cancel_after_every_split_was_played_ends_ptlab_eval_finished(tmp_path, env, monkeypatch):
    """SIGTERM once the last split's last round was played (here while the summary is written):
    the evaluation is whole, the job prints its summary and exits 0, and run.json says
    finished (it said cancelled: the compare view read such a run as one that did not finish)."""
    from ptlab import cli, evaluate

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    write_summary = evaluate.write_summary

    def cancelled_while_summing_up(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        return write_summary(*args, **kwargs)

    monkeypatch.setattr(evaluate, "write_summary", cancelled_while_summing_up)
    run = tmp_path / "eval"
    assert cli.main(["eval", "--config", str(eval_config(tmp_path)), "--run-dir", str(run)]) == 0
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == manifest["segments"][-1]["endStatus"] == "finished"
    assert (run / "eval-summary.json").is_file()


def test_two_evaluating_processes_cancelled_through_the_launcher_stop_together(tmp_path, env):
    """Under `accelerate launch` (DDP: each process plays its share in its own rounds) the cancel
    reaching the launcher stops both processes' play; they agree at the split's end, write
    nothing of it, and none is left."""
    path, run = long_second_split(tmp_path), tmp_path / "eval"
    result = cancelled_after_the_first_split(two_processes.command("eval", path, run), two_processes.environment({**env, "OMP_NUM_THREADS": "1"}), run)
    assert_cancelled_after_the_first_split(run, result)
    time.sleep(1)
    assert two_processes.processes_naming(run) == []


def test_a_checkpoint_is_evaluated_at_the_compute_its_run_recorded_for_it(tmp_path, env):
    """`ptlab eval` of an SFT run's final checkpoint, and of a PPO run's from it, records the
    compute the run's own final evaluation of the same weights recorded: PPO's rollout
    inference counted and the paper's approximation with GeneralPoints' lambda, so both
    evaluations plot at the same GFLOPs."""
    data = json.loads(eval_config(tmp_path).read_text())
    data["sft"].update(steps=2, globalBatchSize=4, microBatchSize=4, saveEverySteps=100)
    data["sft"]["data"]["examples"] = 16
    data["ppo"].update(init=str(tmp_path / "sft" / "checkpoints" / "final"), updates=1, stepsPerUpdate=8, parallelEnvs=4, epochs=1, miniBatchSize=4, microBatchSize=4, maxNewTokens=16, saveEverySteps=100)
    data["evaluation"].update(everySteps=100)
    for split in data["evaluation"]["splits"]:
        split["episodes"] = 2
    config = tmp_path / "trained.ptlab.json"
    config.write_text(json.dumps(data))
    for job in ("sft", "ppo"):
        trained = subprocess.run([sys.executable, "-m", "ptlab", job, "--config", str(config), "--run-dir", str(tmp_path / job)], capture_output=True, text=True, env=env, timeout=600)
        assert trained.returncode == 0, trained.stderr
        result = ptlab_eval(env, "--config", str(config), "--run-dir", str(tmp_path / f"eval-{job}"), "--checkpoint", str(tmp_path / job / "checkpoints" / "final"))
        assert result.returncode == 0, result.stderr
        final = [json.loads(line) for line in (tmp_path / job / "metrics.jsonl").read_text().splitlines()][-1]
        evaluated = [json.loads(line) for line in (tmp_path / f"eval-{job}" / "metrics.jsonl").read_text().splitlines()]
        assert final["kind"] == "eval" and final["compute"]["trainTokens"] > 0
        assert [r["compute"] for r in evaluated] == [final["compute"]] * 2
    assert final["compute"]["inferenceTokens"] > 0 and final["compute"]["initTokens"] > 0 and final["compute"]["gflopsPaperApprox"] != final["compute"]["gflops"]
    # a run from the PPO checkpoint counts the SFT run's tokens too in its D_init
    state = json.loads((tmp_path / "ppo" / "checkpoints" / "final" / "trainer_state.json").read_text())
    assert state["compute"]["totalTrainTokens"] == final["compute"]["initTokens"] + final["compute"]["trainTokens"] + final["compute"]["visualTrainTokens"]


def test_a_hugging_face_trainer_checkpoint_is_evaluated_at_no_compute_of_ours():
    """A Trainer's or TRL's checkpoint-N holds a trainer_state.json that counts no tokens of
    ours: its evaluation records zero compute, as a base model's does, never a KeyError."""
    from ptlab.cli import _checkpoint_compute
    from ptlab.config import load_experiment

    experiment = load_experiment(EXAMPLES / "tiny.ptlab.json")
    trl = json.loads((EXAMPLES.parent / "test" / "fixtures" / "workspace" / "imported" / "trl" / "grpo-gp-l" / "checkpoint-2" / "trainer_state.json").read_text())
    for state in (trl, {}):
        compute = _checkpoint_compute(experiment, state, 1000)
        assert (compute["trainTokens"], compute["inferenceTokens"], compute["gflops"]) == (0, 0, 0)


def test_compute_is_6nd_over_init_and_training_tokens_plus_2nd_inference_and_the_paper_s_lambda_approximation():
    """shared/spec/training.md, compute accounting: X_SFT = 6N (D_init + D_SFT); X_RL = 6N
    (D_init + D_RL) + 2N D_buffer with D_buffer the rollouts' real inference tokens, and the
    paper's approximation D_buffer = lambda D_RL (lambda 6 for GeneralPoints, 5.1 for V-IRL);
    visual tokens that input_ids do not hold count in D. A checkpoint's trainer_state.json
    gives the formula of the run that saved it (PPO's where it counts inference tokens)."""
    from ptlab import ppo, sft
    from ptlab.cli import _checkpoint_compute
    from ptlab.config import load_experiment

    n = 1000
    rl = {"compute": {"initTokens": 300}, "trainTokens": 100, "inferenceTokens": 700, "visualTrainTokens": 20, "visualInferenceTokens": 40}
    record = ppo.compute(rl, n, 6.0)
    assert record["gflops"] == pytest.approx((6 * n * (300 + 100 + 20) + 2 * n * (700 + 40)) / 1e9)
    assert record["gflopsPaperApprox"] == pytest.approx((6 * n * (300 + 100 + 20) + 2 * n * 6.0 * (100 + 20)) / 1e9)
    assert (record["initTokens"], record["trainTokens"], record["inferenceTokens"]) == (300, 100, 700)
    supervised = sft.compute({"compute": {"initTokens": 300}, "trainTokens": 100, "visualTrainTokens": 20}, n)
    assert supervised["gflops"] == supervised["gflopsPaperApprox"] == pytest.approx(6 * n * (300 + 100 + 20) / 1e9)
    assert supervised["inferenceTokens"] == 0
    gp = load_experiment(EXAMPLES / "tiny.ptlab.json")
    assert gp.environment_for().env == "generalpoints" and ppo.PAPER_LAMBDA == {"generalpoints": 6.0, "virl": 5.1}
    assert _checkpoint_compute(gp, rl, n) == ppo.compute(rl, n, 6.0)
    without_inference = {k: v for k, v in rl.items() if k not in ("inferenceTokens", "visualInferenceTokens")}
    assert _checkpoint_compute(gp, without_inference, n) == sft.compute(without_inference, n)


def test_not_a_checkpoint(tmp_path, env):
    result = ptlab_eval(env, "--config", str(eval_config(tmp_path)), "--run-dir", str(tmp_path / "x"), "--checkpoint", str(tmp_path))
    assert result.returncode == 2 and "not a checkpoint folder" in result.stderr


@pytest.mark.parametrize("model", ["text", "vision"])
def test_a_static_kv_cache_answers_what_the_dynamic_one_does(tmp_path, env, model):
    """model.kvCache "static" (compiled decoding on CUDA) changes speed, not answers: greedy
    evaluation writes the same episodes with either cache, for a text model and an
    image-text-to-text one (card images in every prompt). LoRA: test_ppo's
    test_a_static_kv_cache_samples_a_lora_policy_as_the_dynamic_one_does."""
    config = json.loads(eval_config(tmp_path).read_text())
    if model == "vision":
        config = json.loads((EXAMPLES / "tiny-vl.ptlab.json").read_text())
        config["evaluation"].update(maxNewTokens=16)
        config["evaluation"]["splits"] = config["evaluation"]["splits"][:2]
        for split in config["evaluation"]["splits"]:
            split["episodes"] = 4
    episodes = {}
    for cache in ("dynamic", "static"):
        config["model"]["kvCache"] = cache
        path = tmp_path / f"{cache}.ptlab.json"
        path.write_text(json.dumps(config))
        result = ptlab_eval(env, "--config", str(path), "--run-dir", str(tmp_path / cache))
        assert result.returncode == 0, result.stderr
        records = [json.loads(line) for line in (tmp_path / cache / "episodes.jsonl").read_text().splitlines()]
        episodes[cache] = [[(t["output"], t["reward"]) for t in e["turns"]] for e in records]
    assert episodes["static"] == episodes["dynamic"] and len(episodes["static"]) == 8


def test_the_evaluation_schedule():
    from ptlab.config import Evaluation, Split
    from ptlab.evaluate import due

    splits = (Split("id", "id", 1),)
    at_checkpoints = Evaluation(splits)
    assert [s for s in range(8) if due(at_checkpoints, s, 3, final=False)] == [0, 3, 6]
    assert due(at_checkpoints, 7, 3, final=True) and due(at_checkpoints, 7, None, final=True)
    assert [s for s in range(8) if due(at_checkpoints, s, None, final=False)] == [0]
    every = Evaluation(splits, everySteps=2, atCheckpoints=False)
    assert [s for s in range(8) if due(every, s, 3, final=False)] == [0, 2, 4, 6] and not due(every, 7, 3, final=True)
    assert not due(None, 0, 1, final=True)
    not_at_start = Evaluation(splits, everySteps=2, atStart=False)
    assert [s for s in range(8) if due(not_at_start, s, 3, final=False)] == [2, 3, 4, 6]


def test_per_step_accuracy_ours_over_scored_attempts_the_references_over_every_call():
    """The reference (utils_general.py StatLogger) divides by every env.step, the call past the
    budget included; ours by the attempts the verifier scored."""
    from ptlab.config import Split
    from ptlab.envs.virl import VirlConfig, routes_for
    from ptlab.evaluate import summarize

    wrong, right = {"reward": -1, "failureMode": "wrong-action"}, {"reward": 1}
    over_budget = {"reward": -1, "failureMode": "budget-exhausted"}
    records = [{"success": False, "turns": [right, wrong, wrong, over_budget]}, {"success": True, "turns": [wrong, right, right]}]
    config = VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 2}}, "verifier": "reference"})
    summary = summarize(Split("id", "id", 2), config, records)
    assert (summary["perStepAccuracy"]["rate"], summary["perStepAccuracy"]["n"]) == (pytest.approx(3 / 6), 6)
    assert (summary["perStepAccuracyReference"]["rate"], summary["perStepAccuracyReference"]["n"]) == (pytest.approx(3 / 7), 7)


def test_a_split_s_summary_counts_episodes_attempts_rewards_and_recognition():
    """summarize over episode records: success over episodes (its standard error over them),
    meanReward the episodes' summed rewards per episode, meanAttempts the scored attempts per
    episode, failureModes every turn's (the call past the budget's too), and for vision
    GeneralPoints recognition over the scored attempts."""
    from ptlab.config import Split
    from ptlab.envs.generalpoints import GeneralPointsConfig
    from ptlab.evaluate import summarize

    solved = {"success": True, "turns": [{"reward": -1, "failureMode": "arithmetic", "recognized": True}, {"reward": 5, "recognized": True}]}
    failed = {"success": False, "turns": [{"reward": -1, "failureMode": "recognition", "recognized": False}, {"reward": -1, "failureMode": "wrong-numbers", "recognized": True}, {"reward": -1, "failureMode": "budget-exhausted"}]}
    unsolved = {"success": False, "turns": [{"reward": -2, "failureMode": "format", "recognized": False}]}
    vision = GeneralPointsConfig.from_dict({"env": "generalpoints", "modality": "vision"})
    summary = summarize(Split("id", "id", 3), vision, [solved, failed, unsolved])
    assert summary["episodes"] == 3
    assert summary["success"] == {"rate": pytest.approx(1 / 3), "stderr": pytest.approx((1 / 3 * 2 / 3 / 3) ** 0.5), "n": 3}
    assert summary["meanReward"] == pytest.approx((4 - 3 - 2) / 3)
    assert summary["meanAttempts"] == pytest.approx(5 / 3)  # the call past the budget is no attempt
    assert summary["failureModes"] == {"arithmetic": 1, "budget-exhausted": 1, "format": 1, "recognition": 1, "wrong-numbers": 1}
    assert summary["recognition"] == {"rate": pytest.approx(3 / 5), "stderr": pytest.approx((0.6 * 0.4 / 5) ** 0.5), "n": 5}
    language = summarize(Split("id", "id", 3), GeneralPointsConfig.from_dict({"env": "generalpoints"}), [solved, failed, unsolved])
    assert "recognition" not in language and "perStepAccuracy" not in language


def test_each_route_once_runs_every_route_of_the_split_once_in_order(tmp_path, env):
    """VLN mini as the reference evaluates it (`order=True`, num_traj 18): episode i on route i.
    Drawn by seed instead, 4 episodes over 4 routes repeat some and miss others."""
    from ptlab.envs.virl import VirlConfig, routes_for

    environment = {"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 10}}, "verifier": "reference"}
    visual = {"routes": {"synthetic": {"city": "vln-mini", "routes": 4}}}
    config = eval_config(tmp_path, environment, [{"name": "ood-visual", "kind": "visual-ood", "episodes": 4, "overrides": visual, "eachRouteOnce": True}])
    run = tmp_path / "vln-mini"
    result = ptlab_eval(env, "--config", str(config), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    routes = [r.route_id for r in routes_for(VirlConfig.from_dict({**environment, **visual}), tmp_path)]
    episodes = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    assert [e["state"]["routeId"] for e in episodes] == routes and len(set(routes)) == 4
    data = json.loads(config.read_text())
    data["evaluation"]["splits"][0]["episodes"] = 18
    config.write_text(json.dumps(data))
    missing = json.loads(json.dumps(data))
    missing["evaluation"]["splits"][0]["overrides"]["routes"] = {"file": "no-such-routes.json"}
    unreadable = tmp_path / "missing-routes.ptlab.json"
    unreadable.write_text(json.dumps(missing))
    training = json.loads(json.dumps(data))
    training["environment"]["routes"] = {"file": "no-such-routes.json"}
    training["evaluation"]["splits"][0]["episodes"] = 4
    untrainable = tmp_path / "missing-training-routes.ptlab.json"
    untrainable.write_text(json.dumps(training))
    expected = {config: "evaluation split ood-visual: eachRouteOnce runs each of the split's 4 routes once, in order; set episodes to 4 (it is 18)",
                unreadable: "evaluation split ood-visual: environment.routes.file: cannot read",
                untrainable: "environment.routes.file: cannot read"}
    for path, message in expected.items():
        for job in ("eval", "sft", "ppo") if path != untrainable else ("sft", "ppo"):  # before any work: no run folder, no data, no model
            result = subprocess.run([sys.executable, "-m", "ptlab", job, "--config", str(path), "--run-dir", str(tmp_path / f"wrong-{job}")], capture_output=True, text=True, env=env, timeout=600)
            assert result.returncode == 2 and f"ptlab {job}: {path}: {message}" in result.stderr, (job, result.stderr[-2000:])
            assert not (tmp_path / f"wrong-{job}").exists(), job
    data["evaluation"]["splits"][0]["episodes"] = 4
    data["evaluation"]["splits"][0]["eachRouteOnce"] = False
    config.write_text(json.dumps(data))
    assert ptlab_eval(env, "--config", str(config), "--run-dir", str(tmp_path / "drawn")).returncode == 0
    drawn = [json.loads(line)["state"]["routeId"] for line in (tmp_path / "drawn" / "episodes.jsonl").read_text().splitlines()]
    assert drawn != routes


def test_decoding_is_configured_or_the_models_and_stated(ptlab_cache, monkeypatch):
    """`model-defaults` decodes as generate does with the checkpoint's generation_config (the
    reference passes generate only max_new_tokens): Llama 3.2's sets temperature 0.6 and top-p
    0.9 but no top-k, which generate takes at its default, 50. `configured` from temperature /
    topP, no hidden top-k."""
    from ptlab import models, replicas
    from ptlab.config import Evaluation, Split
    from ptlab.evaluate import decoding

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    splits = (Split("id", "id", 1),)
    llama = models.load_causal_lm(str(replicas.replica_path("llama3")), "fp32")
    assert llama.generation_config.top_k is None
    arguments, stated = decoding(Evaluation(splits, sampling="model-defaults", maxNewTokens=256), llama)
    assert arguments == {} and stated == {"source": "model-defaults", "doSample": True, "temperature": 0.6, "topP": 0.9, "topK": 50, "maxNewTokens": 256, "draws": "per-episode"}
    arguments, stated = decoding(Evaluation(splits, temperature=0.7, topP=0.95), llama)
    assert arguments == {"do_sample": True, "temperature": 0.7, "top_p": 0.95, "top_k": 0} and stated["topP"] == 0.95 and stated["draws"] == "per-episode"
    assert decoding(Evaluation(splits, temperature=0.7), llama, "paged")[1]["draws"] == "per-process"  # continuous batching samples from its session's stream
    assert decoding(Evaluation(splits), llama) == ({"do_sample": False}, {"source": "configured", "doSample": False, "maxNewTokens": 512})


def test_sampled_evaluation_is_seeded_and_stated(tmp_path, env):
    """Sampling at evaluation draws from evaluation.seed: two evaluations write the same
    episodes; the eval-summary and the run manifest say how it decoded."""
    data = json.loads(eval_config(tmp_path).read_text())
    data["evaluation"].update(temperature=1.0, topP=0.9)
    config = tmp_path / "sampled.ptlab.json"
    config.write_text(json.dumps(data))
    for name in ("a", "b"):
        result = ptlab_eval(env, "--config", str(config), "--run-dir", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
    outputs = lambda name: [[t["output"] for t in json.loads(line)["turns"]] for line in (tmp_path / name / "episodes.jsonl").read_text().splitlines()]  # noqa: E731
    assert outputs("a") == outputs("b")
    stated = {"source": "configured", "doSample": True, "temperature": 1.0, "topP": 0.9, "topK": 0, "maxNewTokens": 16, "draws": "per-episode"}
    assert json.loads((tmp_path / "a" / "eval-summary.json").read_text())["decoding"] == stated
    assert json.loads((tmp_path / "a" / "run.json").read_text())["evaluationDecoding"] == stated


def test_the_checkpoint_s_sampling_holds_with_a_static_cache_and_sharded_weights(ptlab_cache, monkeypatch):
    """evaluation.sampling "model-defaults" samples as the checkpoint's generation_config says
    (Llama 3's: temperature 0.6, top-p 0.9) whatever runs the decoding: a static KV cache
    gives the dynamic cache's keyed answers (not greedy ones: the cache's argument once
    replaced the checkpoint's decoding), and under ZeRO-3 (synced_gpus) generate still sees
    the checkpoint's generation_config."""
    from transformers import GenerationConfig

    from ptlab import generation
    from ptlab.config import load_experiment
    from ptlab.envs import generalpoints as gp
    from ptlab.models import load

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    model, tokenizer = load(load_experiment(gp_base_config(ptlab_cache.parent / "checkpoint-sampling.ptlab.json", {})).model, "cpu")
    saved = model.generation_config
    model.generation_config = GenerationConfig(bos_token_id=saved.bos_token_id, eos_token_id=saved.eos_token_id, pad_token_id=saved.pad_token_id, do_sample=True, temperature=1.5, top_p=0.95)
    chats = [[{"role": "user", "content": gp.GeneralPointsEpisode(gp.GeneralPointsConfig(), 40 + i).prompt}] for i in range(4)]
    draws = [generation.draw_key("checkpoint-sampling", i) for i in range(4)]
    answers = {cache: [g.ids for g in generation.generate(model, tokenizer, chats, 24, 0.0, cache, {}, draws=draws)] for cache in ("dynamic", "static")}
    greedy = [g.ids for g in generation.generate(model, tokenizer, chats, 24, 0.0, "dynamic", {"do_sample": False})]
    assert answers["static"] == answers["dynamic"] and answers["dynamic"] != greedy

    seen = []
    real_generate = model.generate

    def recording_generate(**kwargs):
        seen.append((model.generation_config.temperature, kwargs.pop("synced_gpus")))
        return real_generate(**kwargs)

    monkeypatch.setattr(model, "generate", recording_generate)
    sharded = [g.ids for g in generation.generate(model, tokenizer, chats, 24, 0.0, "dynamic", {}, synced_gpus=True, draws=draws)]
    assert seen == [(1.5, True)] and sharded == answers["dynamic"]


def test_the_growing_kv_cache_holds_what_dynamic_concatenation_does_and_decodes_the_same(ptlab_cache, monkeypatch):
    """generation's cache writes into preallocated buffers: after a prefill and steps past its
    capacity (it doubles), after cropping and selecting rows, it holds what DynamicCache's
    concatenation holds; greedy decoding on the pretrained base with it gives the same tokens
    and logits."""
    import torch
    from ptlab import generation
    from ptlab.models import load, resolve_model_path
    from transformers import AutoModelForCausalLM, AutoTokenizer, DynamicCache

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    path = resolve_model_path("embedded:gp-base")
    model, tokenizer = AutoModelForCausalLM.from_pretrained(path).eval(), AutoTokenizer.from_pretrained(path)
    generator = torch.Generator().manual_seed(0)
    chunks = [torch.randn(3, 2, n, 4, generator=generator) for n in (5, 1, 1, 4, 1)]
    growing, plain = generation._growing_cache(model, capacity=8).layers[0], DynamicCache(config=model.config).layers[0]
    for chunk in chunks:
        for layer in (growing, plain):
            layer.update(chunk, -chunk)
        assert torch.equal(growing.keys, plain.keys) and torch.equal(growing.values, plain.values)
    assert growing.get_seq_length() == 12 and growing._buffers[0].shape[-2] >= 12
    for change, rows in ((lambda layer: layer.crop(-3), 3), (lambda layer: layer.batch_select_indices(torch.tensor([2, 0])), 2)):
        for layer in (growing, plain):
            change(layer)
            layer.update(chunks[1][:rows], chunks[1][:rows])
        assert torch.equal(growing.keys, plain.keys) and torch.equal(growing.values, plain.values)
    batch = tokenizer(["Cards: ['3', '8', 'Q', 'A']", "Cards: ['K', '5']"], return_tensors="pt", padding=True, padding_side="left")
    outputs = []
    for cache in (generation._growing_cache(model, batch["input_ids"].shape[1] + 4), DynamicCache(config=model.config)):
        with torch.no_grad():
            outputs.append(model.generate(**batch, max_new_tokens=24, do_sample=False, cache=cache, output_logits=True, return_dict_in_generate=True, pad_token_id=tokenizer.pad_token_id))
    assert torch.equal(outputs[0].sequences, outputs[1].sequences)
    torch.testing.assert_close(torch.stack(outputs[0].logits), torch.stack(outputs[1].logits), atol=1e-5, rtol=0)


def gp_base_config(path: Path, model: dict) -> Path:
    """GP-L's example config on the pretrained base (greedy, 64 new tokens), `model` added to its model section."""
    data = json.loads((EXAMPLES / "gp-l.ptlab.json").read_text())
    data["model"] = {"name": "embedded:gp-base", "kind": "causal-lm", "dtype": "fp32", **model}
    data["evaluation"].update(maxNewTokens=64)
    path.write_text(json.dumps(data))
    return path


def test_a_chat_s_next_turn_reuses_its_kv_cache_and_answers_what_a_full_prefill_does(ptlab_cache, monkeypatch):
    """Greedy GP-L episodes on the pretrained base, each revision prefilling only the tokens
    past the chat's last generation (PrefixCache), and each first turn's prompt prefilled
    apart by the causal kernel (all but its last token), answer exactly as with every prompt
    prefilled whole by generate."""
    import dataclasses

    import torch
    from ptlab import evaluate, generation
    from ptlab.config import load_experiment
    from ptlab.models import load

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    experiment = load_experiment(gp_base_config(ptlab_cache.parent / "kv-reuse.ptlab.json", {}))
    model, tokenizer = load(experiment.model, "cpu")
    split = dataclasses.replace(experiment.evaluation.splits[0], episodes=4)
    prefilled: list[tuple[int, int]] = []  # (tokens fed, tokens held in the cache before) per first forward of a generate
    real_generate = model.generate

    def recording_generate(**kwargs):
        cache = kwargs.get("cache")
        prefilled.append((kwargs["input_ids"].shape[1], cache.get_seq_length() if cache is not None else 0))
        return real_generate(**kwargs)

    monkeypatch.setattr(model, "generate", recording_generate)
    runs = {}
    for name, cache_class in (("whole", lambda: None), ("reused", generation.PrefixCache)):
        monkeypatch.setattr(evaluate, "PrefixCache", cache_class)
        prefilled.clear()
        with torch.no_grad():
            slots, _ = evaluate.run_split(experiment, split, model, tokenizer, {"do_sample": False})
        runs[name] = ([[t["output"] for t in slot.turns] for slot in slots], list(prefilled))
    (whole, whole_passes), (reused, reused_passes) = runs["whole"], runs["reused"]
    assert reused == whole and any(len(turns) > 1 for turns in whole)
    assert all(held == 0 for _, held in whole_passes)
    assert reused_passes[0][1] == reused_passes[0][0] - 1  # first turns: generate feeds each row's last prompt token
    assert all(held > 0 for _, held in reused_passes[1:])  # every revision round continues its chats


def test_chats_that_open_alike_are_prefilled_once_and_answer_as_each_alone(ptlab_cache, monkeypatch):
    """GRPO samples a group of episodes on one hand: their first prompts are the same tokens.
    With a PrefixCache, generate computes each distinct prompt's keys and values once (in
    batches of generateBatch distinct prompts) and decodes every chat from them: greedy
    answers are those of generate without the cache, prompt by prompt."""
    import torch
    from ptlab import generation
    from ptlab.models import resolve_model_path
    from transformers import AutoModelForCausalLM, AutoTokenizer

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    path = resolve_model_path("embedded:gp-base")
    model, tokenizer = AutoModelForCausalLM.from_pretrained(path).eval(), AutoTokenizer.from_pretrained(path)
    hands = ["['3', '8', 'Q', 'A']", "['K', '5', '5', '2']", "['10', '10', '4', 'J']"]
    chats = [[{"role": "user", "content": f"Cards: {hands[i]}. Make 24 with each card once."}] for i in (0, 1, 0, 2, 0, 1)]
    prefill_rows: list[int] = []
    real_forward = model.forward

    def recording_forward(*args, **kwargs):
        held = kwargs.get("cache", kwargs.get("past_key_values"))
        if held is not None and kwargs["input_ids"].shape[1] > 1 and type(held.layers[0]).__name__ == "DynamicLayer":
            prefill_rows.append(kwargs["input_ids"].shape[0])
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(model, "forward", recording_forward)
    with torch.no_grad():
        alone = [generation.generate(model, tokenizer, [c], 24, 0.0)[0].ids for c in chats]
        prefill_rows.clear()
        together = generation.generate(model, tokenizer, chats, 24, 0.0, prefixes=generation.PrefixCache(), keys=list(range(6)), batch_size=2)
    assert prefill_rows == [2, 1]  # three distinct prompts, two per batch
    assert [g.ids for g in together] == alone


@pytest.mark.parametrize("sampling", [{"do_sample": False}, {"do_sample": True, "temperature": 1.0, "top_p": 0.9, "top_k": 0}], ids=["greedy", "sampled"])
def test_model_generate_batch_sets_the_rows_of_each_generate_call_not_the_answers(ptlab_cache, tmp_path, monkeypatch, sampling):
    """model.generateBatch is a memory knob: each round's chats go to `generate` in calls of at
    most that many rows, and the episodes are the same at any size (up to float rounding:
    these are exactly equal), greedy or sampled (each answer draws from its episode's and
    attempt's key, not from the stream its batch would consume)."""
    import dataclasses

    import torch
    from ptlab import evaluate
    from ptlab.config import load_experiment
    from ptlab.models import load

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    model, tokenizer = load(load_experiment(gp_base_config(tmp_path / "generate-batch.ptlab.json", {})).model, "cpu")
    real_generate = model.generate
    rows: list[int] = []

    def recording_generate(**kwargs):
        rows.append(kwargs["input_ids"].shape[0])
        return real_generate(**kwargs)

    monkeypatch.setattr(model, "generate", recording_generate)
    runs = {}
    for size in (2, 5, 32):
        experiment = load_experiment(gp_base_config(tmp_path / "generate-batch.ptlab.json", {"generateBatch": size}))
        split = dataclasses.replace(experiment.evaluation.splits[0], episodes=7)
        rows.clear()
        with torch.no_grad():
            slots, _ = evaluate.run_split(experiment, split, model, tokenizer, sampling)
        runs[size] = ([[t["output"] for t in slot.turns] for slot in slots], list(rows))
    assert runs[2][1][:4] == [2, 2, 2, 1] and max(runs[2][1]) == 2
    assert runs[5][1][:2] == [5, 2] and runs[32][1][0] == 7
    assert runs[2][0] == runs[5][0] == runs[32][0] and any(len(turns) > 1 for turns in runs[2][0])


def test_a_prefix_cache_reuses_the_longest_prefix_a_chat_shares_with_its_last_generation():
    """An answer cut at the token limit renders back as other ids than were sampled: the next
    turn still reuses every token up to where they part (one row reusing nothing would make
    its whole batch prefill from scratch), and always leaves one token to prefill."""
    from ptlab.generation import PrefixCache, _Prefix

    cache = PrefixCache()
    cache.entries = {"e": _Prefix([1, 2, 3, 4, 5], [])}
    assert cache.usable("e", [1, 2, 3, 4, 5, 6, 7]) == 5  # continues it
    assert cache.usable("e", [1, 2, 3, 9, 5, 6]) == 3  # parts at the fourth token
    assert cache.usable("e", [1, 2, 3]) == 2 and cache.usable("e", [1, 2, 3, 4, 5]) == 4  # one token left to prefill
    assert cache.usable("e", [7, 2, 3]) == 0 and cache.usable("other", [1, 2, 3]) == 0


def test_an_episode_record_labels_a_failed_episode_by_its_last_real_failure():
    """episodes.record: every turn numbered with its reward and failure mode; a failed
    episode's failureMode is its last failure other than running out of attempts (that only
    where nothing else failed), a solved one has none; totalReward sums the turns', and
    truncated is not success."""
    from ptlab import episodes
    from ptlab.envs import generalpoints as gp
    from ptlab.generation import Generation

    config = gp.GeneralPointsConfig(verifier="reference", maxVerify=2)
    seed = next(s for s in range(100) if sum(gp.deal(config, s).values) != 24)
    hand = gp.deal(config, seed)
    wrong_numbers = gp.expert_response(hand, "1+1")
    arithmetic = gp.expert_response(hand, "+".join(str(v) for v in hand.values))

    def played(*answers):
        slot = episodes.start(gp.GeneralPointsEpisode(config, seed), 4)
        for answer in answers:
            episodes.advance(slot, Generation(answer, 10, (1, 2), True))
        return slot

    failed = episodes.record("run", 3, "id", "id", played(wrong_numbers, arithmetic, arithmetic), config, "checkpoints/step-000003")
    assert [(t["index"], t["failureMode"]) for t in failed["turns"]] == [(0, "wrong-numbers"), (1, "arithmetic"), (2, "budget-exhausted")]
    assert (failed["failureMode"], failed["success"], failed["truncated"], failed["episode"], failed["seed"]) == ("arithmetic", False, True, 4, seed)
    assert failed["totalReward"] == sum(t["reward"] for t in failed["turns"]) and failed["turns"][-1]["reward"] == -1
    assert failed["checkpoint"] == "checkpoints/step-000003" and "checkpoint" not in episodes.record("run", 3, "id", "id", played(arithmetic), config)
    solved = episodes.record("run", 3, "id", "id", played(wrong_numbers, gp.expert_response(hand)), config)
    assert (solved["success"], solved["truncated"], "failureMode" in solved) == (True, False, False)
    assert solved["turns"][0]["failureMode"] == "wrong-numbers" and "failureMode" not in solved["turns"][1]
    strict = gp.GeneralPointsConfig(verifier="strict", maxVerify=1)
    slot = episodes.start(gp.GeneralPointsEpisode(strict, seed), 0)
    episodes.advance(slot, Generation(arithmetic, 10, (1,), True))
    assert episodes.record("run", 0, "id", "id", slot, strict)["failureMode"] == "arithmetic"


def test_a_v_irl_turn_records_the_expert_s_action_where_it_stood_and_a_move_starts_a_fresh_chat():
    """A V-IRL turn keeps the expert's action at the place the answer was given (before the
    step moves on); a wrong answer gets the verifier's message appended to the chat (recorded
    as a promptDelta), a move starts a fresh chat at the new place (recorded as its prompt)."""
    from pathlib import Path

    from ptlab import episodes
    from ptlab.envs import virl
    from ptlab.generation import Generation

    config = virl.VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 2}}})
    episode = config.episodes(Path("."))(7)
    slot = episodes.start(episode, 0)
    expected = []
    for answer in ["no idea", *[None] * len(episode.rail)]:
        expected.append(episode.rail[episode.position].action(config.actionSpace))
        text = answer or virl.expert_response(config, episode.route, episode.rail, episode.position)
        if episodes.advance(slot, Generation(text, 10, (1,), True)).done:
            break
        assert len(slot.messages) == (3 if answer else 1)  # the message appended, or a fresh chat
    turns = slot.turns
    assert episode.success and [t["expertAction"] for t in turns] == expected and len(turns) == len(episode.rail) + 1
    assert [t["index"] for t in turns] == list(range(len(turns)))
    assert "prompt" in turns[0] and turns[1]["promptDelta"].startswith("You failed this trial because")
    assert all("prompt" in t and "promptDelta" not in t for t in turns[2:])
    assert turns[0]["failureMode"] == "format" and all("failureMode" not in t for t in turns[1:])


def test_an_episode_in_flight_replays_from_its_saved_answers_and_one_that_replays_otherwise_is_refused():
    """episodes.saved keeps an episode's turns without their prompts; replay steps the answers
    through a fresh environment of the same seed back to the same transcript and chat. A turn
    that comes out otherwise (a nondeterministic environment) is an error, not a silent
    different episode."""
    from ptlab import episodes
    from ptlab.envs import generalpoints as gp
    from ptlab.generation import Generation

    config = gp.GeneralPointsConfig(verifier="strict", maxVerify=3)
    hand = gp.deal(config, 9)
    slot = episodes.start(gp.GeneralPointsEpisode(config, 9), 2)
    for answer in (gp.expert_response(hand, "1+1"), "no formula"):
        episodes.advance(slot, Generation(answer, 10, (1, 2, 3), True))
    state = episodes.saved(slot)
    assert all("prompt" not in t and "promptDelta" not in t for t in state["turns"])
    again = episodes.replay(gp.GeneralPointsEpisode(config, 9), state)
    assert (again.index, again.turns, again.messages) == (slot.index, slot.turns, slot.messages)
    state["turns"][1]["reward"] = 5
    with pytest.raises(RuntimeError, match=r"episode 2 \(seed 9\) replayed differently from its checkpoint"):
        episodes.replay(gp.GeneralPointsEpisode(config, 9), state)
