"""The run folder's only writer: manifest, metrics and episode records, checkpoints list.

A run folder holds `run.json` (schemas/run-manifest.schema.json), replaced atomically on
every change and refreshed by a heartbeat thread while the process lives; append-only
`metrics.jsonl` and `episodes.jsonl` (one validated record per line, flushed per record);
and whatever the job writes under it. SIGTERM, SIGHUP (VS Code ends a task by closing
its terminal) or SIGINT (Ctrl+C) asks the job to stop: `cancel_requested` turns true, the job
checkpoints and ends, says so (`finish("cancelled")`), and the manifest says `cancelled`. A job
that returns without saying so ran to its end (a cancel heard during its final checkpoint or
evaluation, which run to their end, included): `finished`. Ctrl+C again aborts at once, with no
checkpoint (KeyboardInterrupt; the run ends `cancelled`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import time
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

from ptlab import token_records, trackers
from ptlab.contracts import check, ecma_regex, load_json_file, schema

HEARTBEAT_SECONDS = 10.0
# A running run whose heartbeat is older than this has lost its process; the extension's
# DEFAULT_STALE_SECONDS (src/core/runs/runFolder.ts) is the same.
STALE_SECONDS = 60.0
# progress reaches run.json at most this often, written by the heartbeat's thread: a GPU step of
# 0.1 s should not wait for a schema-checked, fsync'd manifest (what the step is at is always in
# memory; every other write, the heartbeat's and the end's included, carries it)
PROGRESS_SECONDS = 0.5
CANCEL_SIGNALS = tuple(s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None), signal.SIGINT) if s is not None)
# A second SIGINT aborts only this long after the first: torch's elastic agent passes the
# terminal's Ctrl+C on to its workers, which the terminal has already sent it to, so a worker
# hears one Ctrl+C twice within milliseconds
REPEATED_INTERRUPT_SECONDS = 1.0
PACKAGES = ("ptlab", "torch", "transformers", "tokenizers", "peft", "accelerate", "safetensors", "onnx", "onnxruntime", "numpy")


@contextlib.contextmanager
def signals_raise(make: Callable[[int], BaseException]) -> Iterator[Callable[[], None]]:
    """While open, SIGTERM and SIGHUP raise make(signum), as Ctrl+C raises KeyboardInterrupt:
    their default ends the process at once, past its `except` and `finally` clauses (a child
    left running, a staging folder left behind). Python runs handlers in the main thread only.
    Yields `end`, which ends the cancel window before the block does (once what make's
    exception would say is no longer so): the signals are then ignored until the block ends,
    a cancel come too late to undo anything (the work is done but for its tidying up)."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return

    def stop(signum: int, frame: Any) -> None:
        raise make(signum)

    previous = {signum: signal.signal(signum, stop) for signum in _RAISED_SIGNALS}

    def ignore() -> None:
        for signum in previous:
            signal.signal(signum, signal.SIG_IGN)

    def end() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    try:
        yield ignore
    finally:
        end()


_RAISED_SIGNALS = tuple(signum for signum in CANCEL_SIGNALS if signum != signal.SIGINT)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGHUP wait until the block ends, then reach the handlers of that time."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, _RAISED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _RAISED_SIGNALS)


def now(at: float | None = None) -> str:
    """UTC ISO time of `at` (time.time()), or of now."""
    when = dt.datetime.now(dt.timezone.utc) if at is None else dt.datetime.fromtimestamp(at, dt.timezone.utc)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


_moved_at = time.time()  # time.time() of the job's last move (moved())
_busy = 0  # how many busy() sections run now


def moved() -> None:
    """The job moved on: a generate call returned, a scoring or training micro-batch ran, a
    record was written. run.json's activeAt says when (the heartbeat's thread writes it), so a
    job whose thread waits on a collective shows as alive but not moving. Process-wide: the
    loops that move have no run log at hand."""
    global _moved_at
    _moved_at = time.time()


@contextlib.contextmanager
def busy() -> Iterator[None]:
    """A long call that moves on its own (a model's first download can take an hour): the job
    counts as moving while it runs, and moved when it ends. Also a decorator."""
    global _busy
    _busy += 1
    try:
        yield
    finally:
        _busy -= 1
        moved()


