"""What the trainer needs of an environment: GeneralPoints and V-IRL both provide it, so
PPO, evaluation and the episode records never ask which environment they run."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Protocol


class Step(Protocol):
    """One verification attempt's outcome."""

    reward: float
    message: str
    done: bool
    next_prompt: str | None  # the next user turn, None when done
    new_chat: bool  # the next prompt starts a fresh chat (a V-IRL move) instead of extending this one
    recognized: bool | None  # vision GeneralPoints: the answer named the cards shown
    failure_mode: str | None


class Episode(Protocol):
    seed: int
    prompt: str  # the current turn's prompt
    done: bool
    success: bool

    @property
    def expert_action(self) -> str | None:
        """The expert's action at this turn, where the record shows one (V-IRL)."""

    def observation_image(self) -> Any:
        """The image shown with the current prompt (vision), or None."""

    def step(self, output: str) -> Step: ...

    def record_state(self) -> dict[str, Any]:
        """The episode record's `state` (schemas/episode.schema.json)."""


class EnvironmentConfig(Protocol):
    env: str  # "generalpoints" or "virl", as in the config file
    modality: str

    def to_dict(self) -> dict[str, Any]: ...

    def episodes(self, base_dir: Path) -> Callable[[int], Episode]:
        """A maker of episodes by seed."""
