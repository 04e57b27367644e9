"""`casuslab lab` without a browser: the practice workspace, its index, and how JupyterLab is started."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from buildkit import SID, fold_ws, json_strings, leaks, make_course

from casuslab.lab import build_workspace, prepare
from casuslab.lab.server import NBGRADER_LAB_PLUGINS, NBGRADER_SERVER_EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]


def example_course(tmp_path: Path, mode: str = "practice") -> tuple[Path, Path]:
    course = make_course(tmp_path, [{"id": "reeks", "mode": mode, "scenarios": [SID]}])
    return course, tmp_path / "scenarios"


def test_practice_scenarios_are_built_in_practice_mode(tmp_path):
    course, scenarios = example_course(tmp_path, mode="practice")
    result = build_workspace(course, tmp_path / "ws", scenarios)
    case = json.loads((tmp_path / "ws" / "beroepsgeheim" / f"{SID}.case.json").read_text(encoding="utf-8"))
    assert case["mode"] == "practice"
    assert any(o.get("correct") for o in case["stages"][0]["questions"][0]["options"])
    nb = nbformat.read(tmp_path / "ws" / "beroepsgeheim" / f"{SID}.ipynb", as_version=4)
    assert "open_case" in nb.cells[1].source
    assert not any("grade_answer" in c.source for c in nb.cells)  # no grading cells in the workspace
    assert [e.id for e in result.entries] == [SID]


def test_an_exam_scenario_never_goes_into_the_workspace(tmp_path):
    """Also not when a practice series lists it too, and an older build's files of it are removed."""
    course = make_course(tmp_path, [{"id": "reeks", "mode": "practice", "scenarios": [SID]},
                                    {"id": "examen", "mode": "exam", "scenarios": [SID]}])
    ws = tmp_path / "ws"
    old = ws / "beroepsgeheim"
    old.mkdir(parents=True)
    (old / f"{SID}.ipynb").write_text("{}", encoding="utf-8")           # left by an older version
    (old / f"{SID}.case.json").write_text('{"correct": true}', encoding="utf-8")
    (old / f"{SID}.answers.json").write_text("the student's", encoding="utf-8")
    result = build_workspace(course, ws, tmp_path / "scenarios")
    assert result.entries == [] and result.withheld == [SID]
    assert sorted(p.name for p in old.iterdir()) == [f"{SID}.answers.json"]
    assert (old / f"{SID}.answers.json").read_text(encoding="utf-8") == "the student's"
    assert SID not in (ws / "index.ipynb").read_text(encoding="utf-8")


def _exam_needles(spec: dict) -> set[str]:
    """What gives an exam scenario away: its id, and its keys' prose."""
    needles = {spec["id"]}
    for stage in spec["stages"]:
        for q in stage.get("questions") or []:
            needles.update(o["feedback"] for o in q.get("options", []) if o.get("feedback"))
            needles.update(o["consequence"] for o in q.get("options", []) if o.get("consequence"))
            if q.get("model_answer"):
                needles.add(q["model_answer"])
            for criterion in q.get("rubric", []):
                needles.update(cue for cue in criterion.get("evidence", []) if "|" in cue)
    return {n for n in needles if len(n) >= 8}


def test_the_real_course_workspace_holds_nothing_of_the_exam(tmp_path):
    from casuslab.build.checks import check_course, check_scenario, find_scenarios
    from casuslab.scenario.spec import to_spec

    course, _problems, _positions = check_course(ROOT / "course" / "course.yaml")
    exam = [sid for a in course.assignments if a.mode == "exam" for sid in a.scenarios]
    assert exam, "the course has an exam"
    available = find_scenarios(ROOT / "scenarios")

    def needles_of(ids) -> set[str]:
        found: set[str] = set()
        for sid in ids:
            model, _found = check_scenario(available[sid])
            found |= _exam_needles(to_spec(model))
        return found

    result = build_workspace(ROOT / "course", tmp_path / "ws")
    assert result.entries and not {e.id for e in result.entries} & set(exam)
    # a generic cue a practice case shares, whole or inside a longer cue of its own (e.g.
    # "toestemming|akkoord"), gives no exam key away
    practice = [fold_ws("\n".join(json_strings(to_spec(check_scenario(available[e.id])[0]))))
                for e in result.entries if e.id in available]
    needles = {n for n in map(fold_ws, needles_of(exam)) if not any(n in text for text in practice)}
    assert len(needles) > 50
    files = [p for p in (tmp_path / "ws").rglob("*") if p.is_file()]
    assert not [p for p in files if any(sid in p.name for sid in exam)]
    found = leaks(tmp_path / "ws", needles)
    assert found == [], found