def active_at() -> str:
    """run.json's activeAt: now inside busy(), else the last move."""
    return now() if _busy else now(_moved_at)


def _process_umask() -> int:
    mask = os.umask(0)  # the only way to read it; set back at once, before any thread starts
    os.umask(mask)
    return mask


# What open() gives a new file: mkstemp makes its temp 0600 and the rename keeps that, so
# run.json and a resumed run's records were private to their writer in a shared run folder.
NEW_FILE_MODE = 0o666 & ~_process_umask()


def _synced_temp(path: Path, data: str | bytes, durable: bool = True) -> Path:
    """`data` in a temp file beside `path`, on the disk (`durable`; else in the page cache): what
    a rename or link then publishes. Its mode is a plain open()'s."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") if isinstance(data, bytes) else os.fdopen(fd, "w", encoding="utf-8") as f:
            os.chmod(tmp, NEW_FILE_MODE)
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temp file in the same folder, fsync, then rename over the target."""
    _replace(path, text)


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """atomic_write_text's, for bytes (an image). `durable` False: no fsync, whole or absent
    after a crash of the process but not of the machine (a data job's thousands of images:
    6 ms each on a disk against 0.1 ms; the file that names them is synced)."""
    _replace(path, data, durable)


def _replace(path: Path, data: str | bytes, durable: bool = True) -> None:
    """The temp has a name of its own (two writers never share one) and goes on any error."""
    tmp = _synced_temp(path, data, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def jsonl_lines(path: Path) -> list[str]:
    """A JSON Lines file's lines, split at "\n" only: str.splitlines also splits at U+2028,
    U+2029, U+0085 and other characters that json.dumps(ensure_ascii=False) leaves in a
    record's strings (a model's output), which would cut the record in two."""
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def create_text(path: Path, text: str) -> bool:
    """Write `path` whole unless it exists: False, and nothing written, when it does. Written
    to a temp file, then linked in under its name: a link never replaces a file, so of two
    writers one wins, and nobody reads a partial file. Where the file system has no hard
    links, an exclusive create claims the name and the text replaces it."""
    tmp = _synced_temp(path, text)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here (FAT, some network file systems)
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return False
            os.replace(tmp, path)
        _fsync_dir(path.parent)
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)


def replace_dir(staging: Path, target: Path, placed: Callable[[], None] | None = None) -> None:
    """Put a finished folder in place of `target`: its files reach the disk first (a power
    loss must not leave a published checkpoint's weights in the page cache only, with run.json
    naming it); the old one moves aside and goes only after the new one is in, so a crash
    leaves one whole folder, maybe under .old, which `recovered` puts back. `placed` runs
    once the new folder is in, SIGTERM and SIGHUP held from the rename until it returns
    (signals_raise's `end`, say: a cancel after that point is no cancel of the replacement)."""
    old = target.with_name(f".{target.name}.old")
    _synced(staging)
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    with _signals_held() if placed else contextlib.nullcontext():
        staging.rename(target)
        if placed:
            placed()
    _fsync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)


def readable_by_all(folder: Path) -> None:
    """A folder made to be read (a published base, a model folder) as anyone may read it:
    mkdtemp makes it 0700 and safetensors writes its weights 0600, which would make it private."""
    folder.chmod(0o755)
    for file in folder.iterdir():
        if file.is_file():
            file.chmod(0o644)


def recovered(target: Path) -> Path:
    """`target`, put back from the .old folder replace_dir moved it to when a crash came
    between its two renames (every process of a job may ask: one renames)."""
    old = target.with_name(f".{target.name}.old")
    if not target.exists() and old.exists():
        try:
            old.rename(target)
        except OSError:
            if not target.exists():
                raise
    return target


def _synced(folder: Path) -> None:
    readable = os.O_RDWR if os.name == "nt" else os.O_RDONLY  # Windows flushes (FlushFileBuffers) only what it may write
    for directory, _, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(directory, name), readable)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(directory))


