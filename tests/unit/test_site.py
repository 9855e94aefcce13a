"""The static site, checked in process: the highlighting of any set of spans, escaping, the
timeline, the search index, reproducible builds, the command and the release's site/.
The same pages in a real browser: test_site_browser.py."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import site_package
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

import claimtrail
from claimtrail.cli import main
from claimtrail.publish.release import build_release
from claimtrail.publish.site.builder import SITE_MARK, page_path, read_descriptor, site_files, write_site
from claimtrail.publish.site.highlight import BOILERPLATE, POINTER, Span, highlight

VOID = {"br", "meta", "link", "input", "img", "hr"}


class Elements(HTMLParser):
    """Every element of a page with its attributes and its text, checking that tags balance."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[dict] = []
        self.elements: list[dict] = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": []}
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        element = self.open.pop()
        assert element["tag"] == tag, f"</{tag}> closes <{element['tag']}>"

    def handle_data(self, data):
        for element in self.open:
            element["text"].append(data)

    @classmethod
    def of(cls, html: str) -> list[dict]:
        parser = cls()
        parser.feed(html)
        parser.close()
        assert not [e["tag"] for e in parser.open if e["tag"] not in ("html", "body")], "unclosed elements"
        return [{**e, "text": "".join(e["text"])} for e in parser.elements]


def check_highlight(text: str, spans: list[Span]) -> None:
    marked = highlight(text, spans)
    elements = Elements.of(f"<div>{marked.html}</div>")
    assert "".join(e["text"] for e in elements[:1]) == text  # nothing added, nothing lost
    for span in spans:
        if span.kind != POINTER:
            continue
        whole = [e for e in elements if e["attrs"].get("data-pointer") == span.key]
        pieces = [e for e in elements if e["attrs"].get("data-part-of") == span.key]
        if span.key in marked.split:
            assert not whole and len(pieces) == marked.split[span.key] >= 2
            assert "".join(e["text"] for e in pieces) == text[span.start : span.end]
            assert pieces[0]["attrs"].get("id") == span.key
        else:
            assert not pieces and len(whole) == 1
            assert whole[0]["text"] == text[span.start : span.end]
            assert whole[0]["attrs"]["id"] == span.key


@st.composite
def texts_and_spans(draw):
    text = draw(st.text(alphabet="ab <&\"'\n\u00a0’", min_size=1, max_size=40))
    spans = []
    for n in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        kind = draw(st.sampled_from((POINTER, POINTER, BOILERPLATE)))
        spans.append(Span(start, end, kind, f"ptr-{n}" if kind == POINTER else "navigation"))
    return text, spans


@settings(max_examples=300, deadline=None)
@given(texts_and_spans())
def test_every_span_is_marked_with_exactly_its_text_however_spans_overlap(case):
    check_highlight(*case)


def test_nested_spans_nest_and_a_partial_overlap_splits_the_later_one():
    text = "abcdefghij"
    spans = [Span(1, 5, POINTER, "A"), Span(2, 4, POINTER, "C"), Span(3, 8, POINTER, "B")]
    marked = highlight(text, spans)
    assert marked.split == {"B": 3}  # cut where C ends and where A ends
    check_highlight(text, spans)
    # Heights let CSS stack the underlines: A holds two levels, C one, the pieces of B none.
    assert 'class="hl h2" id="A"' in marked.html and 'class="hl h1" id="C"' in marked.html


# -- the bundled data -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    ds = claimtrail.load()
    return ds, dict(site_files(ds, read_descriptor(ds.root)))


def test_every_pointer_of_the_bundled_data_is_highlighted_in_its_source_page(bundled):
    ds, files = bundled
    split = 0
    for source in ds.sources:
        elements = Elements.of(files[page_path(source.id)].decode())
        text_div = next(e for e in elements if e["attrs"].get("id") == "text")
        assert text_div["text"] == ds.source_text(source.id)
        for p in (p for p in ds.pointers if p.source == source.id):
            [element] = [e for e in elements if e["attrs"].get("data-pointer") == p.id]
            assert element["text"] == p.quote
            pieces = [e["text"] for e in elements if e["attrs"].get("data-part-of") == p.id]
            if pieces:  # overlapping without nesting: in pieces in the text, whole in the list
                split += 1
                assert element["tag"] == "q" and "".join(pieces) == p.quote
            else:
                assert element["tag"] == "mark"
    assert 0 < split < len(ds.pointers) / 10  # the real data has partial overlaps, but few


def test_every_record_page_links_each_of_its_quotes_to_the_highlight(bundled):
    ds, files = bundled
    for record in (*ds.events, *ds.actors, *ds.claims):
        elements = Elements.of(files[page_path(record.id)].decode())
        links = {
            e["attrs"]["data-evidence"]: e["attrs"]["href"] for e in elements if "data-evidence" in e["attrs"]
        }
        for p in record.pointers:
            assert links[p.id] == f"../{page_path(p.source)}#{p.id}"
        marks = [e["text"] for e in elements if e["tag"] == "mark"]
        assert {p.quote for p in record.pointers} <= set(marks)


def test_actor_pages_list_every_surface_form_and_mark_misspellings(bundled):
    ds, files = bundled
    kirby = ds.actor("act-john-kirby")
    page = Elements.of(files[page_path(kirby.id)].decode())
    headings = [e["text"] for e in page if e["tag"] == "h3"]
    assert len(headings) == len(kirby.names) + len(kirby.roles)
    for name, heading in zip(kirby.names, headings):
        assert (
            heading.startswith(f"{name.name} ({name.form.replace('_', ' ')})")
            and ("misspelled" in heading) == name.misspelled
        )
    assert any(n.misspelled for n in kirby.names) and not all(n.misspelled for n in kirby.names)


