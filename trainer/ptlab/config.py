"""Experiment configs (*.ptlab.json) as frozen dataclasses, defaults filled in.

The JSON Schema (schemas/experiment.schema.json) is the contract; `load_experiment`
validates against it first, so these classes only mirror it. A test checks that every
field and default here matches the schema.
"""

from __future__ import annotations

import re
import sys
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Literal

from ptlab import seeds
from ptlab.contracts import load_json_file, with_integers
from ptlab.envs.generalpoints import GeneralPointsConfig
from ptlab.envs.virl import VirlConfig
from ptlab.envs.episode import environment_config


@dataclass(frozen=True)
class Lora:
    r: int
    alpha: float = 16
    dropout: float = 0.05
    targetModules: tuple[str, ...] | None = None


@dataclass(frozen=True)
class GradientCheckpointing:
    everyNLayers: int = 1


@dataclass(frozen=True)
class Model:
    name: str
    kind: Literal["causal-lm", "image-text-to-text"] = "causal-lm"
    revision: str | None = None
    dtype: Literal["auto", "bf16", "fp16", "fp32"] = "auto"
    gradientCheckpointing: bool | GradientCheckpointing = False
    compile: bool = False
    trustRemoteCode: bool = False
    kvCache: Literal["dynamic", "static", "paged"] = "dynamic"
    ligerKernel: bool = False
    attention: Literal["auto", "sdpa", "varlen", "eager", "flash_attention_2", "flash_attention_3", "flex_attention"] = "auto"
    generateBatch: int = 32
    maxLength: int | None = None
    lora: Lora | None = None

    def checkpointing(self) -> dict[str, Any] | None:
        """transformers' activation_checkpointing_enable arguments, or None when off."""
        if isinstance(self.gradientCheckpointing, GradientCheckpointing):
            return {"every_n_layers": self.gradientCheckpointing.everyNLayers}
        return {} if self.gradientCheckpointing else None


@dataclass(frozen=True)
class Adam:
    """SFT's: torch's AdamW (decoupled weight decay) with the reference's SFT betas."""

    betas: tuple[float, float] = (0.9, 0.98)
    eps: float = 1e-7
    weightDecay: float = 0
    implementation: Literal["fused", "foreach", "for-loop"] = "fused"

    def torch_options(self) -> dict[str, Any]:
        """torch.optim.Adam's and AdamW's keyword arguments, the learning rate aside."""
        kernel = {"fused": {"fused": True}, "foreach": {"foreach": True}, "for-loop": {"foreach": False, "fused": False}}[self.implementation]
        return {"betas": self.betas, "eps": self.eps, "weight_decay": self.weightDecay, **kernel}


@dataclass(frozen=True)
class PpoAdam(Adam):
    """PPO's: torch's Adam (weightDecay an L2 term in the gradient) with torch's default betas, as the reference's PPO."""

    betas: tuple[float, float] = (0.9, 0.999)


@dataclass(frozen=True)
class SftData:
    source: Literal["environment", "pretraining-corpus"] = "environment"
    examples: int = 10000
    trajectories: Literal["optimal", "suboptimal"] = "optimal"
    wrongAttempts: int = 2
    mix: dict[str, int] | None = None  # pretraining-corpus: task -> thousandths (ptlab.corpus.MIX when absent)


@dataclass(frozen=True)
class Sft:
    init: str | None = None
    data: SftData = field(default_factory=SftData)
    steps: int | None = None
    epochs: float = 1
    learningRate: float = 1e-6
    schedule: Literal["cosine", "linear", "constant"] = "cosine"
    warmupRatio: float = 0.03
    warmupShape: Literal["linear", "log"] = "linear"
    adam: Adam = field(default_factory=Adam)
    globalBatchSize: int = 128
    microBatchSize: int = 8
    packing: bool = False
    paddingFree: bool = False
    assistantOnlyLoss: bool = True
    maxGradNorm: float = 1.0
    saveEverySteps: int | None = None


@dataclass(frozen=True)
class ValueHead:
    hidden: tuple[int, ...] = (1024, 512)