def test_rebuilding_never_touches_the_students_answers(tmp_path):
    course, scenarios = example_course(tmp_path)
    ws = tmp_path / "ws"
    build_workspace(course, ws, scenarios)
    answers = ws / "beroepsgeheim" / f"{SID}.answers.json"
    aside = ws / "beroepsgeheim" / f"{SID}.answers.corrupt-20261128-203000.json"
    answers.write_text('{"format": "casuslab/answers-v1", "scenario": "%s", "answers": {"reactie": "b"}}' % SID)
    aside.write_text("kept aside")
    notebook = ws / "beroepsgeheim" / f"{SID}.ipynb"
    notebook.write_text("an old notebook", encoding="utf-8")
    again = build_workspace(course, ws, scenarios)
    assert answers.read_text() == '{"format": "casuslab/answers-v1", "scenario": "%s", "answers": {"reactie": "b"}}' % SID
    assert aside.read_text() == "kept aside"
    assert notebook in again.written and nbformat.read(notebook, as_version=4).cells
    assert build_workspace(course, ws, scenarios).written == []  # nothing changed: nothing written


def test_the_index_groups_the_real_course_by_theme(tmp_path):
    result = build_workspace(ROOT / "course", tmp_path / "ws")
    assert result.skipped == []
    nb = nbformat.read(tmp_path / "ws" / "index.ipynb", as_version=4)
    themes = [c.source.splitlines()[0] for c in nb.cells[1:]]
    assert themes == ["## Beroepsgeheim", "## Ethiek", "## Behoefteanalyse"]
    links = [line for c in nb.cells[1:] for line in c.source.splitlines() if line.startswith("- [")]
    assert len(links) == len(result.entries) >= 3
    for entry in result.entries:
        assert (tmp_path / "ws" / entry.path).is_file()
        assert f"]({entry.path})" in "\n".join(links)
    for cell in nb.cells[1:]:  # primers ("theory, read this first") lead each theme
        assert "theorie, lees dit eerst" in cell.source.splitlines()[2]
    assert "Run All Cells" in nb.cells[0].source and all(c.cell_type == "markdown" for c in nb.cells)


