"""The provenance browser: a static site of a package, one page per source and per record.

Owns the Jinja2 templates (templates/), the stylesheet and search script (static/), the source
text with every pointer highlighted (highlight), the records citing each pointer (citations),
the events timeline (timeline), values in words (words) and the pages and their files
(builder). Part of publishing: it may import files, contract, package and publish.
"""
