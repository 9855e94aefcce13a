"""The ``claimtrail`` command: argument parsing and exit codes; the commands are in commands/.

Exit codes: 0 valid (or done), 1 invalid, 2 usage error or unreadable package. No input
produces a traceback: an unexpected error is reported as one line and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from claimtrail.commands import EXIT_OK, EXIT_USAGE


def _parser() -> tuple[argparse.ArgumentParser, dict]:
    from claimtrail import __version__
    from claimtrail.commands import MODULES

    parser = argparse.ArgumentParser(
        prog="claimtrail",
        description="Event, actor and claim records with provenance pointers into their source texts.",
    )
    parser.add_argument("--version", action="version", version=f"claimtrail {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = {}
    for name in MODULES:
        module = importlib.import_module(f".commands.{name}", __package__)
        p = sub.add_parser(
            module.NAME, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP)
        )
        module.add_arguments(p)
        commands[module.NAME] = module
    return parser, commands


def main(argv: list[str] | None = None) -> int:
    parser, commands = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors and 0 for --help
        return int(e.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return commands[args.command].run(args)
    except KeyboardInterrupt:
        print("claimtrail: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. head, which stopped reading
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as e:  # a file that cannot be read or written (a full disk, a directory)
        where = f"{e.filename}: " if e.filename and str(e.filename) not in str(e) else ""
        print(f"claimtrail: {where}{e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    except UnicodeDecodeError as e:
        print(f"claimtrail: a file is not UTF-8 text: {e.reason} at byte {e.start}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as e:  # a last resort: one line, never a traceback
        print(f"claimtrail: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
