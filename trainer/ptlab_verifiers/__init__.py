"""GeneralPoints and V-IRL as `verifiers` environments (`pip install ptlab[verifiers]`;
verifiers 0.4, its `verifiers.v1` API: the one prime-rl trains with and its environment hub
serves).

    import ptlab_verifiers
    env = ptlab_verifiers.load_environment(environment={"env": "generalpoints", "faceCards": "11-12-13"}, episodes=64)

or through verifiers' own loader and evaluation (`vf eval` / `run_eval`) with the taskset id
`ptlab-verifiers` and the same keys under `env.taskset`. One package, both tasks: the taskset's
`environment` is an experiment config's `environment` object (schemas/experiment.schema.json),
checked as the trainer checks it; `episodes` tasks play seeds `seed`, `seed + 1`, ... (the
episodes our trainer, env server, Gymnasium environments and the TypeScript environment play
for those seeds); `base_dir` is where V-IRL's route files are read from. The default `seed` is
where `ptlab ppo` of seed 0 draws its episodes from (ptlab.seeds.ppo_episode_base), apart from
the seeds `ptlab eval` plays (evaluation.seed + i, 1234 on by default), as the trainer keeps
training apart from evaluation; to evaluate on ptlab's evaluation episodes, pass
`seed=evaluation.seed`, and train only on seeds outside those.

An episode is one exchange of the `player` agent: the task prompt, the model's answer, and for
each rejected answer (while the verification budget lasts) the verifier's message as the next
user turn; the verifier is our environment's (`ptlab.envs`). The episode's reward
`verifier` is the sum of its attempts' rewards (the episode records' totalReward); its metrics
are `success` (1 solved / reached, 0 not) and `attempts`; `trace.info["ptlab"]` holds the seed
and each attempt's reward, verifier message and failure mode. V-IRL: where our trainer starts
a fresh chat at each new position, the exchange goes on, the next position's prompt as the next
user turn (a verifiers episode is one conversation). Text only: -VL variants are refused.

The player answers through `ChatHarness`: one chat completion per turn, in this process, at
the endpoint verifiers gives the harness (its interception server, which records the call in
the trace) — no program to install in a sandbox. Its runtime is local (a subprocess runtime)
by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import verifiers.v1 as vf
from openai import AsyncOpenAI
from pydantic import Field

from ptlab import seeds
from ptlab.envs.episode import Episode, environment_config

TASKSET_ID = "ptlab-verifiers"


class PtlabTasksetConfig(vf.TasksetConfig):
    environment: dict[str, Any] = Field(default_factory=lambda: {"env": "generalpoints"})
    """An experiment config's `environment` object (GeneralPoints or V-IRL, language)."""
    episodes: int = Field(64, ge=1)
    """How many tasks: seeds `seed` .. `seed + episodes - 1`."""
    seed: int = Field(seeds.ppo_episode_base(0), ge=0, lt=2**32)
    """The first task's seed; by default PPO's first episode seed for seed 0, apart from `ptlab eval`'s (1234 on)."""
    base_dir: str = "."
    """The folder V-IRL's `routes.file` is read relative to."""


class PtlabTaskData(vf.TaskData):
    info: dict[str, Any]
    """The seed and the environment (every key filled in) that reproduce the episode."""


class PtlabTask(vf.Task[PtlabTaskData, vf.State, vf.TaskConfig]):
    pass


def _episodes(environment: dict[str, Any], base_dir: str) -> Any:
    config = environment_config(environment)
    if config.modality != "language":
        raise ValueError(f"environment.modality: the verifiers environments are text only; got {config.modality!r} (use the language variant)")
    return config, config.episodes(Path(base_dir))


class PtlabTaskset(vf.Taskset[PtlabTask, PtlabTasksetConfig]):
    def load(self) -> Any:
        config, new_episode = _episodes(self.config.environment, self.config.base_dir)
        environment = config.to_dict()
        for seed in range(self.config.seed, self.config.seed + self.config.episodes):
            episode: Episode = new_episode(seed)
            yield PtlabTask(PtlabTaskData(name=f"{config.env}#{seed}", prompt=episode.prompt, info={"seed": seed, "environment": environment}), self.config.task)


class ChatHarnessConfig(vf.HarnessConfig):
    pass


class ChatHarness(vf.Harness[ChatHarnessConfig]):
    """One chat completion per turn, in-process, through the interception endpoint."""

    APPENDS_SYSTEM_PROMPT = True
    SUPPORTS_RESUME = True
    EXECUTES_CODE = False
    NEEDS_CONTAINER = False

    async def launch(self, ctx: Any, trace: Any, runtime: Any, endpoint: str, secret: str, mcp_urls: dict[str, str], data: Any, **_: Any) -> vf.ProgramResult:
        system, prompt = self.resolve_prompt(data)
        messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
        if isinstance(prompt, str):
            messages.append({"role": "user", "content": prompt})
        else:
            messages += [m if isinstance(m, dict) else m.model_dump(exclude_none=True) for m in prompt or []]
        async with AsyncOpenAI(base_url=endpoint, api_key=secret) as client:
            await client.chat.completions.create(model=ctx.model, messages=messages)  # type: ignore[arg-type]
        return vf.ProgramResult(0, "", "")


class PtlabEnvConfig(vf.EnvConfig):
    player: vf.AgentConfig = vf.AgentConfig(runtime=vf.SubprocessConfig())


class PtlabEnv(vf.Env[PtlabEnvConfig]):
    """Sequential revision: the verifier's message after each rejected answer, until solved or out of attempts."""

    async def run(self, task: Any, agents: Any) -> None:
        info = task.data.info
        _, new_episode = _episodes(info["environment"], self.taskset.config.base_dir)
        episode: Episode = new_episode(info["seed"])
        attempts: list[dict[str, Any]] = []
        async with agents.player.interaction(task) as interaction:
            segment = await interaction.turn()
            while not segment.terminated:
                step = episode.step(segment.last_reply)
                attempts.append({"reward": step.reward, "message": step.message, "failureMode": step.failure_mode})
                if step.done:
                    break
                segment = await interaction.turn(step.next_prompt)
        trace = interaction.trace
        trace.record_reward("verifier", sum(a["reward"] for a in attempts), 1.0)
        trace.record_metrics({"success": float(episode.success), "attempts": float(len(attempts))})
        trace.info["ptlab"] = {"seed": info["seed"], "attempts": attempts}


def load_environment(**taskset: Any) -> PtlabEnv:
    """The environment for these taskset keys (environment, episodes, seed, base_dir)."""
    from verifiers.v1.utils.loaders import load_environment as load

    return load(PtlabEnvConfig(taskset={"id": TASKSET_ID, **taskset}))  # type: ignore[return-value]


__all__ = ["PtlabTaskset", "PtlabEnv", "ChatHarness", "load_environment"]
