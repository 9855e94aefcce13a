"""Files: reading and writing bytes safely, with no knowledge of records.

Owns atomic writes that never replace a link, a device or a read-only file (atomic), opening
only regular files inside a package with bounded reads (safe_open), the limits every reader
enforces (limits), reading a zip into a private folder (zipread), strict JSON parsing with line
numbers (jsonload) and where the bundled schema and data folders are (bundled). It imports
nothing of claimtrail; every other part may import it.
"""
