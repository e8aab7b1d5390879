"""Checkpoints resumed with the wrong launcher fail with what to do, not a bare FileNotFoundError."""

import pytest
import torch

from ptlab import checkpoints


def _optimizer() -> torch.optim.Optimizer:
    return torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))])


def test_a_deepspeed_checkpoint_resumed_without_deepspeed_names_its_launcher(tmp_path):
    (tmp_path / checkpoints.ENGINE_DIR).mkdir()  # what a DeepSpeed run leaves: the engine's shards, no optimizer.pt
    with pytest.raises(checkpoints.CheckpointError, match=r"has no optimizer\.pt: it holds a DeepSpeed run.*launcher\.distributed"):
        checkpoints.restore(tmp_path, _optimizer(), None)


def test_a_checkpoint_without_optimizer_state_says_so(tmp_path):
    with pytest.raises(checkpoints.CheckpointError, match=r"holds no optimizer state.*start a new run from it with init"):
        checkpoints.restore(tmp_path, _optimizer(), None)


def test_a_plain_checkpoint_resumed_under_deepspeed_names_its_launcher(tmp_path):
    with pytest.raises(checkpoints.CheckpointError, match=r"not saved by a DeepSpeed run"):
        checkpoints.restore_engine(tmp_path, engine=None)


def test_the_random_state_holds_the_gpu_s_once_the_job_uses_cuda(monkeypatch):
    """A resumed GPU run samples (generate) and drops out from the GPU's generator: the state
    keeps it beside the host's and Python's, and puts it back, on a job that uses CUDA; a job on
    the host neither reads nor writes one (a GPU checkpoint resumes there too)."""
    import random

    assert "cuda" not in checkpoints.rng_state() or torch.cuda.is_initialized()
    gpu = {"state": torch.arange(8, dtype=torch.uint8)}
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_rng_state", lambda *args: gpu["state"].clone())
    monkeypatch.setattr(torch.cuda, "set_rng_state", lambda state, *args: gpu.update(state=state.clone()))
    torch.manual_seed(5)
    random.seed(5)
    saved = checkpoints.rng_state()
    assert torch.equal(saved["cuda"], torch.arange(8, dtype=torch.uint8))
    drawn = (torch.rand(3), random.random())
    gpu["state"] = torch.zeros(8, dtype=torch.uint8)  # the generator moved on
    checkpoints.set_rng_state(saved)
    assert torch.equal(gpu["state"], saved["cuda"]) and (torch.rand(3).tolist(), random.random()) == (drawn[0].tolist(), drawn[1])
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: False)
    gpu["state"] = torch.zeros(8, dtype=torch.uint8)
    checkpoints.set_rng_state(saved)  # on the host: nothing to set
    assert "cuda" not in checkpoints.rng_state() and not gpu["state"].any()


def test_fp16_s_scaler_resumes_at_its_scale_and_every_tensor_loads_on_the_host(tmp_path, monkeypatch):
    """accelerate's GradScaler (fp16 under DDP or FSDP) is saved and restored: a resumed run goes
    on at the scale the run had found (not 2**16 again, skipping steps to find it); every
    tensor of a checkpoint loads on the host first (map_location), then goes to its parameter's
    device: saved from the main process's GPU, each process would otherwise load it all onto
    that GPU."""
    from types import SimpleNamespace

    run = SimpleNamespace(dir=tmp_path, checkpoint_saved=lambda *args: None)
    writes = SimpleNamespace(save_pretrained=lambda path, **kwargs: None)
    scheduler = torch.optim.lr_scheduler.LambdaLR(_optimizer(), lambda step: 1.0)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
    scaler.scale(torch.ones(()))  # its scale is made at first use
    scaler.update(new_scale=256.0)
    saved = checkpoints.save(run, "step-1", 1, writes, writes, _optimizer(), scheduler, {"compute": {}}, scaler=scaler)
    loads = []
    real_load = torch.load
    monkeypatch.setattr(torch, "load", lambda *args, **kwargs: loads.append(kwargs.get("map_location")) or real_load(*args, **kwargs))
    resumed = torch.amp.GradScaler("cpu", init_scale=1024.0)
    checkpoints.restore(saved, _optimizer(), scheduler, scaler=resumed)
    assert resumed.get_scale() == 256.0 and loads == ["cpu"] * 4  # optimizer, scheduler, scaler, rng
    (saved / "scaler.pt").unlink()  # a checkpoint of a run without one
    fresh = torch.amp.GradScaler("cpu", init_scale=1024.0)
    checkpoints.restore(saved, _optimizer(), scheduler, scaler=fresh)
    assert fresh.get_scale() == 1024.0


def _saved(tmp_path, name: str = "step-1"):
    from types import SimpleNamespace

    saved = []
    run = SimpleNamespace(dir=tmp_path, checkpoint_saved=lambda step, path: saved.append(path), manifest={"checkpoints": []})
    writes = SimpleNamespace(save_pretrained=lambda path, **kwargs: (path / "model.safetensors").write_bytes(b"weights"))
    scheduler = torch.optim.lr_scheduler.LambdaLR(_optimizer(), lambda step: 1.0)
    return run, lambda: checkpoints.save(run, name, 1, writes, writes, _optimizer(), scheduler, {"compute": {}})


