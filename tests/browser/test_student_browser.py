"""A student's session in a real JupyterLab: answer every question type, submit along one branch,
survive a reload and a kernel restart, exam mode without feedback, a corrupt answers file,
accessibility (axe-core) and screenshots for people to look at."""

from __future__ import annotations

import json
import time
import re

from jlab import (ARTIFACTS, ROOT, SID, accept_dialogs, answers, axe, chromium, course_with_example, open_notebook,
                  practice_workspace, restart_kernel, run_all, serve, stage, submit, wait_for_answers, wait_idle)

from casuslab.build import build_notebook, notebook_bytes, student_spec
from casuslab.scenario.load import load_scenario
from casuslab.scenario.spec import to_spec

NOTEBOOK = f"beroepsgeheim/{SID}.ipynb"
EXAMPLE = to_spec(load_scenario(ROOT / "tests" / "data" / f"{SID}.yaml").model)


def option(where, qid: str, oid: str):
    """The radio button or checkbox of option ``oid``: found by its text, as each student
    sees the options in their own order."""
    question = next(q for s in EXAMPLE["stages"] for q in s.get("questions") or [] if q["id"] == qid)
    text = next(o["text"] for o in question["options"] if o["id"] == oid)
    return where.get_by_label(text, exact=True)


def shown_order(rows) -> list[str]:
    """The item texts of an order question's rows, without their position numbers."""
    return [re.sub(r"^\d+\.\s*", "", rows.nth(i).inner_text().strip()) for i in range(rows.count())]


