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
