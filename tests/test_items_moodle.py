"""casuslab items --format moodle: the Moodle XML validates against tests/data/schemas/moodle-quiz.xsd,
re-parses to the same questions and keys, and its fractions grade exactly as casuslab scores."""

from __future__ import annotations

import html
import subprocess
import sys
import xml.etree.ElementTree as ET
from itertools import chain, combinations
from pathlib import Path

import pytest
import xmlschema

from casuslab import scoring
from casuslab.items.moodle import ALLOWED_FRACTIONS, cdata, moodle_xml
from casuslab.items.source import items_of, load_specs

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tests" / "data" / "schemas"
EXAMPLE = ROOT / "tests" / "data" / "politie-aan-de-lijn.yaml"

# every question type and scoring, ids starting with a digit, 6 of 7 and 7 of 10 right options,
# markup, CDATA terminators and formula-like text in every kind of field
EDGE = """\
format: casuslab/scenario-v1
id: 9-randgevallen
title: "Randgevallen <b>&</b> ]]> / test"
theme: ethiek
objectives: [Je test de export.]
setting: "CAW; <script>alert(1)</script>"
stages:
  - id: 1-start
    title: Begin <i>hier</i>
    text: |
      Een **vet** woord, een [link](https://example.org), <script>alert("x")</script> en ]]> einde.
    questions:
      - id: 1-keuze
        type: single
        prompt: Kies één <img src=x onerror=alert(1)>.
        points: 1.5
        options:
          - {id: 1a, text: "= formule", correct: true, feedback: "Juist ]]> zo."}
          - {id: b, text: "Fout <b>", feedback: Nee, consequence: "Er gebeurt <u>iets</u>."}
          - {id: c, text: Ook fout, feedback: Nee}
      - id: alles
        type: multiple
        scoring: all-or-nothing
        prompt: Alles of niets.
        points: 2
        options:
          - {id: a, text: Juist een, correct: true, feedback: ja}
          - {id: b, text: Juist twee, correct: true, feedback: ja}
          - {id: c, text: Fout een, feedback: nee}
          - {id: d, text: Fout twee, feedback: nee}
      - id: zes
        type: multiple
        prompt: Zes van zeven.
        points: 3
        options: [{id: a, text: A, correct: true, feedback: x}, {id: b, text: B, correct: true, feedback: x},
                  {id: c, text: C, correct: true, feedback: x}, {id: d, text: D, correct: true, feedback: x},
                  {id: e, text: E, correct: true, feedback: x}, {id: f, text: F, correct: true, feedback: x},
                  {id: g, text: G, feedback: x}]
      - id: zeven
        type: multiple
        prompt: Zeven van tien.
        points: 1
        options: [{id: a, text: A, correct: true, feedback: x}, {id: b, text: B, correct: true, feedback: x},
                  {id: c, text: C, correct: true, feedback: x}, {id: d, text: D, correct: true, feedback: x},
                  {id: e, text: E, correct: true, feedback: x}, {id: f, text: F, correct: true, feedback: x},
                  {id: g, text: G, correct: true, feedback: x}, {id: h, text: H, feedback: x},
                  {id: i, text: I, feedback: x}, {id: j, text: J, feedback: x}]
      - id: exact
        type: order
        scoring: exact
        prompt: Exact.
        points: 1
        items: [{id: 1e, text: Eerst}, {id: twee, text: Dan}, {id: drie, text: Laatst}]
      - id: schaal
        type: scale
        prompt: Hoe erg?
        points: 1
        min: -2
        max: 2
        labels: {-2: helemaal niet, 2: heel erg}
        accept: [0, 1]
      - id: open
        type: open
        prompt: Leg uit.
        words: [20, 80]
        model_answer: Het <b>model</b>antwoord.
        rubric:
          - id: kern
            criterion: Noemt de kern
            levels: {0: niets, 1: "de kern <i>genoemd</i>"}
"""


def edge_file(folder: Path) -> Path:
    path = folder / "9-randgevallen.yaml"
    path.write_text(EDGE, encoding="utf-8")
    return path


def all_sources(folder: Path) -> list[Path]:
    """The contract example, the edge cases and every scenario of the course."""
    return [EXAMPLE, edge_file(folder), ROOT / "scenarios"]