def wait_until(check, timeout: float = 10.0) -> None:
    """Poll ``check()`` until it holds, else fail."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the page never reached the expected state")
        time.sleep(0.05)


def serious(result: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {[n['html'][:120] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_axe_clean(page) -> None:
    # the check must be able to fail: a control without a name inside an output area is caught
    page.evaluate("""() => {
        const probe = document.createElement('div');
        probe.id = 'axe-probe';
        probe.innerHTML = '<input type="checkbox">';
        const areas = document.querySelectorAll('.jp-OutputArea');
        areas[areas.length - 1].appendChild(probe);
    }""")
    assert any(v["id"] == "label" for v in axe(page)["violations"]), "axe did not run on the output areas"
    page.evaluate("() => document.getElementById('axe-probe').remove()")
    assert serious(axe(page)) == []


def test_a_student_works_through_a_branch_and_everything_survives(tmp_path):
    workspace = practice_workspace(tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(workspace, tmp_path) as lab, chromium(tmp_path / "profile", height=1700) as page:
        page.on("dialog", lambda dialog: dialog.accept())
        open_notebook(page, lab, NOTEBOOK)
        run_all(page, stages=4)
        assert not (workspace / "beroepsgeheim" / f"{SID}.answers.json").exists()  # running writes nothing
        assert page.locator(".jp-OutputArea .casuslab-placeholder").count() == 3
        assert_axe_clean(page)

        # stage 1: single (the branch: b -> overleg) and multiple
        first = stage(page, 0)
        option(first, "reactie", "b").click()
        wait_for_answers(workspace, lambda d: d["answers"].get("reactie") == "b")
        option(first, "welke-regels", "a").click()
        option(first, "welke-regels", "c").click()
        wait_for_answers(workspace, lambda d: d["answers"].get("welke-regels") == ["a", "c"])
        assert "Opgeslagen om" in first.locator(".casuslab-statusbar").inner_text()
        submit(page, first)
        doc = wait_for_answers(workspace, lambda d: d["submitted_stages"] == ["telefoon"])
        assert "Juist" in first.inner_text() and "De inspecteur is niet tevreden" in first.inner_text()
        first.screenshot(path=str(ARTIFACTS / "student-stage-practice.png"))
        assert "Dit deel hoort niet bij jouw weg" in stage(page, 1).inner_text()

        # stage 2: order, by keyboard alone
        second = stage(page, 2)
        rows = second.locator(".casuslab-order-text")
        start = shown_order(rows)
        texts = {i["text"]: i["id"] for i in to_spec(load_scenario(tmp_path / "scenarios" / "beroepsgeheim"
                                                                   / f"{SID}.yaml").model)["stages"][2]["questions"][0]["items"]}
        second.locator("button", has_text="Lager").first.focus()
        for moved in ([start[1], start[0], start[2], start[3]], [start[1], start[2], start[0], start[3]]):
            page.keyboard.press("Enter")        # the item goes one down, and the focus goes with it
            wait_for_answers(workspace, lambda d: d["answers"].get("stappen") == [texts[t] for t in moved])
            # the next key press must wait until the page shows the new order and the focus has
            # followed the item to its new row (the file is written before the view updates)
            wait_until(lambda: shown_order(rows) == moved)
            lower = second.locator("button", has_text="Lager").nth(moved.index(start[0]))
            wait_until(lambda: lower.evaluate("b => b === document.activeElement"))
        assert shown_order(rows) == moved
        submit(page, second)

        # stage 3: scale and open (typed, debounced)
        third = stage(page, 3)
        third.locator(".widget-toggle-buttons button").nth(1).click()
        wait_for_answers(workspace, lambda d: d["answers"].get("verplicht") == 2)
        text = "Lotte mag zwijgen als getuige: haar zwijgrecht weegt ze af tegen het belang van de rechtsgang."
        third.locator(".widget-textarea textarea").press_sequentially(text, delay=5)
        wait_for_answers(workspace, lambda d: d["answers"].get("motivering") == text, timeout=5)
        assert "16 woorden" in third.locator(".casuslab-words").inner_text()
        submit(page, third)
        assert "Modelantwoord" in third.inner_text() and "einde van de casus" in third.inner_text()
        third.screenshot(path=str(ARTIFACTS / "student-stage-end.png"))
        assert_axe_clean(page)

        doc = answers(workspace)
        assert doc["format"] == "casuslab/answers-v1" and doc["scenario"] == SID
        assert doc["submitted_stages"] == ["telefoon", "overleg", "dagvaarding"]
        assert doc["answers"] == {"reactie": "b", "welke-regels": ["a", "c"], "stappen": [texts[t] for t in moved],
                                  "verplicht": 2, "motivering": text}
        assert set(doc["saved_at"]) == set(doc["answers"])
        saved = (workspace / "beroepsgeheim" / f"{SID}.answers.json").read_bytes()

        # reload the page, restart the kernel, run again: everything is back and shown
        page.reload()
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
        accept_dialogs(page)
        wait_idle(page)
        restart_kernel(page)
        run_all(page, stages=4)
        page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea .casuslab-locked').length === 3")
        first, second, third = stage(page, 0), stage(page, 2), stage(page, 3)
        chosen = option(first, "reactie", "b")
        assert chosen.is_checked() and chosen.is_disabled()
        assert [option(first, "welke-regels", oid).is_checked() for oid in "abcde"] == [True, False, True, False, False]
        assert shown_order(rows) == moved
        assert third.locator(".widget-toggle-buttons button.mod-active").inner_text().startswith("2")
        assert third.locator(".widget-textarea textarea").input_value() == text
        assert "teruggezet" in third.locator(".casuslab-statusbar").inner_text()
        assert (workspace / "beroepsgeheim" / f"{SID}.answers.json").read_bytes() == saved


def exam_workspace(tmp_path):
    spec = to_spec(load_scenario(course_with_example(tmp_path)[1] / "beroepsgeheim" / f"{SID}.yaml").model)
    folder = tmp_path / "exam" / "examen"
    folder.mkdir(parents=True)
    (folder / f"{SID}.ipynb").write_bytes(notebook_bytes(build_notebook(spec, "examen", "exam", grading=False)))
    (folder / f"{SID}.case.json").write_text(json.dumps(student_spec(spec, "exam", "examen"), ensure_ascii=False),
                                           encoding="utf-8")
    return tmp_path / "exam"


def test_exam_mode_shows_no_feedback(tmp_path):
    workspace = exam_workspace(tmp_path)
    with serve(workspace, tmp_path) as lab, chromium(tmp_path / "profile") as page:
        open_notebook(page, lab, f"examen/{SID}.ipynb")
        run_all(page, stages=4)
        first = stage(page, 0)
        option(first, "reactie", "a").click()
        option(first, "welke-regels", "b").click()
        submit(page, first)
        wait_for_answers(workspace, lambda d: d["submitted_stages"] == ["telefoon"], theme="examen")
        shown = first.inner_text()
        assert page.locator(".jp-OutputArea .casuslab-badge").count() == 0
        assert not any(t.strip() for t in first.locator(".casuslab-feedback").all_inner_texts())
        assert "Juist" not in shown and "jouw keuze" not in shown and "Gesloten vragen" not in shown
        assert "De inspecteur bedankt haar" not in shown      # an exam ships no consequence: it gives the key away
        stage(page, 1).locator(".casuslab-question").wait_for()         # klacht follows option a


def test_a_corrupt_answers_file_is_kept_aside_and_the_student_is_told(tmp_path):
    workspace = practice_workspace(tmp_path)
    broken = b'{"format": "casuslab/answers-v1", "scenario": "politie-aan-de-li'
    (workspace / "beroepsgeheim" / f"{SID}.answers.json").write_bytes(broken)
    with serve(workspace, tmp_path) as lab, chromium(tmp_path / "profile") as page:
        open_notebook(page, lab, NOTEBOOK)
        run_all(page, stages=4)
        notice = page.locator(".jp-OutputArea .casuslab-notice")
        notice.wait_for()
        assert "beschadigd" in notice.inner_text() and "answers.corrupt-" in notice.inner_text()
        assert "Traceback" not in page.locator(".jp-Notebook").inner_text()
        kept = list((workspace / "beroepsgeheim").glob(f"{SID}.answers.corrupt-*.json"))
        assert len(kept) == 1 and kept[0].read_bytes() == broken and kept[0].name in notice.inner_text()
        option(stage(page, 0), "reactie", "c").click()
        doc = wait_for_answers(workspace, lambda d: d["answers"].get("reactie") == "c")
        assert doc["submitted_stages"] == [] and kept[0].read_bytes() == broken


def test_the_course_index_links_every_notebook_by_theme(tmp_path):
    from casuslab.lab import build_workspace

    workspace = tmp_path / "workspace"
    built = build_workspace(ROOT / "course", workspace)
    assert built.skipped == []
    with serve(workspace, tmp_path) as lab, chromium(tmp_path / "profile", height=900) as page:
        page.goto(lab.url("index.ipynb"))
        page.wait_for_selector(".jp-NotebookPanel .jp-RenderedMarkdown h2", timeout=60_000)
        accept_dialogs(page)
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        headings = [h.strip() for h in panel.locator(".jp-RenderedMarkdown h2").all_inner_texts()]
        assert [h.rstrip("¶").strip() for h in headings] == ["Beroepsgeheim", "Ethiek", "Behoefteanalyse"]
        links = panel.locator(".jp-RenderedMarkdown li a[href*='.ipynb']")
        assert links.count() == len(built.entries)
        assert page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").count() == 0
        assert page.locator(".jp-Notification-Toast").count() == 0        # no news pop-up
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "course-index.png"))
        links.first.click()                                               # opens in JupyterLab itself
        page.locator(".lm-TabBar-tab", has_text=f"{built.entries[0].id}.ipynb").wait_for()
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1", timeout=60_000)
