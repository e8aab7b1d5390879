"""No host-device sync inside the trainer's micro-batches (issue 18): bench/host_syncs.py tags
every tensor the trainer sends to the device and counts the host reads of what is computed from
them, by place and by whether they happen inside a micro-batch's forward and backward. A read
added inside the loops (a float(), .tolist() or bool() of a loss, a boolean index) fails here."""

import json
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import host_syncs  # noqa: E402


@pytest.fixture(autouse=True)
def _cache(ptlab_cache, monkeypatch):
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))


def places(counts: host_syncs.Counts, stage: str) -> dict[str, int]:
    """Reads at each function (path (function): count), lines left out."""
    found: dict[str, int] = {}
    for key, n in counts.reads.get(stage, {}).items():
        where = key.split(" @ ", 1)[1]
        function = where.split(":", 1)[0] + " " + where.rsplit(" ", 1)[1]
        found[function] = found.get(function, 0) + n
    return found


def test_the_counter_sees_a_read_inside_a_micro_batch():
    from accelerate import Accelerator

    from ptlab import parallel

    with host_syncs.watched() as counts:
        x = parallel.to_device({"x": torch.ones(3)}, "cpu")["x"]
        with parallel.micro_batch(Accelerator(cpu=True), torch.nn.Linear(1, 1), last=True):
            y = (x * 2).sum()
            float(y)
            _ = x[x > 0]
            _ = (x + 1).tolist()
        float(y)
    assert places(counts, "in micro-batches") == {"tests/test_bench_host_syncs.py (test_the_counter_sees_a_read_inside_a_micro_batch)": 3}
    assert sum(places(counts, "between micro-batches").values()) == 1
    assert counts.micro_batches == 1


def test_a_read_inside_a_micro_batch_is_a_gap_until_its_backward():
    from accelerate import Accelerator

    from ptlab import parallel

    acc, layer = Accelerator(cpu=True), torch.nn.Linear(1, 1)
    with host_syncs.watched() as counts:
        x = parallel.to_device({"x": torch.ones(1)}, "cpu")["x"]
        for read in (False, True):
            with parallel.micro_batch(acc, layer, last=True):
                loss = layer(x).sum()
                if read:
                    float(loss)  # the device idles from here until the backward is queued
                parallel.backward(acc, loss)
    assert len(counts.gaps) == 1 and counts.gaps[0] >= 0


def test_sft_reads_nothing_inside_its_micro_batches_and_once_per_step_with_its_next_batches_copied(tmp_path):
    data = host_syncs.config("sft", None, cuda=False)
    counts = host_syncs.run_job("sft", data, tmp_path)
    assert counts.micro_batches == 6  # 3 steps of 8 examples in micro-batches of 4
    assert places(counts, "in micro-batches") == {}
    # the step's loss and gradient norm in one read, with the next step's batches already copied
    assert places(counts, "between micro-batches") == {"ptlab/parallel.py (host_values)": 3}
    assert counts.copies_in_gaps == 0 and len(counts.gaps) == 2


@pytest.mark.parametrize("recipe", [{}, {"ratio": "token", "advantage": "group", "groupSize": 2, "oldLogProbs": "sampling"}], ids=["gae", "group-token"])
def test_ppo_reads_nothing_inside_its_micro_batches_and_once_per_optimizer_step(tmp_path, recipe):
    data = host_syncs.config("ppo", None, cuda=False)
    data["ppo"].update(recipe, updates=3)  # 48 turns: the 8 slots' first episodes (5 attempts at most) end, with their token records
    data.setdefault("logging", {})["tokenRecordRate"] = 1.0  # every turn's ratios recorded in the update's passes
    counts = host_syncs.run_job("ppo", data, tmp_path)
    assert counts.micro_batches == 12  # 3 updates of 16 transitions in micro-batches of 4
    # the passes' log-probs, losses and the clipped norm are checked at the step's end (a step with a non-finite one redone checked)
    assert places(counts, "in micro-batches") == {}
    between = places(counts, "between micro-batches")
    # one read per optimizer step (2 per update: _unchecked_step_end), and the update's sums (losses, clip fraction, KL...) in one
    assert between.pop("ptlab/parallel.py (host_values)") == 6 + 3
    assert set(between) <= {"ptlab/ppo.py (read_ratios)", "ptlab/ppo.py (score_rollout)", "ptlab/ppo.py (<genexpr>)", "ptlab/ppo.py (before_update)"}, between
    # the passes before the update are read once they are all queued: three reads per pass, not per transition
    assert between.get("ptlab/ppo.py (before_update)", 0) <= 3 * 12 and between.get("ptlab/ppo.py (score_rollout)", 0) <= 3 * 12, between
    tokens = [json.loads(line) for line in (tmp_path / "ppo" / "tokens.jsonl").read_text().splitlines()]
    assert tokens and all(len(t["ratio"]) == len(t["ids"]) for t in tokens)


@pytest.mark.parametrize("attention", ["sdpa", "varlen"])
def test_padding_free_rows_under_varlen_leave_transformers_no_positions_to_read(tmp_path, attention):
    """Rows laid end to end: under SDPA transformers reads the positions in every forward to
    find the packed sequences; under varlen the rows carry their segments and the decoder a
    stand-in mask (attention.attach), so transformers reads nothing; what is read is varlen's
    CPU path slicing the row at its segments' offsets (on CUDA in bf16 the kernel takes them
    on the device)."""
    data = host_syncs.config("sft", None, cuda=False)
    data["sft"]["paddingFree"] = True
    data["model"]["attention"] = attention
    inside = places(host_syncs.run_job("sft", data, tmp_path), "in micro-batches")
    if attention == "varlen":
        assert set(inside) == {"ptlab/attention.py (_per_segment)"}
    else:
        assert inside == {"transformers/masking_utils.py (find_packed_sequence_indices)": 6}


def test_host_values_reads_a_steps_device_scalars_in_one_transfer():
    import math

    from ptlab import parallel

    with host_syncs.watched() as counts:
        on = parallel.to_device({"loss": torch.tensor(1.5), "norm": torch.tensor(3.0, dtype=torch.float64)}, "cpu")
        values = parallel.host_values(on["loss"] * 2, None, 2, on["norm"])
    assert values[0] == 3.0 and math.isnan(values[1]) and values[2:] == [2.0, 3.0]
    assert places(counts, "between micro-batches") == {"ptlab/parallel.py (host_values)": 1}