@dataclass(frozen=True)
class Ppo:
    init: str | None = None
    updates: int = 15
    stepsPerUpdate: int = 256
    parallelEnvs: int = 16
    epochs: int = 4
    miniBatchSize: int = 128
    microBatchSize: int = 8
    gamma: float = 0.9
    lambda_: float = 0.95  # "lambda" in the file
    clip: float = 0.1
    ratioGuard: float = 10
    valueClip: float = 0.1
    valueCoef: float = 0.5
    entropyCoef: float = 0
    klCoef: float = 0
    maxGradNorm: float = 0.01
    learningRate: float = 1e-6
    finalLearningRate: float = 1e-9
    lrCosineUpdates: float | None = None
    adam: PpoAdam = field(default_factory=PpoAdam)
    temperature: float = 0.2
    maxNewTokens: int = 512
    thoughtWeight: float = 0.5
    ratio: Literal["sequence", "token"] = "sequence"
    oldLogProbs: Literal["recompute", "sampling"] = "recompute"
    paddingFree: bool = False
    sharedPrefixes: bool = False
    headChunk: int = 0
    advantage: Literal["gae", "group"] = "gae"
    groupSize: int = 4
    groupStd: bool = True
    groupCredit: Literal["episode", "turn"] = "episode"
    reward: Literal["verifier", "outcome"] = "verifier"
    rewardScale: float = 1
    valueHead: ValueHead = field(default_factory=ValueHead)
    saveEverySteps: int | None = None


@dataclass(frozen=True)
class Split:
    name: str
    kind: Literal["id", "rule-ood", "visual-ood"]
    episodes: int
    overrides: dict[str, Any] = field(default_factory=dict)
    recognition: bool = False
    eachRouteOnce: bool = False


@dataclass(frozen=True)
class Evaluation:
    splits: tuple[Split, ...]
    everySteps: int | None = None
    atCheckpoints: bool = True
    atStart: bool = True
    seed: int = 1234
    temperature: float = 0
    topP: float = 1
    sampling: Literal["configured", "model-defaults"] = "configured"
    maxNewTokens: int = 512


@dataclass(frozen=True)
class Slurm:
    partition: str | None = None
    account: str | None = None
    qos: str | None = None
    nodes: int = 1
    gpusPerNode: int = 8
    cpusPerTask: int | None = None
    time: str | None = None
    extraDirectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Launcher:
    kind: Literal["local", "accelerate", "slurm"] = "local"
    gpus: tuple[int, ...] | int | None = None
    distributed: Literal["ddp", "fsdp", "deepspeed-zero2", "deepspeed-zero3"] = "ddp"
    mixedPrecision: Literal["no", "bf16", "fp16"] = "bf16"
    slurm: Slurm = field(default_factory=Slurm)
    cpuProcesses: int | None = None  # accelerate over CPU processes (gloo DDP) instead of GPUs


@dataclass(frozen=True)
class Logging:
    reportTo: tuple[str, ...] = ()  # experiment trackers (ptlab.trackers)
    tokenRecordRate: float = 0.1  # the share of PPO rollout episodes with per-token records (tokens.jsonl)


@dataclass(frozen=True)
class RewardCollapse:
    enabled: bool = True
    window: int = 5
    drop: float = 2.0


@dataclass(frozen=True)
class EntropyCollapse:
    enabled: bool = True
    window: int = 3
    fraction: float = 0.1


@dataclass(frozen=True)
class KlSpike:
    enabled: bool = True
    max: float = 0.1


@dataclass(frozen=True)
class AlertToggle:
    enabled: bool = True


@dataclass(frozen=True)
class StalledProgress:
    enabled: bool = True
    minutes: float = 15


@dataclass(frozen=True)
class Alerts:
    """The rules the extension checks on the experiment's runs (src/core/runs/alerts.ts); the
    trainer only keeps them in run.json's config snapshot, defaults filled in."""

    rewardCollapse: RewardCollapse = field(default_factory=RewardCollapse)
    entropyCollapse: EntropyCollapse = field(default_factory=EntropyCollapse)
    klSpike: KlSpike = field(default_factory=KlSpike)
    nonFinite: AlertToggle = field(default_factory=AlertToggle)
    stalledHeartbeat: AlertToggle = field(default_factory=AlertToggle)
    stalledProgress: StalledProgress = field(default_factory=StalledProgress)