def test_a_checkpoint_s_files_reach_the_disk_before_it_is_published(tmp_path, monkeypatch):
    """Every file and folder of a checkpoint is fsync'd before the rename that puts it in
    place, and the checkpoints folder after it, before run.json names it: a power loss would
    otherwise leave a named checkpoint whose weights were only in the page cache."""
    import os
    from pathlib import Path

    events = []
    real_fsync, real_rename = os.fsync, Path.rename
    monkeypatch.setattr(os, "fsync", lambda fd: events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"))) or real_fsync(fd))
    monkeypatch.setattr(Path, "rename", lambda self, target: events.append(("rename", str(self))) or real_rename(self, target))
    run, save = _saved(tmp_path)
    final = save()
    published = events.index(("rename", str(final.with_name(".step-1.tmp"))))
    synced = {path for kind, path in events[:published] if kind == "fsync"}
    files = {str(final.with_name(".step-1.tmp") / p.name) for p in final.iterdir()}
    assert files and files | {str(final.with_name(".step-1.tmp"))} <= synced
    assert ("fsync", str(final.parent)) in events[published:]


def test_a_crash_between_the_renames_of_a_replaced_checkpoint_resumes_from_it(tmp_path):
    """Re-saving a checkpoint name (a resumed finished run saves `final` again) moves the old
    folder aside first: a crash before the new one is in left only .final.old, and the run's
    latest checkpoint named nothing. It is put back."""
    run, save = _saved(tmp_path, "final")
    final = save()
    run.manifest["checkpoints"] = [{"step": 1, "path": "checkpoints/final"}]
    final.rename(final.with_name(".final.old"))  # replace_dir's first rename, then the crash
    assert checkpoints.latest(run) == final and (final / "model.safetensors").read_bytes() == b"weights"
    assert not final.with_name(".final.old").exists()


def test_fsdp_and_deepspeed_checkpoints_save_no_optimizer_pt_and_resuming_one_says_why(tmp_path):
    """Under FSDP each process holds a shard of the optimizer state: the main process's alone,
    saved, would resume every process on its shard. A checkpoint holds none (DeepSpeed's engine
    saves its own); resuming it says so and what to do."""
    from types import SimpleNamespace

    from ptlab import parallel

    optimizer = _optimizer()
    assert [parallel.saved_optimizer(SimpleNamespace(distributed_type=kind), optimizer) for kind in ("NO", "MULTI_GPU", "FSDP", "DEEPSPEED")] == [optimizer, optimizer, None, None]
    with pytest.raises(checkpoints.CheckpointError, match=r"no optimizer state \(an FSDP run saves none: each process holds a shard of it\).*start a new run from it with init"):
        checkpoints.restore(tmp_path, optimizer, None)


def test_stale_staged_checkpoints_are_removed_and_nothing_else(tmp_path):
    """A save cut short (a kill, or a cancel's save at an irregular step: .step-000009.tmp)
    leaves a checkpoint-sized staged folder that no later save of that name comes to replace.
    remove_staged takes save's and save_engine's staged folders; published checkpoints, a
    .NAME.old that recovered may still put back, and files stay."""
    folder = tmp_path / "checkpoints"
    for name in ("step-000004", ".step-000009.tmp", f".step-000009.{checkpoints.ENGINE_DIR}.tmp", ".final.old"):
        (folder / name).mkdir(parents=True)
        (folder / name / "model.safetensors").write_bytes(b"weights")
    (folder / ".notes.tmp").write_text("not a folder of ours")
    checkpoints.remove_staged(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [".final.old", ".notes.tmp", "step-000004"]
    checkpoints.remove_staged(tmp_path / "no-checkpoints-yet")


class _Payload:
    """A pickle that runs code as it loads: what a crafted file in a shared run folder holds."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (_touch, (str(self.marker),))


def _touch(path: str) -> None:
    open(path, "w").close()


@pytest.mark.parametrize("file", ["optimizer.pt", "scheduler.pt", "scaler.pt", "rng.pt"])
def test_a_checkpoint_file_holding_code_is_refused_not_run(tmp_path, file):
    """--resume reads the checkpoint files of a run folder that may be shared or copied: one
    holding anything but tensors and plain values (a pickle that runs code) is refused with
    its name, and nothing of it runs; what save writes loads as before (the tests above)."""
    run, save = _saved(tmp_path)
    saved = save()
    marker = tmp_path / "ran"
    torch.save({"processes": [_Payload(marker)]}, saved / file)
    scaler = torch.amp.GradScaler("cpu")
    scheduler = torch.optim.lr_scheduler.LambdaLR(_optimizer(), lambda step: 1.0)
    with pytest.raises(checkpoints.CheckpointError, match=rf"{file}: .*not a checkpoint file ptlab saved"):
        checkpoints.restore(saved, _optimizer(), scheduler, scaler=scaler)
    if file == "rng.pt":
        with pytest.raises(checkpoints.CheckpointError, match=r"rng\.pt: .*not a checkpoint file ptlab saved"):
            checkpoints.saved_processes(saved)
    assert not marker.exists()


@pytest.mark.parametrize("path", ["/tmp/elsewhere", "../other-run/checkpoints/final", "checkpoints/../../other-run/final", "link/final"])
def test_a_checkpoint_path_outside_the_run_folder_is_refused(tmp_path, path):
    """run.json's checkpoints[].path is the folder --resume loads: one naming a folder outside
    the run's (absolute, '..', or a link out of it) is refused, naming run.json and the field."""
    from types import SimpleNamespace

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "link").symlink_to(tmp_path)
    run = SimpleNamespace(dir=run_dir, manifest={"checkpoints": [{"step": 1, "path": "checkpoints/step-1"}, {"step": 2, "path": path}]})
    with pytest.raises(checkpoints.CheckpointError, match=r"run\.json.*checkpoints\[1\]\.path.*outside the run folder"):
        checkpoints.latest(run)
    run.manifest["checkpoints"][1]["path"] = "checkpoints/step-2"
    assert checkpoints.latest(run) == run_dir / "checkpoints" / "step-2"


def test_resume_takes_the_highest_step_s_checkpoint_and_of_one_step_the_last_saved(tmp_path):
    """A run cancelled at its last step saves step-N, and resumed it finishes and saves final
    at the same step: a resume after that takes final (whose evaluation it redoes), the last
    saved of that step; otherwise the highest step, wherever run.json lists it."""
    from types import SimpleNamespace

    run = SimpleNamespace(dir=tmp_path, manifest={"checkpoints": [{"step": 5, "path": "checkpoints/step-000005"}, {"step": 10, "path": "checkpoints/step-000010"}, {"step": 10, "path": "checkpoints/final"}]})
    assert checkpoints.latest(run) == tmp_path / "checkpoints" / "final"
    run.manifest["checkpoints"] = [{"step": 8, "path": "checkpoints/step-000008"}, {"step": 4, "path": "checkpoints/step-000004"}]
    assert checkpoints.latest(run) == tmp_path / "checkpoints" / "step-000008"
    assert checkpoints.latest(SimpleNamespace(dir=tmp_path, manifest={"checkpoints": []})) is None


def test_run_json_names_a_re_saved_checkpoint_once_at_its_new_step(tmp_path):
    from ptlab.runlog import RunLog

    with RunLog(tmp_path / "run", experiment="x", job="sft", config={}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}) as run:
        for step, name in ((4, "step-000004"), (10, "final"), (10, "final")):
            (run.dir / "checkpoints" / name).mkdir(parents=True, exist_ok=True)
            run.checkpoint_saved(step, run.dir / "checkpoints" / name)
        assert [(c["step"], c["path"]) for c in run.manifest["checkpoints"]] == [(4, "checkpoints/step-000004"), (10, "checkpoints/final")]


