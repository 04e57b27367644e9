"""casuslab export --format lms-csv|xlsx|all: the Moodle and Canvas CSVs and the .xlsx, read back
from a course graded by the real `casuslab assign`/`grade` (nbgrader's gradebook)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

import gradekit as kit

pytestmark = pytest.mark.nbgrader

Q = {qid: f"{kit.SID}/{qid}" for qid in ("reactie", "welke-regels", "herstel", "stappen", "verplicht", "motivering")}
HOSTILE = {"first_name": '=HYPERLINK("http://x")', "last_name": "+SUM(1)", "email": "@evil.example", "lms_user_id": "-42"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """st0 all right (branch b: herstel not reached, motivering scored 5 by hand), st1 branch a (stappen not
    reached, motivering awaiting the lecturer), st2 hostile identity (stappen half right), st9 never submitted."""
    base = tmp_path_factory.mktemp("lms")
    course = kit.assigned_course(base)
    kit.cohort(course, [("correct", None), ("wrong", None), ("partial", None)])
    kit.write_answers(course, "st0", {"reactie": "b", "welke-regels": ["a", "c", "e"],
                                      "stappen": ["wie", "wet", "overleg", "noteren"], "verplicht": 1,
                                      "motivering": "Ik beroep me op mijn zwijgrecht als getuige."})
    kit.write_answers(course, "st1", {"reactie": "a", "welke-regels": ["a", "b"], "herstel": "a",
                                      "stappen": ["wie", "wet", "overleg", "noteren"], "verplicht": 5,
                                      "motivering": "Ik vertel alles."})
    kit.write_answers(course, "st2", {"reactie": "c", "stappen": ["wet", "wie", "overleg", "noteren"]})
    done = kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(course), cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    kit.set_manual(course, "st0", "task-motivering", 5)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID) as gb:
        gb.update_or_create_student("st0", first_name="Lotte", last_name="Peeters", email="lotte@hogent.example",
                                    lms_user_id="1001")
        gb.update_or_create_student("st1", first_name="Tom", last_name="Janssens", email="tom@hogent.example",
                                    lms_user_id="1002")
        gb.update_or_create_student("st2", **HOSTILE)
        gb.update_or_create_student("st9", first_name="Niet", last_name="Ingediend", email="st9@hogent.example")
    outputs = {}
    for fmt, profile in (("all", "moodle"), ("lms-csv", "canvas")):
        done = kit.casuslab("export", kit.ASSIGNMENT, "--course", str(course), "--format", fmt, "--profile", profile,
                            cwd=base)
        assert done.returncode == 0, done.stdout + done.stderr
        outputs[fmt] = done.stdout
    return course, outputs


def _reports(course):
    return course / "reports" / kit.ASSIGNMENT


def _rows(raw: bytes) -> list[list[str]]:
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b";" not in raw.split(b"\r\n")[0]
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_moodle_csv(exported):
    course, outputs = exported
    rows = _rows((_reports(course) / f"lms-moodle-{kit.ASSIGNMENT}.csv").read_bytes())
    header = rows[0]
    assert header[:5] == ["First name", "Last name", "ID number", "Email address", "Username"]
    assert header[-2:] == ["Totaal", "Op 20"] and set(Q.values()) <= set(header)
    by = {row[4]: dict(zip(header, row)) for row in rows[1:]}
    assert sorted(by) == ["st0", "st1", "st2", "st9"]
    st0 = by["st0"]
    assert (st0["First name"], st0["Last name"], st0["ID number"], st0["Email address"]) == (
        "Lotte", "Peeters", "1001", "lotte@hogent.example")
    assert [st0[Q[q]] for q in Q] == ["2", "3", "", "2", "1", "5"]          # herstel: not reached -> empty
    assert (st0["Totaal"], st0["Op 20"]) == ("13", "20")
    st1 = by["st1"]
    assert [st1[Q[q]] for q in Q] == ["0", "0", "2", "", "0", ""]           # stappen not reached, motivering pending
    assert (st1["Totaal"], st1["Op 20"]) == ("2", "3.08")                   # 20 * 2 / 13, decimal point
    st2 = by["st2"]
    assert st2[Q["stappen"]] == "1.67" and st2[Q["herstel"]] == ""          # 2 * 5/6 pairs
    assert st2["First name"] == "'" + HOSTILE["first_name"] and st2["Last name"] == "'+SUM(1)"
    assert st2["Email address"] == "'@evil.example" and st2["ID number"] == "'-42"
    st9 = by["st9"]
    assert [st9[Q[q]] for q in Q] == [""] * 6 and st9["Totaal"] == "0"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "Let op: 1 open antwoord(en) nog niet beoordeeld" in outputs["all"]


def test_canvas_csv(exported):
    course, _ = exported
    rows = _rows((_reports(course) / f"lms-canvas-{kit.ASSIGNMENT}.csv").read_bytes())
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", kit.ASSIGNMENT]
    assert rows[1] == ["Points Possible", "", "", "", "", "13"]
    by = {row[3]: row for row in rows[2:]}
    assert by["st0"] == ["Peeters, Lotte", "1001", "", "st0", "", "13"]
    assert by["st1"] == ["Janssens, Tom", "1002", "", "st1", "", "2"]
    assert by["st2"][0] == "'+SUM(1), =HYPERLINK(\"http://x\")" and by["st2"][1] == "'-42"
    assert by["st9"] == ["Ingediend, Niet", "", "", "st9", "", "0"]


def test_xlsx_has_typed_numbers_a_frozen_header_and_no_formulas(exported):
    from openpyxl import load_workbook

    course, _ = exported
    path = _reports(course) / f"punten-{kit.ASSIGNMENT}.xlsx"
    ws = load_workbook(path)["Punten"]
    assert ws.freeze_panes == "B2"
    header = [c.value for c in ws[1]]
    assert header[:6] == ["student", "familienaam", "voornaam", "e-mail", "lms_user_id", "ingediend"]
    assert header[-6:] == ["aftrek te laat", "nog te beoordelen", "totaal", "maximum", "percentage", "op 20"]
    rows = {row[0].value: {h: c for h, c in zip(header, row)} for row in ws.iter_rows(min_row=2)}
    st0, st1, st2 = rows["st0"], rows["st1"], rows["st2"]
    for cell in (st0[Q["reactie"]], st0["totaal"], st0["op 20"], st1["percentage"], st2[Q["stappen"]]):
        assert cell.data_type == "n" and isinstance(cell.value, (int, float)), cell.value
    assert st0["totaal"].value == 13 and st0["maximum"].value == 13 and st0["op 20"].value == 20
    assert st1["percentage"].value == pytest.approx(15.4) and st1["op 20"].value == pytest.approx(3.1)
    assert st2[Q["stappen"]].value == pytest.approx(1.67) and st2[Q["stappen"]].number_format == "0.00"
    assert st1["op 20"].number_format == "0.0"
    assert st0[Q["herstel"]].value == "niet bereikt" and st1[Q["stappen"]].value == "niet bereikt"
    assert st1[Q["motivering"]].value is None                               # awaiting the lecturer
    assert st2["voornaam"].value == HOSTILE["first_name"] and st2["voornaam"].data_type == "s"
    assert st2["e-mail"].value == "@evil.example" and st2["lms_user_id"].value == "-42"
    assert rows["st9"]["ingediend"].value == "nee" and rows["st9"][Q["reactie"]].value is None
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet                                                 # no formula anywhere


def test_xlsx_is_byte_identical_on_a_second_export(exported):
    course, _ = exported
    path = _reports(course) / f"punten-{kit.ASSIGNMENT}.xlsx"
    first = path.read_bytes()
    done = kit.casuslab("export", kit.ASSIGNMENT, "--course", str(course), "--format", "xlsx", cwd=course.parent)
    assert done.returncode == 0, done.stderr
    assert path.read_bytes() == first
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert core.count("2000-01-01T00:00:00Z") == 2                          # created and modified, not "now"


def test_unknown_format_or_profile_is_a_dutch_message(exported):
    course, _ = exported
    for option, value, word in (("--format", "pdf", "formaat"), ("--profile", "blackboard", "profiel")):
        done = kit.casuslab("export", kit.ASSIGNMENT, "--course", str(course), option, value, cwd=course.parent)
        assert done.returncode == 2 and f"onbekend {word} '{value}'" in done.stderr
        assert "Traceback" not in done.stderr


def test_tables_built_from_results_directly():
    """Without a gradebook: an empty class, a late penalty, half-up rounding with a decimal point."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from casuslab.grade.lms import Table, lms_csv
    from casuslab.grade.result import QuestionResult, SubmissionResult
    from casuslab.grade.xlsx import xlsx_bytes

    columns = [("case/a", "case", "a"), ("case/b", "case", "b")]
    empty = Table("leeg", [], columns, Decimal(7))
    assert _rows(lms_csv(empty, "canvas"))[1] == ["Points Possible", "", "", "", "", "7"]
    assert _rows(lms_csv(empty, "moodle")) == [["First name", "Last name", "ID number", "Email address", "Username",
                                                "case/a", "case/b", "Totaal", "Op 20"]]
    assert load_workbook(io.BytesIO(xlsx_bytes(empty)))["Punten"].max_row == 1

    questions = (QuestionResult("case", "case", "a", "closed", "graded", Decimal("3.33"), Decimal(4)),
                 QuestionResult("case", "case", "b", "closed", "graded", Decimal("2.5"), Decimal(3)))
    late = SubmissionResult("st5", "a", True, questions, Decimal(7), late_penalty=Decimal(1), email="x@y.example")
    table = Table("a", [late], columns, Decimal(7))
    moodle = _rows(lms_csv(table, "moodle"))[1]
    assert moodle[5:] == ["3.33", "2.5", "4.83", "13.8"]                    # 5.83 - 1 late; 20 * 4.83 / 7 = 13.8
    assert _rows(lms_csv(table, "canvas"))[2] == ["st5", "", "", "st5", "", "4.83"]
    ws = load_workbook(io.BytesIO(xlsx_bytes(table)))["Punten"]
    header = [c.value for c in ws[1]]
    row = {h: c.value for h, c in zip(header, ws[2])}
    assert row["aftrek te laat"] == 1 and row["totaal"] == pytest.approx(4.83) and row["op 20"] == pytest.approx(13.8)
