"""ONNX export of a checkpoint: a decoder with a KV cache, its tokenizer, and metadata.

`python -m ptlab export --config X.ptlab.json --run-dir R [--checkpoint C]` writes
`R/onnx/<checkpoint name>/`: `model.onnx` (inputs `input_ids`, `attention_mask`,
`position_ids` and `past_key_values.{layer}.{key,value}`; outputs `logits` and
`present.{layer}.{key,value}`, each cache tensor shaped [batch, kv heads, length, head
dim]; an empty past has length 0), `tokenizer.json` with its config, and `ptlab-onnx.json`
(shapes, special token ids, the chat template, and the measured parity with PyTorch).
The export is checked before it is kept: full-sequence logits and one cached decoding step
must match PyTorch within TOLERANCE, else nothing is written.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

TOLERANCE = 1e-3  # max absolute logit difference, fp32 on CPU
OPSET = 17


class ExportError(RuntimeError):
    pass


class ExportCancelled(ExportError):
    """SIGTERM or SIGHUP (Cancel, a closed terminal) ended the export before it was kept."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"cancelled by {signal.Signals(signum).name}; nothing was written")


def last_checkpoint(run_dir: Path) -> Path:
    """The training run's last checkpoint (what an export without --checkpoint exports)."""
    from ptlab.runlog import recovered

    manifest_path = run_dir / "run.json"
    if not manifest_path.exists():
        raise ExportError(f"{manifest_path}: no run here; pass --checkpoint or a training run folder")
    from ptlab.contracts import ContractViolation, load_json_file

    try:
        manifest = load_json_file(manifest_path, "run-manifest.schema.json")
    except ContractViolation as exc:
        raise ExportError(f"{exc}; pass --checkpoint with the checkpoint to export") from exc
    checkpoints = sorted(manifest["checkpoints"], key=lambda c: c["step"])
    if not checkpoints:
        raise ExportError(f"{manifest_path}: the run has no checkpoint yet")
    return recovered(run_dir / checkpoints[-1]["path"])


def export_target(run_dir: Path, checkpoint: Path) -> Path:
    """Where `checkpoint` is exported: RUN_DIR/onnx/<its resolved name> (`.` names no folder).
    ExportError for a folder of the run that is not one of its checkpoints (the run itself,
    checkpoints/, onnx/..., one inside a checkpoint): its name could make onnx/ itself or
    another export the target, which the export replaces whole. One outside the run is its
    own (a base model, another run's checkpoint)."""
    checkpoint, run = checkpoint.resolve(), run_dir.resolve()
    if (checkpoint == run or run in checkpoint.parents) and checkpoint.parent != run / "checkpoints":
        raise ExportError(f"{checkpoint}: not one of the run's checkpoints (a folder in {run / 'checkpoints'}); pass one of those, or leave --checkpoint out for the run's last")
    if not checkpoint.name:
        raise ExportError(f"{checkpoint}: not a checkpoint folder")
    return run_dir / "onnx" / checkpoint.name


def made_from(export: Path, checkpoint: Path) -> bool:
    """Whether `export` is a finished export of `checkpoint` (its metadata's source)."""
    try:
        return json.loads((export / "ptlab-onnx.json").read_text(encoding="utf-8")).get("source") == str(checkpoint.resolve())
    except (OSError, ValueError, AttributeError):
        return False


def _names(layers: int) -> tuple[list[str], list[str]]:
    past = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", *past], ["logits", *present]


