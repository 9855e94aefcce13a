"""The site of the bundled data in a real browser: Debian's headless Chromium driven by selenium.

The site is built once and one browser serves every test here (pytest-xdist keeps them on one
worker: the xdist_group below). Chromium's performance log lists every request a page makes,
its console log every error. These tests fail, never skip, when Chromium or chromedriver is
missing: .ci/setup.d/20-chromium.sh installs them.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
import site_package

import claimtrail
from claimtrail.publish.site.builder import page_path, read_descriptor, write_site

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1200",
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# One round trip per page: for every pointer id on it, the elements carrying it.
POINTER_ELEMENTS = """
const found = {};
const put = (id, key, el) => { (found[id] = found[id] || {whole: [], pieces: []})[key].push(el); };
document.querySelectorAll('[data-pointer]').forEach(el => put(el.dataset.pointer, 'whole', el));
document.querySelectorAll('[data-part-of]').forEach(el => put(el.dataset.partOf, 'pieces', el));
const text = document.getElementById('text');
const out = {};
for (const [id, f] of Object.entries(found)) {
  out[id] = {
    whole: f.whole.map(el => ({text: el.innerText, tag: el.tagName, inText: text.contains(el)})),
    pieces: f.pieces.map(el => el.innerText),
  };
}
return out;
"""


@pytest.fixture(scope="session")
def ds():
    return claimtrail.load()


@pytest.fixture(scope="session")
def site(ds, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    write_site(ds, read_descriptor(ds.root), out)
    return out


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


class Browser:
    def __init__(self, driver, site: Path):
        self.driver = driver
        self.site = site
        self.requests: list[tuple[str, str]] = []  # (url, the document asking for it)
        self.console: list[dict] = []

    def url(self, path: str) -> str:
        return (self.site / path).as_uri()

    def open(self, path: str):
        self.driver.get(self.url(path))
        return self.driver

    def drain(self) -> None:
        """Move the browser's request and console logs into self.requests and self.console."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                params = message["params"]
                self.requests.append((params["request"]["url"], params.get("documentURL", "")))
        self.console += self.driver.get_log("browser")

    def run(self, script: str, *args):
        return self.driver.execute_script(script, *args)


