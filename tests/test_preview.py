"""`casuslab preview`: one standalone, escaped HTML page with every stage, question and key."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from buildkit import DATA, SID
from casuslab.student.markup import markdown
from casuslab.build.preview import preview_file, preview_html
from casuslab.build.svgmap import edges, stage_map
from casuslab.errors import ScenarioInvalid
from casuslab.scenario.load import load_scenario
from casuslab.scenario.spec import to_spec


@pytest.fixture()
def scenario(tmp_path):
    shutil.copy(DATA / f"{SID}.yaml", tmp_path / f"{SID}.yaml")
    shutil.copy(DATA / "references.yaml", tmp_path / "references.yaml")
    return tmp_path / f"{SID}.yaml"


@pytest.fixture(scope="module")
def spec() -> dict:
    return to_spec(load_scenario(DATA / f"{SID}.yaml").model)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self.ids.update(v for k, v in attrs if k == "id" and v)


def test_every_stage_question_and_key_appears(scenario, spec, tmp_path):
    out = preview_file(scenario, tmp_path / "p.html")
    page = out.read_text(encoding="utf-8")
    parsed = Tags()
    parsed.feed(page)
    for stage in spec["stages"]:
        assert f"stage-{stage['id']}" in parsed.ids
        for q in stage["questions"]:
            assert f"q-{q['id']}" in parsed.ids
    assert "Zet de stappen die het team afspreekt in de juiste volgorde." in page
    assert "Klopt, ook de hulprelatie zelf is een geheim." in page  # feedback
    assert "De inspecteur bedankt haar en hangt op." in page  # consequence
    assert "Juist: van 1 tot 2" in page  # scale key
    assert "legt uit dat getuigenis in rechte een uitzondering is" in page  # level descriptor
    assert "zwijgrecht|mag zwijgen" in page  # evidence
    assert "Modelantwoord" in page and "zwijgrecht). Ze weegt af" in page
    assert page.count("✓ juist") == 1 + 3 + 1  # reactie, welke-regels, herstel
    assert "art. 458 Sw." in page and "vervangen door art. 352 Sw. (2024)" in page and "vervangt art. 458 Sw." in page
    assert "telefoon → klacht → dagvaarding" in page and "telefoon → overleg → dagvaarding" in page


def test_standalone_no_scripts_no_external_resources(scenario, tmp_path):
    page = preview_file(scenario, tmp_path / "p.html").read_text(encoding="utf-8")
    parsed = Tags()
    parsed.feed(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert "style" in parsed.tags and "svg" in parsed.tags
    for name, value in parsed.attrs:
        assert not name.startswith("on")
        if name in ("href", "src"):
            assert value.startswith("#"), value
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)


def test_scenario_texts_are_escaped(scenario, tmp_path):
    text = scenario.read_text(encoding="utf-8")
    text = text.replace("title: Politie aan de lijn", 'title: "Politie <script>alert(1)</script>"', 1)
    text = text.replace("prompt: Wat antwoordt Lotte de inspecteur?", 'prompt: "Wat <img src=x onerror=alert(2)> antwoordt ze?"', 1)
    text = text.replace("title: Een telefoontje", 'title: "<b onclick=alert(3)>Tel</b>"', 1)
    text = text.replace("Tom is inderdaad al acht maanden", "Tom <script>alert(4)</script> is al acht maanden", 1)
    scenario.write_text(text, encoding="utf-8")
    page = preview_file(scenario, tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<b onclick" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;script&gt;alert(4)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    parsed = Tags()
    parsed.feed(page)
    assert not any(name.startswith("on") for name, _ in parsed.attrs)


def test_markdown_is_safe_and_minimal():
    html = markdown('**vet** en *schuin* <a href="javascript:x">a</a> [klik](javascript:alert(1))\n\n- een\n- twee')
    assert "<strong>vet</strong>" in html and "<em>schuin</em>" in html and "<ul><li>een</li><li>twee</li></ul>" in html
    assert "<a " not in html and "&lt;a href=&quot;javascript:x&quot;&gt;" in html


def test_map_draws_every_branch(spec):
    assert sorted((a, b, tuple(o), d) for a, b, o, d in edges(spec)) == [
        ("klacht", "dagvaarding", (), True),
        ("overleg", "dagvaarding", (), True),
        ("telefoon", "klacht", ("a",), False),
        ("telefoon", "overleg", ("b", "c"), False),
    ]
    svg = stage_map(spec)
    assert svg.startswith("<svg") and svg.count("<rect") == 4 and svg.count("marker-end=") == 4
    assert ">b, c<" in svg and 'href="#stage-dagvaarding"' in svg


def test_preview_html_is_deterministic(spec):
    assert preview_html(spec) == preview_html(spec)


def test_unreadable_scenario_is_refused(tmp_path):
    bad = tmp_path / "kapot.yaml"
    bad.write_text("format: casuslab/scenario-v1\nid: kapot\n", encoding="utf-8")
    with pytest.raises(ScenarioInvalid) as info:
        preview_file(bad, tmp_path / "p.html")
    assert "kapot.yaml:" in str(info.value)
    assert not (tmp_path / "p.html").exists()


def test_cli_preview(scenario, tmp_path):
    target = tmp_path / "uit" / "p.html"
    done = subprocess.run([sys.executable, "-m", "casuslab.cli", "preview", str(scenario), "-o", str(target)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert target.is_file()
    done = subprocess.run([sys.executable, "-m", "casuslab.cli", "preview", str(tmp_path / "nergens.yaml")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "nergens.yaml" in done.stderr
    done = subprocess.run([sys.executable, "-m", "casuslab.cli", "preview", str(scenario)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and (tmp_path / f"{SID}.preview.html").is_file()
