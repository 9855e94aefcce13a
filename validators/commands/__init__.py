"""The subcommands of ``claimtrail``, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``,
and imports what it needs inside ``run`` so that ``claimtrail --help`` stays fast. A new
command is a new module plus one line here.
"""

# Exit codes, the same for every command (the README and --help state them).
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

MODULES = (
    "validate",
    "descriptor",
    "coverage",
    "release",
    "dictionary",
    "diff",
    "locate",
    "add_source",
    "fix",
    "site",
)

# Which package a command works on is one rule (package/folder.py); its help says so.
PACKAGE_HELP = (
    "the package folder (default: the data/ folder of the checkout you are in, found from the "
    "working directory upward; else the copy bundled with claimtrail)"
)
READ_PACKAGE_HELP = PACKAGE_HELP.replace("the package folder", "the package folder or a release zip", 1)


def announce(package, to: str = "stdout") -> None:
    """Name the package folder used, as the first line of output: on standard output, or on
    standard error when standard output is a diff; not at all for a JSON report, whose
    "package" key names it."""
    import sys

    if to != "none":
        print(package.describe(), file=sys.stderr if to == "stderr" else sys.stdout, flush=True)
