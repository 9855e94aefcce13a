"""The fast engine: polars reads each table and proves it holds what the reference engine
would read, then runs the Table Schema checks, record schemas and own checks in columns.

Owns reading tables (tables), table checks (engine), record schemas on columns (records),
the own checks on columns (checks) and the run that ties them (run). It may import files,
contract, package and the rest of claimtrail.validation.
"""

import os

# polars' allocator (jemalloc) keeps freed pages for a while; the engine lets each table go
# before reading the next, so have them given back at once. Set here, before any module of
# the engine imports polars (the setting is read when polars loads).
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