def test_the_search_index_finds_kirby_by_the_misspelling(bundled):
    _, files = bundled
    script = files["search-index.js"].decode()
    entries = json.loads(script.removeprefix("window.claimtrailSearch = ").rstrip().removesuffix(";"))
    found = [e for e in entries if "kerby" in (e[0] + " " + e[2] + " " + e[4]).lower()]
    assert ["act-john-kirby", "actor", "John Kirby", "actors/act-john-kirby.html"] in [e[:4] for e in found]


def test_the_timeline_draws_each_dated_event_from_earliest_to_latest_grouped_by_operation(bundled):
    ds, files = bundled
    index = files["index.html"].decode()
    svg = index[index.index("<svg") : index.index("</svg>")]
    rows = re.findall(
        r'<a href="events/([^"]+)\.html">.*?<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill="([^"]+)"',
        svg,
    )
    drawn = [r[0] for r in rows]
    dated = [e for e in ds.events if e.date.earliest or e.date.latest]
    assert sorted(drawn) == sorted(e.id for e in dated)
    for e in dated:
        if e.parent:  # parts follow their operation
            assert drawn.index(e.parent) < drawn.index(e.id)
    per_day = []
    for event_id, _, width, fill in rows:
        d = ds.event(event_id).date
        if d.earliest and d.latest:
            days = date.fromisoformat(d.latest).toordinal() - date.fromisoformat(d.earliest).toordinal() + 1
            per_day.append(float(width) / days if days > 30 else None)
            assert fill.startswith("#")
        else:  # an open bound fades out
            assert fill.startswith("url(#open-")
    scale = [s for s in per_day if s]
    assert max(scale) / min(scale) < 1.2  # one scale: length is uncertainty


# -- escaping -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def markup_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("markup")
    pkg = site_package.write_package(root / "pkg")
    assert main(["site", str(pkg), "--out", str(root / "site")]) == 0
    return root / "site"


def test_markup_and_quotes_in_the_data_render_as_text(markup_site):
    for page in markup_site.rglob("*.html"):
        elements = Elements.of(page.read_text(encoding="utf-8"))
        scripts = [e for e in elements if e["tag"] == "script"]
        assert scripts and all(e["attrs"].get("src") and not e["text"] for e in scripts), page
        assert not [e for e in elements if e["tag"] in ("img", "b", "i", "u", "em")], page
        assert not [e for e in elements if any(a.startswith("on") for a in e["attrs"])], page
    source = Elements.of((markup_site / "sources/src-000.html").read_text(encoding="utf-8"))
    [script] = [e for e in source if e["attrs"].get("data-pointer") == "ptr-000-0001"]
    assert script["text"] == site_package.SCRIPT
    assert any(e["tag"] == "h1" and e["text"].startswith(site_package.HEADLINE) for e in source)
    actor = Elements.of((markup_site / "actors/act-markup.html").read_text(encoding="utf-8"))
    assert [e["text"] for e in actor if e["tag"] == "h1"] == [site_package.ACTOR_NAME]
    event = Elements.of((markup_site / "events/evt-markup.html").read_text(encoding="utf-8"))
    assert [e["text"] for e in event if e["tag"] == "h1"] == [site_package.SUMMARY]
    index = Elements.of((markup_site / "index.html").read_text(encoding="utf-8"))
    assert any(e["tag"] == "title" and e["text"].startswith(site_package.SUMMARY) for e in index)


# -- builds ---------------------------------------------------------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical_and_a_rebuild_replaces_the_old_site(tmp_path):
    ds = claimtrail.load(DATA)
    write_site(ds, read_descriptor(DATA), tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / SITE_MARK).write_text("{}")
    (tmp_path / "b" / "stale.html").write_text("left from an older build")
    write_site(ds, read_descriptor(DATA), tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no work folder left


def test_the_command_refuses_a_folder_that_is_not_a_site(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["site", "--out", str(tmp_path)]) == 2
    assert "is not a claimtrail site" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_missing_package_is_a_usage_error(tmp_path, capsys):
    assert main(["site", str(tmp_path / "nowhere"), "--out", str(tmp_path / "site")]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_the_command_refuses_an_invalid_package(bundled_copy, tmp_path, capsys):
    pointers = bundled_copy / "pointers.csv"
    pointers.write_text(
        pointers.read_text(encoding="utf-8").replace(",John Kerby,", ",John Kirby,", 1), encoding="utf-8"
    )
    assert main(["site", str(bundled_copy), "--out", str(tmp_path / "site")]) == 1
    captured = capsys.readouterr()
    assert "pointers.csv" in captured.out and "nothing was written" in captured.err
    assert not (tmp_path / "site").exists()


def test_the_release_zip_holds_the_site_and_stays_reproducible(tmp_path):
    pkg = site_package.write_package(tmp_path / "pkg")
    first = build_release(pkg, tmp_path / "a", python_dist=False)
    second = build_release(pkg, tmp_path / "b", python_dist=False)
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()
    top = f"claimtrail-data-{first.version}/"  # the zip's one top-level folder
    with zipfile.ZipFile(first.zip_path) as z:
        names = set(z.namelist())
        site = {n.removeprefix(top + "site/"): z.read(n) for n in names if n.startswith(top + "site/")}
    ds = claimtrail.load(pkg)
    assert site == dict(site_files(ds, read_descriptor(pkg)))
    assert {"index.html", "sources/src-000.html", "claims/clm-markup.html", "static/site.css"} <= set(site)