def test_each_process_resumes_its_own_random_state_and_another_number_of_processes_is_refused(tmp_path):
    """save's rng_states, one per process, come back each to its process; a checkpoint saved
    by one process holds its own alone; resuming under another number of processes than saved
    (more or fewer) is refused."""
    import random
    from types import SimpleNamespace

    run = SimpleNamespace(dir=tmp_path, checkpoint_saved=lambda *args: None)
    writes = SimpleNamespace(save_pretrained=lambda path, **kwargs: None)
    scheduler = torch.optim.lr_scheduler.LambdaLR(_optimizer(), lambda step: 1.0)
    states = []
    for seed in (1, 2):
        torch.manual_seed(seed)
        random.seed(seed)
        states.append(checkpoints.rng_state())
    two = checkpoints.save(run, "two", 1, writes, writes, _optimizer(), scheduler, {"compute": {}}, rng_states=states)
    one = checkpoints.save(run, "one", 1, writes, writes, _optimizer(), scheduler, {"compute": {}})
    assert (checkpoints.saved_processes(two), checkpoints.saved_processes(one)) == (2, 1)
    for process, seed in ((0, 1), (1, 2)):
        checkpoints.restore(two, _optimizer(), scheduler, process=process)
        drawn = (torch.rand(2).tolist(), random.random())
        torch.manual_seed(seed)
        random.seed(seed)
        assert drawn == (torch.rand(2).tolist(), random.random())
    checkpoints.refuse_other_processes(two, 2, "why", "otherwise")
    checkpoints.refuse_other_processes(one, 1, "why", "otherwise")
    for checkpoint, processes in ((two, 1), (two, 3), (one, 2)):
        with pytest.raises(checkpoints.CheckpointError, match=rf"saved by \d process(es)?, resumed by {processes}"):
            checkpoints.refuse_other_processes(checkpoint, processes, "why", "otherwise")