@pytest.fixture(scope="module")
def moodle_schema():
    return xmlschema.XMLSchema11(str(SCHEMAS / "moodle-quiz.xsd"))


def questions(data: bytes) -> list[ET.Element]:
    return [q for q in ET.fromstring(data) if q.get("type") != "category"]


def by_name(data: bytes) -> dict[str, ET.Element]:
    return {q.findtext("idnumber"): q for q in questions(data)}


def test_every_scenario_validates_and_round_trips(tmp_path, moodle_schema):
    specs = load_specs(all_sources(tmp_path))
    data = moodle_xml(specs)
    moodle_schema.validate(data.decode("utf-8"))
    root = ET.fromstring(data)
    categories = [q for q in root if q.get("type") == "category"]
    assert len(categories) == len(specs)
    expected = items_of(specs)
    found = questions(data)
    assert len(found) == len(expected) > 100
    kinds = {"single": "multichoice", "scale": "multichoice", "order": "ordering", "open": "essay"}
    for item, q in zip(expected, found):
        assert q.findtext("idnumber") == item.qid
        assert float(q.findtext("defaultgrade")) == pytest.approx(item.points)
        if item.kind == "multiple":
            aon = item.question.get("scoring") == "all-or-nothing"
            assert q.get("type") == ("multichoiceset" if aon else "multichoice")
        else:
            assert q.get("type") == kinds[item.kind]
        text = q.findtext("questiontext/text")
        assert html.escape(item.stage["title"]) in text                     # the vignette is the context


def test_fractions_are_moodles_and_mark_the_keys(tmp_path):
    specs = load_specs(all_sources(tmp_path))
    data = moodle_xml(specs)
    for item, q in zip(items_of(specs), questions(data)):
        fractions = [float(a.get("fraction")) for a in q.findall("answer")]
        if item.kind in ("single", "multiple", "scale"):
            for f in fractions:
                assert any(abs(abs(f) - allowed) < 1e-9 for allowed in ALLOWED_FRACTIONS), (item.qid, f)
        if item.kind == "single":
            assert q.findtext("single") == "true"
            assert fractions.count(100) == 1 and fractions.count(0) == len(fractions) - 1
            right = [o for o in item.question["options"] if o.get("correct")][0]
            assert fractions.index(100) == item.question["options"].index(right)
        elif item.kind == "multiple":
            flags = [bool(o.get("correct")) for o in item.question["options"]]
            if item.question.get("scoring") == "all-or-nothing":
                assert fractions == [100 if f else 0 for f in flags]
            else:
                assert q.findtext("single") == "false"
                assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-4)
                assert [f > 0 for f in fractions] == flags
        elif item.kind == "scale":
            lo, hi = item.question["accept"]
            values = range(item.question["min"], item.question["max"] + 1)
            assert fractions == [100 if lo <= v <= hi else 0 for v in values]
        elif item.kind == "order":
            texts = [a.findtext("text") for a in q.findall("answer")]
            assert len(texts) == len(item.question["items"])
            assert fractions == list(range(1, len(texts) + 1))               # the right order
            grading = q.findtext("gradingtype")
            assert grading == ("ALL_OR_NOTHING" if item.question.get("scoring") == "exact"
                               else "RELATIVE_ALL_PREVIOUS_AND_NEXT")


def _moodle_multichoice_grade(fractions: list[float], picked: set[int], points: float) -> float:
    """What Moodle's multichoice (multiple answers) gives: the ticked fractions, clamped to 0..100 %."""
    share = sum(fractions[i] for i in picked) / 100
    return points * min(1.0, max(0.0, share))


def test_partial_fractions_grade_every_response_as_casuslab(tmp_path):
    specs = load_specs(all_sources(tmp_path))
    data = by_name(moodle_xml(specs[:2]))
    checked = 0
    for item in items_of(specs[:2], ("multiple",)):
        if item.question.get("scoring") == "all-or-nothing":
            continue
        options = item.question["options"]
        fractions = [float(a.get("fraction")) for a in data[item.qid].findall("answer")]
        for picked in chain.from_iterable(combinations(range(len(options)), k) for k in range(len(options) + 1)):
            expected, _ = scoring.score_question(item.question, [options[i]["id"] for i in picked])
            got = _moodle_multichoice_grade(fractions, set(picked), item.points)
            assert scoring.round2(got) == expected, (item.qid, picked)
            checked += 1
    assert checked == 2 ** 5 + 2 ** 7 + 2 ** 10


