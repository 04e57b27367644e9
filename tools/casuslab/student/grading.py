"""What the grading cells of a generated notebook call (docs/dev/architecture.md).

Standard library only: this runs in nbgrader's grading kernel. Nothing here
raises: a missing or corrupt answers file prints a plain message and scores 0.

- ``grade_answer(S, qid, key_json)`` prints what the student answered and why it
  scored what it did, and *returns* the score: the cell's ``execute_result`` is
  nbgrader's partial credit (``nbgrader.utils.determine_grade``).
- ``show_open_answer(S, qid, question_json)`` prints an open answer, the rubric and
  the pre-scorer's suggestion with its evidence, for the lecturer in formgrader.

The texts come from pure functions (``closed_report``, ``open_report``) that
``casuslab grade`` calls too, so the fast grader writes the very outputs these
cells print.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from casuslab import paths, rubric, scoring

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
MAX_SHOWN_CHARS = 20_000

TYPE_NAMES = {"single": "keuzevraag", "multiple": "meerkeuzevraag (meer antwoorden)", "order": "volgordevraag",
              "scale": "schaalvraag", "open": "open vraag"}

_ERRORS = [
    ("no answers file", "er is geen antwoordbestand: de student heeft niets opgeslagen"),
    ("cannot read the answers file", "het antwoordbestand kon niet gelezen worden"),
    ("the answers file is too large", "het antwoordbestand is te groot om te lezen"),
    ("the answers file is not valid JSON", "het antwoordbestand is beschadigd (geen geldige JSON)"),
    ("the answers file does not hold a JSON object", "het antwoordbestand heeft een ongeldige vorm (geen JSON-object)"),
    ("the answers file is for scenario", "het antwoordbestand hoort bij een andere casus"),
    ("the answers file has no 'answers' object", "het antwoordbestand bevat geen antwoorden ('answers' ontbreekt)"),
]


def dutch_error(message: str) -> str:
    """The Dutch text for a read or format error of ``casuslab.scoring``."""
    for prefix, dutch in _ERRORS:
        if message.startswith(prefix):
            return dutch
    return "het antwoordbestand is onbruikbaar"


def fmt(points: Any) -> str:
    """2 -> '2', 1.5 -> '1,5' (Flemish decimal comma)."""
    try:
        return f"{float(points):g}".replace(".", ",")
    except (TypeError, ValueError):
        return "?"


def points_word(points: Any) -> str:
    """'1 punt', '2 punten', '1,5 punten'."""
    return f"{fmt(points)} punt" if fmt(points) == "1" else f"{fmt(points)} punten"


def clean(text: Any) -> str:
    """Student text made safe to print: no control characters, not endless."""
    text = _CONTROL.sub(" ", str(text))
    if len(text) > MAX_SHOWN_CHARS:
        text = text[:MAX_SHOWN_CHARS] + " [... ingekort]"
    return text


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in clean(text).splitlines() or [""])


def read_document(folder: Path, sid: str) -> tuple[Any, str | None]:
    """The answers document beside the notebook, or (None, error)."""
    if not _SLUG.match(str(sid)):
        return None, "no answers file"
    path = folder / f"{sid}.answers.json"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return None, "cannot read the answers file: not a regular file"
    try:
        return scoring.read_answers(path)
    except Exception as exc:  # e.g. RecursionError on absurdly nested JSON
        return None, f"the answers file is not valid JSON ({type(exc).__name__})"


def read_case(folder: Path, sid: str) -> dict:
    """The student spec beside the notebook (for option texts); {} when absent or unreadable."""
    if not _SLUG.match(str(sid)):
        return {}
    try:
        data = json.loads((folder / f"{sid}.case.json").read_text(encoding="utf-8"))
    except Exception:
        return {}
    return data if isinstance(data, dict) else {}


def find_question(spec: dict, qid: str) -> tuple[dict | None, dict | None]:
    for stage in spec.get("stages", []) if isinstance(spec, dict) else []:
        for question in stage.get("questions") or []:
            if question.get("id") == qid:
                return stage, question
    return None, None


def _texts(case: dict, qid: str) -> tuple[str, dict[str, str], dict]:
    """(prompt, {option/item id: text}, labels) of a question in the student spec."""
    _, q = find_question(case, qid)
    if not q:
        return "", {}, {}
    texts = {str(o.get("id")): str(o.get("text", "")) for o in (q.get("options") or []) + (q.get("items") or [])}
    return str(q.get("prompt", "")).strip(), texts, q.get("labels") or {}


def _label(ident: str, texts: dict[str, str]) -> str:
    text = texts.get(ident)
    return f"{clean(ident)}. {clean(text)}" if text else clean(ident)


def _invalid_reason(question: dict, value: Any) -> str:
    kind = question.get("type")
    if kind == "single":
        return f"'{clean(value)}' is geen optie van deze vraag" if isinstance(value, str) else "geen enkelvoudige keuze"
    if kind == "multiple":
        if not isinstance(value, list):
            return "geen lijst van opties"
        return "een optie is onbekend of staat er dubbel in"
    if kind == "order":
        return "de volgorde is onvolledig of bevat onbekende of dubbele onderdelen"
    if kind == "scale":
        if not (isinstance(value, int) and not isinstance(value, bool)):
            return "geen geheel getal"
        return f"{value} ligt buiten de schaal {question.get('min')}-{question.get('max')}"
    if kind == "open":
        return "geen tekst"
    return "onbekend vraagtype"


def _explain_graded(question: dict, value: Any, score: float, points: float, texts: dict, labels: dict) -> list[str]:
    kind = question.get("type")
    lines: list[str] = []
    if kind == "single":
        right = [o["id"] for o in question.get("options", []) if o.get("correct")]
        lines.append(f"Antwoord: {_label(value, texts)}")
        lines.append("Dat is juist." if value in right else f"Dat is niet juist. Juist was: {', '.join(_label(r, texts) for r in right)}")
    elif kind == "multiple":
        right = {o["id"] for o in question.get("options", []) if o.get("correct")}
        picked = list(value)
        lines.append("Gekozen: " + (", ".join(clean(p) for p in picked) if picked else "niets"))
        for option in question.get("options", []):
            oid = option["id"]
            if oid in picked and oid in right:
                lines.append(f"  juist gekozen:      {_label(oid, texts)}")
            elif oid in picked:
                lines.append(f"  fout gekozen:       {_label(oid, texts)}")
            elif oid in right:
                lines.append(f"  niet gekozen, juist: {_label(oid, texts)}")
        if question.get("scoring", "partial") == "all-or-nothing":
            lines.append("Alles-of-niets: de punten gelden alleen voor precies de juiste opties.")
        else:
            good = len(right.intersection(picked))
            bad = len(picked) - good
            lines.append(f"Berekening: {good} juist min {bad} fout, van {len(right)} juiste opties.")
    elif kind == "order":
        key = [i["id"] for i in question.get("items", [])]
        lines.append("Gekozen volgorde: " + " > ".join(clean(v) for v in value))
        lines.append("Juiste volgorde:  " + " > ".join(key))
        for i, item in enumerate(key, 1):
            if texts.get(item):
                lines.append(f"  {i}. {_label(item, texts)}")
        if question.get("scoring", "pairs") == "exact":
            lines.append("Alleen de exacte volgorde geeft punten.")
        else:
            rank = {v: i for i, v in enumerate(value)}
            pairs = [(a, b) for i, a in enumerate(key) for b in key[i + 1:]]
            good = sum(1 for a, b in pairs if rank[a] < rank[b])
            lines.append(f"Berekening: {good} van {len(pairs)} paren in de juiste volgorde.")
    elif kind == "scale":
        lo, hi = question.get("accept", [None, None])
        label = labels.get(str(value)) or labels.get(value)
        shown = f"{value} ({clean(label)})" if label else str(value)
        lines.append(f"Antwoord: {shown} op een schaal van {question.get('min')} tot {question.get('max')}")
        lines.append(f"Aanvaard: {lo} tot {hi}. " + ("Dat valt erbinnen." if lo <= value <= hi else "Dat valt erbuiten."))
    return lines


def closed_report(sid: str, qid: str, key: dict, doc: Any, error: str | None, case: dict | None = None,
                  report: dict | None = None) -> tuple[str, float]:
    """(printed text, score) of a closed question; never raises.

    ``report`` may pass ``scoring.score_document(key, doc, error)`` when the caller already has it.
    """
    try:
        return _closed_report(sid, qid, key, doc, error, case or {}, report)
    except Exception as exc:  # a grader must never crash on a student's file
        return f"Vraag '{clean(qid)}': kon niet beoordeeld worden ({type(exc).__name__}). 0 punten.", 0.0


def _closed_report(sid: str, qid: str, key: dict, doc: Any, error: str | None, case: dict,
                   report: dict | None) -> tuple[str, float]:
    key = dict(key) if isinstance(key, dict) else {}
    key.setdefault("id", sid)
    stage, question = find_question(key, qid)
    if question is None:
        return f"Vraag '{clean(qid)}' staat niet in de sleutel van deze casus. 0 punten.", 0.0
    points = scoring.question_points(question)
    prompt, texts, labels = _texts(case, qid)
    head = f"Vraag '{qid}' ({TYPE_NAMES.get(question.get('type'), 'vraag')}, {points_word(points)})"
    lines = [head + (f": {clean(prompt)}" if prompt else "")]
    if report is None:
        report = scoring.score_document(key, doc, error)
    entry = report["questions"].get(qid, {"score": 0.0, "status": scoring.INVALID})
    score = float(entry.get("score") or 0.0)
    status = entry.get("status")
    if "error" in report:
        lines.append(f"Geen punten: {dutch_error(report['error'])}.")
    else:
        answers = doc["answers"]
        on_path = paths.student_path(key, answers)
        value = answers.get(qid)
        if stage["id"] not in on_path:
            lines.append("Deze vraag lag niet op het pad dat de student door de casus volgde (een eerdere keuze "
                         "leidde naar een ander deel), en telt daarom niet mee.")
        elif status == scoring.UNANSWERED:
            lines.append("Niet beantwoord.")
        elif status == scoring.INVALID:
            lines.append(f"Ongeldig antwoord: {_invalid_reason(question, value)}.")
        else:
            lines.extend(_explain_graded(question, value, score, points, texts, labels))
    lines.append(f"Resultaat: {fmt(score)} van {points_word(points)}.")
    return "\n".join(lines), score


def _suggestion_lines(question: dict, text: str) -> tuple[list[str], int, int, list[str]]:
    lines: list[str] = []
    total = top_total = 0
    comment: list[str] = []
    suggestions = rubric.suggest(question, text)
    for criterion in question.get("rubric", []):
        s = suggestions[criterion["id"]]
        top_total += s.top
        levels = criterion.get("levels", {})
        shown = "geen suggestie (geen cues)" if s.level is None else f"suggestie {s.level} van {s.top}"
        lines.append(f"* {criterion.get('id')}: {clean(criterion.get('criterion', ''))} -- {shown}")
        for level in sorted(levels, key=lambda k: int(k)):
            if levels[level]:
                lines.append(f"    niveau {level}: {clean(levels[level])}")
        for m in s.matches:
            if m.hit:
                lines.append(f"    gevonden: \"{clean(m.matched)}\" (cue {clean(m.cue)})")
            elif m.negated:
                lines.append(f"    ontkend, telt niet: \"{clean(m.negated)}\" (cue {clean(m.cue)})")
            else:
                lines.append(f"    niet gevonden: cue {clean(m.cue)}")
        if s.level is not None:
            total += s.level
            comment.append(f"{criterion.get('id')}={s.level}")
    return lines, total, top_total, comment


def open_report(sid: str, qid: str, question: Any, doc: Any, error: str | None) -> str:
    """The text for the lecturer: the answer, the rubric and the pre-scorer's suggestion."""
    try:
        return _open_report(sid, qid, question, doc, error)
    except Exception as exc:
        return f"Open vraag '{clean(qid)}': kon niet getoond worden ({type(exc).__name__})."