def _fsync_dir(folder: Path) -> None:
    """A folder's entries on disk (POSIX; Windows cannot open a folder to sync it)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def git_state(folder: Path) -> dict[str, Any] | None:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=10, check=True).stdout

    try:
        commit = git("rev-parse", "HEAD").strip()
        dirty = bool(git("status", "--porcelain", "--untracked-files=no").strip())
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": dirty} if len(commit) == 40 else None


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def host_info() -> dict[str, Any]:
    info: dict[str, Any] = {"hostname": socket.gethostname(), "platform": platform.platform(), "python": platform.python_version(), "cpuCount": os.cpu_count() or 1, "pid": os.getpid()}
    if os.environ.get("SLURM_JOB_ID"):
        info["slurmJobId"] = os.environ["SLURM_JOB_ID"]
    return info


def gpu_info() -> list[dict[str, Any]]:
    if "torch" not in sys.modules:
        return []
    import torch

    if not torch.cuda.is_available():
        return []
    return [{"index": i, "name": torch.cuda.get_device_name(i), "memoryMiB": torch.cuda.get_device_properties(i).total_memory // 2**20} for i in range(torch.cuda.device_count())]


def this_process(command: list[str], config_path: Path | None) -> dict[str, Any]:
    """run.json's account of the process that runs the job: its command and config file, where
    and what code it runs, and on which machine. A resume writes its own: the manifest
    describes the process of its latest segment."""
    return {"command": command, "configPath": str(config_path) if config_path else "", "cwd": os.getcwd(), "git": git_state(Path(__file__).resolve().parent), "packages": package_versions(), "host": host_info(), "gpus": gpu_info()}


class RunFolderError(RuntimeError):
    """The run folder cannot be used as asked; the message says what to do."""


_UNSET = object()


def _as_current(stored: dict[str, Any], current: Callable[[dict[str, Any]], dict[str, Any]] | None) -> Any:
    """A run's config snapshot as this trainer fills it in: a field added since an older trainer
    wrote it is no change; one it cannot read is compared as it is."""
    if current is None:
        return stored
    try:
        return json.loads(json.dumps(current(stored)))
    except (KeyError, TypeError, ValueError):
        return stored


def config_changes(before: Any, after: Any, path: str = "") -> list[tuple[str, str, str]]:
    """Where two experiment configs (JSON values) differ: (dotted path, old, new), in order."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [change for key in sorted(before.keys() | after.keys()) for change in config_changes(before.get(key, _UNSET), after.get(key, _UNSET), f"{path}.{key}" if path else key)]
    if before == after:
        return []
    shown = ["(unset)" if value is _UNSET else json.dumps(value) for value in (before, after)]
    return [(path or "(the config)", shown[0], shown[1])]


# What the learning-rate schedules (sft.lr_schedule, ppo.lr_schedule) mean, recorded as a training
# run's scheduleVersion: a resume under other semantics would bend its curve at the checkpoint.
# Bump it, with what changed and which runs it changes, whenever a config's schedule comes out different.
SCHEDULE_VERSION = 2
SCHEDULED_JOBS = ("sft", "ppo")


def _changed_by_version_2(manifest: dict[str, Any]) -> bool | None:
    """Whether version 2 gives the run other rates than version 1 (None: cannot tell). Version 1
    warmed SFT up for round(warmupRatio x steps) steps, and held PPO's cosine at its floor past
    lrCosineUpdates; a run whose warmup rounds alike, or whose cosine spans all its updates, kept
    its rates."""
    from ptlab.config import Ppo, Sft

    config = manifest.get("config") or {}
    if manifest["job"] == "ppo":
        ppo = config.get("ppo") or {}
        period, updates = ppo.get("lrCosineUpdates"), ppo.get("updates", Ppo.updates)
        return period is not None and period < updates
    total = (manifest.get("progress") or {}).get("totalSteps")
    if total is None:
        return None
    ratio = (config.get("sft") or {}).get("warmupRatio", Sft.warmupRatio)
    return round(ratio * total) != math.ceil(total * ratio)


