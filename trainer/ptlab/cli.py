"""`python -m ptlab` / `ptlab`: the trainer's command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ptlab import __version__
from ptlab.contracts import ContractViolation, load_json_file


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.config:
        try:
            load_json_file(Path(path), "experiment.schema.json")
        except ContractViolation as exc:
            print(exc, file=sys.stderr)
            failed += 1
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


def _env_server(args: argparse.Namespace) -> int:
    from ptlab.envs.server import serve

    # Lines in and out are UTF-8 whatever the locale; a bad byte must not end the server.
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", errors="surrogatepass", closefd=False)
    serve(stdin, stdout)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ptlab",
        description="Post-Training Lab trainer: GeneralPoints and V-IRL environments, SFT and multi-turn PPO.",
    )
    parser.add_argument("--version", action="version", version=f"ptlab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check experiment configs (*.ptlab.json) against schemas/experiment.schema.json",
        description="Check experiment configs against the schema; errors name the file and the field.",
    )
    validate.add_argument("config", nargs="+", help="experiment config files")
    validate.set_defaults(run=_validate)

    env_server = commands.add_parser(
        "env-server",
        help="serve environments over JSON lines on stdin/stdout (reset, step, verify)",
        description="Answer one JSON line per request line: reset, step and verify (see ptlab/envs/server.py).",
    )
    env_server.set_defaults(run=_env_server)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