def _open_report(sid: str, qid: str, question: Any, doc: Any, error: str | None) -> str:
    if isinstance(question, list):
        question = {"id": qid, "type": "open", "rubric": question}
    question = question if isinstance(question, dict) else {"id": qid, "rubric": []}
    points = scoring.question_points(dict(question, type="open"))
    lines = [f"Open vraag '{qid}' (de docent beoordeelt, max {points_word(points)})"]
    if question.get("prompt"):
        lines.append(f"Vraag: {clean(str(question['prompt']).strip())}")
    error = error or (scoring.check_document({"id": sid}, doc) if doc is not None else "no answers file")
    value = None if error else doc["answers"].get(qid)
    if error:
        lines.append(f"Geen antwoord te tonen: {dutch_error(error)}.")
    elif value is None or (isinstance(value, str) and not value.strip()):
        lines.append("De student heeft deze vraag niet beantwoord.")
        value = None
    elif not isinstance(value, str):
        lines.append("Ongeldig antwoord: geen tekst.")
        value = None
    else:
        words = len(value.split())
        guide = question.get("words")
        extra = f"; richtlijn {guide[0]}-{guide[1]}" if isinstance(guide, list) and len(guide) == 2 else ""
        lines.append(f"Antwoord van de student ({words} woorden{extra}):")
        lines.append(_indent(value))
    lines.append("")
    lines.append("Rubriek, met de suggestie van de voorbeoordelaar (die zoekt trefwoorden en stelt alleen voor;"
                 " de docent beslist):")
    crit_lines, total, top_total, comment = _suggestion_lines(question, value or "")
    lines.extend(crit_lines)
    if value is not None and comment:
        lines.append(f"Suggestie in totaal: {total} van {top_total}.")
        lines.append(f"Niveaus per criterium in het commentaar (voor de feedback): {'; '.join(comment)}")
    if question.get("model_answer"):
        lines.append("")
        lines.append("Modelantwoord:")
        lines.append(_indent(str(question["model_answer"]).strip()))
    return "\n".join(lines)


def _here() -> Path:
    """The notebook's folder: the grading kernel's working directory."""
    return Path.cwd()


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except Exception:
        return None


def grade_answer(sid: str, qid: str, key_json: str) -> float:
    """Print the student's answer and its outcome; return the score (nbgrader's partial credit)."""
    try:
        folder = _here()
        doc, error = read_document(folder, sid)
        key = _load_json(key_json)
        if not isinstance(key, dict):
            print(f"Vraag '{clean(qid)}': de sleutel in deze cel is onleesbaar. 0 punten.")
            return 0.0
        text, score = closed_report(sid, qid, key, doc, error, read_case(folder, sid))
        print(text)
        return float(score)
    except Exception as exc:
        print(f"Vraag '{clean(qid)}': kon niet beoordeeld worden ({type(exc).__name__}). 0 punten.")
        return 0.0


def show_open_answer(sid: str, qid: str, rubric_json: str) -> None:
    """Print an open answer with the rubric and the pre-scorer's suggestion (for formgrader)."""
    try:
        doc, error = read_document(_here(), sid)
        print(open_report(sid, qid, _load_json(rubric_json), doc, error))
    except Exception as exc:
        print(f"Open vraag '{clean(qid)}': kon niet getoond worden ({type(exc).__name__}).")