SCHEDULE_CHANGES: dict[int, tuple[str, Callable[[dict[str, Any]], bool | None]]] = {
    2: (
        "SFT warms up for ceil(steps x warmupRatio) steps (was round) and PPO's cosine rises again past ppo.lrCosineUpdates (was held at finalLearningRate)",
        _changed_by_version_2,
    ),
}


def check_schedule_version(manifest_path: Path, manifest: dict[str, Any]) -> None:
    """RunFolderError for a training run begun under older learning-rate schedules (its
    scheduleVersion older, or absent: version 1) whose rates a resume would change (or where
    that cannot be told); a run the changes leave alone resumes, as this version's from then on."""
    recorded = manifest.get("scheduleVersion")
    if manifest["job"] not in SCHEDULED_JOBS or (recorded or 1) >= SCHEDULE_VERSION:
        return
    later = [(text, changes(manifest)) for version, (text, changes) in sorted(SCHEDULE_CHANGES.items()) if version > (recorded or 1)]
    if all(changed is False for _, changed in later):
        manifest["scheduleVersion"] = SCHEDULE_VERSION
        return
    consequence = "resumed, the run would follow the new schedule from its checkpoint on" if any(changed for _, changed in later) else "run.json does not tell whether this run's rates change (no progress.totalSteps)"
    raise RunFolderError(
        f"{manifest_path}: scheduleVersion {'absent' if recorded is None else f'is {recorded}'} (the learning-rate schedules the run began under), "
        f"this trainer's are version {SCHEDULE_VERSION}: {'; '.join(text for text, _ in later)}; {consequence}. "
        "Finish it with the trainer it began with (run.json's git), or start a new run in another --run-dir (with sft.init or ppo.init its last checkpoint, to go on from its weights)"
    )


def _existing_run(run_dir: Path) -> RunFolderError:
    return RunFolderError(f"{run_dir}: a run already lives here; pass --resume to continue it, or choose another --run-dir")


def check_new_run_folder(run_dir: Path) -> None:
    """Raises RunFolderError when a new run cannot go in `run_dir`: its name cannot be the run's
    id (run.json's runId is the folder's name), or a run already lives there (it goes elsewhere).
    Before the folder is made, by every job's RunLog and by `ptlab launch`."""
    if not ecma_regex(schema("run-manifest.schema.json")["properties"]["runId"]["pattern"]).search(run_dir.name):
        raise RunFolderError(
            f"{run_dir}: the folder name {run_dir.name!r} cannot be the run's id; "
            "rename the run folder (letters, digits, . _ -, the first a letter or digit; up to 128)"
        )
    if run_dir.exists() and not run_dir.is_dir():
        raise RunFolderError(f"{run_dir}: a file, not a folder; choose another --run-dir")
    if (run_dir / "run.json").exists():
        raise _existing_run(run_dir)


def unwritable(path: Path, exc: OSError, what: str) -> RunFolderError:
    """A run folder's file or the folder itself that cannot be written (read-only, no permission)."""
    return RunFolderError(f"{path}: {what} ({exc.strerror or exc}); choose a --run-dir you can write to")


def _ended_here(host: dict[str, Any]) -> bool:
    """Whether run.json's process ran on this machine and has ended (a zombie has). False where
    this machine cannot tell: another host, no pid, or Windows (whose os.kill would end it)."""
    pid = host.get("pid")
    if os.name == "nt" or not isinstance(pid, int) or host.get("hostname") != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # another user's
    with contextlib.suppress(OSError, IndexError):
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    return False


def live_process(manifest: dict[str, Any]) -> str | None:
    """Where a manifest's job still runs ("pid P on HOST, heartbeat N s ago"), or None: not
    running, its process ended on this machine (what a SIGKILL leaves: a heartbeat seconds
    old), or its heartbeat STALE_SECONDS old (a crash elsewhere; here, a stopped process or
    its pid reused)."""
    if manifest.get("status") != "running":
        return None
    host = manifest.get("host") or {}
    try:
        age = time.time() - dt.datetime.fromisoformat(manifest["heartbeatAt"].replace("Z", "+00:00")).timestamp()
    except (KeyError, ValueError, AttributeError):
        return None
    if age > STALE_SECONDS or _ended_here(host):
        return None
    process = " ".join(part for part in (f"pid {host['pid']}" if "pid" in host else "", f"on {host['hostname']}" if "hostname" in host else "") if part)
    slurm = f"Slurm job {host['slurmJobId']}" if "slurmJobId" in host else ""
    return ", ".join(part for part in (process, slurm, f"heartbeat {max(0.0, age):.0f} s ago") if part)


