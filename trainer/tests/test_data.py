"""`ptlab data`: expert SFT data in a run folder, as users run it, and the run folder contract."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ptlab.contracts import errors

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def ptlab(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ptlab", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def small_config(tmp_path: Path, **changes) -> Path:
    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["sft"]["data"]["examples"] = 40
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            config.setdefault(section, {})[field] = value
        else:
            config[section] = value
    path = tmp_path / "small.ptlab.json"
    path.write_text(json.dumps(config))
    return path


def test_writes_chat_messages_and_a_valid_manifest(tmp_path):
    run = tmp_path / "runs" / "data"
    result = ptlab("data", "--config", str(small_config(tmp_path)), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    lines = (run / "sft.jsonl").read_text().splitlines()
    assert len(lines) == 40
    first = json.loads(lines[0])
    assert [m["role"] for m in first["messages"]] == ["user", "assistant"]
    assert first["messages"][0]["content"].startswith("\n[Task Description]\nYou are an expert 24 points card game player.")
    assert '"formula": "' in first["messages"][1]["content"]
    manifest = json.loads((run / "run.json").read_text())
    assert errors("run-manifest.schema.json", manifest) == []
    assert (manifest["status"], manifest["job"], manifest["progress"]) == ("finished", "data", {"step": 40, "totalSteps": 40})
    assert manifest["config"]["sft"]["data"]["examples"] == 40


def test_same_config_same_data(tmp_path):
    config = small_config(tmp_path)
    for name in ("a", "b"):
        assert ptlab("data", "--config", str(config), "--run-dir", str(tmp_path / name)).returncode == 0
    assert (tmp_path / "a" / "sft.jsonl").read_bytes() == (tmp_path / "b" / "sft.jsonl").read_bytes()


def test_suboptimal_trajectories_and_vision_images(tmp_path):
    config = small_config(tmp_path, environment={"env": "generalpoints", "modality": "vision", "suits": "black"}, sft__data={"examples": 6, "trajectories": "suboptimal", "wrongAttempts": 3})
    run = tmp_path / "vl"
    assert ptlab("data", "--config", str(config), "--run-dir", str(run)).returncode == 0
    examples = [json.loads(line) for line in (run / "sft.jsonl").read_text().splitlines()]
    roles = [[m["role"] for m in e["messages"]] for e in examples]
    assert all(r[0] == "user" and r[-1] == "assistant" and len(r) % 2 == 0 for r in roles)
    assert any(len(r) > 2 for r in roles)
    # the wrong answers are context the expert's answer follows (figure 15), never answers to learn
    assistants = [[m.get("train", True) for m in e["messages"] if m["role"] == "assistant"] for e in examples]
    assert all(trained[-1] is True and not any(trained[:-1]) for trained in assistants)
    image = examples[0]["messages"][0]["content"][0]
    assert image["type"] == "image" and (run / image["path"]).read_bytes()[:4] == b"\x89PNG"


def test_virl_examples_from_a_synthetic_city(tmp_path):
    environment = {"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 20}}}
    config = small_config(tmp_path, environment=environment, evaluation={"splits": [{"name": "id", "kind": "id", "episodes": 2}]})
    run = tmp_path / "virl"
    assert ptlab("data", "--config", str(config), "--run-dir", str(run)).returncode == 0, "data job failed"
    example = json.loads((run / "sft.jsonl").read_text().splitlines()[0])
    assert "[Observations and actions sequence]" in example["messages"][0]["content"]
    assert '"action": "' in example["messages"][1]["content"]


def test_refuses_an_existing_run_and_resumes_on_request(tmp_path):
    config, run = small_config(tmp_path), tmp_path / "r"
    assert ptlab("data", "--config", str(config), "--run-dir", str(run)).returncode == 0
    again = ptlab("data", "--config", str(config), "--run-dir", str(run))
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = ptlab("data", "--config", str(config), "--run-dir", str(run), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    manifest = json.loads((run / "run.json").read_text())
    assert [s["endStatus"] for s in manifest["segments"]] == ["finished", "finished"]


def test_resumes_a_run_begun_with_an_ood_split_equal_to_the_training_variant(tmp_path):
    """A run begun before the trainer refused an OOD split equal to the training variant (one
    attempt is how it is scored, not another rule) resumes with its own config, warned that
    the split's curve is not OOD; a new run with that config is still refused."""
    config, run = small_config(tmp_path), tmp_path / "r"
    assert ptlab("data", "--config", str(config), "--run-dir", str(run)).returncode == 0
    split = {"name": "ood-1try", "kind": "rule-ood", "episodes": 4, "overrides": {"maxVerify": 1}}
    written, manifest = json.loads(config.read_text()), json.loads((run / "run.json").read_text())
    for splits in (written["evaluation"]["splits"], manifest["config"]["evaluation"]["splits"]):  # as that trainer took and kept it
        splits.append(split)
    config.write_text(json.dumps(written))
    (run / "run.json").write_text(json.dumps(manifest))
    at_split = f"{config}: /evaluation/splits/{len(written['evaluation']['splits']) - 1}/overrides"
    resumed = ptlab("data", "--config", str(config), "--run-dir", str(run), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f'{at_split}: warning: this rule-ood split equals the training variant; resumed as the run began, its "ood-1try" curve is not OOD' in resumed.stderr
    new = ptlab("data", "--config", str(config), "--run-dir", str(tmp_path / "new"))
    assert new.returncode == 2 and f"{at_split}: this rule-ood split equals the training variant: add overrides" in new.stderr
    assert not (tmp_path / "new").exists()


def test_bad_config_names_file_and_field(tmp_path):
    config = small_config(tmp_path, environment={"env": "generalpoints", "faceCards": "all-11"})
    result = ptlab("data", "--config", str(config), "--run-dir", str(tmp_path / "x"))
    assert result.returncode == 2
    assert f"{config}: /environment/faceCards" in result.stderr
    assert not (tmp_path / "x").exists()


def test_sigterm_cancels_without_a_partial_file(tmp_path):
    config = small_config(tmp_path, sft__data={"examples": 200000})
    run = tmp_path / "c"
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "data", "--config", str(config), "--run-dir", str(run)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (run / "run.json").exists() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "cancelled"
    assert not (run / "sft.jsonl").exists()
    assert [p.name for p in run.iterdir() if p.name.startswith(".")] == []


def test_whole_numbers_written_as_floats_are_the_integers_they_equal(tmp_path):
    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["sft"]["data"]["examples"] = 40.0
    config["ppo"]["updates"] = 10.0
    path = tmp_path / "floats.ptlab.json"
    path.write_text(json.dumps(config).replace('"updates": 10.0', '"updates": 1e1'))
    run = tmp_path / "runs" / "data"
    result = ptlab("data", "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    assert len((run / "sft.jsonl").read_text().splitlines()) == 40
    manifest = json.loads((run / "run.json").read_text())
    assert (manifest["config"]["sft"]["data"]["examples"], manifest["config"]["ppo"]["updates"]) == (40, 10)


def test_virl_vision_examples_show_the_place_s_panorama(tmp_path):
    """The SFT image is the panorama of the example's place on the route, not the file at its
    index on this seed's rail (which moves with the dropped forward() points)."""
    from PIL import Image

    from ptlab import data
    from ptlab.envs import virl

    routes_file = Path(__file__).resolve().parents[2] / "test" / "vectors" / "virl-routes.json"
    config = virl.VirlConfig.from_dict({"env": "virl", "routes": {"file": str(routes_file)}, "modality": "vision"})
    routes = virl.routes_for(config, tmp_path)
    moma = [r.route_id for r in routes].index("ny_moma")
    (tmp_path / "panos" / "ny_moma").mkdir(parents=True)
    for k in range(len(routes[moma].milestones) * (config.maxStraight + 1) + 1):
        Image.new("RGB", (64, 32), (10 * k,) * 3).save(tmp_path / "panos" / "ny_moma" / f"{k}.jpg")
    moved = 0
    for seed in range(6):
        episode = virl.VirlEpisode(config, routes, seed, moma, tmp_path / "panos")
        example = data._virl_example(episode, seed, None, tmp_path / "run")
        place = episode.rail[example["meta"]["position"]].place
        moved += place != example["meta"]["position"]
        shown = Image.open(tmp_path / "run" / example["messages"][0]["content"][0]["path"]).getpixel((600, 600))[0]
        assert round(shown / 10) == place
    assert moved  # some examples are at a place other than their rail index


@pytest.mark.parametrize("trajectories", ["optimal", "suboptimal"])
def test_example_i_is_the_episode_of_seed_base_plus_i_played_as_its_environment_scores_it(tmp_path, trajectories):
    """Example i is the episode of seed seeds.sft_data_base(seed) + i (the seeds the config's
    check keeps apart from evaluation's): its prompt the environment's, each wrong answer
    followed by the message the environment answers it with (never trained on), 1..wrongAttempts
    of them, and the last answer the expert's, which solves the episode."""
    from ptlab import data, seeds
    from ptlab.config import experiment_from_dict

    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["seed"] = 7
    config["sft"]["data"] = {"examples": 16, "trajectories": trajectories, "wrongAttempts": 3}
    experiment = experiment_from_dict(config)
    new_episode = experiment.environment_for().episodes(experiment.base_dir)
    examples = list(data.sft_examples(experiment, tmp_path))
    assert len(examples) == 16
    wrong = []
    for i, example in enumerate(examples):
        seed = (seeds.sft_data_base(7) + i) & 0xFFFFFFFF
        episode, messages = new_episode(seed), example["messages"]
        assert example["meta"] == {"env": "generalpoints", "seed": seed, "cards": episode.hand.cards, "values": episode.hand.values}
        assert messages[0] == {"role": "user", "content": episode.prompt}
        for answer, reply in zip(messages[1::2], messages[2::2]):
            step = episode.step(answer["content"])
            assert answer == {"role": "assistant", "content": answer["content"], "train": False}
            assert not step.done and not step.success and reply == {"role": "user", "content": step.next_prompt}
        assert messages[-1] == {"role": "assistant", "content": messages[-1]["content"]}
        assert episode.step(messages[-1]["content"]).success
        wrong.append(len(messages) // 2 - 1)
    assert set(wrong) == ({0} if trajectories == "optimal" else {1, 2, 3})


def test_virl_examples_are_expert_answers_at_positions_drawn_over_the_whole_rail(tmp_path):
    """A V-IRL example is one place on its seed's route (the start and the destination among
    them: stop() is taught too), its prompt the route's at that place and its answer the one
    the verifier scores right there."""
    from ptlab import data, seeds
    from ptlab.config import experiment_from_dict
    from ptlab.envs import virl

    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["environment"] = {"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 20}}}
    config["evaluation"] = {"splits": [{"name": "id", "kind": "id", "episodes": 2}]}
    config["sft"]["data"] = {"examples": 40}
    experiment = experiment_from_dict(config)
    env = experiment.environment_for()
    new_episode = env.episodes(experiment.base_dir)
    ends = set()
    for i, example in enumerate(data.sft_examples(experiment, tmp_path)):
        seed = (seeds.sft_data_base(0) + i) & 0xFFFFFFFF
        episode = new_episode(seed)
        position = example["meta"]["position"]
        assert example["meta"] == {"env": "virl", "seed": seed, "routeId": episode.route.route_id, "position": position}
        assert example["messages"][0] == {"role": "user", "content": virl.prompt(env, episode.route, episode.rail, position)}
        assert virl.verify(env, episode.rail[position], example["messages"][1]["content"]).correct
        ends |= {"start"} if position == 0 else {"destination"} if position == len(episode.rail) - 1 else set()
    assert ends == {"start", "destination"}