@pytest.fixture(scope="module")
def browser(site):
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.fail(
            f"the browser tests need Debian's {CHROMIUM} and {CHROMEDRIVER}: "
            "run .ci/setup.d/20-chromium.sh (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="claimtrail-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield Browser(driver, site)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_every_pointer_has_an_element_whose_rendered_text_is_its_quote(browser, ds):
    for source in ds.sources:
        browser.open(page_path(source.id))
        found = browser.run(POINTER_ELEMENTS)
        mine = [p for p in ds.pointers if p.source == source.id]
        assert set(found) == {p.id for p in mine}
        for p in mine:
            [element] = found[p.id]["whole"]
            assert element["text"] == p.quote, (source.id, p.id)
            pieces = found[p.id]["pieces"]
            if pieces:  # crossing another pointer: in pieces in the text, whole in the list
                assert "".join(pieces) == p.quote and not element["inText"]
            else:
                assert element["inText"] and element["tag"] == "MARK"


def test_a_highlight_leads_to_a_record_citing_it_and_its_evidence_link_back(browser, ds):
    # Kerby, misspelled: a mark with no mark inside it, cited by the actor John Kirby.
    [pointer] = [n.pointer for n in ds.actor("act-john-kirby").names if n.name == "John Kerby"]
    driver = browser.open(page_path(pointer.source))
    from selenium.webdriver.common.by import By

    mark = driver.find_element(By.CSS_SELECTOR, f'mark[data-pointer="{pointer.id}"]')
    assert not mark.find_elements(By.CSS_SELECTOR, "mark")
    mark.click()
    assert driver.current_url.endswith(f"#ref-{pointer.id}")
    entry = driver.find_element(By.ID, f"ref-{pointer.id}")
    assert entry.is_displayed()
    entry.find_element(By.CSS_SELECTOR, 'a[href$="actors/act-john-kirby.html"]').click()
    assert driver.current_url == browser.url(page_path("act-john-kirby"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "John Kirby"
    # ... and from the record, its evidence link lands on the highlight, scrolled into view.
    driver.find_element(By.CSS_SELECTOR, f'a[data-evidence="{pointer.id}"]').click()
    assert driver.current_url == browser.url(page_path(pointer.source)) + f"#{pointer.id}"
    target = browser.run(
        "const t = document.querySelector(':target'); const r = t.getBoundingClientRect();"
        "return [t.dataset.pointer, t.innerText, r.top >= 0 && r.bottom <= innerHeight];"
    )
    assert target == [pointer.id, pointer.quote, True]


def test_the_evidence_link_of_a_pointer_shown_in_pieces_lands_on_its_first_piece(browser, ds, site):
    from selenium.webdriver.common.by import By

    cited = {p.id: r for r in (*ds.events, *ds.actors, *ds.claims) for p in r.pointers}
    split = [
        p
        for p in ds.pointers
        if p.id in cited
        and 'data-part-of="' + p.id + '"' in (site / page_path(p.source)).read_text(encoding="utf-8")
    ]
    assert split, "the bundled data has pointers that overlap without nesting"
    pointer = split[0]
    driver = browser.open(page_path(cited[pointer.id].id))
    driver.find_element(By.CSS_SELECTOR, f'a[data-evidence="{pointer.id}"]').click()
    assert driver.current_url == browser.url(page_path(pointer.source)) + f"#{pointer.id}"
    target = browser.run(
        "const t = document.querySelector(':target'); return [t.dataset.partOf, t.innerText];"
    )
    assert target[0] == pointer.id and pointer.quote.startswith(target[1]) and target[1] != pointer.quote


def test_every_record_page_links_each_pointer_to_its_highlight(browser, ds):
    claim = next(c for c in ds.claims if len(c.attributions) > 1)
    browser.open(page_path(claim.id))
    links = browser.run(
        "return [...document.querySelectorAll('a[data-evidence]')].map(a => [a.dataset.evidence, a.href]);"
    )
    expected = {(p.id, browser.url(page_path(p.source)) + f"#{p.id}") for p in claim.pointers}
    assert expected <= {tuple(link) for link in links}


def test_the_search_finds_kirby_from_kerby(browser):
    from selenium.webdriver.common.by import By

    driver = browser.open("index.html")
    driver.find_element(By.ID, "q").send_keys("Kerby")
    results = driver.find_elements(By.CSS_SELECTOR, "#results a")
    assert "John Kirby" in [r.text for r in results]
    [kirby] = [r for r in results if r.text == "John Kirby"]
    kirby.click()
    assert driver.current_url == browser.url(page_path("act-john-kirby"))


def test_no_page_logs_an_error_or_requests_anything_outside_the_site(browser, ds, site):
    # Every source page, and of each record type the record with the most pointers (every page
    # of a type is the same template), after what the tests before this one opened.
    pages = ["index.html"] + [page_path(s.id) for s in ds.sources]
    for group in (ds.events, ds.actors, ds.claims, ds.discrepancies):
        pages.append(
            page_path(max(group, key=lambda r: len(getattr(r, "pointers", getattr(r, "versions", ())))).id)
        )
    for path in pages:
        browser.open(path)
    browser.open("index.html")
    browser.driver.find_element("id", "q").send_keys("airstrike")
    browser.drain()
    inside = site.as_uri() + "/"
    ours = [url for url, document in browser.requests if document.startswith(inside)]
    assert {inside + p for p in pages} <= set(ours)
    assert sorted({url for url in ours if not url.startswith(inside)}) == []
    # Nor does anything else in the browser open the network (its own chrome:// pages aside).
    assert [
        url for url, _ in browser.requests if url.split(":", 1)[0] in ("http", "https", "ws", "wss")
    ] == []
    assert set(ours) >= {
        inside + "static/site.css",
        inside + "static/site.js",
        inside + "search-index.js",
    }
    errors = [e for e in browser.console if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []


def test_markup_in_the_data_stays_text_in_the_browser(browser, tmp_path):
    pkg = site_package.write_package(tmp_path / "pkg")
    out = tmp_path / "site"
    write_site(claimtrail.load(pkg), read_descriptor(pkg), out)
    driver = browser.driver
    driver.get((out / "sources/src-000.html").as_uri())  # an injected script would raise an alert
    assert browser.run("return document.querySelectorAll('script').length") == 1
    assert browser.run("return document.querySelector('[data-pointer=\"ptr-000-0001\"]').innerText") == (
        site_package.SCRIPT
    )
    assert driver.find_element("tag name", "h1").text.startswith(site_package.HEADLINE)
    driver.get((out / "actors/act-markup.html").as_uri())
    assert driver.find_element("tag name", "h1").text == site_package.ACTOR_NAME


def test_screenshots_of_the_index_and_a_source_page(browser, screenshots):
    driver = browser.driver
    driver.set_window_size(1280, 2300)  # down to the end of the timeline
    try:
        browser.open("index.html")
        assert driver.save_screenshot(str(screenshots / "index.png"))
    finally:
        driver.set_window_size(1280, 1200)
    browser.open(page_path("src-000"))
    assert driver.save_screenshot(str(screenshots / "source.png"))
    for name in ("index.png", "source.png"):
        assert (screenshots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshots in {screenshots}")
