"""The `tdg` command line: one subcommand module each, errors rendered on one line.

Exit codes: 0 success; 1 a pipeline failure or a failed check (with the reason);
2 a user error (bad config, missing input, existing version, missing key), one line, no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from tdg import __version__
from tdg.transforms.errors import UserError

# Each module defines `register(subparsers)`, which adds its parser and sets `func`.
COMMAND_MODULES = (
    "tdg.pipelines.run_command",
    "tdg.pipelines.detect_command",
    "tdg.pipelines.keys_command",
    "tdg.pipelines.reidentify_command",
    "tdg.pipelines.verify_command",
    "tdg.pipelines.ledger_command",
    "tdg.pipelines.requests_command",
    "tdg.pipelines.annotations_command",
)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message (its default, made explicit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"error: {message}\n")


class _DropNoise(logging.Filter):
    """Beam's import-time note about optional GCP clients says nothing a tdg user can act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("apitools not found")


def configure_logging(verbose: bool) -> None:
    """Before any Beam import: Beam logs at import time through the root logger."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_DropNoise())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    if not verbose:
        # A failing DoFn is logged with its traceback by the runner; tdg reports the cause on one
        # line instead (and -v shows everything).
        logging.getLogger("apache_beam.runners").setLevel(logging.CRITICAL)
        logging.getLogger("great_expectations").setLevel(logging.WARNING)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tdg",
        description="training-data governance: certify a training corpus before a model sees it.",
    )
    parser.add_argument("--version", action="version", version=f"tdg {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Everything after a bare `--` is passed through to Beam untouched.
    beam_args: list[str] = []
    if "--" in args_list:
        cut = args_list.index("--")
        args_list, beam_args = args_list[:cut], args_list[cut + 1 :]
    configure_logging("-v" in args_list or "--verbose" in args_list)
    parser = build_parser()
    args = parser.parse_args(args_list)
    args.beam_args = beam_args
    try:
        code: int = args.func(args)
        return code
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
