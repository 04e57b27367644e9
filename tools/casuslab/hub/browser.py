"""A student in Debian's Chromium, through the hub: log in, open a notebook, answer with the widgets.

Playwright drives /usr/bin/chromium (never a downloaded browser). Widgets are found
by their ipywidgets and casuslab classes; each step waits for the answers file on
disk, written by the student's own server, not for the page. On the way it checks
what a student sees, as in ``casuslab lab``: the kernel starts without a chooser
dialog, and hidden code cells show no placeholder line.
"""

from __future__ import annotations

import json
import pwd
import re
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def answer_first_stage(inst, student: str, notebook: str, answers_file: Path,
                       screenshot: Path | None = None) -> None:
    """Log in through the hub, open the notebook, Run All, answer and submit its first stage.

    The first stage of the contract's example (politie-aan-de-lijn): option b of
    ``reactie``, options a and c of ``welke-regels`` (4.0 points), then Indienen.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"{inst.hub.url}/hub/login")
            page.fill("input[name=username]", student)
            page.fill("input[name=password]", inst.password)
            page.click("input[type=submit], button[type=submit]")
            page.wait_for_url(re.compile(rf"/user/{student}/"))
            page.goto(f"{inst.hub.server_url(student)}/lab/tree/{notebook}?reset")
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell")
            dialogs = wait_kernel(inst, student, notebook, page)
            if dialogs:
                raise AssertionError(f"a student had to answer a dialog to start the kernel: {dialogs}")
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            stage = page.locator(".jp-OutputArea .casuslab-stage").first
            stage.locator(".casuslab-q-single").wait_for()
            check_no_code_shown(page)
            stage.locator(".casuslab-q-single label", has_text="verwijst de inspecteur").click()
            wait_for(lambda: read_json(answers_file).get("answers", {}).get("reactie") == "b", answers_file)
            multiple = stage.locator(".casuslab-q-multiple")
            multiple.locator("label", has_text="valt onder het beroepsgeheim").locator("input").check()
            multiple.locator("label", has_text="geen getuigenis in rechte").locator("input").check()
            wait_for(lambda: read_json(answers_file).get("answers", {}).get("welke-regels") in (["a", "c"], ["c", "a"]),
                     answers_file)
            stage.locator("button.mod-primary").click()  # Indienen
            stage.locator(".casuslab-confirm button.mod-danger").click()  # Ja, indienen
            wait_for(lambda: "telefoon" in read_json(answers_file).get("submitted_stages", []), answers_file)
        except Exception:
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
            raise
        finally:
            browser.close()
    if answers_file.stat().st_uid != pwd.getpwnam(student).pw_uid:
        raise AssertionError(f"{answers_file} was not written by {student}'s own server")


def check_no_code_shown(page) -> None:
    """The notebook's code cells are hidden, and so are their placeholder lines."""
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    placeholders = notebook.locator(".jp-InputPlaceholder")
    if not placeholders.count():
        raise AssertionError("the notebook shows no hidden code cell: nothing to check (was it built?)")
    shown = notebook.locator(".jp-InputPlaceholder:visible")
    if shown.count():
        raise AssertionError(f"{shown.count()} of {placeholders.count()} placeholders of hidden code cells "
                             f"are visible, e.g. {shown.first.inner_text()!r}")


def wait_kernel(inst, student: str, notebook: str, page, timeout: float = 90) -> list[str]:
    """Until the notebook's kernel is idle and connected; returns the dialogs accepted on the way
    (a kernel chooser, which a student should never see)."""
    accepted = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        if dialog.count():
            accepted.append(" ".join(page.locator(".jp-Dialog").first.inner_text().split())[:200])
            dialog.first.click()
        sessions = inst.server(student, "GET", "/api/sessions").json() or []
        for session in sessions:
            kernel = session.get("kernel") or {}
            if session.get("path") == notebook and kernel.get("execution_state") == "idle" \
                    and kernel.get("connections", 0) >= 1:
                return accepted
        time.sleep(0.3)
    raise AssertionError(f"no idle kernel for {notebook}: {sessions}")


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def wait_for(check, path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{path} never reached the expected state: {read_json(path)}")
