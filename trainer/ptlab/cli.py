"""`python -m ptlab` / `ptlab`: the trainer's command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ptlab import __version__
from ptlab.contracts import ContractViolation, load_json_file
from ptlab.trackers import TrackerError


def _validate(args: argparse.Namespace) -> int:
    """What a job's load refuses (the schema, then the refusals the schema cannot say, the
    environments and evaluation splits among them)."""
    from ptlab.config import load_experiment
    from ptlab.evaluate import check_environments

    failed = 0
    for path in args.config:
        try:
            check_environments(load_experiment(Path(path)))
        except ContractViolation as exc:
            print(exc, file=sys.stderr)
            failed += 1
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


def _open_run(args: argparse.Namespace, experiment: Any, job: str, seeds: dict[str, int], follower: bool = False) -> Any:
    """The job's run folder (created, or continued with --resume) with the config snapshot;
    a follower (a non-main process of a distributed job) reads it and writes nothing."""
    from ptlab.config import filled_in
    from ptlab.runlog import RunLog, RunLogFollower

    return (RunLogFollower if follower else RunLog)(
        Path(args.run_dir),
        experiment=experiment.name,
        job=job,
        config=experiment.to_dict(),
        config_path=experiment.source,
        command=[sys.executable, "-m", "ptlab", *sys.argv[1:]],
        seeds=seeds,
        resume=args.resume,
        current=filled_in,
    )


def _resumed(args: argparse.Namespace) -> Path | None:
    """The run folder a --resume continues (load_experiment's `resumed`), None for a new run."""
    return Path(args.run_dir) if args.resume else None


def _check_run_folder(run_dir: Path, experiment: Any, job: str, resume: bool) -> None:
    """What the job's RunLog will refuse, refused before launching it (RunFolderError): a new
    run where one lives or in a folder whose name cannot be its id, a resume where none does,
    or of another job or config."""
    from ptlab.config import filled_in
    from ptlab.runlog import check_new_run_folder, resumable_manifest

    if resume:
        resumable_manifest(run_dir, job, experiment.to_dict(), experiment.source, filled_in)
    else:
        check_new_run_folder(run_dir)


def _data(args: argparse.Namespace) -> int:
    from ptlab.config import load_experiment
    from ptlab.data import data_seed, write_sft_data
    from ptlab.runlog import RunFolderError

    try:
        experiment = load_experiment(Path(args.config), resumed=_resumed(args))
        with _open_run(args, experiment, "data", {"global": experiment.seed, "data": data_seed(experiment)}) as run:
            written = write_sft_data(experiment, run)
            if written is None:
                run.finish("cancelled")
    except (ContractViolation, RunFolderError, TrackerError) as exc:
        print(f"ptlab data: {exc}", file=sys.stderr)
        return 2
    if written is None:
        print("ptlab data: cancelled; nothing was written", file=sys.stderr)
        return 130
    print(f"{written}: {experiment.sft.data.examples} examples")
    return 0


def _train(args: argparse.Namespace, job: str, keep_group: bool = False, command: str | None = None) -> int:
    """sft and ppo: open the run folder, train, and say how it ended (130 when cancelled).
    The process group ends with the job unless `keep_group` (a job of several, `pretrain`'s
    stages: accelerate makes the group once per process and never again after it is destroyed);
    a failed job ends it whatever `keep_group` says. Refusals are said as `ptlab COMMAND:`
    (default: the job's)."""
    from ptlab.config import load_experiment
    from ptlab.data import data_seed
    from ptlab.models import is_checkpoint
    from ptlab.ppo import PpoError, run_ppo
    from ptlab.runlog import RunFolderError
    from ptlab.chat import ChatMaskError
    from ptlab.checkpoints import CheckpointError, remove_staged
    from ptlab.envs.generalpoints import EnvConfigError
    from ptlab.envs.virl import RouteFormatError
    from ptlab.evaluate import EvaluationError, check_environments
    from ptlab.models import ModelFamilyError
    from ptlab.sft import SftError, run_sft

    try:
        experiment = load_experiment(Path(args.config), resumed=_resumed(args))
        check_environments(experiment)
        init = experiment.sft.init if job == "sft" else experiment.ppo.init
        if init and not is_checkpoint(experiment.resolve(init)):
            print(f"ptlab {command or job}: {experiment.source}: /{job}/init: {experiment.resolve(init)} is not a checkpoint folder; train it first", file=sys.stderr)
            return 2
        seeds = {"global": experiment.seed, **({"data": data_seed(experiment)} if job == "sft" else {})}
        from ptlab import parallel
        from ptlab.parallel import is_main_process

        try:
            with _open_run(args, experiment, job, seeds, follower=not is_main_process()) as run:
                if args.resume and is_main_process():  # the run's writer, before any save of this job (RunLog has refused a run whose job still runs)
                    remove_staged(run.dir)
                status = (run_sft if job == "sft" else run_ppo)(experiment, run, args.resume)
                if status == "cancelled":
                    run.finish("cancelled")
        except BaseException as exc:
            parallel.finish(failed=True, error=exc)  # the process group too goes before the interpreter does
            raise
        if not keep_group:
            parallel.finish()
    except (ContractViolation, RunFolderError, TrackerError, SftError, PpoError, ChatMaskError, ModelFamilyError, EvaluationError, CheckpointError, EnvConfigError, RouteFormatError) as exc:
        print(f"ptlab {command or job}: {exc}", file=sys.stderr)
        return 2
    print(f"{args.run_dir}: {status}")
    return 130 if status == "cancelled" else 0


def _sft(args: argparse.Namespace) -> int:
    return _train(args, "sft")


def _evaluated_checkpoint(args: argparse.Namespace, model_name: str) -> Path | None:
    """The checkpoint to evaluate: --checkpoint, else the config's model (None). --resume
    redoes the run's own evaluation: of run.json's `init` (the config's model without one),
    refused for any other --checkpoint."""
    given = Path(args.checkpoint).resolve() if args.checkpoint else None
    manifest_path = Path(args.run_dir) / "run.json"
    if not args.resume or not manifest_path.exists():
        return given  # (RunLog says there is nothing to resume)
    manifest = load_json_file(manifest_path, "run-manifest.schema.json")
    if manifest["job"] != "eval":
        return given  # (RunLog refuses another job's run)
    evaluated = Path(manifest["init"]).resolve() if manifest.get("init") else None
    if args.checkpoint and given != evaluated:
        raise ValueError(
            f"{manifest_path}: --resume redoes this run's evaluation, of {evaluated or f'the config model {model_name}'}, not of --checkpoint {given}; "
            "leave out --checkpoint, or evaluate that checkpoint in another --run-dir"
        )
    return evaluated


def _checkpoint_compute(experiment: Any, state: dict[str, Any], parameters: int) -> dict[str, Any]:
    """The compute a checkpoint's trainer_state.json records, as the run that saved it records
    it for its own evaluations (PPO's, with rollout inference, when it counts inferenceTokens;
    SFT's otherwise): evaluated apart, the same weights plot at the same GFLOPs. A model
    without ptlab's (a base model, or a Hugging Face Trainer's checkpoint-N, whose
    trainer_state.json counts no tokens of ours) has none."""
    from ptlab import ppo, sft

    ours = isinstance(state.get("trainTokens"), int) and isinstance(state.get("compute"), dict) and "initTokens" in state["compute"]
    if not ours:
        return sft.compute({"trainTokens": 0, "compute": {"initTokens": 0}}, parameters)
    if "inferenceTokens" in state:
        return ppo.compute(state, parameters, ppo.PAPER_LAMBDA[experiment.environment_for().env])
    return sft.compute(state, parameters)


def _eval(args: argparse.Namespace) -> int:
    """Under `accelerate launch` every process loads the whole model and plays its share of the
    episodes (evaluate.play_split); the main process writes the run."""
    import json

    from ptlab import parallel
    from ptlab.config import load_experiment
    from ptlab.evaluate import SUMMARY_FILE, check_environments, evaluate, write_summary
    from ptlab.models import load, parameter_count
    from ptlab.runlog import RunFolderError

    main = parallel.is_main_process()
    try:
        experiment = load_experiment(Path(args.config), resumed=_resumed(args))
        if experiment.evaluation is None:
            raise ValueError(f"{experiment.source}: /evaluation: the config has no evaluation splits")
        check_environments(experiment, training=False)
        checkpoint = _evaluated_checkpoint(args, experiment.model.name)
        from ptlab.models import is_checkpoint

        if checkpoint is not None and not is_checkpoint(checkpoint):
            raise ValueError(f"{checkpoint}: not a checkpoint folder (no config.json or adapter_config.json)")
        acc = parallel.accelerator()
        try:
            with _open_run(args, experiment, "eval", {"global": experiment.seed, "evaluation": experiment.evaluation.seed}, follower=not main) as run:
                with parallel.whole_on_every_process(acc):  # generation only: no engine shards it
                    model, tokenizer = load(experiment.model, str(acc.device), checkpoint)
                from ptlab.checkpoints import STATE_FILE

                state_file = checkpoint / STATE_FILE if checkpoint else None
                state = json.loads(state_file.read_text()) if state_file and state_file.exists() else {}
                parameters = parameter_count(model)
                compute = _checkpoint_compute(experiment, state, parameters)
                step = int(state.get("step", 0))
                run.clear_records(SUMMARY_FILE)  # an evaluation is redone whole
                run.update(parameters=parameters, **({"init": str(checkpoint)} if checkpoint else {}))
                name = str(checkpoint) if checkpoint else experiment.model.name
                summaries = evaluate(experiment, run, model, tokenizer, step, compute, name, acc=acc, cancellable=True)
                if summaries is None:
                    run.finish("cancelled")
                summary = write_summary(run, experiment, model, step, name, compute, summaries) if main and summaries is not None else None
        except BaseException as exc:
            parallel.finish(failed=True, error=exc)  # the process group too goes before the interpreter does
            raise
        parallel.finish()
    except (ContractViolation, RunFolderError, TrackerError, ValueError) as exc:
        if main:
            print(f"ptlab eval: {exc}", file=sys.stderr)
        return 2
    if summaries is None:
        if main:
            print(f"{args.run_dir}: cancelled; metrics.jsonl and episodes.jsonl hold the splits evaluated before it, and no {SUMMARY_FILE} was written")
        return 130
    if not main:
        return 0
    for s in summaries:
        print(f"{s['name']:>12} ({s['kind']}): success {100 * s['success']['rate']:.1f}% ± {100 * s['success']['stderr']:.1f} (n={s['episodes']})")
    print(summary)
    return 0


def _export(args: argparse.Namespace) -> int:
    import contextlib
    import json

    from ptlab.config import load_experiment
    from ptlab.envs import generalpoints as gp
    from ptlab.export import ExportCancelled, ExportError, export_onnx, export_target, last_checkpoint
    from ptlab.runlog import signals_raise

    try:
        experiment = load_experiment(Path(args.config))
        run_dir = Path(args.run_dir)
        checkpoint = (Path(args.checkpoint) if args.checkpoint else last_checkpoint(run_dir)).resolve()
        from ptlab.models import is_checkpoint

        if not is_checkpoint(checkpoint):
            print(f"ptlab export: {checkpoint}: not a checkpoint folder (no config.json or adapter_config.json)", file=sys.stderr)
            return 2
        target = export_target(run_dir, checkpoint)
        env = experiment.environment_for()
        sample = gp.prompt(env, gp.deal(env, 0)) if isinstance(env, gp.GeneralPointsConfig) else "\n[Task Description]\nYou are an expert in navigation."
        # not the default's end, past export_onnx's removal of its staging folder; only until the
        # new export is in place (ExportCancelled says nothing was written)
        with signals_raise(ExportCancelled) as end_cancel:
            target = export_onnx(checkpoint.resolve(), target, sample, experiment.model.trustRemoteCode, placed=end_cancel)
    except ExportCancelled as exc:
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            print(f"ptlab export: {exc}", file=sys.stderr)
        return 130
    except (ContractViolation, ExportError) as exc:
        print(f"ptlab export: {exc}", file=sys.stderr)
        return 2
    parity = json.loads((target / "ptlab-onnx.json").read_text())["parity"]
    print(f"{target}: logits match PyTorch within {max(parity.values()):.1e}")
    return 0


def _launch(args: argparse.Namespace) -> int:
    import json
    import os
    import shutil
    import subprocess

    from ptlab.config import load_experiment
    from ptlab.launch import plan
    from ptlab.runlog import RunFolderError, atomic_write_text, unwritable

    try:
        experiment = load_experiment(Path(args.config), model_here=not args.print, resumed=_resumed(args))  # --print: for a machine that has it
    except ContractViolation as exc:
        print(f"ptlab launch: {exc}", file=sys.stderr)
        return 2
    config = Path(args.config).resolve()
    run_dir = Path(args.run_dir).resolve()
    try:
        launch = plan(experiment, args.job, config, run_dir, args.resume, checkpoint=Path(args.checkpoint).resolve() if args.checkpoint else None)
        if not args.print and args.job != "export":  # export writes into a training run's folder
            _check_run_folder(run_dir, experiment, args.job, args.resume)  # before a Slurm job queues only to be refused
    except (ValueError, RunFolderError) as exc:  # ContractViolation, launch.job_args's refusals
        print(f"ptlab launch: {exc}", file=sys.stderr)
        return 2
    if args.print:
        print(json.dumps({"argv": launch.argv, "env": launch.env, "script": launch.script}, indent=2))
        return 0
    if launch.script is not None and launch.script_path is not None:
        if shutil.which(launch.argv[0]) is None:  # before the script is written
            print(f"ptlab launch: {launch.argv[0]}: not found on PATH; launch from a machine with Slurm (a login node), or see the script with --print", file=sys.stderr)
            return 2
        try:
            atomic_write_text(launch.script_path, launch.script)
        except OSError as exc:
            print(f"ptlab launch: {unwritable(launch.script_path, exc, 'cannot write')}", file=sys.stderr)
            return 2
        return subprocess.run(launch.argv, check=False).returncode
    os.execvpe(launch.argv[0], launch.argv, {**os.environ, **launch.env})
    return 0  # not reached


def _ppo(args: argparse.Namespace) -> int:
    return _train(args, "ppo")


def _pretrain(args: argparse.Namespace) -> int:
    """A base's recipe: each stage's SFT job in order (a finished stage is kept), then publish."""
    import dataclasses
    import functools

    from ptlab.config import load_experiment
    from ptlab.models import EMBEDDED_PREFIX
    from ptlab.pretrain import PretrainError, is_finished, publish, stage_config, stage_runs

    name = EMBEDDED_PREFIX + args.base
    run_dir = Path(args.run_dir or f"runs/{args.base}")
    stages = stage_runs(name, run_dir)
    if args.config:  # another recipe for the last stage, checked before the first stage runs
        try:
            load_experiment(Path(args.config))
        except ContractViolation as exc:
            print(f"ptlab pretrain: {exc}", file=sys.stderr)
            return 2
        stages[-1] = (dataclasses.replace(stages[-1][0], recipe=Path(args.config).resolve()), stages[-1][1])
    init = None
    # Under a multi-process launch the stages share one process group (made by the first
    # stage's Accelerator, ended here); the main process alone writes configs and publishes.
    from ptlab import parallel

    try:
        for stage, stage_dir in stages:
            if not is_finished(stage_dir):
                if len(stages) > 1 and parallel.is_main_process():
                    print(f"ptlab pretrain: {name}, stage {stage.name} ({stage.recipe.name}) in {stage_dir}", flush=True)
                config = parallel.main_first(functools.partial(stage_config, stage, stage_dir, init))
                resume = args.resume and (stage_dir / "run.json").is_file()
                code = _train(argparse.Namespace(**{**vars(args), "config": str(config), "run_dir": str(stage_dir), "resume": resume}), "sft", keep_group=True, command="pretrain")
                if code != 0:
                    parallel.finish(failed=True)
                    return code
            init = stage_dir / "checkpoints" / "final"
        target = parallel.main_only(functools.partial(publish, run_dir, Path(args.publish_to) if args.publish_to else None, name))
    except PretrainError as exc:
        parallel.finish(failed=True, error=exc)
        print(f"ptlab pretrain: {exc}", file=sys.stderr)
        return 2
    except BaseException as exc:
        parallel.finish(failed=True, error=exc)
        raise
    parallel.finish()
    if parallel.is_main_process():
        print(f"ptlab pretrain: {name} published to {target}")
    return 0


def _env_server(args: argparse.Namespace) -> int:
    from ptlab.envs.server import serve

    # Lines in and out are UTF-8 whatever the locale; a bad byte must not end the server.
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", errors="surrogatepass", closefd=False)
    serve(stdin, stdout)
    return 0


def _plan(args: argparse.Namespace) -> int:
    import json

    from ptlab.config import load_experiment
    from ptlab.plan import PlanError, plan, render

    try:
        experiment = load_experiment(Path(args.config), model_here=False)  # plan says to pass --model-config for a model not here
        job = args.job or ("ppo" if "ppo" in load_json_file(Path(args.config), "experiment.schema.json") else "sft")
        result = plan(experiment, job, args.gpu_memory, Path(args.model_config) if args.model_config else None, Path(args.tokenizer) if args.tokenizer else None)
    except (ContractViolation, PlanError) as exc:
        print(f"ptlab plan: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), indent=2) if args.json else render(result))
    return 0


def _replica(args: argparse.Namespace) -> int:
    from ptlab.replicas import build, out_refused

    target = Path(args.out).resolve()
    if refused := out_refused(target):
        print(f"ptlab replica: {refused}", file=sys.stderr)
        return 2
    build(args.family, target, args.seed)
    print(f"ptlab replica: {args.family} written to {target}")
    return 0


def gibibytes(text: str) -> float:
    """--gpu-memory: a finite number of GiB above 0."""
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a memory size: give the GiB of one GPU, a number above 0 (e.g. 80)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ptlab",
        description="Post-Training Lab trainer: GeneralPoints and V-IRL environments, SFT and multi-turn PPO.",
    )
    parser.add_argument("--version", action="version", version=f"ptlab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check experiment configs (*.ptlab.json) as a job loads them: schemas/experiment.schema.json and the trainer's refusals",
        description="Check experiment configs against the schema and the refusals a job would make at load; errors name the file and the field.",
    )
    validate.add_argument("config", nargs="+", help="experiment config files")
    validate.set_defaults(run=_validate)

    def job(name: str, run: Any, summary: str, description: str, run_dir: str, resume: str | None) -> argparse.ArgumentParser:
        """A job's subcommand with the arguments every job takes."""
        sub = commands.add_parser(name, help=summary, description=description)
        sub.add_argument("--config", required=True, help="experiment config (*.ptlab.json)")
        sub.add_argument("--run-dir", required=True, help=run_dir)
        if resume:
            sub.add_argument("--resume", action="store_true", help=resume)
        sub.set_defaults(run=run)
        return sub

    fresh_or_resumed = "run folder to create (or continue with --resume)"
    job("data", _data, "write SFT data from the environment's expert (chat messages JSONL) into a run folder",
        "Write RUN_DIR/sft.jsonl: expert examples from the config's training environment.", fresh_or_resumed, "continue the run in RUN_DIR")
    job("sft", _sft, "supervised fine-tuning on the expert data, loss on assistant tokens only",
        "Train with SFT into RUN_DIR (checkpoints, metrics.jsonl, run.json).", fresh_or_resumed, "continue from the run's last checkpoint")
    job("ppo", _ppo, "multi-turn PPO with verifier rewards, from the Init checkpoint (ppo.init)",
        "Train with PPO into RUN_DIR (checkpoints with the value head, metrics.jsonl, episodes.jsonl, run.json).", fresh_or_resumed, "continue from the run's last checkpoint")
    job("eval", _eval, "evaluate a checkpoint (or the base model) on the config's ID and OOD splits",
        "Evaluate on every evaluation split: episodes.jsonl, metrics.jsonl and eval-summary.json in RUN_DIR.", "run folder to create (or redo with --resume)", "redo the evaluation in RUN_DIR",
        ).add_argument("--checkpoint", help="checkpoint folder to evaluate (default: the config's model; with --resume, the one the run evaluated)")
    job("export", _export, "export a checkpoint to ONNX (decoder with KV cache) with its tokenizer",
        "Write RUN_DIR/onnx/<checkpoint>/: model.onnx, tokenizer.json, ptlab-onnx.json (checked against PyTorch).",
        "the training run whose last checkpoint is exported (and where onnx/ goes)", None,
        ).add_argument("--checkpoint", help="export this checkpoint folder instead")
    launch = job("launch", _launch, "run a job the way the config's launcher says (local, accelerate, Slurm)",
                 "Run JOB with the config's launcher; --print shows the command (and sbatch script) instead.", "the job's run folder", "continue the run in RUN_DIR")
    launch.add_argument("--job", required=True, choices=["data", "sft", "ppo", "eval", "export"])
    launch.add_argument("--print", action="store_true", help="print the plan as JSON instead of running it")
    launch.add_argument("--checkpoint", help="eval and export: the checkpoint folder (as `ptlab eval` and `ptlab export` take it), run under the config's launcher")

    from ptlab.models import EMBEDDED_PREFIX, PRETRAINED

    bases = [name.removeprefix(EMBEDDED_PREFIX) for name in PRETRAINED]
    pretrain = commands.add_parser(
        "pretrain",
        help="build a pretrained embedded base (gp-base, virl-base): its recipe as an SFT job on the synthetic corpus, then publish the weights",
        description="Run a base's recipe (an SFT job on the pretraining corpus) into RUN_DIR, then publish "
        "its final checkpoint with a manifest (hashes, corpus, recipe, first losses, time, machine) to ptlab/weights/BASE.",
    )
    pretrain.add_argument("--base", choices=bases, default=bases[0], help="which base (default gp-base; its recipe: examples/BASE.pretrain.ptlab.json, after virl-base's two copying stages, examples/virl-base.copying.pretrain.ptlab.json and virl-base.long-copying.pretrain.ptlab.json)")
    pretrain.add_argument("--config", help="another recipe for the base's last stage (default: examples/BASE.pretrain.ptlab.json)")
    pretrain.add_argument("--run-dir", help="the pretraining run folder (default runs/BASE; a recipe of several stages runs each in a folder inside it)")
    pretrain.add_argument("--resume", action="store_true", help="continue the run from its last checkpoint")
    pretrain.add_argument("--publish-to", help="publish here instead of ptlab/weights/BASE")
    pretrain.set_defaults(run=_pretrain)

    env_server = commands.add_parser(
        "env-server",
        help="serve environments over JSON lines on stdin/stdout (reset, step, verify)",
        description="Answer one JSON line per request line: reset, step and verify (see ptlab/envs/server.py).",
    )
    env_server.set_defaults(run=_env_server)

    planner = commands.add_parser(
        "plan",
        help="memory per GPU of a job's stages (weights, gradients, optimizer, activations, KV cache), without a GPU",
        description="Plan the memory each GPU needs for the config's SFT or PPO job under its launcher: model states from exact "
        "parameter counts, activations and KV cache measured by running the trainer's own forward and backward once on fake tensors.",
    )
    planner.add_argument("config", help="experiment config (*.ptlab.json)")
    planner.add_argument("--job", choices=["sft", "ppo"], help="default: ppo when the config has a ppo section, else sft")
    planner.add_argument("--gpu-memory", type=gibibytes, default=80, metavar="GIB", help="memory of one GPU (default 80)")
    planner.add_argument("--model-config", help="the model's config.json, when it is not on this machine")
    planner.add_argument("--tokenizer", help="a folder with the model's tokenizer or processor, when it is not on this machine")
    planner.add_argument("--json", action="store_true", help="print the plan as JSON")
    planner.set_defaults(run=_plan)

    from ptlab.replicas import FAMILIES

    replica = commands.add_parser(
        "replica",
        help="write a random-weight replica of a model family (its classes, processor, chat template), built locally",
        description="Write a tiny random-weight checkpoint of FAMILY to --out: a model.name for trying a family's code path without a download.",
    )
    replica.add_argument("family", choices=list(FAMILIES))
    replica.add_argument("--out", required=True, help="folder to write: a new or empty one, or a replica's (replaced whole)")
    replica.add_argument("--seed", type=int, default=0, help="weight initialisation seed")
    replica.set_defaults(run=_replica)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
