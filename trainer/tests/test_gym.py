"""ptlab.gym: GeneralPoints and V-IRL through Gymnasium's own API and checker, replaying the
shared seeded-episode vectors (test/vectors) the env server and the TypeScript environment play."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

gymnasium = pytest.importorskip("gymnasium")

import ptlab.gym  # noqa: E402  (registers the environments)
from gymnasium.utils.env_checker import check_env  # noqa: E402

from ptlab import episodes  # noqa: E402
from ptlab.envs.generalpoints import EnvConfigError, expert_response  # noqa: E402
from ptlab.envs.server import EnvServer  # noqa: E402
from ptlab.generation import Generation  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "test" / "vectors"
GP = json.loads((VECTORS / "generalpoints.json").read_text())
VIRL = json.loads((VECTORS / "virl.json").read_text())

CHECKED = [
    ("ptlab/GeneralPoints-v0", {}),
    ("ptlab/GeneralPoints-v0", {"verifier": "reference", "faceCards": "11-12-13", "maxVerify": 5}),
    ("ptlab/GeneralPoints-v0", {"modality": "vision", "maxVerify": 2}),
    ("ptlab/VIRL-v0", {"routes": {"synthetic": {"city": "nyc", "routes": 20}}, "actionSpace": "relative"}),
    ("ptlab/VIRL-v0", {"routes": {"file": "test/vectors/virl-routes.json"}, "verifier": "reference", "base_dir": str(REPO)}),
    ("ptlab/VIRL-v0", {"routes": {"synthetic": {"city": "nyc", "routes": 20}}, "modality": "vision"}),
]


@pytest.mark.parametrize(("env_id", "kwargs"), CHECKED, ids=lambda v: v if isinstance(v, str) else json.dumps(v, sort_keys=True))
def test_passes_gymnasiums_environment_checker_without_a_warning(env_id: str, kwargs: dict[str, Any]) -> None:
    env = gymnasium.make(env_id, **kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped)
    assert [str(w.message) for w in caught] == []
    env.close()


def _server_and_gym(config: dict[str, Any]) -> tuple[Any, EnvServer]:
    environment = {k: v for k, v in config.items() if k != "env"}
    env_id = "ptlab/GeneralPoints-v0" if config["env"] == "generalpoints" else "ptlab/VIRL-v0"
    extra = {"base_dir": str(REPO)} if config["env"] == "virl" else {}
    return gymnasium.make(env_id, disable_env_checker=True, **environment, **extra), EnvServer()


@pytest.mark.parametrize("case", GP["episodes"] + VIRL["episodes"], ids=lambda c: f"{c['config']['env']}-seed{c['seed']}-{c['config'].get('verifier')}-{c['config'].get('modality', '')}")
def test_replays_the_shared_seeded_episodes_as_the_env_server_does(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # the env server reads route files relative to its working folder
    env, server = _server_and_gym(case["config"])
    observation, info = env.reset(seed=case["seed"])
    served = server.handle({"op": "reset", "config": case["config"], "seed": case["seed"]})
    text = observation["text"] if isinstance(observation, dict) else observation
    assert text == case["prompt"] == served["prompt"]
    assert info["seed"] == case["seed"] and info["new_chat"] is True
    taken = 0
    for action, expected in zip(case["actions"], case["steps"]):
        taken += 1
        observation, reward, terminated, truncated, info = env.step(action)
        answer = server.handle({"op": "step", "action": action})
        for source in (expected, answer):
            assert reward == source["reward"] and info["message"] == source["message"] and info["failure_mode"] == source["failureMode"]
            assert (terminated, truncated) == (source["done"] and not source["truncated"], source["truncated"])
            assert info["success"] == source["success"]
        text = observation["text"] if isinstance(observation, dict) else observation
        assert text == (expected["prompt"] or "")
        if terminated or truncated:
            break
    assert taken == len(case["steps"]) > 0


@pytest.mark.parametrize("case", GP["deal"][::5], ids=lambda c: f"seed{c['seed']}-{json.dumps(c['config'], sort_keys=True)}")
def test_a_seed_deals_the_hand_of_the_shared_vectors(case: dict[str, Any]) -> None:
    env = gymnasium.make("ptlab/GeneralPoints-v0", disable_env_checker=True, **{k: v for k, v in case["config"].items() if k != "env"})
    observation, info = env.reset(seed=case["seed"])
    text = observation["text"] if isinstance(observation, dict) else observation
    assert hashlib.sha256(text.encode()).hexdigest() == case["promptSha256"]
    assert info["state"]["cards"] == case["cards"] and info["state"]["values"] == case["values"]


def test_the_chat_in_info_is_the_trainers_chat_turn_for_turn() -> None:
    """info["messages"] is what the trainer's episode loop (ptlab.episodes) would feed the model."""
    env = gymnasium.make("ptlab/GeneralPoints-v0", disable_env_checker=True, maxVerify=3)
    _, info = env.reset(seed=11)
    slot = episodes.start(env.unwrapped._episode.__class__(env.unwrapped.config, 11), 0)
    assert info["messages"] == slot.messages
    for answer in ('{"formula": "1+2"}', "no idea"):
        _, _, _, _, info = env.step(answer)
        episodes.advance(slot, Generation(answer, 0, (), True))
        assert info["messages"] == slot.messages
    assert [m["role"] for m in info["messages"]] == ["user", "assistant", "user", "assistant", "user"]


