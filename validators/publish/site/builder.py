"""``claimtrail site``: a static provenance browser of a package, one page per source and per
record, written with Jinja2 (autoescaping on: every value from the data is escaped).

The site needs no server and makes no request outside its folder: pages link to each other
by relative paths, the stylesheet and script are files of the site, and the search index is
a script file (``search-index.js``) rather than JSON fetched at run time, because a browser
does not let a page opened from ``file://`` fetch files. The bytes depend only on the
package: records are visited in the package's order, and nothing records the time of the
build.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from claimtrail.package.dataset import Dataset
from claimtrail.publish.site.citations import citations
from claimtrail.publish.site.highlight import BOILERPLATE, POINTER, Span, highlight
from claimtrail.publish.site.timeline import dated, timeline_svg
from claimtrail.publish.site.words import (
    BASIS_WORDS,
    PRECISION_WORDS,
    PUBLISHER_WORDS,
    describe_date,
    in_context,
    short,
)

SITE_MARK = "site.json"  # names the folder as a claimtrail site, so that a rebuild may replace it
STATIC = ("site.css", "site.js")
FOLDERS = {
    "src": "sources",
    "evt": "events",
    "act": "actors",
    "clm": "claims",
    "dis": "discrepancies",
}


class SiteError(Exception):
    """The site cannot be written where asked (the message says why)."""


@dataclass
class Site:
    files: int = 0
    bytes: int = 0
    split: dict[str, int] = field(default_factory=dict)  # pointer id -> pieces it is shown in


def page_path(record_id: str) -> str:
    """The site-relative path of a record's page: sources/src-000.html, claims/clm-x.html, ..."""
    return f"{FOLDERS[record_id.split('-', 1)[0]]}/{record_id}.html"


