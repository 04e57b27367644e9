"""The rubric sheet: one HTML page per assignment with every open answer and its suggested levels.

``casuslab grade`` writes it to ``<course>/reports/<assignment>/rubric-sheet.html``.
Per open question: the rubric (its level descriptors are the comment bank), the
model answer, then every student's answer with the cue words highlighted, the
suggested level per criterion and its evidence, and the comment line to paste
into formgrader. The course-wide comments (``grading/comments.yaml``) close it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casuslab import rubric
from casuslab.grade.comments import load_comments
from casuslab.grade.html import esc, marked, page
from casuslab.grade.result import STATUS_NL


def _levels_table(question: dict) -> str:
    rows = []
    for c in question.get("rubric", []):
        levels = c.get("levels", {})
        cells = "".join(f"<li><b>{esc(k)}</b>: {esc(levels[k])}</li>" for k in sorted(levels, key=int))
        cues = ", ".join(f"<code>{esc(cue)}</code>" for cue in c.get("evidence") or []) or "<span class=muted>geen</span>"
        rows.append(f"<tr><td><b>{esc(c.get('id'))}</b><br>{esc(c.get('criterion', ''))}</td>"
                    f"<td><ul>{cells}</ul></td><td>{cues}</td></tr>")
    return ("<table><tr><th>criterium</th><th>niveaus (opmerkingenbank)</th><th>cues van de voorbeoordelaar</th></tr>"
            + "".join(rows) + "</table>")


def answer_block(student: str, text: str, question: dict) -> str:
    """One student's answer with highlights, suggestions and evidence (all escaped)."""
    suggestions = rubric.suggest(question, text)
    spans = []
    rows = []
    copy = []
    total = top = 0
    for c in question.get("rubric", []):
        s = suggestions[c["id"]]
        evidence = []
        for m in s.matches:
            if m.hit and m.span:
                spans.append((m.span[0], m.span[1], "hit"))
                evidence.append(f'<span class="good">gevonden</span> “{esc(m.matched)}” <span class="muted">'
                                f"({esc(m.cue)})</span>")
            elif m.negated and m.negated_span:
                spans.append((m.negated_span[0], m.negated_span[1], "neg"))
                evidence.append(f'<span class="bad">ontkend, telt niet</span> “{esc(m.negated)}” '
                                f'<span class="muted">({esc(m.cue)})</span>')
            else:
                evidence.append(f'<span class="muted">niet gevonden: {esc(m.cue)}</span>')
        level = "-" if s.level is None else f"{s.level} / {s.top}"
        descriptor = c.get("levels", {}).get(str(s.level), c.get("levels", {}).get(s.level, "")) if s.level is not None else ""
        rows.append(f"<tr><td>{esc(c['id'])}</td><td>{esc(level)}<br><span class=muted>{esc(descriptor)}</span></td>"
                    f"<td>{'<br>'.join(evidence) or '<span class=muted>geen cues</span>'}</td></tr>")
        top += s.top
        if s.level is not None:
            total += s.level
            copy.append(f"{c['id']}={s.level}")
    return (f"<section class=student><h3>{esc(student)} <span class=muted>({len(text.split())} woorden; "
            f"suggestie {total} / {top})</span></h3>"
            f"<div class=answer>{marked(text, spans)}</div>"
            "<table><tr><th>criterium</th><th>suggestie</th><th>bewijs</th></tr>" + "".join(rows) + "</table>"
            f"<p>Commentaarregel voor formgrader: <code class=copy>{esc('; '.join(copy))}</code></p></section>")


def render_sheet(assignment: str, open_answers: list[Any], comments: list, warning: str | None = None) -> str:
    parts = [f"<h1>Rubriekblad: {esc(assignment)}</h1>",
             "<p class=note>De voorbeoordelaar zoekt trefwoorden (cues) en <b>stelt alleen voor</b>: hij begrijpt de "
             "tekst niet, mist omschrijvingen zonder trefwoord en ziet niet elke ontkenning. Jij beslist. Geef de score "
             "in formgrader bij de taakcel van de vraag, en zet de niveaus per criterium in het commentaar "
             "(bv. <code>zwijgrecht=2; afweging=1</code>): zo toont de feedback de omschrijving van elk niveau. "
             "Met <code>@id</code> neem je een opmerking uit de opmerkingenbank onderaan over.</p>"]
    groups: dict[tuple[str, str], list[Any]] = {}
    for answer in open_answers:
        groups.setdefault((answer.notebook, answer.qid), []).append(answer)
    if not groups:
        parts.append("<p>Deze opdracht heeft geen open vragen.</p>")
    for (notebook, qid), answers in sorted(groups.items()):
        question = answers[0].question
        parts.append(f"<h2>{esc(notebook)}: {esc(qid)}</h2>")
        if question.get("prompt"):
            parts.append(f"<p><b>Vraag.</b> {esc(question['prompt'])}</p>")
        parts.append(_levels_table(question))
        if question.get("model_answer"):
            parts.append(f"<p><b>Modelantwoord</b></p><div class=model>{esc(question['model_answer'])}</div>")
        answered = [a for a in answers if a.status == "answered"]
        others = [a for a in answers if a.status != "answered"]
        for a in sorted(answered, key=lambda a: a.student):
            parts.append(answer_block(a.student, a.text, question))
        if others:
            listed = ", ".join(f"{esc(a.student)} ({esc(STATUS_NL.get(a.status) or 'leeg')})"
                               for a in sorted(others, key=lambda a: a.student))
            parts.append(f"<p class=muted>Geen antwoord: {listed}</p>")
    parts.append("<h2>Opmerkingenbank van de cursus</h2>")
    if warning:
        parts.append(f"<p class=bad>{esc(warning)}</p>")
    if comments:
        parts.append("<table><tr><th>code</th><th>opmerking</th></tr>" + "".join(
            f"<tr><td><code>@{esc(c.id)}</code></td><td>{esc(c.text)}</td></tr>" for c in comments) + "</table>")
    else:
        parts.append("<p class=muted>Geen (grading/comments.yaml ontbreekt).</p>")
    return page(f"Rubriekblad {assignment}", "\n".join(parts))


def write_rubric_sheet(course: Any, assignment: str, run: Any) -> Path:
    comments, warning = load_comments(course.grading_dir)
    target = course.reports(assignment) / "rubric-sheet.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_sheet(assignment, run.open_answers, comments, warning), encoding="utf-8")
    return target
