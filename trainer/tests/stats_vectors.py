"""Reference values for the dashboard's statistics (src/core/stats.ts), computed with
scipy and numpy: Savitzky-Golay (scipy.signal.savgol_filter, mode 'interp'), the
debiased EMA that TensorBoard draws (scipy.signal.lfilter divided by 1 - w^k), binomial
standard errors, SEM (scipy.stats.sem), Student-t quantiles and 95% confidence
half-widths (scipy.stats.t.ppf), and seeds aggregated by global step.

`.venv/bin/python trainer/tests/stats_vectors.py --write` writes test/vectors/stats.json; the Python tests
check the file is current and the TypeScript unit tests check stats.ts against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from scipy import signal, stats
from vectors_cli import print_or_write

VECTORS_FILE = Path(__file__).resolve().parents[2] / "test" / "vectors" / "stats.json"


def _series(seed: int, n: int) -> list[float]:
    """A noisy rising success curve in [0, 1], rounded so the JSON is exact."""
    rng = np.random.default_rng(seed)
    clean = 0.8 / (1 + np.exp(-(np.arange(n) - n / 2) / (n / 8)))
    return [round(float(v), 6) for v in np.clip(clean + rng.normal(0, 0.05, n), 0, 1)]


def savgol_cases() -> list[dict[str, Any]]:
    cases = []
    for n, window in ((40, 9), (40, 21), (101, 51), (12, 7), (7, 7), (200, 101)):
        y = _series(n + window, n)
        smoothed = signal.savgol_filter(np.array(y), window, 3)
        cases.append({"y": y, "window": window, "order": 3, "expected": smoothed.tolist()})
    return cases


def ema_debiased(y: np.ndarray, weight: float) -> np.ndarray:
    last = signal.lfilter([1 - weight], [1, -weight], y)
    return last / (1 - weight ** np.arange(1, len(y) + 1))


def ema_cases() -> list[dict[str, Any]]:
    return [{"y": (y := _series(seed, n)), "weight": w, "expected": ema_debiased(np.array(y), w).tolist()}
            for seed, n, w in ((1, 30, 0.6), (2, 100, 0.9), (3, 10, 0.0), (4, 50, 0.99))]


def binomial_cases() -> list[dict[str, Any]]:
    return [{"rate": p, "n": n, "expected": float(np.sqrt(p * (1 - p) / n))}
            for p, n in ((0.5, 64), (0.3138, 64), (0.01, 1000), (1.0, 10), (0.0, 5), (0.777, 3))]


def t_quantile_cases() -> list[dict[str, Any]]:
    return [{"p": p, "df": df, "expected": float(stats.t.ppf(p, df))}
            for df in (1, 2, 3, 4, 5, 7, 9, 10, 19, 29, 30, 60, 120, 1000) for p in (0.975, 0.95, 0.995)]


def sample_cases() -> list[dict[str, Any]]:
    cases = []
    for seed, n in ((10, 2), (11, 3), (12, 5), (13, 10)):
        values = [round(float(v), 6) for v in np.random.default_rng(seed).uniform(0, 1, n)]
        a = np.array(values)
        cases.append({"values": values, "mean": float(a.mean()), "sem": float(stats.sem(a)),
                      "ci95": float(stats.t.ppf(0.975, n - 1) * stats.sem(a))})
    return cases


def aggregate_case() -> dict[str, Any]:
    """Three seeds with different steps recorded (one stopped early, one resumed)."""
    rng = np.random.default_rng(99)
    runs = []
    for steps in (range(0, 50, 5), range(0, 35, 5), [*range(0, 50, 5), 52]):
        runs.append([{"step": s, "x": round(float(s * 10.5 + rng.uniform(0, 1)), 4), "y": round(float(rng.uniform(0, 1)), 4)} for s in steps])
    expected = []
    for step in sorted({p["step"] for run in runs for p in run}):
        xs = np.array([p["x"] for run in runs for p in run if p["step"] == step])
        ys = np.array([p["y"] for run in runs for p in run if p["step"] == step])
        n = len(ys)
        sem = float(stats.sem(ys)) if n > 1 else 0.0
        expected.append({"step": step, "x": float(xs.mean()), "y": float(ys.mean()), "n": n, "sem": sem,
                         "ci95": float(stats.t.ppf(0.975, n - 1) * sem) if n > 1 else 0.0})
    return {"runs": runs, "expected": expected}


def render() -> str:
    vectors = {
        "savgol": savgol_cases(),
        "emaDebiased": ema_cases(),
        "binomialStderr": binomial_cases(),
        "studentTQuantile": t_quantile_cases(),
        "samples": sample_cases(),
        "aggregateByStep": aggregate_case(),
    }
    return json.dumps(vectors, indent=1) + "\n"


def main() -> None:
    print_or_write(__doc__, VECTORS_FILE, render)


if __name__ == "__main__":
    main()
