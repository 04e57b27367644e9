"""Feedback a student can read: one HTML page per student and scenario, in Dutch.

``casuslab feedback A`` writes ``<course>/feedback_casuslab/<student>/<A>/<scenario>.html``
after nbgrader's own ``generate_feedback``. Every amount comes from the student's
``casuslab.grade.result.SubmissionResult`` (lecturer overrides, extra credit, the late
penalty, exact half-up rounding), so the page agrees with the CSV. A page shows, stage by
stage along the student's own path: the question, what they answered, what was expected and
why (option feedback, consequences), their points (from the gradebook, so a
lecturer's override counts), and for open questions the rubric with the level
the lecturer gave per criterion, its descriptor and the lecturer's comment.
Every text is escaped.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from casuslab import paths, scoring
from casuslab.grade.comments import Comment, expand, levels_in, load_comments
from casuslab.grade.html import esc, page
from casuslab.grade.result import MANUAL, STATUS_NL, ZERO, SubmissionResult, build_results, format_number, format_points
from casuslab.student import grading
from casuslab.student.markup import inline, markdown

STATUS = dict(STATUS_NL, manual="")


def _option_texts(question: dict) -> dict[str, dict]:
    return {o["id"]: o for o in question.get("options", [])}


def _answer_html(question: dict, value: Any, status: str) -> str:
    kind = question["type"]
    if status in ("unanswered", "invalid") or value is None:
        return f"<p><i>{esc(STATUS.get(status) or 'niet beantwoord')}</i></p>"
    options = _option_texts(question)
    if kind == "single":
        return f"<p>{esc(options.get(value, {}).get('text', value))}</p>"
    if kind == "multiple":
        if not value:
            return "<p><i>geen enkele optie gekozen</i></p>"
        return "<ul>" + "".join(f"<li>{esc(options.get(v, {}).get('text', v))}</li>" for v in value) + "</ul>"
    if kind == "order":
        items = {i["id"]: i.get("text", i["id"]) for i in question.get("items", [])}
        return "<ol>" + "".join(f"<li>{esc(items.get(v, v))}</li>" for v in value) + "</ol>"
    if kind == "scale":
        label = (question.get("labels") or {}).get(value) or (question.get("labels") or {}).get(str(value))
        return f"<p>{esc(value)}{' (' + esc(label) + ')' if label else ''} op een schaal van " \
               f"{esc(question.get('min'))} tot {esc(question.get('max'))}</p>"
    return f"<div class=answer>{esc(value)}</div>"


def _expected_html(question: dict, value: Any) -> str:
    kind = question["type"]
    parts: list[str] = []
    if kind in ("single", "multiple"):
        picked = [value] if isinstance(value, str) else (value if isinstance(value, list) else [])
        rows = []
        for option in question.get("options", []):
            chosen = option["id"] in picked
            right = bool(option.get("correct"))
            if not (chosen or right):
                continue
            mark = ('<span class="good">juist</span>' if right else '<span class="bad">niet juist</span>')
            who = "jouw keuze" if chosen else "niet gekozen"
            line = f"<li>{mark}, {who}: {esc(option.get('text', option['id']))}"
            if option.get("feedback"):
                line += f"<br><span class=muted>Waarom:</span> {esc(option['feedback'])}"
            if chosen and option.get("consequence"):
                line += f"<br><span class=muted>Wat er gebeurde:</span> {esc(option['consequence'])}"
            rows.append(line + "</li>")
        parts.append("<ul>" + "".join(rows) + "</ul>")
        if kind == "multiple" and question.get("scoring", "partial") == "partial":
            parts.append("<p class=muted>Elke juiste keuze telt mee, elke foute keuze gaat ervan af.</p>")
    elif kind == "order":
        parts.append("<p>De juiste volgorde:</p><ol>" + "".join(
            f"<li>{esc(i.get('text', i['id']))}</li>" for i in question.get("items", [])) + "</ol>")
    elif kind == "scale":
        lo, hi = question.get("accept", ["?", "?"])
        parts.append(f"<p>Aanvaard: van {esc(lo)} tot {esc(hi)}.</p>")
    return "".join(parts)


def _rubric_html(question: dict, awarded: float | None, comment: str | None, bank: list[Comment]) -> str:
    criteria = question.get("rubric", [])
    top_total = int(scoring.question_points(question))
    given = levels_in(comment, criteria)
    if not given and awarded is not None and awarded in (0, top_total):  # unambiguous: all 0 or all top
        given = {c["id"]: (0 if awarded == 0 else max(int(k) for k in c.get("levels", {0: ""}))) for c in criteria}
    rows = []
    for c in criteria:
        levels = c.get("levels", {})
        items = []
        for key in sorted(levels, key=int):
            on = given.get(c["id"]) == int(key)
            items.append(f"<li class=\"{'level-on' if on else ''}\">{esc(key)}: {esc(levels[key])}"
                         f"{' &larr; jouw niveau' if on else ''}</li>")
        shown = given.get(c["id"])
        rows.append(f"<tr><td>{esc(c.get('criterion', c['id']))}</td>"
                    f"<td>{esc(shown) if shown is not None else '-'}</td><td><ul>{''.join(items)}</ul></td></tr>")
    out = ["<table><tr><th>criterium</th><th>jouw niveau</th><th>niveaus</th></tr>", *rows, "</table>"]
    text = expand(comment, bank)
    if text:
        out.append(f"<p><b>Opmerking van je lector</b></p><div class=answer>{esc(text)}</div>")
    if question.get("model_answer"):
        out.append(f"<p><b>Een sterk antwoord</b></p><div class=model>{markdown(question['model_answer'], heading_offset=3)}</div>")
    return "".join(out)


def _cell_name(prefix: str, qid: str) -> str:
    from casuslab.build.notebook import cell_id

    return cell_id(prefix, qid)


def render_page(student: str, assignment: str, spec: dict, doc: Any, error: str | None, result: SubmissionResult,
                notebook: str, comments: dict, timestamp: Any, bank: list[Comment]) -> str:
    """The feedback page of one notebook (``result``: the student's result; ``comments``: cell name -> comment)."""
    report = scoring.score_document(spec, doc, error)
    answers = doc.get("answers", {}) if not report.get("error") and isinstance(doc, dict) else {}
    on_path = paths.student_path(spec, answers)
    rows, sections = [], []
    for stage in spec["stages"]:
        if stage["id"] not in on_path:
            continue
        blocks = [f"<h2>{esc(stage.get('title', stage['id']))}</h2>"]
        for q in stage.get("questions") or []:
            entry = report["questions"][q["id"]]
            found = result.question(notebook, q["id"])
            status = found.status if found is not None else entry["status"]
            score = found.score if found is not None else None
            maximum = found.max if found is not None else entry["max"]
            comment = comments.get(_cell_name("task", q["id"])) if q["type"] == "open" else None
            shown = STATUS_NL[MANUAL] if status == MANUAL else format_points(score or 0)
            rows.append(f"<tr><td>{inline(q.get('prompt', q['id']))}</td><td>{esc(shown)}</td>"
                        f"<td>{format_points(maximum)}</td><td>{esc(STATUS.get(status, ''))}</td></tr>")
            value = answers.get(q["id"])
            blocks.append(f"<h3>{inline(q.get('prompt', q['id']))}</h3>")
            blocks.append("<p><b>Jouw antwoord</b></p>" + _answer_html(q, value, entry["status"]))
            if q["type"] == "open":
                blocks.append(_rubric_html(q, None if score is None else float(score), comment, bank))
            else:
                blocks.append("<p><b>Wat verwacht werd, en waarom</b></p>" + _expected_html(q, value))
            blocks.append(f"<p><b>Punten:</b> {esc(shown)} van {format_points(maximum)}</p>")
        sections.append("\n".join(blocks))
    raw = result.notebook_total(notebook)
    penalty = result.notebook_penalty(notebook)
    total = max(ZERO, raw - penalty)
    maximum = result.notebook_max(notebook) or report["max"]
    percent = f"{format_number(Fraction(100) * Fraction(total) / Fraction(maximum), 0)} %" if maximum else "-"
    pending = sum(1 for q in result.questions if q.notebook == notebook and q.status == MANUAL)
    head = [f"<h1>Feedback: {esc(spec.get('title', spec['id']))}</h1>",
            f"<p>Student: <b>{esc(student)}</b> &middot; opdracht {esc(assignment)}"
            + (f" &middot; ingediend op {esc(_when(timestamp))}" if timestamp else "") + "</p>"]
    if report.get("error"):
        head.append(f"<p class=note>Je antwoorden konden niet gelezen worden: {esc(grading.dutch_error(report['error']))}. "
                    "Daarom kreeg je 0 punten op de gesloten vragen. Neem contact op met je lector.</p>")
    if penalty:
        head.append(f"<p class=note>Te laat ingediend: {format_points(penalty)} punt(en) aftrek "
                    f"(van {format_points(raw)} naar {format_points(total)}).</p>")
    head.append(f"<p><b>Resultaat: {format_points(total)} van {format_points(maximum)} punten ({percent})</b>"
                + (f" &middot; {pending} open vraag/vragen nog niet beoordeeld" if pending else "") + "</p>")
    head.append("<table><tr><th>vraag</th><th>punten</th><th>max</th><th></th></tr>" + "".join(rows) + "</table>")
    skipped = [s.get("title", s["id"]) for s in spec["stages"] if s["id"] not in on_path]
    if skipped:
        head.append("<p class=muted>Door je keuzes kwam je niet langs (niet bereikt, telt niet mee): "
                    + ", ".join(esc(s) for s in skipped) + ".</p>")
    return page(f"Feedback {spec.get('title', spec['id'])}", "\n".join(head + sections))


def _when(timestamp: Any) -> str:
    try:
        return f"{timestamp:%d/%m/%Y %H:%M} (UTC)"
    except (TypeError, ValueError):
        return str(timestamp)


def _comments(gb: Any, assignment: str, student: str, notebook: str) -> tuple[dict, Any] | None:
    """(comments, timestamp) from the gradebook; None when the notebook was never graded."""
    from nbgrader.api import MissingEntry

    try:
        nb = gb.find_submission_notebook(notebook, assignment, student)
    except MissingEntry:
        return None
    return {c.name: c.comment for c in nb.comments}, nb.assignment.timestamp


def write_feedback(course: Any, assignment: str, problems: list | None = None) -> list[Path]:
    """Every submitted student's pages for ``assignment``; returns the written paths.

    A student whose pages cannot be written is added to ``problems`` as (student, reason);
    the others still get theirs.
    """
    from casuslab.grade.fast import submitted_students
    from casuslab.grade.plan import load_plan

    bank, _ = load_comments(course.grading_dir)
    written: list[Path] = []
    problems = problems if problems is not None else []
    with course.gradebook() as gb:
        plans = load_plan(gb, assignment, course.folder("source", ".", assignment))
        students = submitted_students(course, assignment)
        results = {r.student: r for r in build_results(gb, course, assignment, plans, students)}
        for student in students:
            if student not in results or not results[student].submitted:
                continue  # not graded (no notebook at all): no page
            try:
                written.extend(_student_pages(course, gb, assignment, student, plans, results[student], bank))
            except Exception as exc:  # one student's broken files never stop the others
                problems.append((student, f"{type(exc).__name__}: {grading.clean(exc)[:200]}"))
    return written


def _student_pages(course: Any, gb: Any, assignment: str, student: str, plans: list, result: SubmissionResult,
                   bank: list[Comment]) -> list[Path]:
    written = []
    for plan in plans:
        spec = course.scenario_spec(plan.scenario) or _fallback_spec(plan)
        data = _comments(gb, assignment, student, plan.name)
        if data is None:
            continue
        comments, timestamp = data
        folder = course.folder("autograded", student, assignment)
        if not (folder / f"{plan.scenario}.answers.json").exists():
            folder = course.folder("submitted", student, assignment)
        doc, error = grading.read_document(folder, plan.scenario)
        target = course.root / "feedback_casuslab" / student / assignment / f"{plan.name}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_page(student, assignment, spec, doc, error, result, plan.name, comments, timestamp,
                                      bank), encoding="utf-8")
        written.append(target)
    return written


def _fallback_spec(plan: Any) -> dict:
    """Without the scenario file: the student spec (texts) merged with the key (correct answers)."""
    import copy

    spec = copy.deepcopy(plan.case) if plan.case.get("stages") else copy.deepcopy(plan.shared_key or {"stages": []})
    spec.setdefault("id", plan.scenario)
    key = plan.shared_key or {}
    for stage in spec.get("stages", []):
        for q in stage.get("questions") or []:
            kq = grading.find_question(key, q["id"])[1] or {}
            for name in ("accept", "scoring", "points"):
                if name in kq:
                    q[name] = kq[name]
            right = {o["id"] for o in kq.get("options", []) if o.get("correct")}
            for o in q.get("options", []):
                o["correct"] = o["id"] in right
            if kq.get("items"):
                texts = {i["id"]: i for i in q.get("items", [])}
                q["items"] = [texts.get(i["id"], i) for i in kq["items"]]
    for cell in plan.grade_cells:
        if cell.kind == "open" and isinstance(cell.data, dict):
            q = grading.find_question(spec, cell.qid)[1]
            if q is not None:
                q.update({k: v for k, v in cell.data.items() if k in ("rubric", "model_answer", "words", "prompt")})
    return spec