def _decoder(model: Any) -> Any:
    import torch
    from transformers import DynamicCache

    layers = model.config.num_hidden_layers

    class Decoder(torch.nn.Module):
        """Flat tensors in and out, so the cache crosses the ONNX boundary."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, position_ids: Any, *past: Any) -> tuple[Any, ...]:
            cache = DynamicCache()
            for i in range(layers):
                cache.update(past[2 * i], past[2 * i + 1], i)
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids, cache=cache, use_cache=True)
            presents = [t for layer in out.cache.layers for t in (layer.keys, layer.values)]
            return (out.logits, *presents)

    return Decoder()


def _geometry(config: Any) -> tuple[int, int, int]:
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    return config.num_hidden_layers, config.num_key_value_heads, head_dim


def decode_cleans_up_spaces(tokenizer: Any) -> bool:
    """Whether the tokenizer's decode removes the spaces before punctuation that
    `clean_up_tokenization` removes: what it does, not its `clean_up_tokenization_spaces`,
    which transformers 5 ignores for BPE models (Llama 3's config sets it)."""
    probe = "(6 - 4) = 2 . Done , it 's right !"
    decoded = tokenizer.decode(tokenizer(probe, add_special_tokens=False)["input_ids"])
    if decoded == probe:
        return False
    if decoded == tokenizer.clean_up_tokenization(probe):
        return True
    return bool(getattr(tokenizer, "clean_up_tokenization_spaces", False))  # a decode that changes more: its setting


def check_parity(session: Any, model: Any, ids: list[int]) -> dict[str, float]:
    """Max |logit difference| of a full pass over `ids` and of one cached step after it."""
    import numpy as np
    import torch

    layers, kv_heads, head_dim = _geometry(model.config)
    inputs, _ = _names(layers)
    prefix, last = ids[:-1], ids[-1:]
    empty = {n: np.zeros((1, kv_heads, 0, head_dim), dtype=np.float32) for n in inputs[3:]}

    def feeds(tokens: list[int], start: int, past: dict[str, Any]) -> dict[str, Any]:
        return {
            "input_ids": np.array([tokens], dtype=np.int64),
            "attention_mask": np.ones((1, start + len(tokens)), dtype=np.int64),
            "position_ids": np.arange(start, start + len(tokens), dtype=np.int64)[None],
            **past,
        }

    with torch.no_grad():
        reference = model(input_ids=torch.tensor([ids])).logits[0].numpy()
    full = session.run(None, feeds(ids, 0, empty))[0][0]
    first = session.run(None, feeds(prefix, 0, empty))
    past = {name: tensor for name, tensor in zip(inputs[3:], first[1:])}
    step = session.run(None, feeds(last, len(prefix), past))[0][0, -1]
    return {"fullMaxAbsDiff": float(np.abs(full - reference).max()), "cachedStepMaxAbsDiff": float(np.abs(step - reference[-1]).max())}


def remove_stale_staging(target: Path) -> None:
    """The staging folders of `target` a killed export left (SIGKILL, a power loss): private
    (mkdtemp's 0700), maybe with a whole model.onnx. mkdtemp adds 8 characters to the prefix,
    so another checkpoint's (`.NAME-10-xxxxxxxx` beside `.NAME-xxxxxxxx`) never matches.
    And the previous export replace_dir moved to `.NAME.old`: put back where a crash came
    between its renames, else removed (a process ended while it went, the new one in place).
    Called under only_export_of: no export of `target` still writes one of these."""
    from ptlab.runlog import recovered

    staged = re.compile(rf"\.{re.escape(target.name)}-[a-z0-9_]{{8}}")
    for folder in target.parent.glob(f".{target.name}-*"):
        if staged.fullmatch(folder.name) and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(recovered(target).with_name(f".{target.name}.old"), ignore_errors=True)


@contextlib.contextmanager
def only_export_of(target: Path) -> Iterator[None]:
    """Holds `target` for one export: a second would remove the first's staging folder as
    stale (remove_stale_staging) and race its renames, so it is refused. An flock, which the
    system lets go when its process ends however it ends. The lock file goes with the lock: a
    taker that opened it just before finds its file no longer the one at that name, and retries.
    Where there is no flock (Windows), exports of one target are not kept apart."""
    if fcntl is None:
        yield
        return
    lock = target.with_name(f".{target.name}.lock")
    while True:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ExportError(f"{target}: another export of this checkpoint is under way ({lock} is locked); wait for it to end, then export again") from None
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(fd), os.stat(lock)):
                break
        os.close(fd)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


