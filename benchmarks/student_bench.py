"""Benchmark of the student widgets in a real JupyterLab (headless Debian Chromium).

Prints two figures (targets: 0.5 s and 100 ms):

1. Run All until every widget of a 4-stage scenario has rendered, twice: a fresh start
   (the first stage open, three placeholders) and a restored session with the first three
   stages submitted, so all four stages show their questions and the feedback. For each,
   the first Run All after the kernel started (cold) and the median of more runs (warm).
2. A click until the answer is on disk: 50 clicks on a radio button, each timed from the
   click in the page (``performance.timeOrigin + now()``) to the answers file's mtime.

Usage: python benchmarks/student_bench.py [--clicks N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from jlab import chromium, open_notebook, serve  # noqa: E402

from casuslab.build import build_notebook, notebook_bytes, student_spec  # noqa: E402

SID = "bench-vier-delen"


def option(oid: str, correct: bool = False) -> dict:
    return {"id": oid, "text": f"Mogelijkheid {oid}: een antwoord van gemiddelde lengte voor de meting.",
            "correct": correct, "feedback": "Uitleg bij deze keuze.", "consequence": "Het verhaal gaat verder."}


def four_stage_spec() -> dict:
    """A linear scenario with every question type over four stages (10 questions)."""
    single = lambda qid: {"id": qid, "type": "single", "prompt": "Wat doe je?", "points": 1,
                          "options": [option("a", True), option("b"), option("c")]}
    multiple = lambda qid: {"id": qid, "type": "multiple", "prompt": "Wat klopt?", "points": 2, "scoring": "partial",
                            "options": [option("a", True), option("b"), option("c", True), option("d")]}
    order = lambda qid: {"id": qid, "type": "order", "prompt": "Zet in volgorde.", "points": 2, "scoring": "pairs",
                         "items": [{"id": f"i{k}", "text": f"Stap {k}"} for k in range(4)]}
    scale = lambda qid: {"id": qid, "type": "scale", "prompt": "Hoe dringend?", "points": 1, "min": 1, "max": 5,
                         "labels": {"1": "niet", "5": "heel"}, "accept": [4, 5]}
    open_ = lambda qid: {"id": qid, "type": "open", "prompt": "Motiveer.", "words": [40, 120], "model_answer": "Model.",
                         "rubric": [{"id": "k", "criterion": "Kader", "levels": {"0": "geen", "1": "juist"},
                                     "evidence": ["wet"]}]}
    stages = [
        [single("s1"), multiple("m1"), scale("v1")],
        [order("o1"), single("s2")],
        [multiple("m2"), scale("v2"), open_("t1")],
        [single("s3"), open_("t2")],
    ]
    return {"format": "casuslab/scenario-v1", "id": SID, "title": "Benchmark in vier delen", "theme": "ethiek",
            "language": "nl", "level": 1, "objectives": ["Meten."], "references": [],
            "stages": [{"id": f"deel-{i + 1}", "title": f"Deel {i + 1}", "text": "Een alinea verhaal.\n\nNog één.",
                        "questions": qs} for i, qs in enumerate(stages)]}


def workspace(root: Path, restored: bool = True) -> Path:
    spec = four_stage_spec()
    folder = root / "ws" / "ethiek"
    folder.mkdir(parents=True)
    (folder / f"{SID}.ipynb").write_bytes(notebook_bytes(build_notebook(spec, None, "practice", grading=False)))
    (folder / f"{SID}.case.json").write_text(json.dumps(student_spec(spec, "practice"), ensure_ascii=False),
                                            encoding="utf-8")
    answers = {"format": "casuslab/answers-v1", "scenario": SID, "submitted_stages": ["deel-1", "deel-2", "deel-3"],
               "answers": {"s1": "a", "m1": ["a"], "v1": 4, "o1": ["i1", "i0", "i2", "i3"], "s2": "b"},
               "saved_at": {}}
    if restored:
        (folder / f"{SID}.answers.json").write_text(json.dumps(answers), encoding="utf-8")
    return root / "ws"


RENDERED = """n => {
    const stages = document.querySelectorAll('.jp-OutputArea .casuslab-stage');
    if (stages.length < 4) return false;
    const questions = document.querySelectorAll('.jp-OutputArea .casuslab-question');
    if (questions.length < n) return false;
    for (const q of questions) {
        if (!q.querySelector('input, textarea, button')) return false;
    }
    return document.querySelectorAll('.jp-OutputArea .casuslab-statusbar').length >= 1;
}"""

# Timed in the page: from the pointer-up on "Run All Cells" to the first animation frame in
# which every widget is in the document (Playwright's own click overhead is left out).
ARM = """n => {
    const done = new Function('n', 'return (' + %s + ')(n)');
    window.__bench = new Promise(resolve => {
        window.addEventListener('pointerup', () => {
            const start = performance.now();
            const tick = () => done(n) ? resolve((performance.now() - start) / 1000) : requestAnimationFrame(tick);
            requestAnimationFrame(tick);
        }, {capture: true, once: true});
    });
}""" % repr(RENDERED)


def run_all_seconds(page, questions: int) -> float:
    page.evaluate("() => document.querySelectorAll('.jp-OutputArea').forEach(o => o.innerHTML = '')")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    item = page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first
    box = item.bounding_box()
    page.evaluate(ARM, questions)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    seconds = page.evaluate("() => window.__bench")
    page.wait_for_timeout(300)  # let the kernel go idle before the next run
    return seconds


def click_to_disk_ms(page, answers: Path, clicks: int) -> list[float]:
    radios = page.locator(".jp-OutputArea .casuslab-stage").nth(3).locator(".widget-radio-box input[type=radio]")
    radios.nth(0).scroll_into_view_if_needed()
    times = []
    for i in range(clicks):
        target = radios.nth(i % 3)
        before = answers.stat().st_mtime_ns
        clicked_ms = target.evaluate("el => { const t = performance.timeOrigin + performance.now(); el.click(); return t; }")
        deadline = time.monotonic() + 5
        while answers.stat().st_mtime_ns == before:
            if time.monotonic() > deadline:
                raise RuntimeError(f"click {i} never reached the disk")
            time.sleep(0.001)
        times.append(answers.stat().st_mtime_ns / 1e6 - clicked_ms)
        time.sleep(0.05)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure_rendering(root: Path, restored: bool, runs: int) -> tuple[float, list[float], int]:
    """(cold seconds, warm seconds, questions shown) for Run All on the 4-stage scenario."""
    spec = four_stage_spec()
    questions = sum(len(s["questions"]) for s in (spec["stages"] if restored else spec["stages"][:1]))
    ws = workspace(root, restored)
    with serve(ws, root) as lab, chromium(root / "profile", height=1400) as page:
        open_notebook(page, lab, f"ethiek/{SID}.ipynb")
        cold = run_all_seconds(page, questions)
        warm = [run_all_seconds(page, questions) for _ in range(runs)]
    return cold, warm, questions


def measure_clicks(root: Path, clicks: int) -> list[float]:
    ws = workspace(root, restored=True)
    with serve(ws, root) as lab, chromium(root / "profile", height=1400) as page:
        open_notebook(page, lab, f"ethiek/{SID}.ipynb")
        run_all_seconds(page, sum(len(s["questions"]) for s in four_stage_spec()["stages"]))
        return click_to_disk_ms(page, ws / "ethiek" / f"{SID}.answers.json", clicks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=50)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    results = {}
    for name, restored in (("fresh start", False), ("all four stages open", True)):
        with tempfile.TemporaryDirectory(prefix="casuslab-bench-") as tmp:
            results[name] = measure_rendering(Path(tmp), restored, args.runs)
    with tempfile.TemporaryDirectory(prefix="casuslab-bench-") as tmp:
        clicks = measure_clicks(Path(tmp), args.clicks)
    print("casuslab student widgets in JupyterLab (headless Chromium, this machine)")
    print("  Run All until every widget of a 4-stage scenario has rendered (target <= 0.5 s):")
    for name, (cold, warm, questions) in results.items():
        print(f"    {name:<21} ({questions:>2} questions): median {statistics.median(warm):.3f} s over {len(warm)} runs"
              f"   (first run after the kernel started: {cold:.3f} s)")
    print(f"  click until the answer is on disk, {len(clicks)} clicks (target <= 100 ms):")
    print(f"    median {statistics.median(clicks):.1f} ms   p95 {p95(clicks):.1f} ms   max {max(clicks):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
