"""SFT data from the environments' experts, as chat `messages` JSONL.

`python -m ptlab data --config X.ptlab.json --run-dir R` writes `R/sft.jsonl`: one example
per line, `{"messages": [...], "meta": {...}}` in the standard chat format (vision examples
carry `{"type": "image", "path": "images/..."}` content items, relative to the run folder).
Optimal examples pair one sampled state's prompt with the expert's answer (appendix C.1);
`trajectories: "suboptimal"` writes GeneralPoints episodes with wrong answers and the
verifier's messages before the expert's answer (figure 15). The file appears whole or not
at all (written under a temp name, then renamed). `data.source: "pretraining-corpus"` writes
the synthetic corpus of ptlab/corpus.py instead (what embedded:gp-base is pretrained on).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

from ptlab import corpus, seeds
from ptlab.config import Experiment
from ptlab.envs import generalpoints as gp
from ptlab.envs import virl
from ptlab.envs.prng import Rng
from ptlab.runlog import RunLog, moved

MASK = 0xFFFFFFFF
SFT_FILE = "sft.jsonl"


def data_seed(experiment: Experiment) -> int:
    """The first training-data seed: apart from the evaluation seeds (evaluation.seed + i), as
    the config's check keeps it (config.training_seeds_refused)."""
    return seeds.sft_data_base(experiment.seed)


def _user(text: str, image: str | None) -> dict[str, Any]:
    if image is None:
        return {"role": "user", "content": text}
    return {"role": "user", "content": [{"type": "image", "path": image}, {"type": "text", "text": text}]}


def _generalpoints_example(episode: gp.GeneralPointsEpisode, index: int, experiment: Experiment, run_dir: Path) -> dict[str, Any]:
    config, hand, seed = episode.config, episode.hand, episode.seed
    image = None
    if config.modality == "vision":
        from ptlab.envs.cards import save_hand_png

        image = f"images/gp-{index:07d}.png"
        save_hand_png(hand.cards, hand.suits, run_dir / image)
    messages = [_user(gp.prompt(config, hand), image)]
    if experiment.sft.data.trajectories == "suboptimal":
        turns = gp.suboptimal_trajectory(config, hand, seed, experiment.sft.data.wrongAttempts)
        for turn in turns[:-1]:  # the wrong answers are the prompt's context, not answers to learn (the paper's figure 15)
            messages += [{"role": "assistant", "content": turn.output, "train": False}, {"role": "user", "content": gp.failure_turn(turn.message)}]
        messages.append({"role": "assistant", "content": turns[-1].output})
    else:
        messages.append({"role": "assistant", "content": gp.expert_response(hand)})
    return {"messages": messages, "meta": {"env": "generalpoints", "seed": seed, "cards": hand.cards, "values": hand.values}}


def _virl_example(episode: virl.VirlEpisode, index: int, _experiment: Experiment, run_dir: Path) -> dict[str, Any]:
    config, seed = episode.config, episode.seed
    position = Rng((seed * 2654435761) & MASK).below(len(episode.rail))
    p = episode.rail[position]
    image = None
    if config.modality == "vision":
        from ptlab.envs import streetview

        image = f"images/virl-{index:07d}.png"
        streetview.save_png(streetview.observation_grid(episode.route.city, episode.route.route_id, p.place, p.landmark, p.at_intersection, p.heading, episode.panoramas), run_dir / image)
    messages = [_user(virl.prompt(config, episode.route, episode.rail, position), image), {"role": "assistant", "content": virl.expert_response(config, episode.route, episode.rail, position)}]
    return {"messages": messages, "meta": {"env": "virl", "seed": seed, "routeId": episode.route.route_id, "position": position}}


def sft_examples(experiment: Experiment, run_dir: Path) -> Iterator[dict[str, Any]]:
    base = data_seed(experiment)
    if experiment.sft.data.source == "pretraining-corpus":
        yield from corpus.corpus(base, experiment.sft.data.examples, experiment.sft.data.mix)
        return
    env = experiment.environment_for()
    new_episode = env.episodes(experiment.base_dir)
    example = _virl_example if env.env == "virl" else _generalpoints_example
    for i in range(experiment.sft.data.examples):
        yield example(new_episode((base + i) & MASK), i, experiment, run_dir)


def write_sft_data(experiment: Experiment, run: RunLog, as_progress: bool = True) -> Path | None:
    """Write sft.jsonl; None when cancelled (nothing half-written is left). `as_progress`: the
    examples written are the run's progress (the data job's steps); SFT writing its data before
    its first step reports none (its steps are training's), only that it moves."""
    total = experiment.sft.data.examples
    target = run.dir / SFT_FILE
    tmp = run.dir / f".{SFT_FILE}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            for i, example in enumerate(sft_examples(experiment, run.dir), start=1):
                f.write(json.dumps(example, ensure_ascii=False) + "\n")
                moved()
                if as_progress and (i % 500 == 0 or i == total):
                    run.progress(i, total)
                if run.cancel_requested:
                    return None
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        return target
    finally:
        tmp.unlink(missing_ok=True)