@dataclass(frozen=True)
class Experiment:
    name: str
    environment: dict[str, Any]
    model: Model
    description: str = ""
    seed: int = 0
    outputDir: str = "runs"
    sft: Sft = field(default_factory=Sft)
    ppo: Ppo = field(default_factory=Ppo)
    evaluation: Evaluation | None = None
    logging: Logging = field(default_factory=Logging)
    alerts: Alerts = field(default_factory=Alerts)
    launcher: Launcher = field(default_factory=Launcher)
    source: Path | None = None  # the file it was read from; relative paths are relative to its folder

    @property
    def base_dir(self) -> Path:
        return self.source.parent if self.source is not None else Path.cwd()

    def resolve(self, relative: str) -> Path:
        return (self.base_dir / relative).resolve()

    def environment_for(self, split: Split | None = None) -> GeneralPointsConfig | VirlConfig:
        """The training environment, or a split's (the training one with its overrides). Its
        files (routes.file, panoramas) stay as the config writes them, as its records keep them;
        its episodes read them relative to the config's folder (`episodes(base_dir)`)."""
        return environment_config({**self.environment, **(split.overrides if split else {})})  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        """Back to the file's shape, defaults filled in (the run manifest's config snapshot)."""
        data = asdict(self)
        data.pop("source")
        data["ppo"]["lambda"] = data["ppo"].pop("lambda_")
        return _drop_none(data)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_drop_none(v) for v in value]
    return value


def _build(cls: type, raw: dict[str, Any] | None) -> Any:
    raw = dict(raw or {})
    if cls is Ppo and "lambda" in raw:
        raw["lambda_"] = raw.pop("lambda")
    nested = {
        Sft: {"data": SftData, "adam": Adam},
        Ppo: {"adam": PpoAdam, "valueHead": ValueHead},
        Launcher: {"slurm": Slurm},
        Model: {"lora": Lora},
        Alerts: {"rewardCollapse": RewardCollapse, "entropyCollapse": EntropyCollapse, "klSpike": KlSpike, "nonFinite": AlertToggle, "stalledHeartbeat": AlertToggle, "stalledProgress": StalledProgress},
    }
    if cls is Model and isinstance(raw.get("gradientCheckpointing"), dict):
        raw["gradientCheckpointing"] = _build(GradientCheckpointing, raw["gradientCheckpointing"])
    for key, sub in nested.get(cls, {}).items():
        if key in raw and raw[key] is not None:
            raw[key] = _build(sub, raw[key])
    for f in fields(cls):
        if isinstance(raw.get(f.name), list):
            raw[f.name] = tuple(raw[f.name])
    return cls(**raw)


def _model_beside(model: Model, source: Path | None) -> Model:
    """model.name read as the editor reads it: a folder relative to the config, where one is
    there (as transformers prefers a local folder to a hub id); else as written (a hub id, an
    embedded model, an absolute path)."""
    if source is None or model.name.startswith("embedded:") or Path(model.name).is_absolute():
        return model
    beside = source.parent / model.name
    return replace(model, name=str(beside.resolve())) if beside.is_dir() else model


def experiment_from_dict(data: dict[str, Any], source: Path | None = None) -> Experiment:
    data = with_integers("experiment.schema.json", data)
    evaluation = None
    if "evaluation" in data:
        raw = dict(data["evaluation"])
        raw["splits"] = tuple(Split(**s) for s in raw["splits"])
        evaluation = Evaluation(**raw)
    return Experiment(
        name=data["name"],
        environment=dict(data["environment"]),
        model=_model_beside(_build(Model, data["model"]), source),
        description=data.get("description", ""),
        seed=data.get("seed", 0),
        outputDir=data.get("outputDir", "runs"),
        sft=_build(Sft, data.get("sft")),
        ppo=_build(Ppo, data.get("ppo")),
        evaluation=evaluation,
        logging=_build(Logging, data.get("logging")),
        alerts=_build(Alerts, data.get("alerts")),
        launcher=_build(Launcher, data.get("launcher")),
        source=source,
    )


def filled_in(stored: dict[str, Any]) -> dict[str, Any]:
    """A run's config snapshot as this trainer fills it in (what --resume compares)."""
    return experiment_from_dict(stored).to_dict()