class _Pages:
    """What every template needs: lookups, links and words for the records of one package."""

    def __init__(self, ds: Dataset, descriptor: dict):
        self.ds = ds
        self.descriptor = descriptor
        self.cited = citations(ds)
        self.pointers = {p.id: p for p in ds.pointers}
        self.claims_about: dict[str, list] = defaultdict(list)
        self.claims_by: dict[str, list] = defaultdict(list)
        for c in ds.claims:
            for subject in (*c.about_events, *c.about_actors):
                self.claims_about[subject].append(c)
            if c.claimant:
                self.claims_by[c.claimant].append(c)
        self.discrepancies_about: dict[str, list] = defaultdict(list)
        for d in ds.discrepancies:
            for subject in (*d.about_events, *d.about_actors, *d.about_claims):
                self.discrepancies_about[subject].append(d)
        self.children: dict[str, list] = defaultdict(list)
        self.events_of: dict[str, list] = defaultdict(list)
        for e in ds.events:
            if e.parent:
                self.children[e.parent].append(e)
            for p in e.participants:
                if e not in self.events_of[p.actor]:
                    self.events_of[p.actor].append(e)
        self.env = Environment(
            loader=PackageLoader("claimtrail.publish.site", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # templates are package data: no need to stat them for each page
        )
        self.env.filters["words"] = lambda value: str(value).replace("_", " ")
        self.env.globals.update(
            label=self.label,
            describe_date=describe_date,
            basis_words=BASIS_WORDS,
            publisher_words=PUBLISHER_WORDS,
            precision_words=PRECISION_WORDS,
            context=self.context,
            cited=self.cited,
            package=descriptor,
            short=short,
        )

    def label(self, record_id: str) -> str:
        if record_id not in self.ds:
            return record_id
        record = self.ds.get(record_id)
        kind = record_id.split("-", 1)[0]
        if kind == "act":
            return record.name
        if kind == "evt":
            return short(record.summary)
        if kind == "clm":
            return short(record.content)
        if kind == "dis":
            return short(record.summary)
        if kind == "unc":
            return f"uncoded: {short(record.reason)}"
        if kind == "src":
            return record.headline or f"Untitled text {record.id}"
        return record_id

    def context(self, pointer) -> tuple[str, str, str]:
        return in_context(self.ds.source_text(pointer.source), pointer.start, pointer.end)

    def render(self, template: str, path: str, **values) -> bytes:
        root = "../" * path.count("/")

        def href(target: str) -> str:
            """A link from this page to a record's page, or for a pointer to its highlight."""
            kind = target.split("-", 1)[0]
            if kind == "ptr":
                return f"{root}{page_path(self.pointers[target].source)}#{target}"
            if kind == "unc":
                pointer = self.ds.get(target).pointer
                return f"{root}{page_path(pointer.source)}#ref-{pointer.id}"
            return f"{root}{page_path(target)}"

        html = self.env.get_template(template).render(root=root, href=href, **values)
        return html.encode("utf-8")

    # -- the pages ---------------------------------------------------------------------------
    def source_page(self, source) -> tuple[bytes, dict[str, int]]:
        text = self.ds.source_text(source.id)
        mine = [p for p in self.ds.pointers if p.source == source.id]
        spans = [Span(p.start, p.end, POINTER, p.id) for p in mine]
        spans += [
            Span(
                b.start,
                b.end,
                BOILERPLATE,
                b.kind.replace("_", " "),
                f"boilerplate: {b.kind.replace('_', ' ')}" + (f". {b.note}" if b.note else ""),
            )
            for b in source.boilerplate
        ]
        marked = highlight(text, spans)
        listed = sorted(mine, key=lambda p: (p.start, -p.end, p.id))
        page = self.render(
            "source.html",
            page_path(source.id),
            source=source,
            text=Markup(marked.html),
            pointers=listed,
            split=marked.split,
            title=self.label(source.id),
        )
        return page, marked.split

    def index_page(self) -> bytes:
        ds = self.ds
        counts = {
            "sources": len(ds.sources),
            "pointers": len(ds.pointers),
            "actors": len(ds.actors),
            "events": len(ds.events),
            "claims": len(ds.claims),
            "discrepancies": len(ds.discrepancies),
            "uncoded spans": len(ds.uncoded),
            "tombstones": len(ds.tombstones),
        }
        svg = timeline_svg(ds.events, lambda i: page_path(i), describe_date)
        return self.render(
            "index.html",
            "index.html",
            ds=ds,
            counts=counts,
            timeline=Markup(svg),
            undated=[e for e in ds.events if not dated(e)],
            source_licences=self.source_licences(),
            title=str(self.descriptor.get("title") or self.descriptor.get("name") or "claimtrail"),
        )

    def source_licences(self) -> dict[str, list]:
        by_path = {r.get("path"): r.get("licenses", []) for r in self.descriptor.get("resources", [])}
        return {s.id: by_path.get(s.path, []) for s in self.ds.sources}

    def search_index(self) -> bytes:
        """Every record as [id, kind, label, page, searchable text]; the search matches the text."""
        entries = []
        quote = {p.id: p.quote for p in self.ds.pointers}
        for s in self.ds.sources:
            words = [s.headline or "", s.publisher.name or ""]
            entries.append([s.id, "source", self.label(s.id), page_path(s.id), " ".join(words)])
        for a in self.ds.actors:
            words = [a.name, *(n.name for n in a.names), *(r.title for r in a.roles), a.description or ""]
            entries.append([a.id, "actor", a.name, page_path(a.id), " ".join(words)])
        for e in self.ds.events:
            words = [e.summary, *(loc.place or "" for loc in e.locations), *(quote[p.id] for p in e.pointers)]
            entries.append([e.id, "event", self.label(e.id), page_path(e.id), " ".join(words)])
        for c in self.ds.claims:
            words = [c.content, c.claimant_as_reported or "", *(at.pointer.quote for at in c.attributions)]
            entries.append([c.id, "claim", self.label(c.id), page_path(c.id), " ".join(words)])
        for d in self.ds.discrepancies:
            words = [d.summary, *(v.value for v in d.versions)]
            entries.append([d.id, "discrepancy", self.label(d.id), page_path(d.id), " ".join(words)])
        data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
        return f"window.claimtrailSearch = {data};\n".encode()


def _static(name: str) -> bytes:
    return resources.files("claimtrail.publish.site").joinpath("static", name).read_bytes()


def site_files(ds: Dataset, descriptor: dict, report: Site | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the site as (path inside the site, bytes), in a fixed order."""
    pages = _Pages(ds, descriptor)
    report = report if report is not None else Site()
    yield "index.html", pages.index_page()
    yield "search-index.js", pages.search_index()
    yield (
        SITE_MARK,
        (
            json.dumps(
                {
                    "generator": "claimtrail site",
                    "name": descriptor.get("name"),
                    "version": descriptor.get("version"),
                },
                sort_keys=True,
            )
            + "\n"
        ).encode(),
    )
    for name in STATIC:
        yield f"static/{name}", _static(name)
    for source in ds.sources:
        page, split = pages.source_page(source)
        report.split.update(split)
        yield page_path(source.id), page
    for template, group in (
        ("event.html", ds.events),
        ("actor.html", ds.actors),
        ("claim.html", ds.claims),
        ("discrepancy.html", ds.discrepancies),
    ):
        for record in group:
            yield (
                page_path(record.id),
                pages.render(
                    template, page_path(record.id), r=record, title=pages.label(record.id), pages=pages
                ),
            )


def read_descriptor(root: Path) -> dict:
    return json.loads((Path(root) / "datapackage.json").read_text(encoding="utf-8"))


def release_site(package: Path) -> dict[str, bytes]:
    """The site as members of the release zip, under ``site/``."""
    from claimtrail.package.dataset import load

    ds = load(package)
    return {f"site/{name}": data for name, data in site_files(ds, read_descriptor(package))}


def write_site(ds: Dataset, descriptor: dict, out: Path) -> Site:
    """Write the site to ``out``: built in a fresh folder beside it, then moved into place, so
    that ``out`` holds a whole site or the previous one. An existing ``out`` is replaced only
    if it is empty or a claimtrail site (it holds site.json)."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / SITE_MARK).is_file())):
        raise SiteError(f"{out} exists and is not a claimtrail site; choose an empty or new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = Site()
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    try:
        made: set[Path] = set()
        for name, data in site_files(ds, descriptor, report):
            target = work / name
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            report.files += 1
            report.bytes += len(data)
        work.chmod(0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            work.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return report
