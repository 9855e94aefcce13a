"""The contract: the JSON Schemas in schema/ and everything derived from them.

Owns loading the schemas (schemas), the table layout schema/layout.json describes for them
(layout), the self-contained copies of the schema files that any validator can use alone
(bundle), the Data Package descriptor (descriptor) and the CSV dialect its tables are written
in (dialect), the generated pydantic models (models, from codegen, on model_base), the data
dictionary (dictionary), the check-or-rewrite of generated files (generated_file) and the
problem and report types every check emits (problems). It may import only claimtrail.files.
"""