def resumable_manifest(run_dir: Path, job: str, config: dict[str, Any], config_path: Path | None, current: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The manifest of the run `--resume` continues in `run_dir`; RunFolderError when there is
    none, its job still runs (live_process), it is another job's, or `config` (filled in by `current` as RunLog's) differs from its own."""
    manifest_path = run_dir / "run.json"
    if not manifest_path.exists():
        raise RunFolderError(f"{manifest_path}: nothing to resume (no run.json); start the run without --resume")
    manifest = load_json_file(manifest_path, "run-manifest.schema.json")
    if live := live_process(manifest):
        raise RunFolderError(
            f"{manifest_path}: this run is still running ({live}); a second job would write the same folder. "
            f"Cancel it first, or, if its process is gone without a word (a crash on another machine), resume once its heartbeat is {STALE_SECONDS:.0f} s old"
        )
    if manifest["job"] != job:
        raise RunFolderError(f"{manifest_path}: this run is a {manifest['job']} job, not {job}")
    check_schedule_version(manifest_path, manifest)
    if changed := config_differences(manifest, config, current, config_path):
        raise RunFolderError(
            f"{manifest_path}: --resume continues the run with its own experiment config, and {config_path or 'this config'} differs from it at {changed}; "
            "resume with the run's config (run.json's `config`) or start a new run in another --run-dir"
        )
    return manifest


def config_differences(manifest: dict[str, Any], config: dict[str, Any], current: Callable[[dict[str, Any]], dict[str, Any]] | None = None, config_path: Path | None = None) -> str:
    """Where `config` differs from the run's own (`manifest`'s, filled in by `current` as
    RunLog's): "N field(s) (path: old -> new; ...)", or "" where it does not. A field that
    `config_path`'s file leaves out says so: its value is a default, changed since the run began."""
    changed = config_changes(_as_current(manifest["config"], current), json.loads(json.dumps(config)))  # as run.json holds it (lists, not tuples)
    if not changed:
        return ""
    written = _written_config(config_path)
    shown = "; ".join(f"{path}: {before} -> {after}{_unwritten_note(written, config_path, path, before, after)}" for path, before, after in changed[:8]) + ("; ..." if len(changed) > 8 else "")
    return f"{len(changed)} field(s) ({shown})"


def _written_config(config_path: Path | None) -> dict[str, Any] | None:
    """The config file as its author wrote it (no defaults filled in); None where unreadable."""
    if config_path is None:
        return None
    with contextlib.suppress(OSError, ValueError):
        written = json.loads(Path(config_path).read_text(encoding="utf-8-sig"))
        return written if isinstance(written, dict) else None
    return None


def _unwritten_note(written: dict[str, Any] | None, config_path: Path | None, path: str, before: str, after: str) -> str:
    """" (not set in FILE: ...)" where the changed field at `path` is absent from the written config."""
    if written is None or config_path is None or before == "(unset)":
        return ""
    value: Any = written
    for key in path.split("."):
        if not isinstance(value, dict):
            return ""
        if key not in value:
            default = f": its default is now {after}" if after != "(unset)" else ""
            return f" (not set in {Path(config_path).name}{default}; set it to the run's value {before} to resume)"
        value = value[key]
    return ""