def load_experiment(path: Path, model_here: bool = True, resumed: Path | None = None) -> Experiment:
    """Read, validate against the schema (errors name the file and the field), and fill defaults.
    `model_here`: a model.name that is a local path must be there (`ptlab plan` reads the sizes
    of a model not on this machine from --model-config instead; `launch --print` runs nothing).
    `resumed`: the run folder a --resume continues (its own config may hold what is refused
    since it began: see _check_split_overrides)."""
    path = Path(path)
    data = load_json_file(path, "experiment.schema.json")
    _check_corpus_mix(path, data.get("sft", {}).get("data", {}))
    _check_cpu_processes(path, data.get("launcher", {}))
    _check_split_names(path, data.get("evaluation", {}).get("splits", []))
    _check_split_overrides(path, data, resumed)
    _check_choices(path, data, configured_launch(data))
    _check_model_name(path, data["model"]["name"], model_here)
    return experiment_from_dict(data, path.resolve())


def is_local_path(name: str) -> bool:
    """A model name that is a path rather than a Hugging Face id (`org/name`) or an embedded
    model, as the editor tells them apart (src/core/config/checks.ts isLocalPath)."""
    return re.match(r"(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])", name) is not None or len(name.split("/")) > 2


def _check_model_name(path: Path, name: str, model_here: bool) -> None:
    """What the schema cannot say of model.name: an embedded model that exists, a local folder
    that is there (a Hub id is left to the load: it may be in the cache, or be downloaded)."""
    from ptlab.contracts import ContractViolation
    from ptlab.models import EMBEDDED_NAMES

    if name.startswith("embedded:") and name not in EMBEDDED_NAMES:
        raise ContractViolation(f'{path}: /model/name: unknown embedded model "{name}": use {" or ".join(EMBEDDED_NAMES)}')
    folder = path.resolve().parent / name
    if model_here and is_local_path(name) and not folder.is_dir():
        shown = "" if Path(name).is_absolute() else f" ({folder.resolve()})"
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ContractViolation(f"{path}: /model/name: model folder {name} {what}{shown}; give the model's folder (absolute or relative to the config) or a Hugging Face model id")


@dataclass(frozen=True)
class Launch:
    """What keeps the training state (ptlab.plan.distributed_strategy: "ddp" for a local job or
    one process without DeepSpeed) and how many training processes there are."""

    strategy: str
    world: int


def configured_launch(data: dict[str, Any]) -> Launch:
    """The launch the config's launcher section starts (ptlab.plan's account of it)."""
    from ptlab.plan import distributed_strategy, processes

    launcher = _build(Launcher, data.get("launcher"))
    world = processes(launcher)
    return Launch(distributed_strategy(launcher, world), world)


def cpu_processes_refused(launcher: dict[str, Any]) -> str | None:
    """What the schema cannot say of launcher.cpuProcesses: accelerate's DDP over CPUs, no GPUs."""
    if "cpuProcesses" not in launcher:
        return None
    if launcher.get("kind", "local") != "accelerate":
        return 'cpuProcesses applies to "kind": "accelerate" (it launches that many CPU processes); set the kind, or remove it for one process'
    if "gpus" in launcher:
        return "cpuProcesses runs on the CPUs: remove gpus, or cpuProcesses to use the GPUs"
    if launcher.get("distributed", "ddp") != "ddp":
        return f'cpuProcesses runs DDP over gloo, not {launcher["distributed"]}: remove distributed or set it to "ddp"'
    return None


def _check_cpu_processes(path: Path, launcher: dict[str, Any]) -> None:
    from ptlab.contracts import ContractViolation

    refused = cpu_processes_refused(launcher)
    if refused:
        raise ContractViolation(f"{path}: /launcher/cpuProcesses: {refused}")


