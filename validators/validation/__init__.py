"""Validation: every step of `claimtrail validate`, and the report it writes.

Owns the steps in order (validate), what is refused in a descriptor before frictionless reads
it (descriptor_safety), the record-schema step (record_schemas), our own checks (checks), the
rules of reading (reading_rules), coverage of the texts (coverage), bounded "did you mean"
hints (hints), frictionless errors in our words (frictionless_problems), the report renderings
(output, github_report), progress on a terminal (progress) and the fast engine (fast/). It may
import files, contract and package.
"""
