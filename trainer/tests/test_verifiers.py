"""ptlab_verifiers: GeneralPoints and V-IRL through verifiers' own evaluation loop (run_eval,
what `vf eval` runs), the policy a scripted model behind an OpenAI-compatible endpoint: the
shared vectors' answers, the expert, and a wrong answerer. Every attempt's reward, verifier
message and failure mode must be the env server's for the same seed and answers."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

pytest.importorskip("verifiers")

import ptlab_verifiers  # noqa: E402
from verifiers.v1.cli.eval.runner import run_eval  # noqa: E402
from verifiers.v1.configs.cli.eval import EvalConfig  # noqa: E402

from ptlab.envs import virl  # noqa: E402
from ptlab.envs.episode import environment_config  # noqa: E402
from ptlab.envs.generalpoints import GeneralPointsEpisode, expert_response  # noqa: E402
from ptlab.envs.server import EnvServer  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
VECTORS = [json.loads((REPO / "test" / "vectors" / name).read_text()) for name in ("generalpoints.json", "virl.json")]

Answers = dict[str, list[str]]  # an episode's first prompt -> the model's answers, in order


class ScriptedModel:
    """An OpenAI-compatible chat completions endpoint answering from a script: the episode is
    told by its first user message, the attempt by the assistant messages already in the chat."""

    def __init__(self) -> None:
        self.answers: Answers = {}
        self.requests: list[list[dict[str, Any]]] = []
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                messages = body["messages"]
                model.requests.append(messages)
                first = next(m["content"] for m in messages if m["role"] == "user")
                done = sum(m["role"] == "assistant" for m in messages)
                script = model.answers.get(first, [])
                content = script[done] if done < len(script) else "(the script has no more answers)"
                reply = {"id": f"scripted-{len(model.requests)}", "object": "chat.completion", "created": 0, "model": body["model"], "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}], "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"


@pytest.fixture(scope="module")
def model() -> Iterator[ScriptedModel]:
    scripted = ScriptedModel()
    yield scripted
    scripted.server.shutdown()


def evaluate(model: ScriptedModel, environment: dict[str, Any], seeds: range, tmp_path: Path) -> dict[int, dict[str, Any]]:
    """verifiers' evaluation of the episodes of these seeds: seed -> the episode's reward, metrics and ptlab info."""
    config = EvalConfig.model_validate(
        {
            "env": {"taskset": {"id": ptlab_verifiers.TASKSET_ID, "environment": environment, "episodes": len(seeds), "seed": seeds.start, "base_dir": str(REPO)}},
            "model": "scripted",
            "client": {"base_url": model.base_url},
            "rich": None,
            "push": False,
            "output_dir": str(tmp_path),
        }
    )
    results = {}
    for episode in asyncio.run(run_eval(config)):
        assert episode.ok and not episode.errors, episode.errors
        (trace,) = episode.traces
        info = trace.info["ptlab"]
        results[info["seed"]] = {"reward": trace.rewards["verifier"].score, "metrics": dict(trace.metrics), "attempts": info["attempts"]}
    return results


def served(environment: dict[str, Any], seed: int, answers: list[str], monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The env server's steps for these answers (until the episode ends)."""
    monkeypatch.chdir(REPO)  # the env server reads route files relative to its working folder
    server = EnvServer()
    server.handle({"op": "reset", "config": environment, "seed": seed})
    steps = []
    for answer in answers:
        step = server.handle({"op": "step", "action": answer})
        steps.append(step)
        if step["done"]:
            break
    return steps