def kv_cache_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of model.kvCache "paged": continuous batching takes token
    prompts (no images), decodes with whole weights on each process, and runs under the
    attention implementations transformers names."""
    model, launcher = data.get("model", {}), data.get("launcher", {})
    if model.get("kvCache") != "paged":
        return None
    if model.get("kind", "causal-lm") == "image-text-to-text":
        return 'kvCache "paged" (continuous batching) takes text prompts only: use "dynamic" or "static" with an image-text-to-text model'
    if launcher.get("distributed") == "deepspeed-zero3":
        return 'kvCache "paged" decodes with whole weights on each process, not ZeRO-3 shards: use "dynamic" or "static", or another launcher.distributed'
    if model.get("attention") == "varlen":
        return 'kvCache "paged": transformers\' continuous batching runs under attention "sdpa", "eager" or flash-attention, not "varlen": use "dynamic" or "static", or another model.attention'
    return None


def liger_kernel_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of model.ligerKernel: Triton kernels for CUDA, and a fused
    cross-entropy that reads the LM head's weight whole."""
    model, launcher = data.get("model", {}), data.get("launcher", {})
    if not model.get("ligerKernel", False):
        return None
    if "cpuProcesses" in launcher:
        return "ligerKernel: Liger's kernels run on CUDA GPUs and cpuProcesses runs on the CPUs: set it to false, or remove cpuProcesses to use the GPUs"
    if model.get("kind", "causal-lm") == "image-text-to-text":
        return "ligerKernel: text models only: liger-kernel 0.8.5's patches for image-text-to-text classes do not fit transformers 5.24's (Mllama's fused forward calls its language model with the wrong arguments, Qwen2-VL's fails to import); set it to false"
    if launcher.get("distributed") == "deepspeed-zero3":
        return 'ligerKernel: its fused cross-entropy reads the LM head\'s weight whole, which ZeRO-3 shards: set it to false, or use launcher.distributed "fsdp" or "deepspeed-zero2"'
    return None


def head_chunk_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of ppo.headChunk: the launch it is not checked under (the
    model types it applies to are checked at load); only where FSDP runs (several processes)."""
    ppo = data.get("ppo", {})
    if not ppo.get("headChunk", 0):
        return None
    if launch.strategy == "fsdp":
        return 'headChunk: not checked under FSDP (GPUs only; the tests run local, DDP and DeepSpeed launches): set it to 0, or use launcher.distributed "ddp", "deepspeed-zero2" or "deepspeed-zero3"'
    return None


def fsdp_dtype_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of model.dtype: FSDP steps its shards in their own dtype
    (ptlab.optimizers: elsewhere bf16/fp16 weights step through fp32 copies); "auto" is bf16 on
    a GPU. With LoRA, FSDP flattens each layer's bf16 weights with its fp32 adapters into one
    flat parameter, which takes one dtype: it fails as it wraps the model. Only where FSDP runs:
    a local job or one process is plain PyTorch (plan.distributed_strategy)."""
    model = data.get("model", {})
    if launch.strategy != "fsdp" or model.get("dtype", "auto") == "fp32":
        return None
    return 'dtype: FSDP steps its weight shards in their own dtype, and in bf16 an Adam step (about the learning rate) rounds away for most weights (with model.lora, it cannot flatten bf16 weights with the fp32 adapters at all): set it to "fp32" (FSDP computes in launcher.mixedPrecision), or use launcher.distributed "ddp", "deepspeed-zero2" or "deepspeed-zero3"'


def sft_batch_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of sft.globalBatchSize: each process takes an equal share of a
    step in whole micro-batches. Only for a config with an sft section: a PPO-only config's SFT
    defaults do not matter."""
    if "sft" not in data:
        return None
    sft = data["sft"]
    global_batch, micro_batch = sft.get("globalBatchSize", 128), sft.get("microBatchSize", 8)
    if global_batch % (micro_batch * launch.world) == 0:
        return None
    processes = f" x {launch.world} processes" if launch.world > 1 else ""
    return f"sft.globalBatchSize ({global_batch}) must be a multiple of sft.microBatchSize ({micro_batch}){processes}: gradient accumulation takes whole micro-batches on each process"


def group_waves_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of ppo.parallelEnvs with group advantages: a wave starts whole groups."""
    ppo = data.get("ppo", {})
    envs, group = ppo.get("parallelEnvs", 16), ppo.get("groupSize", 4)
    if ppo.get("advantage", "gae") != "group" or envs % group == 0:
        return None
    return f'ppo.parallelEnvs ({envs}) must be a multiple of ppo.groupSize ({group}) with advantage "group": a wave starts whole groups'


def mini_batch_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of ppo.miniBatchSize: a mini-batch is drawn from one rollout."""
    ppo = data.get("ppo", {})
    mini_batch, buffer = ppo.get("miniBatchSize", 128), ppo.get("stepsPerUpdate", 256)
    if mini_batch <= buffer:
        return None
    return f"ppo.miniBatchSize ({mini_batch}) is larger than the rollout buffer (ppo.stepsPerUpdate {buffer}): lower it, or collect more steps per update"


def group_advantage_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of ppo.advantage "group": a group's episodes run to their end,
    so processes generate different numbers of rounds, and under ZeRO-3 every generate is collective."""
    if data.get("ppo", {}).get("advantage", "gae") != "group" or launch.strategy != "deepspeed-zero3":
        return None
    return 'advantage "group" under launcher.distributed "deepspeed-zero3" is not supported (its waves take a different number of generation rounds on each process); use "deepspeed-zero2" or "ddp", or advantage "gae"'


