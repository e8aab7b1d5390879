"""The dashboard's statistics reference vectors (test/vectors/stats.json) are current."""

import json
import math

import stats_vectors


def same_values(a, b, path="") -> list[str]:
    """Where two JSON documents differ: numbers to 1e-12 relative (BLAS kernels differ in the
    last digits between CPUs and OPENBLAS_CORETYPE settings), everything else exactly."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in same_values(a[k], b[k], f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in same_values(x, y, f"{path}/{i}")]
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return [] if math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15) else [f"{path}: {a} != {b}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_stats_vectors_file_is_current():
    differences = same_values(json.loads(stats_vectors.VECTORS_FILE.read_text(encoding="utf-8")), json.loads(stats_vectors.render()))
    assert not differences, f"{differences[:5]}: run .venv/bin/python trainer/tests/stats_vectors.py --write"


def test_the_comparison_sees_a_real_change():
    current = json.loads(stats_vectors.render())
    assert same_values(current, current) == []
    key = next(iter(current))
    assert same_values(current, {**current, key: "changed"}) != []
    assert same_values({"x": 1.0}, {"x": 1.0 + 1e-9}) == ["/x: 1.0 != 1.000000001"]


def test_savgol_reference_keeps_a_cubic_exactly():
    # The scipy reference itself: an order-3 filter reproduces a cubic, edges included.
    import numpy as np
    from scipy import signal

    x = np.arange(30, dtype=float)
    cubic = 0.001 * x**3 - 0.02 * x**2 + x
    assert np.allclose(signal.savgol_filter(cubic, 11, 3), cubic)