def check(model: ScriptedModel, environment: dict[str, Any], seeds: range, policy: Callable[[int], list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[int, dict[str, Any]]:
    """Each seed evaluated on its own: two V-IRL seeds can open with the same prompt (the same
    route) and differ later (their rails), and the scripted model tells episodes by their prompt."""
    results: dict[int, dict[str, Any]] = {}
    for seed in seeds:
        episode = environment_config(environment).episodes(REPO)(seed)
        model.answers = {episode.prompt: policy(seed)}
        results.update(evaluate(model, environment, range(seed, seed + 1), tmp_path / str(seed)))
    assert sorted(results) == list(seeds)
    for seed, result in results.items():
        steps = served(environment, seed, policy(seed), monkeypatch)
        assert [(a["reward"], a["message"], a["failureMode"]) for a in result["attempts"]] == [(s["reward"], s["message"], s["failureMode"]) for s in steps]
        assert result["reward"] == pytest.approx(sum(s["reward"] for s in steps))
        assert result["metrics"] == {"success": float(steps[-1]["success"]), "attempts": float(len(steps))}
    return results


def _language_vector_cases() -> list[tuple[dict[str, Any], range, dict[int, list[str]]]]:
    """The shared vectors' language episodes, by config: their seeds and scripted answers."""
    groups: dict[str, dict[int, list[str]]] = defaultdict(dict)
    for vectors in VECTORS:
        for case in vectors["episodes"]:
            if case["config"].get("modality", "language") == "language":
                groups[json.dumps(case["config"], sort_keys=True)][case["seed"]] = case["actions"]
    cases = []
    for key, by_seed in groups.items():
        seeds = sorted(by_seed)
        assert seeds == list(range(seeds[0], seeds[-1] + 1)), f"{key}: the vectors' seeds are not consecutive"
        cases.append((json.loads(key), range(seeds[0], seeds[-1] + 1), by_seed))
    return cases


@pytest.mark.parametrize(("environment", "seeds", "answers"), _language_vector_cases(), ids=lambda v: json.dumps(v, sort_keys=True) if isinstance(v, dict) and "env" in v else None)
def test_the_shared_vectors_answers_score_as_the_env_server_scores_them(model: ScriptedModel, environment: dict[str, Any], seeds: range, answers: dict[int, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(model, environment, seeds, answers.__getitem__, tmp_path, monkeypatch)


def test_the_expert_solves_generalpoints_at_its_first_attempt_and_a_wrong_answerer_runs_out_of_attempts(model: ScriptedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    environment = {"env": "generalpoints", "faceCards": "11-12-13", "maxVerify": 3}
    config = environment_config(environment)
    expert = check(model, environment, range(100, 104), lambda seed: [expert_response(GeneralPointsEpisode(config, seed).hand)], tmp_path / "expert", monkeypatch)
    assert all(r["metrics"] == {"success": 1.0, "attempts": 1.0} for r in expert.values())
    wrong = check(model, environment, range(200, 204), lambda seed: ["no idea"] * 3, tmp_path / "wrong", monkeypatch)
    assert all(r["metrics"] == {"success": 0.0, "attempts": 3.0} and [a["failureMode"] for a in r["attempts"]] == ["format"] * 3 for r in wrong.values())
    # the revision turns are the exchange's user turns: the verifier's message after each wrong answer
    last = max((m for m in model.requests if m[0]["content"] in model.answers), key=len)  # the last wrong-answer episode's
    assert [m["role"] for m in last] == ["user", "assistant", "user", "assistant", "user"]
    assert [m["content"] for m in last[1::2]] == ["no idea", "no idea"]
    assert last[2]["content"].startswith("You failed this trial because no formula found")  # the env server's next prompt


def test_the_expert_reaches_the_destination_of_a_virl_route(model: ScriptedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    environment = {"env": "virl", "routes": {"file": "test/vectors/virl-routes.json"}, "actionSpace": "relative"}
    new_episode = environment_config(environment).episodes(REPO)

    def expert(seed: int) -> list[str]:
        episode, actions = new_episode(seed), []
        while not episode.done:  # the SFT target's answer at each position
            actions.append(virl.expert_response(episode.config, episode.route, episode.rail, episode.position))
            episode.step(actions[-1])
        return actions

    results = check(model, environment, range(0, 4), expert, tmp_path, monkeypatch)  # seeds 1 and 3 open on the same route
    assert all(r["metrics"]["success"] == 1.0 and all(a["reward"] > 0 for a in r["attempts"]) for r in results.values())


def test_load_environment_checks_the_config_as_the_trainer_does() -> None:
    env = ptlab_verifiers.load_environment(environment={"env": "generalpoints", "faceCards": "11-12-13"}, episodes=2, seed=7)
    tasks = list(env.taskset)
    assert [t.data.info["seed"] for t in tasks] == [7, 8]
    assert tasks[0].data.prompt == environment_config({"env": "generalpoints", "faceCards": "11-12-13"}).episodes(REPO)(7).prompt
    with pytest.raises(ValueError, match="environment.faceCards"):
        list(ptlab_verifiers.load_environment(environment={"env": "generalpoints", "faceCards": "all-11"}).taskset)
    with pytest.raises(ValueError, match="text only"):
        list(ptlab_verifiers.load_environment(environment={"env": "generalpoints", "modality": "vision"}).taskset)


def test_the_default_tasks_are_ptlab_ppo_episodes_apart_from_the_evaluation_seeds() -> None:
    """By default the taskset plays the seeds `ptlab ppo` of seed 0 trains on, from its crc32
    base: not 0 on, which ≥ 1235 tasks took into `ptlab eval`'s seeds (evaluation.seed 1234 on)."""
    from ptlab import seeds

    default = ptlab_verifiers.PtlabTasksetConfig()
    assert default.seed == seeds.ppo_episode_base(0)
    assert not seeds.meet(default.seed, 1_000_000, 1234, 10_000)
    tasks = list(ptlab_verifiers.load_environment(episodes=2).taskset)
    assert [t.data.info["seed"] for t in tasks] == [default.seed, default.seed + 1]