def compile_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of model.compile: FSDP's flattened parameters and DeepSpeed's
    engine have compile paths of their own that ptlab does not drive."""
    if not data.get("model", {}).get("compile", False) or launch.strategy == "ddp":
        return None
    return f'compile: torch.compile is applied under local and DDP launches only, not launcher.distributed "{launch.strategy}": set it to false'


def fsdp_evaluation_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of an evaluation section under FSDP: evaluation would generate
    with the unwrapped model, whose flattened parameters only the FSDP wrapper's forward gathers
    (it would fail or hang)."""
    if "evaluation" not in data or launch.strategy != "fsdp":
        return None
    return 'evaluation during launcher.distributed "fsdp" training is not supported: remove this section and evaluate the checkpoints (full weights) with `ptlab eval` under a config with another launcher.distributed, or use "deepspeed-zero3"'


def gpus_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """What the schema cannot say of launcher.gpus: accelerate starts a process per GPU (none
    would start one anyway), and a Slurm job starts gpusPerNode on each node."""
    launcher = data.get("launcher", {})
    if "gpus" not in launcher or "cpuProcesses" in launcher:
        return None
    gpus, kind = launcher["gpus"], launcher.get("kind", "local")
    count = len(gpus) if isinstance(gpus, list) else gpus
    if kind == "accelerate" and count == 0:
        return 'accelerate needs at least one GPU; use launcher.kind "local" on CPU'
    per_node = launcher.get("slurm", {}).get("gpusPerNode", 8)
    if kind == "slurm" and count != per_node:
        return f"gpus: a Slurm job starts launcher.slurm.gpusPerNode ({per_node}) processes on each node, on the GPUs Slurm allocates: remove gpus, or make it {per_node} GPUs"
    return None


def end_to_end_refused(section: str, field: str) -> Callable[[dict[str, Any], Launch], str | None]:
    """What the schema cannot say of a layout that lays sequences end to end in one row
    (sft.packing, sft.paddingFree, ppo.paddingFree, ppo.sharedPrefixes): a row's image inputs
    are per sequence, so not with an environment whose observations are images (for SFT, when
    its examples are the environment's)."""

    def refused(data: dict[str, Any], launch: Launch) -> str | None:
        options = data.get(section, {})
        if not options.get(field, False) or data.get("environment", {}).get("modality") != "vision":
            return None
        if section == "sft" and options.get("data", {}).get("source", "environment") != "environment":
            return None
        return f'{field}: image inputs are per sequence and this environment\'s observations are images (environment.modality "vision"): set it to false'

    return refused


def suboptimal_trajectories_refused(data: dict[str, Any], launch: Launch) -> str | None:
    """V-IRL has no sub-optimal SFT data: its examples would silently be the expert's."""
    trajectories = data.get("sft", {}).get("data", {}).get("trajectories")
    if trajectories == "suboptimal" and data.get("environment", {}).get("env") == "virl":
        return "trajectories \"suboptimal\" (wrong answers and the verifier's messages before the expert's) is GeneralPoints' ablation (the paper's figure 15); V-IRL's SFT data is one expert step per example: use \"optimal\""
    return None


def training_seeds_refused(data: dict[str, Any], launch: Launch, jobs: tuple[str, ...] = ("sft", "ppo")) -> str | None:
    """What the schema cannot say of seed: the episodes training derives from it (ptlab.seeds:
    SFT's examples, PPO's episodes on each of the launch's processes) stay apart from those the
    evaluation plays (evaluation.seed + i), or evaluation scores episodes trained on. Only for
    the sections the config has (a PPO-only config's SFT defaults do not matter) among `jobs`;
    SFT on the pretraining corpus plays no episodes."""
    evaluation = data.get("evaluation")
    if not evaluation:
        return None
    start, count = evaluation.get("seed", 1234), max((split.get("episodes", 0) for split in evaluation.get("splits", [])), default=0)
    seed = data.get("seed", 0)
    for what, first, taken in _training_seeds({job: data[job] for job in jobs if job in data}, seed, launch):
        if seeds.meet(first, taken, start, count):
            return (f"seed {seed}: {what} take {seeds.span(first, taken)}, which meet the evaluation's {seeds.span(start, count)} "
                    f"(evaluation.seed and the largest split's {count} episodes): evaluation would score episodes trained on; pick another seed (or evaluation.seed)")
    return None


