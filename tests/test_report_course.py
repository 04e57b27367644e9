"""`casuslab report` end to end on a course graded with the real `casuslab grade` (tests/gradekit.py)."""

from __future__ import annotations

import json
import re

import pytest

import gradekit as kit

pytestmark = pytest.mark.nbgrader

HOSTILE = '<img src=x onerror=alert(1)>'
PROFILES = [("correct", None), ("wrong", None), ("partial", None), ("random", None), ("random", "corrupt"),
            ("empty", None), ("correct", "missing-notebook")]
OVERLEG = ("telefoon", "overleg", "dagvaarding")
KLACHT = ("telefoon", "klacht", "dagvaarding")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Two notebooks (SID and its copy SECOND); st0..st6 (st1 a day late, st4 corrupt answers files, st6
    without the first notebook), 'afwezig' never submitted, 'nagekomen' collected after grading; st0's open
    answer in SID scored."""
    base = tmp_path_factory.mktemp("report")
    course = kit.assigned_course(base, second=True)
    kit.cohort(course, PROFILES, late=(1,), sids=(kit.SID, kit.SECOND))
    answers = course / "submitted" / "st2" / kit.ASSIGNMENT / f"{kit.SID}.answers.json"
    doc = json.loads(answers.read_text(encoding="utf-8"))
    moments = ["2026-12-01T10:00:00+01:00", "2026-12-01T10:20:00+01:00"]
    doc["saved_at"] = {qid: moments[i % 2] for i, qid in enumerate(sorted(doc["answers"]))}
    answers.write_text(json.dumps(doc), encoding="utf-8")
    done = kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(course), cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    kit.set_manual(course, "st0", "task-motivering", 5, "zwijgrecht=2; afweging=2; kader=1\nGoed.")
    (course / "submitted" / "nagekomen" / kit.ASSIGNMENT).mkdir(parents=True)  # collected after grading
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID) as gb:
        gb.update_or_create_student("st0", first_name=HOSTILE, last_name="<b>Peeters</b>")
        gb.update_or_create_student("afwezig", first_name="Ann", last_name="Afwezig")
    return base, course


@pytest.fixture(scope="module")
def cohort(graded):
    from casuslab.grade.course import open_course
    from casuslab.report.collect import collect

    return collect(open_course(graded[1]), kit.ASSIGNMENT)


def _student(cohort, sid):
    return next(s for s in cohort.students if s.id == sid)


def test_statuses_paths_and_totals_from_the_gradebook_and_answers(cohort):
    statuses = {s.id: s.status for s in cohort.students}
    assert statuses == {"st0": "op tijd", "st1": "te laat", "st2": "op tijd", "st3": "op tijd", "st4": "op tijd",
                        "st5": "op tijd", "st6": "op tijd", "afwezig": "niet ingediend",
                        "nagekomen": "niet beoordeeld"}
    assert _student(cohort, "st1").seconds_late == 24 * 3600
    assert _student(cohort, "st0").paths[kit.SID] == OVERLEG       # correct: option b leads to the team meeting
    assert _student(cohort, "st1").paths[kit.SID] == KLACHT        # wrong: option a leads to the complaint
    assert _student(cohort, "st5").paths[kit.SID] == KLACHT        # no answer: the next stage in the file
    assert _student(cohort, "st4").paths[kit.SID] is None          # corrupt answers file: path unknown
    assert _student(cohort, "st6").paths[kit.SID] is None          # no notebook: every cell 0, path unknown
    assert _student(cohort, "st6").paths[kit.SECOND] == OVERLEG    # ... but its other notebook counts
    assert not any(key.startswith(kit.SID + "/") for key in _student(cohort, "st6").reached)
    best = _student(cohort, "st0")
    # per notebook 13 on a path: SID 8 closed points + 5 by the lecturer, SECOND 8 closed (its open answer pending)
    assert best.maximum == 26.0 and best.total == 21.0 and best.on20 == pytest.approx(20 * 21 / 26, abs=1e-4)
    assert _student(cohort, "st2").seconds[kit.SID] == 20 * 60
    assert _student(cohort, "st0").levels[f"{kit.SID}/motivering"] == {
        "zwijgrecht": (2, "docent"), "afweging": (2, "docent"), "kader": (1, "docent")}


def test_items_off_the_path_are_not_reached_and_not_counted(cohort):
    from casuslab.report import analysis

    rows = {row.item.qid: row for row in analysis.item_rows(cohort) if row.item.notebook == kit.SID}
    second = {row.item.qid: row for row in analysis.item_rows(cohort) if row.item.notebook == kit.SECOND}
    on_klacht = {s.id for s in cohort.submitted if s.paths[kit.SID] == KLACHT}
    assert {"st1", "st5"} <= on_klacht and "st0" not in on_klacht
    assert rows["herstel"].reached == len(on_klacht) == rows["herstel"].stats.n
    assert rows["stappen"].reached == sum(1 for s in cohort.submitted if s.paths[kit.SID] == OVERLEG)
    assert rows["reactie"].reached == 5                     # everyone but the corrupt file and the missing notebook
    assert second["reactie"].reached == 6                   # st6 submitted this notebook
    # st0 scored by the lecturer, st5 left it blank (unanswered: 0); st1-st3 wrote text nobody scored yet
    assert rows["motivering"].pending == 3 and rows["motivering"].stats.n == 2
    assert sum(o.count for o in rows["reactie"].options) == 5


def test_report_command_writes_a_self_contained_escaped_identical_page(graded):
    base, course = graded
    first = kit.casuslab("report", kit.ASSIGNMENT, "--course", str(course), cwd=base)
    assert first.returncode == 0, first.stdout + first.stderr
    target = course / "reports" / f"{kit.ASSIGNMENT}-rapport.html"
    page = target.read_bytes()
    other = base / "elders" / "rapport.html"
    second = kit.casuslab("report", kit.ASSIGNMENT, "--course", str(course), "--out", str(other), cwd=base)
    assert second.returncode == 0, second.stdout + second.stderr
    assert other.read_bytes() == page                               # byte-identical across runs
    text = page.decode("utf-8")
    assert not re.search(r"https?://", text)                        # no URL at all, so nothing is fetched
    assert "<script" not in text.lower() and "<link" not in text.lower() and "@import" not in text
    assert HOSTILE not in text and "<b>Peeters" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert text.count("<svg") >= 5 and text.count("<svg") == text.count("<title id=\"fig-")
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))                                # many inline SVGs, no duplicate id
    for heading in ("Scoreverdeling op 20", "Te laat en niet ingediend", "Paden door de casus",
                    "Rubriek: niveaus per criterium", "Tijd per casus"):
        assert heading in text
    assert "Afwezig" in text and "niet ingediend" in text


def test_report_errors_are_dutch_one_liners(graded):
    base, course = graded
    done = kit.casuslab("report", "bestaat-niet", "--course", str(course), cwd=base)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "bestaat-niet" in done.stderr and "course.yaml" in done.stderr
    done = kit.casuslab("report", kit.ASSIGNMENT, "--course", str(base / "geen-cursus"), cwd=base)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "cursusmap" in done.stderr


@pytest.mark.browser
def test_report_page_in_chromium_is_accessible_and_fits(graded, tmp_path):
    """Headless Chromium at 800 px: axe-core finds no serious problem; every plot has its title; no sideways scroll."""
    from pathlib import Path

    chromium, axe = Path("/usr/bin/chromium"), kit.ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
    assert chromium.exists() and axe.exists(), "run `make system-deps` and `make browser-deps`"
    from playwright.sync_api import sync_playwright

    base, course = graded
    target = tmp_path / "rapport.html"
    done = kit.casuslab("report", kit.ASSIGNMENT, "--course", str(course), "--out", str(target), cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 800, "height": 900})
            page.goto(target.as_uri())
            shape = page.evaluate("""() => ({
                plots: document.querySelectorAll('svg.plot').length,
                named: [...document.querySelectorAll('svg.plot')].filter(
                    s => s.getAttribute('role') === 'img' && document.getElementById(s.getAttribute('aria-labelledby'))
                         && document.getElementById(s.getAttribute('aria-labelledby')).textContent.length > 10).length,
                wide: Math.max(...[...document.querySelectorAll('svg.plot')].map(s => s.getBoundingClientRect().right)),
                view: document.documentElement.clientWidth})""")
            page.add_script_tag(path=str(axe))
            result = page.evaluate("() => axe.run('main', {resultTypes: ['violations']})")
        finally:
            browser.close()
    assert shape["plots"] >= 5 and shape["named"] == shape["plots"], shape
    assert shape["wide"] <= shape["view"], shape
    assert [(v["id"], v["nodes"][0]["html"][:120]) for v in result["violations"]
            if v["impact"] in ("serious", "critical", "moderate", "minor")] == []


@pytest.mark.parametrize("command", ["report", "grade", "feedback", "export"])
def test_a_damaged_gradebook_is_a_dutch_error_naming_the_file(graded, tmp_path, command):
    import shutil

    base, course = graded
    copy = tmp_path / "course"
    shutil.copytree(course, copy, symlinks=True)
    (copy / "gradebook.db").write_bytes(b"dit is geen database\n" * 10)
    done = kit.casuslab(command, kit.ASSIGNMENT, "--course", str(copy), cwd=base)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "het gradebook kan niet gelezen worden" in done.stderr and str(copy / "gradebook.db") in done.stderr