def test_texts_are_escaped_html_in_cdata(tmp_path, moodle_schema):
    specs = load_specs([edge_file(tmp_path)])
    data = moodle_xml(specs)
    moodle_schema.validate(data.decode("utf-8"))
    q = by_name(data)
    text = q["1-keuze"].findtext("questiontext/text")
    assert "<script" not in text and "&lt;script&gt;" in text           # scenario text is never markup
    assert "<img" not in text and "&lt;img src=x" in text
    assert "]]&gt; einde" in text                                         # a CDATA terminator survives
    assert '<a href="https://example.org"' in text and "<strong>vet</strong>" in text
    answers = q["1-keuze"].findall("answer")
    assert answers[0].findtext("feedback/text") == "<p>Juist ]]&gt; zo.</p>"
    assert ET.fromstring(f"<t>{cdata('a]]>b<c>')}</t>").text == "a]]>b<c>"   # raw ']]>' is split safely
    assert "Wat er gebeurt:</strong> Er gebeurt &lt;u&gt;iets&lt;/u&gt;." in answers[1].findtext("feedback/text")
    category = ET.fromstring(data)[0].findtext("category/text")
    assert category == "$course$/top/casuslab/Randgevallen <b>&<//b> ]]> // test"   # every "/" doubled
    essay = q["open"]
    assert essay.findtext("minwordlimit") == "20" and essay.findtext("maxwordlimit") == "80"
    info = essay.findtext("graderinfo/text")
    assert "Noemt de kern (max 1)" in info and "de kern &lt;i&gt;genoemd&lt;/i&gt;" in info
    assert "Het &lt;b&gt;model&lt;/b&gt;antwoord." in info


def test_schema_rejects_what_moodle_would_not_import(tmp_path, moodle_schema):
    data = moodle_xml(load_specs([edge_file(tmp_path)])).decode("utf-8")
    assert moodle_schema.is_valid(data)
    broken = [
        data.replace('type="essay"', 'type="shortanswer"', 1),             # a type we do not describe
        data.replace("<single>true</single>", "<single>ja</single>", 1),
        data.replace('fraction="100"', 'fraction="150"', 1),
        data.replace("<gradingtype>ALL_OR_NOTHING", "<gradingtype>PAIRS", 1),
        data.replace("<hidden>0</hidden>", "", 1),                          # a required element missing
        data.replace("$course$/top", "course/top", 1),
    ]
    for variant in broken:
        assert variant != data
        assert not moodle_schema.is_valid(variant)


def test_same_scenarios_give_the_same_bytes(tmp_path):
    first = moodle_xml(load_specs(all_sources(tmp_path)))
    second = moodle_xml(load_specs(all_sources(tmp_path)))
    assert first == second


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casuslab.cli", "items", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_command_writes_the_file_or_says_in_dutch_where_the_scenario_is_wrong(tmp_path, moodle_schema):
    out = tmp_path / "bank" / "vragen.xml"
    done = _cli(str(EXAMPLE), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 vraag/vragen uit 1 scenario('s)" in done.stdout and "bevat de sleutels" in done.stdout
    moodle_schema.validate(out.read_text(encoding="utf-8"))

    bad = tmp_path / "kapot.yaml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("id: politie-aan-de-lijn", "id: kapot")
                   .replace("        points: 3\n", "        points: -3\n"), encoding="utf-8")
    target = tmp_path / "nooit.xml"
    done = _cli(str(bad), "--out", str(target), cwd=tmp_path)
    assert done.returncode == 1
    assert "verbeter ze eerst" in done.stderr and f"{bad}:" in done.stderr and "Traceback" not in done.stderr
    assert not target.exists()

    done = _cli(str(tmp_path / "weg.yaml"), cwd=tmp_path)
    assert done.returncode == 2 and "bestaat niet" in done.stderr and "Traceback" not in done.stderr