class RunLog:
    """The writer (the main process of a distributed job); `RunLogFollower` for the others."""

    _written_at = float("-inf")  # time.monotonic() of the last manifest write
    _resume: trackers.Resume | None = None  # where a resumed segment's records start (truncate_records_after)

    def __init__(self, run_dir: Path, *, experiment: str, job: str, config: dict[str, Any], config_path: Path | None, command: list[str], seeds: dict[str, int], resume: bool = False, current: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> None:
        """`current`: a config snapshot as this trainer fills it in (fields added since with their
        defaults), what a resume compares with `config` (the job's, filled in alike)."""
        self.dir = Path(run_dir)
        self.manifest_path = self.dir / "run.json"
        self.cancel_requested = False
        self._lock = threading.Lock()  # the manifest, while a write takes its snapshot
        self._writing = threading.Lock()
        self._stop = threading.Event()
        self._due = threading.Event()  # wakes the heartbeat's thread to write now
        reported = config.get("logging", {}).get("reportTo", [])
        trackers.check_available(reported, str(config_path or self.manifest_path))  # before the folder is made
        if resume:
            self.manifest = resumable_manifest(self.dir, job, config, config_path, current)
            step = self.manifest.get("progress", {}).get("step", 0)
            segments = self.manifest.get("segments", [])
            if segments and "endedAt" not in segments[-1]:  # the last process died without a word
                segments[-1].update(endedAt=self.manifest["heartbeatAt"], endStatus="crashed")
            self.manifest["segments"] = [*segments, {"index": len(segments), "startedAt": now(), "startStep": step}]
            self.manifest.update(status="running", **this_process(command, config_path))
            self.manifest.pop("endedAt", None)
            self.manifest.pop("error", None)
        else:
            check_new_run_folder(self.dir)  # before the git and package look-ups; the manifest's first write claims the folder
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # read-only, no permission, a file on the way
                raise unwritable(self.dir, exc, "cannot make the run folder") from exc
            text = json.dumps(config, sort_keys=True)
            started = now()
            self.manifest = {
                "schemaVersion": 1,
                "runId": self.dir.name,
                "experiment": experiment,
                "job": job,
                "status": "running",
                "createdAt": started,
                "updatedAt": started,
                "heartbeatAt": started,
                "config": config,
                "configSha256": hashlib.sha256(text.encode()).hexdigest(),
                **({"scheduleVersion": SCHEDULE_VERSION} if job in SCHEDULED_JOBS else {}),
                **this_process(command, config_path),
                "seeds": seeds,
                "progress": {"step": 0},
                "checkpoints": [],
                "segments": [{"index": 0, "startedAt": started, "startStep": 0}],
                "files": {"metrics": "metrics.jsonl", "episodes": "episodes.jsonl", "log": "train.log"},
            }
        moved()  # the job starts: an earlier job of this process moved before it
        self._trackers = trackers.Trackers(reported, self.dir, self.manifest)
        try:
            self._write_manifest(create=not resume)
        except OSError as exc:
            raise unwritable(self.manifest_path, exc, "cannot write") from exc
        self._hear_cancel_signals()
        self._heartbeat = threading.Thread(target=self._beat, name="ptlab-heartbeat", daemon=True)
        self._heartbeat.start()

    # ------------------------------------------------------------------ manifest

    def _write_manifest(self, create: bool = False) -> None:
        """`create`: a new run's first write, which claims the folder: refused when another
        job's run.json got there first (two launches into one --run-dir at once)."""
        with self._writing:  # one write at a time: a snapshot is never replaced by an older one
            with self._lock:  # the snapshot: progress may change it from the training thread meanwhile
                self.manifest["updatedAt"] = self.manifest["heartbeatAt"] = now()
                self.manifest["activeAt"] = active_at()
                snapshot = json.dumps(self.manifest, indent=2, allow_nan=False) + "\n"
                self._written_at = time.monotonic()
            check("run-manifest.schema.json", json.loads(snapshot), str(self.manifest_path))
            if not create:
                atomic_write_text(self.manifest_path, snapshot)
            elif not create_text(self.manifest_path, snapshot):
                raise _existing_run(self.dir)

    def _beat(self) -> None:
        """The heartbeat, and progress when due: the training thread only asks (self._due)."""
        while True:
            self._due.wait(HEARTBEAT_SECONDS)
            if self._stop.is_set():
                return
            self._due.clear()
            try:
                self._write_manifest()
            except OSError:
                pass  # a full disk must not kill training; the next beat tries again

    def _hear_cancel_signals(self) -> None:
        """CANCEL_SIGNALS set cancel_requested while the run is open (finish puts the previous
        handlers back). A SIGINT the process was started ignoring (a shell's background job)
        stays ignored."""
        self._previous_handlers: dict[int, Any] = {}
        self._interrupted_at: float | None = None
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in CANCEL_SIGNALS:
            if signum == signal.SIGINT and signal.getsignal(signum) == signal.SIG_IGN:
                continue
            self._previous_handlers[signum] = signal.signal(signum, self._on_cancel_signal)

    def _on_cancel_signal(self, signum: int, frame: Any) -> None:
        if signum == signal.SIGINT:
            if self._interrupted_at is not None and time.monotonic() - self._interrupted_at >= REPEATED_INTERRUPT_SECONDS:
                raise KeyboardInterrupt
            self._interrupted_at = self._interrupted_at or time.monotonic()
        self.cancel_requested = True
        if signum == getattr(signal, "SIGHUP", None):
            # The terminal is gone: later prints would fail with EIO, so they go nowhere.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.close(devnull)

    def update(self, **fields: Any) -> None:
        """Set manifest fields (parameters, init, ...) and write."""
        with self._lock:
            self.manifest.update(fields)
        self._write_manifest()

    def progress(self, step: int, total: int | None = None) -> None:
        """The step the job is at: in run.json within PROGRESS_SECONDS (written by the heartbeat's
        thread while training goes on), at once at the last step."""
        moved()
        with self._lock:
            self.manifest["progress"] = {"step": step, **({"totalSteps": total} if total is not None else {})}
        if step == total:
            self._write_manifest()
        elif time.monotonic() - self._written_at >= PROGRESS_SECONDS:
            self._due.set()

    def checkpoint_saved(self, step: int, path: Path) -> None:
        relative = str(Path(path).resolve().relative_to(self.dir.resolve()))
        with self._lock:
            checkpoints = [c for c in self.manifest["checkpoints"] if c["path"] != relative]
            self.manifest["checkpoints"] = [*checkpoints, {"step": step, "path": relative, "createdAt": now()}]
        self._write_manifest()

    # ------------------------------------------------------------------ records

    def _append(self, name: str, schema: str, record: dict[str, Any]) -> None:
        check(schema, record, f"{self.dir / name} record")
        moved()
        line = json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n"
        with open(self.dir / name, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()

    def truncate_records_after(self, step: int, evaluations_at_step: bool = True, splits: tuple[str, ...] = ()) -> None:
        """On resume: restart this segment at the checkpoint's step, and keep only the records
        up to it (torn lines go too). `evaluations_at_step=False` also drops the evaluation
        records of that step (metrics of kind "eval", episodes of other splits than "train"):
        the final checkpoint's evaluation, which resuming from it redoes. So does an evaluation
        of that step without an eval record of each of `splits` (a job killed between two
        splits): kept, has_evaluation would skip the splits it lacks."""
        with self._lock:
            self.manifest["segments"][-1]["startStep"] = step
        self.progress(step, self.manifest.get("progress", {}).get("totalSteps"))
        evaluated = self._evaluated_splits(step)
        episodes_written = any(r.get("split", "train") != "train" for r in self._records_at("episodes.jsonl", step))
        if (evaluated or episodes_written) and not evaluated >= set(splits):
            evaluations_at_step = False
        kept_at_step: list[dict[str, Any]] = []
        for name in ("metrics.jsonl", "episodes.jsonl", token_records.FILE):
            path = self.dir / name
            if not path.exists():
                continue
            kept = []
            for line in jsonl_lines(path):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if not (isinstance(record, dict) and isinstance(record.get("step"), int)) or record["step"] > step:
                    continue
                if record["step"] == step and not evaluations_at_step and (record.get("kind") == "eval" or record.get("split", "train") != "train"):
                    continue
                kept.append(line + "\n")
                if name == "metrics.jsonl" and record["step"] == step:
                    kept_at_step.append(record)
            atomic_write_text(path, "".join(kept))
        self._resume = trackers.Resume(step, not evaluations_at_step, tuple(kept_at_step))

    def has_evaluation(self, step: int) -> bool:
        """Whether metrics.jsonl holds an evaluation record of `step`."""
        return bool(self._evaluated_splits(step))

    def _evaluated_splits(self, step: int) -> set[str]:
        """The splits of `step`'s evaluation records in metrics.jsonl."""
        return {r.get("split") for r in self._records_at("metrics.jsonl", step) if r.get("kind") == "eval"}

    def _records_at(self, name: str, step: int) -> Iterator[dict[str, Any]]:
        path = self.dir / name
        if not path.exists():
            return
        for line in jsonl_lines(path):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("step") == step:
                yield record

    def clear_records(self, *outputs: str) -> None:
        """For jobs redone whole on resume (evaluation): forget the previous attempt's records,
        and its `outputs` (files in the run folder made from them)."""
        for name in ("metrics.jsonl", "episodes.jsonl", token_records.FILE, *outputs):
            (self.dir / name).unlink(missing_ok=True)
        self._resume = trackers.Resume(0, redone=True)  # TensorBoard forgets them too, step 0's included

    def metric(self, record: dict[str, Any]) -> None:
        self._append("metrics.jsonl", "metric-record.schema.json", record)
        segments = self.manifest.get("segments", [])
        self._trackers.log(record, (self._resume or trackers.Resume(segments[-1]["startStep"])) if len(segments) > 1 else None)

    def episode(self, record: dict[str, Any]) -> None:
        self._append("episodes.jsonl", "episode-record.schema.json", record)

    def token_record(self, record: dict[str, Any]) -> None:
        """A line of tokens.jsonl (ptlab.token_records), written after its episode's record."""
        self._append(token_records.FILE, "token-record.schema.json", record)

    # ------------------------------------------------------------------ the end

    def finish(self, status: str, error: BaseException | None = None) -> None:
        self._trackers.close()
        self._stop.set()
        self._due.set()
        self._heartbeat.join(timeout=5)
        ended = now()
        self.manifest["status"] = status
        self.manifest["endedAt"] = ended
        segments = self.manifest.get("segments", [])
        if segments:
            segments[-1].update(endedAt=ended, endStatus=status)
        if error is not None:
            self.manifest["error"] = {"message": f"{type(error).__name__}: {error}", "traceback": "".join(traceback.format_exception(error))}
        self._write_manifest()
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)

    def __enter__(self) -> RunLog:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self.manifest["status"] != "running":
            return
        if error is None:  # a job that stopped early said so (finish("cancelled")); this one ran to its end
            self.finish("finished")
        elif isinstance(error, KeyboardInterrupt):
            self.finish("cancelled")
        else:
            self.finish("failed", error)


class RunLogFollower(RunLog):
    """A non-main process of a distributed job: reads the run folder (the checkpoints to
    resume from), hears CANCEL_SIGNALS, writes nothing; the main process's RunLog writes for all."""

    def __init__(self, run_dir: Path, *, resume: bool = False, **_: Any) -> None:
        self.dir = Path(run_dir)
        self.manifest_path = self.dir / "run.json"
        self.cancel_requested = False
        self.manifest = load_json_file(self.manifest_path, "run-manifest.schema.json") if resume else {"runId": self.dir.name, "status": "running", "checkpoints": [], "segments": []}
        self._lock, self._due = threading.Lock(), threading.Event()  # progress's, which writes nothing here
        self._trackers = trackers.Trackers((), self.dir)  # the main process reports for all
        self._hear_cancel_signals()

    def _write_manifest(self, create: bool = False) -> None:
        pass

    def _append(self, name: str, schema: str, record: dict[str, Any]) -> None:
        pass

    def truncate_records_after(self, step: int, evaluations_at_step: bool = True, splits: tuple[str, ...] = ()) -> None:
        pass

    def clear_records(self, *outputs: str) -> None:
        pass

    def finish(self, status: str, error: BaseException | None = None) -> None:
        self.manifest["status"] = status
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)

