"""The dashboard's statistics reference vectors (test/vectors/stats.json) are current."""

import stats_vectors


def test_stats_vectors_file_is_current():
    assert stats_vectors.VECTORS_FILE.read_text(encoding="utf-8") == stats_vectors.render(), "run: .venv/bin/python trainer/tests/stats_vectors.py --write"


def test_savgol_reference_keeps_a_cubic_exactly():
    # The scipy reference itself: an order-3 filter reproduces a cubic, edges included.
    import numpy as np
    from scipy import signal

    x = np.arange(30, dtype=float)
    cubic = 0.001 * x**3 - 0.02 * x**2 + x
    assert np.allclose(signal.savgol_filter(cubic, 11, 3), cubic)
