"""GeneralPoints and V-IRL as Gymnasium environments (`pip install ptlab[gym]`).

    import gymnasium
    import ptlab.gym  # registers ptlab/GeneralPoints-v0 and ptlab/VIRL-v0

    env = gymnasium.make("ptlab/GeneralPoints-v0", faceCards="11-12-13", maxVerify=5)
    observation, info = env.reset(seed=7)          # the task prompt; info["messages"] is the chat
    observation, reward, terminated, truncated, info = env.step(answer_text)

Keyword arguments are the experiment config's `environment` keys (schemas/experiment.schema.json),
checked as the trainer checks them. An action is the model's whole answer text; the reward is the
verifier's. `terminated` when the episode is solved (GeneralPoints) or the destination reached
(V-IRL); `truncated` when the verification budget (`maxVerify`) runs out. The observation is the
user turn the next answer replies to: the task prompt, or after a rejected answer the verifier's
message (GeneralPoints, and V-IRL at the same position), or the prompt of V-IRL's next position.
`info["messages"]` is the whole chat the next answer replies to, exactly as the trainer builds it,
with `{"type": "image"}` where the observation's image goes and `"sampled": true` on the answers
(ptlab.chat reads one without the text its template writes before an answer: LLaVA 1.5's space
after "ASSISTANT:", which the model says itself); `info["new_chat"]` says the chat
restarted. -VL observations are `{"text": str, "image": uint8 array (height, width, 3)}`, the image
the current position shows (the same cards through a GeneralPoints episode); the observation at the
episode's end has empty text.

`reset(seed=s)` plays the episode the trainer, the env server and the TypeScript environment play
for seed s (an integer in [0, 2**32)); without a seed it draws one from the environment's
generator. V-IRL's `reset(options={"route": i})` plays routes[i] instead of the drawn route.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Callable

import gymnasium
import numpy as np
from gymnasium import spaces
from gymnasium.error import CustomSpaceError
from gymnasium.vector.utils import create_shared_memory

from ptlab import episodes
from ptlab.envs import virl
from ptlab.envs.episode import Episode, Step
from ptlab.envs.generalpoints import GeneralPointsConfig, GeneralPointsEpisode

SEED_LIMIT = 2**32
MAX_TEXT = 1 << 16


class UnicodeText(spaces.Text):
    """Any string of at most `max_length` characters: prompts hold card labels, landmark names and
    the model's own numbers echoed by the verifier, so no fixed character set covers them.
    `sample()` draws printable ASCII."""

    def __init__(self, max_length: int, seed: int | None = None) -> None:
        super().__init__(max_length, min_length=0, charset=string.printable, seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.max_length})"


@create_shared_memory.register(UnicodeText)
def _no_shared_memory(space: UnicodeText, n: int = 1, ctx: Any = None) -> Any:
    """Gymnasium's async vector env reads a Text space's shared memory once, as it is at its
    start (a string is no live view), so every observation would read as "000..."; and its
    charset (printable ASCII) cannot hold a prompt's characters. Refused, saying what works."""
    raise CustomSpaceError(
        "ptlab's text observations cannot go through shared memory (Gymnasium reads a Text space's once, so every "
        'observation would read "000..."): pass vector_kwargs={"shared_memory": False} to gymnasium.make_vec(..., vectorization_mode="async"), or use "sync"'
    )


