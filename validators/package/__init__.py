"""Reading a package: CSV tables into records and records back into tables.

Owns reading and writing the CSV tables in the contract's dialect (csvio), assembling records
from normalised tables and back (records), the typed Dataset of load() (dataset), where a
package may keep its files (paths), finding a quote in a text (locate), and the tables typed by
the descriptor's Table Schema (typed), as Arrow tables (arrow) and as pandas or polars frames
(frames). It may import claimtrail.files and claimtrail.contract.
"""
