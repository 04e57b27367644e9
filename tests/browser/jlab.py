"""Helpers for driving a real JupyterLab in headless Debian Chromium (no Playwright browser download).

A test builds a workspace, starts JupyterLab with :func:`serve` (a context manager
that always stops the server), opens Chromium with :func:`chromium` and drives the
page with the helpers below.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from casuslab.lab import build_workspace, prepare

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SID = "politie-aan-de-lijn"


@dataclass
class Lab:
    base: str
    token: str
    workspace: Path
    proc: subprocess.Popen

    def url(self, path: str) -> str:
        return f"{self.base}/lab/tree/{path}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


def course_with_example(tmp_path: Path) -> tuple[Path, Path]:
    """A course folder and a scenarios folder holding the contract's example (practice)."""
    scenarios = tmp_path / "scenarios"
    (scenarios / "beroepsgeheim").mkdir(parents=True)
    shutil.copy(DATA / f"{SID}.yaml", scenarios / "beroepsgeheim" / f"{SID}.yaml")
    shutil.copy(DATA / "references.yaml", scenarios / "references.yaml")
    course = tmp_path / "course"
    course.mkdir()
    (course / "course.yaml").write_text(
        "format: casuslab/course-v1\ncourse_id: test\ntitle: Beroepsethiek en beroepsgeheim\n"
        f"assignments:\n  - id: oefenreeks\n    mode: practice\n    scenarios: [{SID}]\n", encoding="utf-8")
    return course, scenarios


def practice_workspace(tmp_path: Path) -> Path:
    course, scenarios = course_with_example(tmp_path)
    workspace = tmp_path / "workspace"
    build_workspace(course, workspace, scenarios)
    return workspace


@contextlib.contextmanager
def serve(workspace: Path, state: Path, timeout: float = 60) -> Iterator[Lab]:
    """JupyterLab on a free loopback port, with a token; stopped (and its kernels) on exit."""
    launch = prepare(workspace, port=None, open_browser=False, state=state)
    log = open(state / "jupyter.log", "wb")
    proc = subprocess.Popen(launch.argv, env=launch.env, stdout=log, stderr=subprocess.STDOUT)
    lab = Lab(base=f"http://127.0.0.1:{launch.port}", token=launch.token, workspace=workspace, proc=proc)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(state / 'jupyter.log').read_text(errors='replace')[-2000:]}")
            try:
                lab.api("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield lab
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def chromium(profile: Path, width: int = 1280, height: int = 1000):
    """A page in Debian's Chromium with a fresh profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            context.close()


# -- driving JupyterLab --------------------------------------------------------------------------

def open_notebook(page, lab: Lab, path: str) -> None:
    page.goto(lab.url(path))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    accept_dialogs(page)
    wait_kernel(lab, path)
    wait_idle(page)


def wait_kernel(lab: Lab, path: str, timeout: float = 60) -> str:
    """Until the notebook's kernel runs, is idle and the page is connected to it; its id."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for session in lab.api("/api/sessions"):
            kernel = session.get("kernel") or {}
            if session.get("path") == path and kernel.get("execution_state") == "idle" \
                    and kernel.get("connections", 0) >= 1:
                return kernel["id"]
        time.sleep(0.2)
    raise AssertionError(f"no idle kernel for {path}: {lab.api('/api/sessions')}")


def accept_dialogs(page) -> None:
    for _ in range(3):
        button = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        if button.count() == 0:
            return
        button.first.click()
        page.wait_for_timeout(200)


def wait_idle(page, timeout: float = 60_000) -> None:
    """Until the notebook's kernel is idle (the toolbar's status indicator)."""
    page.wait_for_function(
        """() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            if (!panel) return false;
            const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
            return status && status.getAttribute('data-status') === 'idle';
        }""", timeout=timeout)


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def run_all(page, stages: int) -> float:
    """Run → Run All Cells; returns seconds until every stage's widgets have rendered."""
    start = time.perf_counter()
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-OutputArea .casuslab-stage').length >= n", arg=stages,
        timeout=60_000)
    return time.perf_counter() - start


def restart_kernel(page) -> None:
    menu(page, "Kernel", "Restart Kernel…")
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    try:  # first the restart shows (not idle), then the new kernel is idle
        page.wait_for_function("""() => {
            const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return s && s.getAttribute('data-status') !== 'idle';
        }""", timeout=5_000)
    except Exception:  # a fast restart may already be over
        pass
    wait_idle(page)


def stage(page, index: int):
    """The output of the ``index``-th stage cell (0-based)."""
    return page.locator(".jp-OutputArea .casuslab-stage").nth(index)


def answers(workspace: Path, theme: str = "beroepsgeheim") -> dict:
    path = workspace / theme / f"{SID}.answers.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def wait_for_answers(workspace: Path, check, timeout: float = 10.0, theme: str = "beroepsgeheim") -> dict:
    """Poll the answers file until ``check(doc)`` holds (returns the doc), else fail with it."""
    deadline = time.monotonic() + timeout
    doc: dict = {}
    while time.monotonic() < deadline:
        try:
            doc = answers(workspace, theme)
        except ValueError:
            doc = {}
        if doc and check(doc):
            return doc
        time.sleep(0.05)
    raise AssertionError(f"answers file never matched: {doc}")


def submit(page, stage_locator) -> None:
    stage_locator.locator("button", has_text="Indienen").click()
    stage_locator.locator("button", has_text="Ja, indienen").click()
    stage_locator.locator(".casuslab-locked").wait_for()


def axe(page, context: str = ".jp-OutputArea") -> dict:
    """axe-core's result for the nodes under ``context`` (JupyterLab's own chrome excluded)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("ctx => axe.run(ctx, {resultTypes: ['violations']})", context)
