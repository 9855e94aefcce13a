"""The fast engine: polars reads each table and proves it holds what the reference engine
would read, then runs the Table Schema checks, record schemas and own checks in columns.

Owns reading tables (tables), table checks (engine), record schemas on columns (records),
the own checks on columns (checks) and the run that ties them (run). It may import files,
contract, package and the rest of claimtrail.validation.
"""