def _text_only(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chat with each image replaced by the `{"type": "image"}` placeholder chat templates take."""
    out = []
    for message in messages:
        content = message["content"]
        if not isinstance(content, str):
            content = [{"type": "image"} if item.get("type") == "image" else dict(item) for item in content]
        out.append({**message, "content": content})
    return out


class _TextEnv(gymnasium.Env):  # type: ignore[type-arg]
    """What both tasks share: seeding, the chat, the observation, the step's outcome."""

    metadata = {"render_modes": ["ansi"], "render_fps": 1}

    def __init__(self, config: GeneralPointsConfig | virl.VirlConfig, new_episode: Callable[[int, dict[str, Any]], Episode], render_mode: str | None) -> None:
        if render_mode not in (None, "ansi"):
            raise ValueError(f"render_mode: {render_mode!r} is not supported (only 'ansi', the transcript as text)")
        self.config = config
        self.render_mode = render_mode
        self._new_episode = new_episode
        self._vision = config.modality == "vision"
        text = UnicodeText(MAX_TEXT)
        if self._vision:
            height, width, _ = self._image(new_episode(0, {})).shape
            self.observation_space: spaces.Space[Any] = spaces.Dict({"text": text, "image": spaces.Box(0, 255, (height, width, 3), np.uint8)})
        else:
            self.observation_space = text
        self.action_space = UnicodeText(MAX_TEXT)
        self._episode: Episode | None = None
        self._messages: list[dict[str, Any]] = []
        self._transcript: list[str] = []
        self._shown: np.ndarray | None = None  # the image of the current view

    @staticmethod
    def _image(episode: Episode) -> np.ndarray:
        return np.asarray(episode.observation_image().convert("RGB"), dtype=np.uint8)

    def _observation(self, text: str, episode: Episode, moved: bool) -> Any:
        """The observation; the image is rendered again only where the view changed (a reset,
        a V-IRL move): a revision looks at the same cards or street."""
        if not self._vision:
            return text
        if moved or self._shown is None:
            self._shown = self._image(episode)
        return {"text": text, "image": self._shown.copy()}

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        super().reset(seed=seed)
        if seed is not None and not 0 <= seed < SEED_LIMIT:
            raise ValueError(f"reset(seed={seed}): episode seeds are integers in [0, 2**32)")
        episode_seed = seed if seed is not None else int(self.np_random.integers(0, SEED_LIMIT))
        episode = self._new_episode(episode_seed, options or {})
        self._episode = episode
        start = episodes.start(episode, 0)
        self._messages = start.messages
        self._transcript = [f"[user]\n{episode.prompt}"]
        info = {"seed": episode_seed, "messages": _text_only(self._messages), "new_chat": True, "state": episode.record_state()}
        return self._observation(episode.prompt, episode, True), info

    def step(self, action: str) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        episode = self._episode
        if episode is None:
            raise RuntimeError("call reset() before step()")
        if not isinstance(action, str):
            raise TypeError(f"an action is the model's answer as a str, got {type(action).__name__}")
        if episode.done:
            raise RuntimeError("the episode is over (terminated or truncated): call reset()")
        step: Step = episode.step(action)
        self._transcript += [f"[assistant]\n{action}", f"[verifier] {step.reward:+g} {step.message}"]
        info: dict[str, Any] = {"message": step.message, "failure_mode": step.failure_mode, "success": step.success, "state": episode.record_state()}
        if step.recognized is not None:
            info["recognized"] = step.recognized
        if step.done:
            info.update(messages=_text_only(self._messages), new_chat=False)
            observation = self._observation("", episode, False)
        else:
            self._messages, _ = episodes.follow_up(self._messages, action, step, episode)
            assert step.next_prompt is not None
            self._transcript.append(f"[user]\n{step.next_prompt}")
            info.update(messages=_text_only(self._messages), new_chat=step.new_chat)
            observation = self._observation(step.next_prompt, episode, step.new_chat)
        return observation, float(step.reward), bool(step.done and not step.truncated), bool(step.truncated), info

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        return "\n".join(self._transcript) + "\n"


class GeneralPointsEnv(_TextEnv):
    """GeneralPoints (the 24-points card game) with sequential revision."""

    def __init__(self, render_mode: str | None = None, **environment: Any) -> None:
        config = GeneralPointsConfig.from_dict({**environment, "env": "generalpoints"})
        super().__init__(config, lambda seed, options: GeneralPointsEpisode(config, seed), render_mode)


class VirlEnv(_TextEnv):
    """V-IRL navigation: one step per action at each position along the route.
    `base_dir`: the folder `routes.file` is read relative to (default: the working directory)."""

    def __init__(self, render_mode: str | None = None, base_dir: str | Path = ".", **environment: Any) -> None:
        config = virl.VirlConfig.from_dict({**environment, "env": "virl"})
        new_episode = config.episodes(Path(base_dir))
        routes = config.route_count(Path(base_dir))

        def episode(seed: int, options: dict[str, Any]) -> Episode:
            route = options.get("route")
            if route is not None and not (isinstance(route, int) and 0 <= route < routes):
                raise ValueError(f'reset(options={{"route": {route!r}}}): a route index in [0, {routes})')
            return new_episode(seed, route)

        super().__init__(config, episode, render_mode)


def register() -> None:
    """Make the environments known to `gymnasium.make` (done on import)."""
    for env_id, entry_point in (("ptlab/GeneralPoints-v0", GeneralPointsEnv), ("ptlab/VIRL-v0", VirlEnv)):
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=entry_point, disable_env_checker=False)


register()
