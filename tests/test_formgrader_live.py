"""Formgrader, live: a real Jupyter server with nbgrader's formgrader extension on a course graded by
`casuslab grade`, checked through formgrader's own HTTP endpoints and in headless Chromium.

The course is built by the real `casuslab assign` (nbgrader generate_assignment); three simulated
students are graded without a kernel; one of them wrote HTML and scripts into the open answer.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import gradekit as kit

pytestmark = pytest.mark.nbgrader

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = kit.ROOT / "test-artifacts" / "formgrader-submission.png"

# in st0's open answer: each would set the flag if formgrader rendered student text as HTML
HOSTILE = ("<script>window.__pwned = 'script'; alert('xss')</script> "
           "<img src=x onerror=\"window.__pwned = 'img'\"> <b onmouseover=\"window.__pwned = 'hover'\">vet</b> ")
COHORT = [("correct", None), ("wrong", None), ("partial", None)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _open_question() -> str:
    return next(q["id"] for stage in kit.spec()["stages"] for q in stage.get("questions") or [] if q["type"] == "open")


def _graded_course(base: Path) -> tuple[Path, list[str], str, str]:
    """A course, its students, the open question's id and the hostile answer st0 gave."""
    course = kit.assigned_course(base)
    students = kit.cohort(course, COHORT)
    qid = _open_question()
    path = course / "submitted" / "st0" / kit.ASSIGNMENT / f"{kit.SID}.answers.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    answer = HOSTILE + doc["answers"][qid]            # the profile "correct" gave the model answer
    doc["answers"][qid] = answer
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(course), cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    return course, students, qid, answer


