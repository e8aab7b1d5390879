"""The JSON-lines environment server, one protocol with TypeScript (src/core/envs/server.ts).

Each request line gets exactly one response line:
  {"op": "reset", "config": ENV, "seed": N}            -> prompt, state, image
  {"op": "step", "action": TEXT}                        -> reward, message, done, success, prompt, ...
  {"op": "verify", "config": ENV, "state": {"cards": [...]}, "output": TEXT}
                                                        -> the first attempt's reward and message
GeneralPoints' verify state may add "trainingFaceCards" (the training environment's rule, when
ENV is an evaluation split's): an answer with that rule's values under ENV's is rule collapse.
For V-IRL, "state" in verify is {"seed": N, "position": K}: the position K on the rail of
the episode with that seed. Route files are read relative to the server's working folder.
Errors answer {"error": "..."} and the server keeps serving. ENV is the experiment schema's
environment object. A request may carry "id" (echoed) and "episode" (a name, to keep
several episodes open; default "default"); a reset that fails leaves no episode under its name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ptlab.envs.generalpoints import (
    RANKS,
    EnvConfigError,
    GeneralPointsConfig,
    GeneralPointsEpisode,
    Hand,
    card_value,
    json_integer,
    solutions,
    verify,
)
from ptlab.envs import virl


class RequestError(ValueError):
    pass


def _config(raw: Any) -> GeneralPointsConfig | virl.VirlConfig:
    if not isinstance(raw, dict):
        raise RequestError('"config" must be an environment object')
    env = raw.get("env")
    if env == "generalpoints":
        return GeneralPointsConfig.from_dict(raw)
    if env == "virl":
        return virl.VirlConfig.from_dict(raw)
    raise RequestError(f"environment.env: must be 'generalpoints' or 'virl', got {env!r}")


def _seed(raw: Any) -> int:
    seed = json_integer(raw)
    if seed is None or not 0 <= seed <= 0xFFFFFFFF:
        raise RequestError('"seed" must be an integer in [0, 2**32)')
    return seed


def _text(request: dict[str, Any], key: str) -> str:
    value = request.get(key)
    if not isinstance(value, str):
        raise RequestError(f'"{key}" must be a string')
    return value


def _hand(config: GeneralPointsConfig, state: Any) -> Hand:
    cards = state.get("cards") if isinstance(state, dict) else None
    if not isinstance(cards, list) or len(cards) != 4 or not all(c in RANKS for c in cards):
        raise RequestError(f'"state.cards" must be 4 card labels from {", ".join(RANKS)}')
    values = [card_value(c, config.faceCards) for c in cards]
    suits = state.get("suits") or ["spades"] * 4
    return Hand(list(cards), list(suits), values, solutions(values, config.target, config.verifier))


def _training_face_cards(state: Any) -> str | None:
    value = state.get("trainingFaceCards") if isinstance(state, dict) else None
    if value is not None and value not in ("all-10", "11-12-13"):
        raise RequestError('"state.trainingFaceCards" must be "all-10" or "11-12-13"')
    return value


def _virl_episode(config: virl.VirlConfig, seed: int) -> virl.VirlEpisode:
    try:
        routes = virl.routes_for(config, Path.cwd())
    except virl.RouteFormatError as exc:
        raise RequestError(str(exc)) from exc
    return virl.VirlEpisode(config, routes, seed)


def _step_answer(step: Any) -> dict[str, Any]:
    answer = {
        "reward": step.reward,
        "message": step.message,
        "done": step.done,
        "success": step.success,
        "truncated": step.truncated,
        "prompt": step.next_prompt,
        "failureMode": step.failure_mode,
    }
    if isinstance(step, virl.Step):
        answer.update(newChat=step.new_chat, correct=step.correct)
    else:
        answer["recognized"] = step.recognized
    return answer


class EnvServer:
    def __init__(self) -> None:
        self.episodes: dict[str, GeneralPointsEpisode | virl.VirlEpisode] = {}

    def handle(self, request: Any) -> dict[str, Any]:
        if not isinstance(request, dict):
            raise RequestError("a request must be a JSON object")
        op = request.get("op")
        name = request.get("episode", "default")
        if not isinstance(name, str):
            raise RequestError('"episode" must be a string')
        if op == "reset":
            self.episodes.pop(name, None)  # a failed reset leaves no episode to step under this name
            config = _config(request.get("config"))
            seed = _seed(request.get("seed"))
            if isinstance(config, virl.VirlConfig):
                episode: GeneralPointsEpisode | virl.VirlEpisode = _virl_episode(config, seed)
                image = episode.image()
            else:
                episode = GeneralPointsEpisode(config, seed)
                image = None
                if config.modality == "vision":  # rendered by the client: PNG (ptlab.envs.cards) or SVG
                    image = {"type": "generalpoints-cards", "cards": episode.hand.cards, "suits": episode.hand.suits}
            self.episodes[name] = episode
            return {"prompt": episode.prompt, "state": episode.state(), "image": image, "done": False}
        if op == "step":
            episode = self.episodes.get(name)
            if episode is None:
                raise RequestError(f'no episode "{name}": send a reset first')
            if episode.done:
                raise RequestError(f'episode "{name}" is over: send a reset')
            answer = _step_answer(episode.step(_text(request, "action")))
            if isinstance(episode, virl.VirlEpisode) and episode.config.modality == "vision":
                answer["image"] = episode.image() if answer["newChat"] else None
            return answer
        if op == "verify":
            config = _config(request.get("config"))
            output = _text(request, "output")
            if isinstance(config, virl.VirlConfig):
                state = request.get("state") if isinstance(request.get("state"), dict) else {}
                episode = _virl_episode(config, _seed(state.get("seed")))
                position = 0 if state.get("position") is None else json_integer(state["position"])  # null: not given, as in TypeScript
                if position is None or not 0 <= position < len(episode.rail):
                    raise RequestError(f'"state.position" must be an integer in [0, {len(episode.rail)})')
                verdict = virl.verify(config, episode.rail[position], output)
                return {"reward": verdict.reward, "message": verdict.message, "correct": verdict.correct, "failureMode": verdict.failure_mode}
            state = request.get("state")
            verdict = verify(config, _hand(config, state), output, _training_face_cards(state))
            return {"reward": verdict.reward, "message": verdict.message, "recognized": verdict.recognized, "failureMode": verdict.failure_mode}
        raise RequestError(f'"op" must be "reset", "step" or "verify", got {op!r}')

    def answer(self, line: str) -> str:
        request: Any = None
        try:
            request = json.loads(line)
            response = self.handle(request)
        except json.JSONDecodeError as exc:
            response = {"error": f"invalid JSON request: {exc.msg} at column {exc.colno}"}
        except (RequestError, EnvConfigError, virl.RouteFormatError) as exc:
            response = {"error": str(exc)}
        except Exception as exc:  # a bug: report it and keep serving
            response = {"error": f"internal error: {type(exc).__name__}: {exc}"}
        if isinstance(request, dict) and "id" in request:
            response = {"id": request["id"], **response}
        return json.dumps(response)


def serve(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    server = EnvServer()
    for line in stdin:
        if line.strip():
            stdout.write(server.answer(line) + "\n")
            stdout.flush()
