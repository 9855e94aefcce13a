"""Curation: the commands a curator edits a package with.

Owns reading and appending table rows in a package folder (tables), proposing and writing
repairs (fixes) and adding a source text (add_source). It may import files, contract, package
and validation.
"""
