"""GeneralPoints speed in Python; prints one JSON object. Run by bench/envs.ts (npm run bench:envs)."""

import json
import time
from itertools import combinations_with_replacement
from pathlib import Path

from ptlab.envs import generalpoints as gp

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "test" / "vectors" / "generalpoints.json").read_text())


def solver_seconds(fn) -> float:
    fn.cache_clear()
    start = time.perf_counter()
    for m in combinations_with_replacement(range(1, 14), 4):
        fn(m, 24)
    return time.perf_counter() - start


def verify_per_second(min_seconds: float = 2.0) -> float:
    cases = []
    for c in VECTORS["verify"]:
        config = gp.GeneralPointsConfig.from_dict(c["config"])
        values = [gp.card_value(x, config.faceCards) for x in c["cards"]]
        cases.append((config, gp.Hand(c["cards"], ["spades"] * 4, values, gp.solutions(values, config.target, config.verifier)), c["output"]))
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        for config, hand, output in cases:
            gp.verify(config, hand, output)
        calls += len(cases)
    return calls / (time.perf_counter() - start)


def steps_per_second(min_seconds: float = 2.0) -> float:
    config = gp.GeneralPointsConfig(verifier="reference")
    for seed in range(2000):  # warm the solver cache: steady-state stepping
        gp.deal(config, seed)
    steps, seed, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        ep = gp.GeneralPointsEpisode(config, seed % 2000)
        while not ep.done:
            ep.step('{"formula": "1+2+3"}' if ep.attempts < 3 else gp.expert_response(ep.hand))
            steps += 1
        seed += 1
    return steps / (time.perf_counter() - start)


def virl_steps_per_second(min_seconds: float = 2.0) -> float:
    from ptlab.envs import virl

    config = virl.VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 1000}}, "verifier": "reference"})
    routes = virl.routes_for(config, Path("."))
    steps, seed, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        ep = virl.VirlEpisode(config, routes, seed)
        while not ep.done:
            action = virl.expert_response(config, ep.route, ep.rail, ep.position) if steps % 4 else '{"action": "stop()"}'
            ep.step(action)
            steps += 1
        seed += 1
    return steps / (time.perf_counter() - start)


if __name__ == "__main__":
    print(json.dumps({
        "language": "python",
        "solveAll1820ReferenceSeconds": solver_seconds(gp.reference_solutions),
        "solveAll1820CompleteSeconds": solver_seconds(gp.complete_solutions),
        "verifyPerSecond": verify_per_second(),
        "stepsPerSecond": steps_per_second(),
        "virlStepsPerSecond": virl_steps_per_second(),
    }))
