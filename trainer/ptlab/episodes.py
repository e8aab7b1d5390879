"""Episodes in flight and their transcript records: the one episode loop of PPO's rollouts
and of evaluation, and the one builder of episode records (schemas/episode.schema.json).

Sequential revision: a rejected answer gets the verifier's message appended to the chat;
a V-IRL move starts a fresh chat at the new position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptlab import chat
from ptlab.envs.episode import Episode, EnvironmentConfig, Step
from ptlab.generation import Generation


@dataclass
class Slot:
    """One episode in flight: its environment, the chat the model answers next, its turns so far."""

    env: Episode
    index: int  # the episode's number: within its split (evaluation) or among this process's episodes (PPO)
    messages: list[dict[str, Any]]
    shown: dict[str, str]  # how the next turn's prompt is recorded: {"prompt"} for a new chat, else {"promptDelta"}
    turns: list[dict[str, Any]] = field(default_factory=list)


def start(env: Episode, index: int) -> Slot:
    return Slot(env, index, [chat.user_message(env.prompt, env.observation_image())], {"prompt": env.prompt})


def advance(slot: Slot, generation: Generation) -> Step:
    """Score the answer, append its turn to the transcript and, unless the episode ended,
    build the chat for the next attempt."""
    env, answer = slot.env, generation.text
    expert = env.expert_action  # before the step moves the episode on
    step = env.step(answer)
    turn: dict[str, Any] = {
        "index": len(slot.turns), **slot.shown, "output": answer, "reward": step.reward, "message": step.message, "done": step.done,
        "outputTokens": generation.answer_tokens, "promptTokens": generation.prompt_tokens,
    }
    if expert is not None:
        turn["expertAction"] = expert
    if step.recognized is not None:
        turn["recognized"] = step.recognized
    if step.failure_mode is not None:
        turn["failureMode"] = step.failure_mode
    slot.turns.append(turn)
    if not step.done:
        slot.messages, slot.shown = follow_up(slot.messages, answer, step, env)
    return step


def follow_up(messages: list[dict[str, Any]], answer: str, step: Step, env: Episode) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The chat for the next attempt after `answer` was scored as `step` (not done), and how its
    prompt is recorded: a fresh chat at a V-IRL move, else the verifier's message appended."""
    assert step.next_prompt is not None, "the episode is over: there is no next attempt"
    if step.new_chat:
        return [chat.user_message(step.next_prompt, env.observation_image())], {"prompt": step.next_prompt}
    return [*messages, chat.sampled_answer(answer), {"role": "user", "content": step.next_prompt}], {"promptDelta": step.next_prompt}


def record(run_id: str, step: int, split: str, split_kind: str, slot: Slot, env_config: EnvironmentConfig, checkpoint: str | None = None) -> dict[str, Any]:
    """The episode's transcript record."""
    success = bool(slot.env.success)
    result: dict[str, Any] = {
        "runId": run_id,
        "step": step,
        "split": split,
        "splitKind": split_kind,
        "episode": slot.index,
        "seed": slot.env.seed,
        "environment": env_config.to_dict(),
        "state": slot.env.record_state(),
        "turns": slot.turns,
        "success": success,
        "totalReward": sum(t["reward"] for t in slot.turns),
        "truncated": not success,
    }
    if checkpoint:
        result["checkpoint"] = checkpoint
    failures = [t["failureMode"] for t in slot.turns if "failureMode" in t]
    if not success and failures:  # the last real failure; running out of attempts only when nothing else failed
        result["failureMode"] = next((f for f in reversed(failures) if f != "budget-exhausted"), failures[-1])
    return result


def saved(slot: Slot) -> dict[str, Any]:
    """An episode in flight as a checkpoint keeps it: its number and its turns without their
    prompts (replaying the answers through the environment rebuilds those)."""
    return {"episode": slot.index, "turns": [{k: v for k, v in turn.items() if k not in ("prompt", "promptDelta")} for turn in slot.turns]}


def replay(env: Episode, state: dict[str, Any]) -> Slot:
    """The episode `saved` described, rebuilt by stepping its recorded answers again through its
    (deterministic, freshly seeded) environment: the same chat, transcript and environment state.
    A turn that comes out different is an error: the episode cannot be resumed exactly."""
    slot = start(env, state["episode"])
    for turn in state["turns"]:
        advance(slot, Generation(turn["output"], turn["promptTokens"], (), False))
        slot.turns[-1]["outputTokens"] = turn["outputTokens"]  # the stand-in Generation has no token ids
        slot.turns[-1].update({key: turn[key] for key in ("advantage", "return") if key in turn})  # what the update computed, not the environment
        again = saved(slot)["turns"][-1]
        if again != turn:
            raise RuntimeError(f"episode {state['episode']} (seed {env.seed}) replayed differently from its checkpoint: {again} != {turn}; the environment is not deterministic")
    return slot
