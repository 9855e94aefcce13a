"""Files: reading and writing bytes safely, with no knowledge of records.

Owns atomic writes (atomic), strict JSON parsing with line numbers (jsonload) and where the
bundled schema and data folders are (bundled). It imports nothing of claimtrail; every other
part may import it.
"""
