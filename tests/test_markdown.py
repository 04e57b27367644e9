"""The package's one Markdown renderer (casuslab.student.markup): GFM tables, escaped raw HTML,
no dangerous links, shifted headings, and the same output in the student runtime and the preview."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from buildkit import write_plan
from casuslab.build import build_course
from casuslab.build.preview import preview_file
from casuslab.student import open_case
from casuslab.student.markup import inline, markdown, style_tag

ROOT = Path(__file__).resolve().parents[1]
PRIMERS = ROOT / "scenarios" / "primers"
HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", '<a href="javascript:alert(3)">a</a>',
           '<div onclick="alert(4)">\nblok\n</div>', "<iframe src=https://example.org></iframe>"]
BAD_LINKS = ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](<javascript:alert(1)>)",
             "[x](jav&#x61;script:alert(1))", "[x](&#106;avascript:alert(1))", "<javascript:alert(1)>",
             "[x][r]\n\n[r]: javascript:alert(1)", "[x](vbscript:msgbox(1))", "[x](data:text/html,<script>alert(1)</script>)",
             "[x](file:///etc/passwd)", "[x]( javascript:alert(1))"]


class Tree(HTMLParser):
    """Every start tag with its attributes, and the text of every table cell by row."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[list[tuple[str, str]]] = []
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = [tag, ""]

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append((self._cell[0], self._cell[1].strip()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data

    def names(self) -> list[str]:
        return [tag for tag, _ in self.tags]


def assert_inert(html: str) -> None:
    tree = Tree(html)
    assert not {"img", "script", "iframe", "div", "style"} & set(tree.names()), html
    for _, attrs in tree.tags:
        assert not any(name.startswith("on") for name in attrs), html
        href = attrs.get("href")
        assert href is None or href.startswith(("https:", "http:", "mailto:", "#")), html


def primer_course(tmp_path: Path, pid: str) -> Path:
    """A course in tmp_path with the real primer ``pid`` and the real catalogue, built by casuslab build."""
    scenarios = tmp_path / "scenarios"
    for name in (f"primers/{pid}.yaml", "ethiek/ine-en-de-grenzen.yaml", "references.yaml"):
        (scenarios / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "scenarios" / name, scenarios / name)
    course = tmp_path / "course"
    course.mkdir()
    write_plan(course, [{"id": "reeks", "mode": "practice", "scenarios": ["ine-en-de-grenzen"]}], [pid])
    build_course(course, scenarios)
    return course / "primers"


def ethics_table(rows: list[list[tuple[str, str]]]) -> None:
    """The nine IFSW/IASSW principles of primer-ethiek as a header row and nine data rows."""
    assert rows[0] == [("th", "nr."), ("th", "principe"), ("th", "wat het voor jou betekent (kort)")]
    assert len(rows) == 10 and all([kind for kind, _ in row] == ["td"] * 3 for row in rows[1:])
    assert rows[1][:2] == [("td", "1"), ("td", "Menselijke waardigheid erkennen")]
    assert rows[9][1] == ("td", "Professionele integriteit")


def test_a_table_renders_as_an_accessible_table():
    html = markdown("| niveau | voorbeeld |\n|:---|---:|\n| **hulpvraag** | `1712` |\n| probleem | <b>x</b> |")
    assert html.startswith('<table class="casuslab-table"><thead><tr><th style="text-align:left" scope="col">niveau</th>')
    assert "<tbody><tr><td" in html and "<strong>hulpvraag</strong>" in html and "<code>1712</code>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "|" not in html
    assert Tree(html).rows == [[("th", "niveau"), ("th", "voorbeeld")], [("td", "hulpvraag"), ("td", "1712")],
                               [("td", "probleem"), ("td", "<b>x</b>")]]


def test_a_primer_table_is_a_table_in_the_student_runtime(tmp_path):
    folder = primer_course(tmp_path, "primer-ethiek")
    case = open_case("primer-ethiek", folder, show=False)
    case.stage("principes")
    header = case.views["principes"].header.value
    assert "|---|" not in header and "| 1 |" not in header
    ethics_table(Tree(header).rows)
    assert ".casuslab-table th" in style_tag()


@pytest.mark.parametrize("pid, tables", [("primer-ethiek", 1), ("primer-beroepsgeheim", 2), ("primer-behoefteanalyse", 3)])
def test_a_primer_table_is_a_table_in_the_preview(tmp_path, pid, tables):
    page = preview_file(PRIMERS / f"{pid}.yaml", tmp_path / "p.html").read_text(encoding="utf-8")
    assert page.count('<table class="casuslab-table">') == tables and "|---|" not in page
    if pid == "primer-ethiek":
        start = page.index('<table class="casuslab-table">')
        ethics_table(Tree(page[start:page.index("</table>", start) + 8]).rows)


@pytest.mark.parametrize("text", HOSTILE)
def test_raw_html_comes_out_escaped(text):
    for html in (markdown(text), markdown(f"# {text}"), markdown(f"- {text}"), markdown(f"| a |\n|---|\n| {text} |"),
                 markdown(f"> {text}"), inline(text)):
        assert_inert(html)
        assert "&lt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown(HOSTILE[0])
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in markdown(HOSTILE[1])


@pytest.mark.parametrize("text", BAD_LINKS)
def test_dangerous_links_are_no_links(text):
    for html in (markdown(text), inline(text)):
        assert "<a" not in html, html
        assert_inert(html)


def test_safe_links_and_no_images():
    html = markdown("[wet](https://www.ejustice.just.fgov.be) [mail](mailto:info@caw.be) [fase](#stage-a) "
                    "<https://1712.be> ![foto](https://example.org/x.png)")
    assert '<a href="https://www.ejustice.just.fgov.be" target="_blank" rel="noopener noreferrer">wet</a>' in html
    assert '<a href="mailto:info@caw.be"' in html and '<a href="#stage-a">fase</a>' in html
    assert '<a href="https://1712.be" target="_blank" rel="noopener noreferrer">https://1712.be</a>' in html
    assert "<img" not in html  # nothing remote is ever loaded


def test_headings_shift_and_the_old_features_remain():
    assert markdown("# Kop") == "<h3>Kop</h3>"
    assert markdown("## Kop", heading_offset=3) == "<h5>Kop</h5>"
    assert markdown("#### Kop\n\nKop\n===") == "<h6>Kop</h6><h3>Kop</h3>"
    html = markdown("Een *klein* en _ander_ **vet** `stuk` ~~weg~~\nop twee regels.\n\n1. een\n2. twee\n\n> citaat")
    assert html == ("<p>Een <em>klein</em> en <em>ander</em> <strong>vet</strong> <code>stuk</code> <s>weg</s> "
                    "op twee regels.</p><ol><li>een</li><li>twee</li></ol><blockquote><p>citaat</p></blockquote>")
    assert inline("**vet** en *schuin*") == "<strong>vet</strong> en <em>schuin</em>"
    assert markdown(None) == markdown("") == inline(None) == ""


def test_the_same_text_gives_the_same_html():
    text = (PRIMERS / "primer-behoefteanalyse.yaml").read_text(encoding="utf-8")
    assert markdown(text) == markdown(text) and markdown(text, heading_offset=3) == markdown(text, heading_offset=3)


def stage_page(tmp_path: Path, pid: str, sid: str) -> Path:
    """The student's view of stage ``sid`` of the real primer ``pid``, with the widgets' stylesheet, as a page."""
    case = open_case(pid, primer_course(tmp_path, pid), show=False)
    for stage in case.spec["stages"]:  # submit every part before it (unanswered), as a student may
        case.stage(stage["id"])
        if stage["id"] == sid:
            break
        case.submit(case.views[stage["id"]])
    page = tmp_path / f"{sid}.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Primer</title>{style_tag()}</head><body>'
        f'<main><div class="casuslab-stage"><div class="widget-html-content">{case.views[sid].header.value}'
        "</div></div></main></body></html>", encoding="utf-8")
    return page


@pytest.mark.browser
@pytest.mark.parametrize("pid, sid", [("primer-ethiek", "principes"), ("primer-beroepsgeheim", "beslisschema")])
def test_primer_blocks_in_chromium_are_accessible_and_fit(tmp_path, pid, sid):
    """Headless Chromium at 700 px: the table is a real table, the decision scheme a <pre>; nothing
    sticks out of the stage, and axe-core finds no serious problem."""
    chromium, axe = Path("/usr/bin/chromium"), ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
    assert chromium.exists() and axe.exists(), "run `make system-deps` and `make browser-deps`"
    from playwright.sync_api import sync_playwright

    page_file = stage_page(tmp_path, pid, sid)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 700, "height": 900})
            page.goto(page_file.as_uri())
            shape = page.evaluate("""() => {
                const t = document.querySelector('table.casuslab-table');
                const box = document.querySelector('.casuslab-stage');
                const right = Math.max(...[...box.querySelectorAll('*')].map(e => e.getBoundingClientRect().right));
                return {th: t ? t.querySelectorAll('thead th[scope=col]').length : 0, rows: t ? t.tBodies[0].rows.length : 0,
                        border: t ? getComputedStyle(t.rows[1].cells[0]).borderTopStyle : '',
                        pre: document.querySelectorAll('pre').length, right: right, inside: box.getBoundingClientRect().right,
                        scroll: document.documentElement.scrollWidth, view: document.documentElement.clientWidth};
            }""")
            page.add_script_tag(path=str(axe))
            result = page.evaluate("() => axe.run('main', {resultTypes: ['violations']})")
        finally:
            browser.close()
    if sid == "principes":
        assert (shape["th"], shape["rows"], shape["border"], shape["pre"]) == (3, 9, "solid", 0), shape
    else:
        assert (shape["th"], shape["pre"]) == (0, 1), shape
    assert shape["right"] <= shape["inside"] + 1 and shape["scroll"] <= shape["view"], shape
    assert [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")] == []
