"""What the trainer needs of an environment, so that PPO, evaluation and the episode
records never ask which one they run: GeneralPoints and V-IRL both provide it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Protocol


class Step(Protocol):
    reward: float
    message: str
    done: bool
    success: bool  # the episode ended solved
    truncated: bool  # the episode ended on its verification budget, unsolved
    correct: bool  # the verifier accepted this attempt (a solved hand; a right V-IRL action)
    next_prompt: str | None  # the next user turn, None when done
    new_chat: bool  # the next prompt starts a fresh chat (a V-IRL move) instead of extending this one
    recognized: bool | None  # vision GeneralPoints: the answer named the cards shown
    failure_mode: str | None


class Episode(Protocol):
    seed: int
    prompt: str  # the current turn's
    done: bool
    success: bool

    @property
    def expert_action(self) -> str | None: ...  # the expert's action now, where records show one (V-IRL)
    def observation_image(self) -> Any: ...  # the image shown with the prompt (vision), or None
    def step(self, output: str) -> Step: ...
    def record_state(self) -> dict[str, Any]: ...  # the episode record's `state`


class EnvironmentConfig(Protocol):
    env: str  # "generalpoints" or "virl", as in the config file
    modality: str

    def to_dict(self) -> dict[str, Any]: ...
    def episodes(self, base_dir: Path) -> Callable[[int], Episode]: ...  # an episode by seed


def environment_config(raw: dict[str, Any]) -> EnvironmentConfig:
    """An experiment config's `environment` object, checked, as its environment's config."""
    from ptlab.envs.generalpoints import EnvConfigError, GeneralPointsConfig
    from ptlab.envs.virl import VirlConfig

    env = raw.get("env")
    if env == "generalpoints":
        return GeneralPointsConfig.from_dict(raw)
    if env == "virl":
        return VirlConfig.from_dict(raw)
    raise EnvConfigError(f"environment.env: must be 'generalpoints' or 'virl', got {env!r}")