class Server:
    def __init__(self, course: Path, state: Path):
        self.port, self.token = _free_port(), "fg-" + os.urandom(12).hex()
        self.base = f"http://127.0.0.1:{self.port}"
        config = state / "config"
        config.mkdir(parents=True)
        (config / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"jpserver_extensions": {
            "nbgrader.server_extensions.formgrader": True, "jupyter_lsp": False}}}), encoding="utf-8")
        env = kit.env()                                   # the venv's bin first on PATH: nbgrader calls alembic
        env.update(JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(state / "runtime"))
        argv = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={course}",
                f"--IdentityProvider.token={self.token}"]
        if os.geteuid() == 0:
            argv.append("--allow-root")
        self.log_path = state / "jupyter.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=course, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def get(self, path: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def json(self, path: str):
        status, body = self.get(path)
        assert status == 200, f"{path}: {status} {body[:500]}\n{self.tail()}"
        return json.loads(body)

    def tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def wait(self, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"the server exited:\n{self.tail()}"
            try:
                if self.get("/formgrader/api/status")[0] == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"formgrader did not answer in {timeout} s:\n{self.tail()}"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def _gradebook(course: Path) -> dict:
    """student -> (score, code_score, task_score, needs_manual_grade) of the notebook, as the gradebook has it."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID) as gb:
        return {nb.student.id: (nb.score, nb.code_score, nb.task_score, nb.needs_manual_grade)
                for nb in gb.notebook_submissions(kit.SID, kit.ASSIGNMENT)}


def test_formgrader_shows_the_graded_course(tmp_path):
    course, students, qid, answer = _graded_course(tmp_path)
    state = kit.gradebook_state(course)
    notebooks = _gradebook(course)
    assert sorted(notebooks) == students

    server = Server(course, tmp_path / "server")
    try:
        server.wait()

        # the assignment and every graded student
        assert [a["name"] for a in server.json("/formgrader/api/assignments")] == [kit.ASSIGNMENT]
        subs = server.json(f"/formgrader/api/submissions/{kit.ASSIGNMENT}")
        assert sorted(s["student"] for s in subs) == students
        assert all(s["autograded"] and s["submitted"] for s in subs)
        assert sorted(s["id"] for s in server.json("/formgrader/api/students")) == students
        assert [n["name"] for n in server.json(f"/formgrader/api/notebooks/{kit.ASSIGNMENT}")] == [kit.SID]

        # per notebook and per cell, formgrader shows what `casuslab grade` wrote
        shown = server.json(f"/formgrader/api/submitted_notebooks/{kit.ASSIGNMENT}/{kit.SID}")
        by_student = {nb["student"]: nb for nb in shown}
        assert sorted(by_student) == students
        for student, nb in by_student.items():
            assert (nb["score"], nb["code_score"], nb["task_score"], nb["needs_manual_grade"]) == notebooks[student]
            grades = server.json(f"/formgrader/api/grades?submission_id={nb['id']}")
            assert grades and {g["name"] for g in grades} == {k[2] for k in state if len(k) == 3 and k[0] == student
                                                              and k[2] != "penalty"}
            for g in grades:
                assert (g["auto_score"], g["manual_score"], g["needs_manual_grade"]) == \
                    state[(student, kit.SID, g["name"])], (student, g["name"])
        # and those are the right scores: all closed questions right, all wrong, some right
        assert by_student["st0"]["code_score"] == 8.0 and by_student["st1"]["code_score"] == 0.0
        assert 0 < by_student["st2"]["code_score"] < 8.0
        assert by_student["st0"]["needs_manual_grade"]                  # the answered open question waits

        # the manual-grading page of st0: printed answers, the pre-scorer's suggestion, escaped student text
        submission = by_student["st0"]["id"]
        status, html = server.get(f"/formgrader/submissions/{submission}/")
        assert status == 200, html[:2000]
        assert "Antwoord: b." in html and "Resultaat: 3 van 3 punten." in html      # closed answers, printed
        assert f'id="cell-id=open-{qid}"' in html and f'id="task-{qid}"' in html    # the open answer, the task
        assert "stelt alleen voor; de docent beslist" in html and "suggestie 2 van 2" in html
        assert "gevonden: &quot;zwijgrecht&quot;" in html or 'gevonden: "zwijgrecht"' in html
        assert "&lt;script&gt;window.__pwned" in html and "&lt;img src=x onerror=" in html
        for raw in ("<script>window.__pwned", "<img src=x", "<b onmouseover"):
            assert raw not in html, raw

        _browser(server, submission, qid)
    finally:
        server.stop()
    assert server.proc.returncode is not None


def _browser(server: Server, submission: str, qid: str) -> None:
    """The same page in headless Chromium: rendered, the answer visible, nothing from the student ran."""
    from playwright.sync_api import sync_playwright

    SCREENSHOT.parent.mkdir(exist_ok=True)
    dialogs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(20_000)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            # offline: only the server itself (formgrader asks a CDN for MathJax)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.base)
                       else route.abort())
            # log in the way a lecturer does (the token on a Jupyter URL leaves a cookie for the whole server);
            # a token on the formgrader URL itself would not do: formgrader's handlers strip the trailing
            # slash of base_url, so that cookie is scoped to the page's own path and its API calls get 302
            page.goto(f"{server.base}/api/status?token={server.token}")
            page.goto(f"{server.base}/formgrader/submissions/{submission}/")
            # formgrader's own scripts loaded the grades through its API (auto scores are the placeholders)
            page.wait_for_function("() => { const s = document.getElementById('q-reactie');"
                                   " return s && s.getAttribute('placeholder') === '2'; }")
            cell = page.locator(f'[id="cell-id=open-{qid}"]')
            answer = cell.locator("pre", has_text="<script>window.__pwned").first
            answer.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            assert answer.is_visible()
            assert cell.get_by_text("suggestie 2 van 2").first.is_visible()
            assert cell.locator(".output_area script, .output_area img, .output_area b").count() == 0
            page.mouse.move(300, 300)
            page.screenshot(path=str(SCREENSHOT))
            assert page.evaluate("() => typeof window.__pwned") == "undefined"
            assert page.evaluate("() => document.querySelectorAll('[onerror], [onmouseover]').length") == 0
            assert dialogs == []
        finally:
            browser.close()
