"""build_notebook: the cell structure of docs/dev/architecture.md, valid, deterministic, golden."""

from __future__ import annotations

import ast
import json

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from buildkit import DATA, SID, golden_check, normalise_notebook
from casuslab.build.checks import cited_catalogue, load_references
from casuslab.build.notebook import build_notebook, cell_id, notebook_bytes, reference_lines
from casuslab.build.studentspec import grading_key, open_question
from casuslab.scenario.load import load_scenario
from casuslab.scenario.spec import to_spec


@pytest.fixture(scope="module")
def spec() -> dict:
    return to_spec(load_scenario(DATA / f"{SID}.yaml").model)


@pytest.fixture(scope="module")
def catalogue(spec) -> dict:
    return cited_catalogue(spec["references"], load_references(DATA / f"{SID}.yaml"))


@pytest.fixture(scope="module")
def nb(spec, catalogue):
    return build_notebook(spec, "examen", "exam", catalogue=catalogue)


def test_golden(nb):
    golden_check(f"{SID}.ipynb", normalise_notebook(notebook_bytes(nb)))


def test_valid_for_nbformat_and_nbgrader(nb):
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    again = nbformat.reads(notebook_bytes(nb).decode(), as_version=4)
    nbformat.validate(again)


def test_byte_identical(spec, catalogue):
    one = notebook_bytes(build_notebook(spec, "examen", "exam", catalogue=catalogue))
    two = notebook_bytes(build_notebook(json.loads(json.dumps(spec)), "examen", "exam", catalogue=dict(catalogue)))
    assert one == two and one.endswith(b"\n")


def test_cell_order_and_ids(nb):
    assert [c.id for c in nb.cells] == [
        "intro", "setup",
        "stage-telefoon", "stage-klacht", "stage-overleg", "stage-dagvaarding",
        "q-reactie", "q-welke-regels", "q-herstel", "q-stappen", "q-verplicht",
        "open-motivering", "task-motivering",
    ]
    for cell in nb.cells:
        assert cell.metadata.nbgrader["grade_id"] == cell.id
        assert cell.metadata.nbgrader["schema_version"] == 3
        assert cell.metadata.nbgrader["locked"] is True
        assert cell.metadata.editable is False and cell.metadata.deletable is False


def test_story_cells(nb, spec):
    intro, setup, *rest = nb.cells
    assert intro.cell_type == "markdown" and intro.source.startswith("# Politie aan de lijn")
    assert "jupyter" not in intro.metadata
    assert setup.source == 'from casuslab.student import open_case\ncase = open_case("politie-aan-de-lijn")'
    for cell, stage in zip(rest, spec["stages"]):
        assert cell.source == f'case.stage("{stage["id"]}")'
    for cell in nb.cells[1:6]:
        assert cell.metadata.jupyter == {"source_hidden": True}
        assert cell.metadata.nbgrader["grade"] is False and "points" not in cell.metadata.nbgrader


def test_intro_shows_both_numbers_of_a_replaced_provision(nb, catalogue):
    intro = nb.cells[0].source
    assert "**art. 458 Sw.**, nu **art. 352 Sw. (2024)**" in intro
    assert intro.count("352") == 1  # the pair is one line, not two
    assert "Leerdoelen" in intro and "25 minuten" in intro and "Situering" in intro
    assert reference_lines(["sw2024-352"], catalogue, "nl") == ["**art. 458 Sw.**, nu **art. 352 Sw. (2024)**: Beroepsgeheim"]
    assert reference_lines(["onbekend"], catalogue, "nl") == ["onbekend"]


def _hidden_call(source: str) -> ast.Call:
    lines = source.split("\n")
    assert lines[1] == "### BEGIN HIDDEN TESTS" and lines[-1] == "### END HIDDEN TESTS" and len(lines) == 4
    call = ast.parse(lines[2]).body[0].value
    assert isinstance(call, ast.Call)
    return call


def test_closed_question_cells(nb, spec):
    points = {"reactie": 2.0, "welke-regels": 3.0, "herstel": 2.0, "stappen": 2.0, "verplicht": 1.0}
    for qid, value in points.items():
        cell = next(c for c in nb.cells if c.id == f"q-{qid}")
        assert cell.cell_type == "code" and cell.metadata.jupyter == {"source_hidden": True}
        meta = cell.metadata.nbgrader
        assert meta["grade"] is True and meta["solution"] is False and meta["task"] is False and meta["points"] == value
        assert cell.source.split("\n")[0] == "from casuslab.student.grading import grade_answer"
        call = _hidden_call(cell.source)
        assert call.func.id == "grade_answer"
        sid, q, key = (ast.literal_eval(a) for a in call.args)
        assert (sid, q) == (SID, qid)
        assert json.loads(key) == grading_key(spec)


def test_open_question_cells(nb, spec):
    show = next(c for c in nb.cells if c.id == "open-motivering")
    assert show.cell_type == "code" and show.metadata.nbgrader["points"] == 0.0 and show.metadata.nbgrader["grade"] is True
    assert show.source.split("\n")[0] == "from casuslab.student.grading import show_open_answer"
    call = _hidden_call(show.source)
    assert call.func.id == "show_open_answer"
    sid, q, question = (ast.literal_eval(a) for a in call.args)
    assert (sid, q) == (SID, "motivering") and json.loads(question) == open_question(spec, "motivering")
    task = next(c for c in nb.cells if c.id == "task-motivering")
    assert task.cell_type == "markdown" and "jupyter" not in task.metadata
    assert task.metadata.nbgrader == {
        "grade": False, "grade_id": "task-motivering", "locked": True, "points": 5.0,
        "schema_version": 3, "solution": False, "task": True,
    }
    assert "Hoe stelt Lotte zich op" in task.source and "5 punten" in task.source


def test_quotes_and_backslashes_survive_in_the_hidden_json(spec):
    tricky = json.loads(json.dumps(spec))
    q = tricky["stages"][3]["questions"][1]
    q["rubric"][0]["criterion"] = "Zegt 'nee' \\ en \"ja\"\nen ëé"
    nb = build_notebook(tricky, "a", "practice")
    call = _hidden_call(next(c for c in nb.cells if c.id == "open-motivering").source)
    assert json.loads(ast.literal_eval(call.args[2]))["rubric"][0]["criterion"] == "Zegt 'nee' \\ en \"ja\"\nen ëé"


def test_primer_has_no_grading(spec):
    nb = build_notebook(spec, None, "practice", grading=False)
    assert [c.id for c in nb.cells] == ["intro", "setup", "stage-telefoon", "stage-klacht", "stage-overleg", "stage-dagvaarding"]
    assert all("nbgrader" not in c.metadata for c in nb.cells)
    assert nb.metadata.casuslab == {"assignment": None, "language": "nl", "mode": "practice", "scenario": SID}


def test_language_of_the_texts(spec):
    fr = dict(spec, language="fr")
    intro = build_notebook(fr, "a", "practice").cells[0].source
    assert "Objectifs d'apprentissage" in intro and "Leerdoelen" not in intro


def test_long_ids_stay_valid():
    long = "x" * 63
    assert len(cell_id("stage", long)) == 64 and cell_id("stage", long) != cell_id("stage", long[:-1] + "y")
    assert cell_id("q", "kort") == "q-kort"