def _training_seeds(data: dict[str, Any], seed: int, launch: Launch) -> list[tuple[str, int, int]]:
    """(what, first seed, how many) of each job's training episodes the config has a section for."""
    ranges = []
    sft_data = data.get("sft", {}).get("data", {})
    if "sft" in data and sft_data.get("source", "environment") == "environment":
        ranges.append(("SFT's examples", seeds.sft_data_base(seed), sft_data.get("examples", 10000)))
    if "ppo" in data:
        ppo = data["ppo"]
        group = ppo.get("groupSize", 4) if ppo.get("advantage", "gae") == "group" else None
        ranges.append(("PPO's episodes", seeds.ppo_episode_base(seed), seeds.ppo_episode_seeds(ppo.get("updates", 15), ppo.get("stepsPerUpdate", 256), ppo.get("parallelEnvs", 16), group, launch.world)))
    return ranges


CHOICES_REFUSED = {
    "/model/kvCache": kv_cache_refused,
    "/model/ligerKernel": liger_kernel_refused,
    "/ppo/headChunk": head_chunk_refused,
    **{f"/{section}/{field}": end_to_end_refused(section, field) for section, field in (("sft", "packing"), ("sft", "paddingFree"), ("ppo", "paddingFree"), ("ppo", "sharedPrefixes"))},
    "/model/dtype": fsdp_dtype_refused,
    "/model/compile": compile_refused,
    "/evaluation": fsdp_evaluation_refused,
    "/sft/globalBatchSize": sft_batch_refused,
    "/ppo/parallelEnvs": group_waves_refused,
    "/ppo/miniBatchSize": mini_batch_refused,
    "/ppo/advantage": group_advantage_refused,
    "/launcher/gpus": gpus_refused,
    "/sft/data/trajectories": suboptimal_trajectories_refused,
    "/seed": training_seeds_refused,
}
LAUNCH_REFUSED = ("/model/compile", "/evaluation", "/ppo/advantage")  # what a job checks again under the launch it runs in


def launch_refused(experiment: Experiment, launch: Launch, pointers: tuple[str, ...] = LAUNCH_REFUSED) -> str | None:
    """The first of these refusals of the experiment under the launch a job runs in (an
    `accelerate launch` of the job's own may start another than the config's), as
    "pointer: reason"; None when none applies."""
    data = experiment.to_dict()
    for pointer in pointers:
        if reason := CHOICES_REFUSED[pointer](data, launch):
            return f"{pointer}: {reason}"
    return None


def ppo_seeds_refused(experiment: Experiment, launch: Launch) -> str | None:
    """The seed refusal of PPO's episodes under the launch a PPO job runs in, as "/seed: reason":
    their range grows with its processes, which an `accelerate launch` of the job's own may make
    more than the config's. Not launch_refused's "/seed": the experiment's to_dict has an SFT
    section of defaults whether or not the config has one."""
    reason = training_seeds_refused(experiment.to_dict(), launch, ("ppo",))
    return f"/seed: {reason}" if reason else None


def _check_choices(path: Path, data: dict[str, Any], launch: Launch) -> None:
    from ptlab.contracts import ContractViolation

    for pointer, refused in CHOICES_REFUSED.items():
        reason = refused(data, launch)
        if reason:
            raise ContractViolation(f"{path}: {pointer}: {reason}")


def _check_split_names(path: Path, splits: list[dict[str, Any]]) -> None:
    """What the schema cannot say of evaluation.splits: one name each (records and curves are keyed by it)."""
    from ptlab.contracts import ContractViolation

    first: dict[str, int] = {}
    for i, split in enumerate(splits):
        if split["name"] in first:
            raise ContractViolation(f'{path}: /evaluation/splits/{i}/name: split name "{split["name"]}" is already used by split {first[split["name"]]}; records and curves are keyed by name')
        first[split["name"]] = i


PROTOCOL_KEYS = ("maxVerify", "verifier")  # how an episode is scored, not which variant it is (checks.ts PROTOCOL_KEYS)


