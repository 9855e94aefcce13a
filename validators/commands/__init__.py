"""The subcommands of ``claimtrail``, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``,
and imports what it needs inside ``run`` so that ``claimtrail --help`` stays fast. A new
command is a new module plus one line here.
"""
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
)