def test_jupyterlab_is_started_for_a_student(tmp_path):
    launch = prepare(tmp_path / "ws", port=None, open_browser=False, state=tmp_path / "state")
    argv = " ".join(launch.argv)
    assert "--ServerApp.ip=127.0.0.1" in argv and f"--ServerApp.port={launch.port}" in argv
    assert "--LabApp.default_url=/lab/tree/index.ipynb" in argv
    assert "--ServerApp.open_browser=False" in argv and launch.token in argv
    assert launch.url.startswith(f"http://127.0.0.1:{launch.port}/lab/tree/index.ipynb?token=")
    config = json.loads((tmp_path / "state" / "config" / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["jpserver_extensions"] == {name: False for name in NBGRADER_SERVER_EXTENSIONS}
    page = json.loads((tmp_path / "state" / "config" / "labconfig" / "page_config.json").read_text())
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(page["disabledExtensions"])
    assert set(page["disabledExtensions"]) == set(NBGRADER_LAB_PLUGINS)
    # no code, no news, no kernel chooser: the settings the hub's students get too (student_config.py)
    lab = json.loads((tmp_path / "state" / "config" / "jupyter_lab_config.json").read_text())
    assert lab["LabApp"] == {"custom_css": True, "news_url": None,
                             "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}
    assert ".jp-InputPlaceholder { display: none; }" in (tmp_path / "state" / "config" / "custom" / "custom.css").read_text()
    defaults = json.loads((tmp_path / "state" / "config" / "labconfig" / "default_setting_overrides.json").read_text())
    assert defaults["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert defaults["@jupyterlab/notebook-extension:tracker"]["autoStartDefaultKernel"] is True
    assert launch.env["JUPYTER_CONFIG_DIR"] == str(tmp_path / "state" / "config")
    assert "NBGRADER_EXECUTION" not in launch.env


def test_casuslab_lab_serves_the_index_and_stops_on_ctrl_c(tmp_path):
    import os
    import re
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    ws = tmp_path / "ws"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    proc = subprocess.Popen([sys.executable, "-m", "casuslab.cli", "lab", "--no-browser", "--workspace", str(ws),
                             "--course", str(ROOT / "course"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    lines: list[str] = []
    try:
        url = None
        deadline = time.monotonic() + 120
        while "Ctrl+C" not in "".join(lines) and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"(http://127\.0\.0\.1:\d+/lab/tree/index\.ipynb\?token=\w+)", line)
            url = found.group(1) if found else url
        assert url and "Ctrl+C" in "".join(lines), "".join(lines)
        assert ":8888/" not in url  # --port 0: any free port
        base, token = url.split("/lab/")[0], url.split("token=")[1]
        for _ in range(100):
            try:
                request = urllib.request.Request(f"{base}/api/contents/index.ipynb?content=0",
                                                 headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert json.loads(response.read())["name"] == "index.ipynb"
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("JupyterLab never answered")
        os.killpg(proc.pid, signal.SIGINT)            # what Ctrl+C in the terminal does
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, "".join(lines) + out
    assert "JupyterLab is gestopt" in out and "Traceback" not in out


def _answer_everything(case) -> None:
    """Give every question of the open stage a valid answer through its widget, like a student."""
    view = case.views[case.frontier()]
    for q in view.questions:
        if q.kind == "single":
            q.radio.index = len(q.ids) - 1
        elif q.kind == "multiple":
            q.boxes[0][1].value = True
        elif q.kind == "order":
            q.move(0, +1)
        elif q.kind == "scale":
            q.buttons.value = q.values[-1]
        elif q.kind == "open":
            q.text.value = "Mijn antwoord met een afweging en een verwijzing naar het beroepsgeheim."


def test_every_notebook_of_the_course_can_be_worked_through(tmp_path):
    import contextlib
    import io

    from casuslab.student import open_case

    result = build_workspace(ROOT / "course", tmp_path / "ws")
    with contextlib.redirect_stdout(io.StringIO()):  # display() without a kernel prints reprs
        for entry in result.entries:
            folder = tmp_path / "ws" / entry.theme
            case = open_case(entry.id, folder, show=False)
            assert case.__class__.__name__ == "Case", entry.id
            for stage in case.spec["stages"]:
                case.stage(stage["id"])
            for _ in range(len(case.spec["stages"])):
                if case.finished():
                    break
                _answer_everything(case)
                case.flush()
                case.submit(case.views[case.frontier()])
            assert case.finished() and case.error is None, (entry.id, case.error)
            doc = json.loads((folder / f"{entry.id}.answers.json").read_text(encoding="utf-8"))
            assert doc["submitted_stages"] == case.reached(), entry.id
            shown = " ".join(v.result.value for v in case.views.values() if v.state == "submitted")
            assert "einde van de casus" in shown, entry.id


def test_a_scenario_with_errors_is_left_out_and_reported(tmp_path):
    course, scenarios = example_course(tmp_path, mode="practice")
    text = (scenarios / "beroepsgeheim" / f"{SID}.yaml").read_text(encoding="utf-8")
    broken = text.replace(f"id: {SID}", "id: kapot", 1).replace("next: klacht", "next: bestaat-niet", 1)
    (scenarios / "beroepsgeheim" / "kapot.yaml").write_text(broken, encoding="utf-8")
    (course / "course.yaml").write_text((course / "course.yaml").read_text().replace(f"[{SID}]", f"[{SID}, kapot]"))
    result = build_workspace(course, tmp_path / "ws", scenarios)
    assert [e.id for e in result.entries] == [SID]
    assert result.skipped == [("kapot", scenarios / "beroepsgeheim" / "kapot.yaml")]
    assert not (tmp_path / "ws" / "beroepsgeheim" / "kapot.ipynb").exists()