def _environment_fields(environment: dict[str, Any]) -> tuple[Any, ...]:
    """The keys of the environment's kind, with their defaults (they mirror the schema's)."""
    return fields(VirlConfig if environment["env"] == "virl" else GeneralPointsConfig)


def with_defaults(environment: dict[str, Any]) -> dict[str, Any]:
    """The environment's keys with the defaults filled in (checks.ts withDefaults)."""
    return {**{f.name: f.default for f in _environment_fields(environment) if f.default is not None}, **environment}


def split_keys_refused(environment: dict[str, Any], split: dict[str, Any]) -> tuple[str, str] | None:
    """What the schema cannot say of a split's overrides, as the editor says it (checks.ts
    checkSplits): they change keys of the training environment's kind (the schema takes those
    of either kind). (The pointer within the split, the reason), or None."""
    keys = sorted(f.name for f in _environment_fields(environment))
    unknown = next((key for key in split.get("overrides", {}) if key not in keys), None)
    if unknown is None:
        return None
    return f"/overrides/{unknown}", f"{unknown} is not a key of {environment['env']} environments, the training environment's env (its keys: {', '.join(keys)})"


def split_variant_refused(environment: dict[str, Any], split: dict[str, Any]) -> tuple[str, str] | None:
    """What the schema cannot say of an OOD split, as the editor says it (checks.ts checkSplits):
    one that plays the training variant, changing at most how episodes are scored, would draw
    an "OOD" curve that is ID. (The pointer within the split, the reason), or None."""
    kind, overrides = split["kind"], split.get("overrides", {})
    training, effective = with_defaults(environment), with_defaults({**environment, **overrides})
    if kind == "id" or any(key not in PROTOCOL_KEYS and effective[key] != training.get(key) for key in effective):
        return None
    what = "rule (e.g. faceCards, actionSpace)" if kind == "rule-ood" else "look (e.g. suits, routes)"
    return ("/overrides" if "overrides" in split else "/kind"), f"this {kind} split equals the training variant: add overrides that change the {what}"


def _check_split_overrides(path: Path, data: dict[str, Any], resumed: Path | None) -> None:
    """An OOD split equal to the training variant is warned of, not refused, in the config of
    the run `resumed` continues: runs began with one before the trainer refused it."""
    from ptlab.contracts import ContractViolation

    environment = data["environment"]
    for i, split in enumerate(data.get("evaluation", {}).get("splits", [])):
        if refused := split_keys_refused(environment, split):
            raise ContractViolation(f"{path}: /evaluation/splits/{i}{refused[0]}: {refused[1]}")
        if refused := split_variant_refused(environment, split):
            pointer, reason = refused
            if not _is_runs_own_config(resumed, data, path):
                raise ContractViolation(f"{path}: /evaluation/splits/{i}{pointer}: {reason}")
            what = reason.partition(":")[0]
            print(f'{path}: /evaluation/splits/{i}{pointer}: warning: {what}; resumed as the run began, its "{split["name"]}" curve is not OOD', file=sys.stderr)


def _is_runs_own_config(run_dir: Path | None, data: dict[str, Any], path: Path) -> bool:
    """Whether `data` (read from `path`) is the config of the run in `run_dir`, as its
    run.json holds it (filled in alike, as --resume compares them)."""
    from ptlab.contracts import ContractViolation
    from ptlab.runlog import config_differences

    if run_dir is None:
        return False
    try:
        manifest = load_json_file(Path(run_dir) / "run.json", "run-manifest.schema.json")
    except ContractViolation:
        return False  # no run to resume: --resume says so
    return not config_differences(manifest, experiment_from_dict(data, path.resolve()).to_dict(), filled_in)


def _check_corpus_mix(path: Path, data: dict[str, Any]) -> None:
    """What the schema cannot say of sft.data.mix: it is for the corpus, and its shares add up to 1000."""
    if "mix" not in data:
        return
    from ptlab.contracts import ContractViolation
    from ptlab.corpus import CorpusMixError, resolve_mix

    if data.get("source", "environment") != "pretraining-corpus":
        raise ContractViolation(f'{path}: /sft/data/mix: a mix of corpus tasks applies only to "source": "pretraining-corpus"; remove it or set the source')
    try:
        resolve_mix(data["mix"])
    except CorpusMixError as exc:
        raise ContractViolation(f"{path}: /sft/data/mix: {exc}") from exc