def export_onnx(checkpoint: Path, target: Path, sample_text: str, trust_remote_code: bool = False, placed: Callable[[], None] | None = None) -> Path:
    """Export `checkpoint` to `target` (replaced whole, only after the parity check passes),
    trusting its model's code as model.trustRemoteCode says; `placed` runs once the new export
    is in place, before the previous one is removed (replace_dir). ExportError at once where
    another export of `target` is under way (only_export_of).
    The staging folder goes on any exception: under signals_raise(ExportCancelled), on
    SIGTERM and SIGHUP too."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with only_export_of(target):
        return _export_onnx(checkpoint, target, sample_text, trust_remote_code, placed)


def _export_onnx(checkpoint: Path, target: Path, sample_text: str, trust_remote_code: bool, placed: Callable[[], None] | None) -> Path:
    import onnxruntime as ort
    import torch
    from ptlab.generation import stop_tokens
    from ptlab.models import is_vision_model, load_causal_lm, load_tokenizer, merged
    from ptlab.runlog import replace_dir

    if is_vision_model(str(checkpoint), trust_remote_code=trust_remote_code):
        # The text decoder alone would be a different model: it never sees the image.
        raise ExportError(f"{checkpoint}: image-text-to-text checkpoints are not exported to ONNX (only causal LMs: a decoder with KV cache); evaluate it with `ptlab eval` instead")
    # a LoRA checkpoint's adapters merged in fp32, where their update survives; eager attention traces cleanly
    model = merged(load_causal_lm(str(checkpoint), "fp32", "cpu", trust_remote_code=trust_remote_code, attn_implementation="eager")).eval()
    tokenizer = load_tokenizer(str(checkpoint), trust_remote_code=trust_remote_code)
    layers, kv_heads, head_dim = _geometry(model.config)
    inputs, outputs = _names(layers)
    batch, seq, past_len = 2, 5, 3
    example = (
        torch.randint(0, model.config.vocab_size, (batch, seq)),
        torch.ones(batch, past_len + seq, dtype=torch.long),
        torch.arange(past_len, past_len + seq).unsqueeze(0).expand(batch, seq),
        *[torch.randn(batch, kv_heads, past_len, head_dim) for _ in range(2 * layers)],
    )
    axes: dict[str, dict[int, str]] = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total"}, "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    axes.update({n: {0: "batch", 2: "past"} for n in inputs[3:]})
    axes.update({n: {0: "batch", 2: "total"} for n in outputs[1:]})
    remove_stale_staging(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on the cache's Python branches
            torch.onnx.export(_decoder(model), example, str(staging / "model.onnx"), input_names=inputs, output_names=outputs, dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        tokenizer.save_pretrained(staging)
        session = ort.InferenceSession(str(staging / "model.onnx"), providers=["CPUExecutionProvider"])
        parity = check_parity(session, model, tokenizer(sample_text, add_special_tokens=False)["input_ids"][:64])
        if not all(math.isfinite(v) and v <= TOLERANCE for v in parity.values()):
            worst = max(parity.values(), key=lambda v: v if math.isfinite(v) else math.inf)
            raise ExportError(f"ONNX logits differ from PyTorch by {worst:.2e} (> {TOLERANCE}; nan: the checkpoint's own logits are not finite, a diverged run); nothing was written")
        special = {name: getattr(tokenizer, f"{name}_token_id") for name in ("bos", "eos", "pad")}
        metadata = {
            "format": "ptlab-onnx-decoder",
            "version": 1,
            "source": str(checkpoint),
            "opset": OPSET,
            "inputs": inputs,
            "outputs": outputs,
            "numLayers": layers,
            "numKeyValueHeads": kv_heads,
            "headDim": head_dim,
            "vocabSize": int(model.config.vocab_size),
            "specialTokens": special,
            "stopTokens": sorted(stop_tokens(model, tokenizer)),
            "chatTemplate": tokenizer.chat_template,
            "cleanUpTokenizationSpaces": decode_cleans_up_spaces(tokenizer),
            "tolerance": TOLERANCE,
            "parity": parity,
            "versions": {"torch": torch.__version__, "onnxruntime": ort.__version__},
        }
        (staging / "ptlab-onnx.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        replace_dir(staging, target, placed)
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def greedy_onnx(session: Any, metadata: dict[str, Any], ids: list[int], max_new_tokens: int) -> list[int]:
    """Greedy decoding with the KV cache, as the extension's onnxruntime-node loop does."""
    import numpy as np

    inputs = metadata["inputs"]
    past = {n: np.zeros((1, metadata["numKeyValueHeads"], 0, metadata["headDim"]), dtype=np.float32) for n in inputs[3:]}
    tokens, generated, start = list(ids), [], 0
    for _ in range(max_new_tokens):
        step = tokens[start:]
        out = session.run(None, {
            "input_ids": np.array([step], dtype=np.int64),
            "attention_mask": np.ones((1, start + len(step)), dtype=np.int64),
            "position_ids": np.arange(start, start + len(step), dtype=np.int64)[None],
            **past,
        })
        past = dict(zip(inputs[3:], out[1:]))
        start += len(step)
        token = int(out[0][0, -1].argmax())
        if token in metadata["stopTokens"]:
            break
        generated.append(token)
        tokens.append(token)
    return generated
