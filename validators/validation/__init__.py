"""Validation: every step of `claimtrail validate`, and the report it writes.

Owns the steps in order (validate), the record-schema step (record_schemas), our own checks
(checks), coverage of the texts (coverage), frictionless errors in our words
(frictionless_problems), the report renderings (output, github_report), progress on a terminal
(progress) and the fast engine (fast/). It may import files, contract and package.
"""