def test_vision_observations_carry_the_image_and_the_chat_marks_where_it_goes() -> None:
    env = gymnasium.make("ptlab/GeneralPoints-v0", disable_env_checker=True, modality="vision")
    observation, info = env.reset(seed=3)
    assert observation["image"].shape == env.observation_space["image"].shape and observation["image"].dtype.name == "uint8"
    assert observation["image"].std() > 0  # cards drawn, not a blank frame
    assert info["messages"] == [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": observation["text"]}]}]
    following, *_ = env.step("no idea")
    assert (following["image"] == observation["image"]).all()  # the same hand through the episode


def test_terminated_on_success_truncated_on_the_budget() -> None:
    env = gymnasium.make("ptlab/GeneralPoints-v0", disable_env_checker=True, maxVerify=2)
    _, info = env.reset(seed=0)
    hand = env.unwrapped._episode.hand
    assert hand.solutions, f"seed 0 deals {info['state']['cards']}, which has a solution"
    _, reward, terminated, truncated, info = env.step(expert_response(hand))
    assert (reward, terminated, truncated, info["success"]) == (5.0, True, False, True)
    with pytest.raises(RuntimeError, match="call reset"):
        env.step("again")
    env.reset(seed=0)
    results = [env.step("no idea")[2:4] for _ in range(2)]
    assert results == [(False, False), (False, True)]


def test_virl_route_option_and_unseeded_resets_are_reproducible() -> None:
    env = gymnasium.make("ptlab/VIRL-v0", disable_env_checker=True, routes={"file": "test/vectors/virl-routes.json"}, base_dir=str(REPO))
    _, info = env.reset(seed=4, options={"route": 1})
    routes = json.loads((VECTORS / "virl-routes.json").read_text())
    assert info["state"]["routeId"] == routes[1]["route_id"]
    with pytest.raises(ValueError, match=r"route index in \[0, "):
        env.reset(options={"route": len(routes)})
    env.reset(seed=42)
    drawn = [env.reset()[1]["seed"] for _ in range(3)]
    env.reset(seed=42)
    assert [env.reset()[1]["seed"] for _ in range(3)] == drawn


def test_bad_configs_and_calls_fail_loudly_naming_what_to_fix() -> None:
    with pytest.raises(EnvConfigError, match=r"environment\.faceCard: unknown key"):
        gymnasium.make("ptlab/GeneralPoints-v0", faceCard="all-10")
    with pytest.raises(EnvConfigError, match=r"environment\.routes: required"):
        gymnasium.make("ptlab/VIRL-v0")
    env = gymnasium.make("ptlab/GeneralPoints-v0", disable_env_checker=True)
    with pytest.raises(RuntimeError, match=r"reset\(\) before step\(\)"):
        env.unwrapped.step("x")
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        env.reset(seed=2**32)
    env.reset(seed=1)
    with pytest.raises(TypeError, match="answer as a str"):
        env.unwrapped.step(["x"])
    with pytest.raises(ValueError, match="render_mode"):
        ptlab.gym.GeneralPointsEnv(render_mode="human")


def test_ansi_render_is_the_transcript() -> None:
    env = gymnasium.make("ptlab/GeneralPoints-v0", render_mode="ansi", disable_env_checker=True)
    observation, _ = env.reset(seed=2)
    env.step("no idea")
    text = env.render()
    assert text.startswith(f"[user]\n{observation}") and "[assistant]\nno idea\n[verifier] -3 " in text


def test_async_vector_environments_read_each_prompt_or_refuse_shared_memory_saying_what_works() -> None:
    """Gymnasium's async mode reads a Text observation's shared memory once: every prompt read
    "000...". Its default (shared memory) is refused saying what to pass; without it, each
    observation is the prompt a sync vector environment reads."""
    with pytest.raises(ValueError, match="shared_memory=False") as refused:  # Gymnasium's words, ours as the cause
        gymnasium.make_vec("ptlab/GeneralPoints-v0", num_envs=2, vectorization_mode="async")
    assert 'vector_kwargs={"shared_memory": False}' in str(refused.value.__cause__)
    synced = gymnasium.make_vec("ptlab/GeneralPoints-v0", num_envs=2, vectorization_mode="sync")
    separate = gymnasium.make_vec("ptlab/GeneralPoints-v0", num_envs=2, vectorization_mode="async", vector_kwargs={"shared_memory": False})
    try:
        expected, _ = synced.reset(seed=[7, 8])
        observed, _ = separate.reset(seed=[7, 8])
        assert list(observed) == list(expected) and "cards" in observed[0]
    finally:
        synced.close()
        separate.close()


def test_vector_environments_step_many_episodes() -> None:
    envs = gymnasium.make_vec("ptlab/GeneralPoints-v0", num_envs=3, vectorization_mode="sync", maxVerify=2)
    _, info = envs.reset(seed=5)
    assert list(info["seed"]) == [5, 6, 7]
    _, rewards, _, _, _ = envs.step(("no idea",) * 3)
    _, _, _, truncated, _ = envs.step(("no idea",) * 3)
    assert list(rewards) == [-3.0] * 3 and list(truncated) == [True] * 3
    envs.close()
