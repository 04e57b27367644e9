"""What a student sees after submitting a stage: consequences and, in practice mode, feedback.

Scores come from :mod:`casuslab.scoring` (the graders' own rules); every text is escaped.
"""

from __future__ import annotations

from typing import Any

from casuslab import paths, scoring
from casuslab.student.markup import esc, markdown


def _badge(css: str, text: str) -> str:
    return f'<span class="casuslab-badge {css}">{esc(text)}</span>'


def verdict(ctx, question: dict, value: Any) -> str:
    """The badge line: right, partly right, wrong or not answered, with the score."""
    _ = ctx.gettext
    score, status = scoring.score_question(question, value)
    points = scoring.question_points(question)
    if status == scoring.UNANSWERED:
        return _badge("casuslab-wrong", _("Not answered")) + esc(_("0 points"))
    if status in (scoring.INVALID,):
        return _badge("casuslab-wrong", _("Not valid")) + esc(_("0 points"))
    if status == scoring.MANUAL:
        return _badge("casuslab-info", _("Your lecturer scores this answer"))
    if score >= points:
        css, word = "casuslab-right", _("Right")
    elif score > 0:
        css, word = "casuslab-partial", _("Partly right")
    else:
        css, word = "casuslab-wrong", _("Wrong")
    of = ctx.ngettext("{score} of {max} point", "{score} of {max} points", points).format(
        score=ctx.number(score), max=ctx.number(points))
    return _badge(css, word) + esc(of)


def _options(ctx, question: dict, value: Any) -> str:
    _ = ctx.gettext
    chosen = {value} if isinstance(value, str) else set(value) if isinstance(value, list) else set()
    rows = []
    for option in question.get("options", []):
        picked, right = option["id"] in chosen, bool(option.get("correct"))
        if not picked and not right:
            continue
        if picked and right:
            mark, css = _("your choice, right"), "casuslab-mark-right"
        elif picked:
            mark, css = _("your choice, not right"), "casuslab-mark-wrong"
        else:
            mark, css = _("the right answer") if question["type"] == "single" else _("also right, missed"), \
                "casuslab-mark-missed"
        note = f" — {esc(option['feedback'])}" if option.get("feedback") else ""
        rows.append(f'<li><span class="{css}">{esc(mark)}:</span> {esc(option["text"])}{note}</li>')
    if question["type"] == "multiple":
        for option in question.get("options", []):
            if option["id"] not in chosen and not option.get("correct") and option.get("feedback"):
                mark = _("rightly left out")
                rows.append(f'<li><span class="casuslab-mark-right">{esc(mark)}:</span> '
                            f'{esc(option["text"])} — {esc(option["feedback"])}</li>')
    return f"<ul>{''.join(rows)}</ul>" if rows else ""


def _order(ctx, question: dict) -> str:
    _ = ctx.gettext
    items = "".join(f"<li>{esc(item['text'])}</li>" for item in question.get("items", []))
    title = _("The right order:")
    return f"<p>{esc(title)}</p><ol>{items}</ol>"


def _scale(ctx, question: dict) -> str:
    _ = ctx.gettext
    lo, hi = question["accept"]
    labels = {int(k): v for k, v in (question.get("labels") or {}).items()}

    def name(v: int) -> str:
        return f"{v} ({labels[v]})" if v in labels else str(v)

    text = _("Fitting answers: {value}.").format(value=name(lo)) if lo == hi else \
        _("Fitting answers: from {lo} to {hi}.").format(lo=name(lo), hi=name(hi))
    return f"<p>{esc(text)}</p>"


def _open(ctx, question: dict) -> str:
    _ = ctx.gettext
    parts = []
    if question.get("model_answer"):
        title = _("Model answer")
        parts.append(f"<p><strong>{esc(title)}</strong></p>"
                     f'<div class="casuslab-model">{markdown(question["model_answer"])}</div>')
    rows = []
    for criterion in question.get("rubric", []):
        levels = sorted(((int(k), v) for k, v in (criterion.get("levels") or {}).items()))
        cells = "".join(f"<li>{lv}: {esc(text)}</li>" for lv, text in levels)
        rows.append(f"<tr><td>{esc(criterion.get('criterion', criterion.get('id')))}</td><td><ul>{cells}</ul></td></tr>")
    if rows:
        title, criterion_head, levels_head = _("Rubric"), _("Criterion"), _("Levels")
        parts.append(f"<p><strong>{esc(title)}</strong></p>"
                     f'<table class="casuslab-rubric"><thead><tr><th scope="col">{esc(criterion_head)}</th>'
                     f'<th scope="col">{esc(levels_head)}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return "".join(parts)


def practice_feedback(ctx, question: dict, value: Any) -> str:
    """Right or wrong, the options' feedback, the right order or range, or model answer and rubric."""
    kind = question.get("type")
    body = ""
    if kind in ("single", "multiple"):
        body = _options(ctx, question, value)
    elif kind == "order":
        body = _order(ctx, question)
    elif kind == "scale":
        body = _scale(ctx, question)
    elif kind == "open":
        body = _open(ctx, question)
    return f"<p>{verdict(ctx, question, value)}</p>{body}"


def consequences(stage: dict, answers: dict) -> list[str]:
    """The narrative consequences of the options the student chose in this stage."""
    found = []
    for question in stage.get("questions") or []:
        value = answers.get(question["id"])
        chosen = {value} if isinstance(value, str) else set(value) if isinstance(value, list) else set()
        if question.get("type") not in ("single", "multiple"):
            continue
        for option in question.get("options", []):
            if option["id"] in chosen and option.get("consequence"):
                found.append(option["consequence"])
    return found


def consequence_html(ctx, texts: list[str]) -> str:
    if not texts:
        return ""
    body = "".join(f"<p>{esc(t)}</p>" for t in texts)
    title = ctx.gettext("What happens next")
    return (f'<div class="casuslab-consequence"><strong>{esc(title)}</strong>'
            f"{body}</div>")


def end_summary(ctx, spec: dict, answers: dict) -> str:
    """Practice mode, at the end: the closed questions' total (open ones are the lecturer's)."""
    _ = ctx.gettext
    report = scoring.score_document(spec, {"scenario": spec.get("id"), "answers": answers})
    on_path = set(paths.student_path(spec, answers))
    closed_max = sum(scoring.question_points(q) for s in spec.get("stages", []) if s["id"] in on_path
                     for q in s.get("questions") or [] if q.get("type") != "open")
    line = _("Closed questions: {total} of {max} points on your path.").format(
        total=ctx.number(report["total"]), max=ctx.number(scoring.round2(closed_max)))
    return f"<p>{esc(line)}</p>"
