"""Every size limit a package must stay within, in one place (docs/validation-report.md
lists them). A package comes from people we do not know: each limit keeps validation, and
every other command, within bounded time and memory, and each exceeded limit is reported as
one problem naming the file, never as a hang, a crash or a traceback.

The values are far above anything a curated package holds (the bundled one: a descriptor of
90 KB, 29 tables of at most 14 columns, cells of at most a few hundred characters, texts of
a few KB), and far below what would exhaust a CI machine.
"""

from __future__ import annotations

# datapackage.json: read whole and parsed, so bounded in bytes, resources and nesting.
MAX_DESCRIPTOR_BYTES = 16 << 20
MAX_RESOURCES = 50_000  # a source text is a resource: 2M synthetic claims come with 20,000
MAX_JSON_DEPTH = 64
MAX_JSON_NUMBER_DIGITS = 100  # a longer integer literal takes quadratic time to convert

# CSV tables: bounded in bytes, columns (the header's width) and cell size.
MAX_TABLE_BYTES = 512 << 20
MAX_COLUMNS = 256
MAX_CELL = 1 << 20  # characters; csv's own limit (128 KiB) would otherwise raise mid-file

# Source texts: news articles, a few KB each; add-source refuses larger files up front.
MAX_SOURCE_BYTES = 64 << 20

# The "did you mean" near-miss search for a quote that is not in its text compares the quote
# with windows of the text (difflib, quadratic): above these sizes only the exact and the
# look-alike searches run, which are linear.
MAX_FUZZY_QUOTE = 500  # characters of the quote
MAX_FUZZY_WORK = 5_000_000  # quote length times text length
MAX_NEAR_MISSES = 100  # pointers per validation given a near-miss hint; the rest name none

# Problems: frictionless stops at 1,000 errors per table. So does every step of claimtrail
# validate, each in its own way (the record schema after 1,000 failing records of a type,
# the pointer check after 1,000 failing pointers), and the report lists at most this many
# problems per file, the first by line, then one problem saying that there are more.
MAX_PROBLEMS = 1000

# Release zips read by `claimtrail diff`: members are read whole, so bounded (a zip bomb).
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_MEMBER_BYTES = 256 << 20  # read whole: a member whose header lies is cut here
