"""``casuslab preview``: one standalone HTML page of a scenario for a trainer to proofread.

Every stage, a map of the stage graph (inline SVG), every path with its points,
every question with its key, feedback, consequences, rubric and model answer, and
the references with both numbers of a replaced provision. Inline CSS only, no
scripts, no external resources; every text from the scenario is escaped (Markdown goes
through ``casuslab.student.markup``, the same renderer the students' widgets use).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from casuslab import paths
from casuslab.build.checks import check_scenario, cited_catalogue, load_references
from casuslab.build.course import write_if_changed
from casuslab.build.studentspec import shuffled_items
from casuslab.build.svgmap import stage_map
from casuslab.errors import ScenarioInvalid
from casuslab.scenario.spec import to_spec
from casuslab.scoring import question_points
from casuslab.student.markup import inline, markdown

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.5rem}
.meta{color:#57606a}.tag{display:inline-block;background:#eaeef2;border-radius:1rem;padding:0 .6rem;margin-right:.3rem;font-size:.85rem}
.problems{background:#fff4e5;border:1px solid #f0b45b;border-radius:6px;padding:.5rem 1rem}
.problems .error{color:#a40e26}
.map{border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;max-width:100%;height:auto}
.map .node rect{fill:#fff;stroke:#0969da;stroke-width:1.5}.map .node.end rect{stroke:#1a7f37;stroke-width:3}
.map .node.start rect{fill:#ddf4ff}.map text{font:12px system-ui,sans-serif;fill:#1f2328}.map .sid{font-weight:700}
.map .edge{fill:#8250df;font-weight:700}
.stage{border-left:4px solid #0969da;padding-left:1rem;margin-top:2rem}
.story{background:#f6f8fa;border-radius:6px;padding:.5rem 1rem}
.route{color:#57606a;font-style:italic}
.question{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.question h4{margin:.3rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}tr.correct td{background:#dafbe1}.ok{color:#1a7f37;font-weight:700}.no{color:#a40e26}
.model{background:#fff8c5;border-radius:6px;padding:.5rem 1rem}
code{background:#eaeef2;border-radius:3px;padding:0 .2rem}
pre{background:#eaeef2;border-radius:6px;padding:.5rem 1rem;white-space:pre-wrap;overflow-wrap:anywhere}pre code{padding:0}
dt{margin-top:.6rem}dd{margin-left:1.5rem}
"""

TYPE_NAMES = {"single": "één keuze", "multiple": "meerkeuze", "order": "volgorde", "scale": "schaal", "open": "open vraag"}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _md(text: str | None) -> str:
    """Markdown through the package's one renderer; a scenario's ``#`` becomes ``<h4>`` here."""
    return markdown(text, heading_offset=3)


def _pts(value: float) -> str:
    return f"{value:g}"


def _options(question: dict) -> str:
    rows = []
    for o in question.get("options", []):
        mark = '<span class="ok">✓ juist</span>' if o.get("correct") else '<span class="no">✗</span>'
        nxt = f'<a href="#stage-{_e(o["next"])}">{_e(o["next"])}</a>' if o.get("next") else ""
        rows.append(
            f'<tr class="{"correct" if o.get("correct") else ""}"><td><code>{_e(o["id"])}</code></td><td>{inline(o["text"])}</td>'
            f"<td>{mark}</td><td>{inline(o.get('feedback') or '—')}</td><td>{inline(o.get('consequence') or '—')}</td><td>{nxt}</td></tr>"
        )
    head = "<tr><th>id</th><th>optie</th><th>sleutel</th><th>feedback</th><th>gevolg</th><th>volgende fase</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _question(spec: dict, q: dict) -> str:
    kind = q.get("type", "")
    parts = [
        f'<article class="question" id="q-{_e(q["id"])}">',
        f'<h4><code>{_e(q["id"])}</code> · {_e(TYPE_NAMES.get(kind, kind))} · {_pts(question_points(q))} punten</h4>',
        f"<div>{_md(q.get('prompt', ''))}</div>",
    ]
    if kind in ("single", "multiple"):
        if kind == "multiple":
            parts.append(f"<p>Scoring: <strong>{_e(q.get('scoring', 'partial'))}</strong></p>")
        parts.append(_options(q))
    elif kind == "order":
        items = "".join(f"<li><code>{_e(i['id'])}</code> {inline(i['text'])}</li>" for i in q.get("items", []))
        shown = ", ".join(_e(i["id"]) for i in shuffled_items(spec["id"], q["id"], q.get("items", [])))
        parts.append(f"<p>Juiste volgorde (scoring: <strong>{_e(q.get('scoring', 'pairs'))}</strong>):</p><ol>{items}</ol>")
        parts.append(f"<p class='meta'>Startvolgorde voor de student (ook in het examenbestand): {shown}</p>")
    elif kind == "scale":
        labels = q.get("labels") or {}
        lab = ", ".join(f"{_e(k)} = {_e(v)}" for k, v in sorted(labels.items(), key=lambda kv: int(kv[0])))
        lo, hi = (q.get("accept") or [None, None])[:2]
        parts.append(
            f"<p>Schaal van {_e(q.get('min'))} tot {_e(q.get('max'))}{' (' + lab + ')' if lab else ''}. "
            f'<span class="ok">Juist: van {_e(lo)} tot {_e(hi)}</span></p>'
        )
    elif kind == "open":
        if q.get("words"):
            parts.append(f"<p>Richtlengte: {_e(q['words'][0])} tot {_e(q['words'][1])} woorden.</p>")
        rows = []
        for c in q.get("rubric", []):
            levels = "".join(f"<li><strong>{_e(k)}</strong>: {inline(v)}</li>" for k, v in sorted(c.get("levels", {}).items(), key=lambda kv: int(kv[0])))
            cues = "".join(f"<li><code>{_e(cue)}</code></li>" for cue in c.get("evidence", [])) or "<li>—</li>"
            rows.append(f"<tr><td><code>{_e(c['id'])}</code><br>{inline(c['criterion'])}</td><td><ul>{levels}</ul></td><td><ul>{cues}</ul></td></tr>")
        parts.append(f"<table><tr><th>criterium</th><th>niveaus</th><th>aanwijzingen (evidence)</th></tr>{''.join(rows)}</table>")
        if q.get("model_answer"):
            parts.append(f'<div class="model"><strong>Modelantwoord</strong>{_md(q["model_answer"])}</div>')
        else:
            parts.append('<p class="no">Geen modelantwoord.</p>')
    parts.append("</article>")
    return "\n".join(parts)


def _route(spec: dict, i: int) -> str:
    stage = spec["stages"][i]
    if stage.get("end"):
        return "Einde van het scenario (end: true)."
    following = paths.successors(spec, i)
    if not following:
        return "Einde van het scenario (laatste fase)."
    links = ", ".join(f'<a href="#stage-{_e(s)}">{_e(s)}</a>' for s in following)
    question = paths.branching_question(stage)
    if question is not None:
        return f"Vertakt op vraag <code>{_e(question['id'])}</code> naar: {links}; zonder antwoord: {_e(paths.default_next(spec, i))}."
    return f"Volgende fase: {links}."


def _paths_table(spec: dict) -> str:
    points = {q["id"]: question_points(q) for s in spec.get("stages", []) for q in s.get("questions") or []}
    stages = {s["id"]: s for s in spec.get("stages", [])}
    rows = []
    for path in paths.all_paths(spec):
        total = sum(points[q["id"]] for sid in path for q in stages[sid].get("questions") or [])
        rows.append(f"<tr><td>{' → '.join(_e(s) for s in path)}</td><td>{_pts(total)}</td></tr>")
    return f"<table><tr><th>pad</th><th>max. punten</th></tr>{''.join(rows)}</table>"


def preview_html(spec: dict, catalogue: dict | None = None, problems: list | None = None, source: str = "") -> str:
    """The preview page of ``spec`` (the full spec, keys included) as one HTML string."""
    catalogue = catalogue or {}
    language = spec.get("language", "nl")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Preview: {_e(spec.get('title', ''))}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(spec.get('title', ''))}</h1>",
        f'<p class="meta"><code>{_e(spec.get("id", ""))}</code> {_e(source)}</p><p>'
        + "".join(
            f'<span class="tag">{_e(label)}: {_e(spec.get(key))}</span>'
            for key, label in (("theme", "thema"), ("language", "taal"), ("level", "jaar"), ("minutes", "minuten"))
            if spec.get(key) is not None
        )
        + "</p>",
    ]
    if problems:
        items = "".join(f'<li class="{_e(p.severity)}">{_e(p.line())}</li>' for p in problems)
        out.append(f'<div class="problems"><strong>casuslab lint meldt:</strong><ul>{items}</ul></div>')
    if spec.get("setting"):
        out.append(f"<p><strong>Situering.</strong> {inline(spec['setting'])}</p>")
    objectives = "".join(f"<li>{inline(o)}</li>" for o in spec.get("objectives", []))
    out.append(f"<h2>Leerdoelen</h2><ul>{objectives}</ul>")
    out.append("<h2>Kaart van de fasen</h2>")
    out.append('<p class="meta">Klik een fase aan. Pijl met letters: de gekozen optie leidt daarheen; '
               "gestippeld: de standaardroute; dikke groene rand: einde.</p>")
    out.append(stage_map(spec))
    out.append(_paths_table(spec))
    if spec.get("references"):
        out.append("<h2>Bronnen</h2><dl>")
        for key, entry in sorted(catalogue.items()):
            extra = ""
            if entry.get("replaced_by"):
                newer = catalogue.get(entry["replaced_by"], {}).get("label", entry["replaced_by"])
                extra = f" (vervangen door {_e(newer)})"
            older = [v.get("label", k) for k, v in sorted(catalogue.items()) if v.get("replaced_by") == key]
            if older:
                extra += f" (vervangt {_e(', '.join(older))})"
            cited = "" if key in spec["references"] else " <span class='meta'>(niet zelf geciteerd)</span>"
            since = f"; in werking {_e(entry['in_force'])}" if entry.get("in_force") else ""
            out.append(
                f"<dt><code>{_e(key)}</code> <strong>{_e(entry.get('label', ''))}</strong>: {_e(entry.get('title', ''))}{extra}{cited}</dt>"
                f"<dd>{inline(entry.get('summary', ''))}<br><span class='meta'>{_e(entry.get('source', ''))}{since}</span></dd>"
            )
        missing = [k for k in spec["references"] if k not in catalogue]
        for key in missing:
            out.append(f"<dt><code>{_e(key)}</code> <span class='no'>niet in de catalogus</span></dt>")
        out.append("</dl>")
    for i, stage in enumerate(spec.get("stages", [])):
        out.append(f'<section class="stage" id="stage-{_e(stage["id"])}">')
        out.append(f"<h2>{i + 1}. {_e(stage.get('title', ''))} <code>{_e(stage['id'])}</code></h2>")
        out.append(f'<div class="story">{_md(stage.get("text", ""))}</div>')
        for q in stage.get("questions") or []:
            out.append(_question(spec, q))
        out.append(f'<p class="route">{_route(spec, i)}</p></section>')
    out.append("</body></html>\n")
    return "\n".join(out)


def preview_file(scenario: Path | str, target: Path | str) -> Path:
    """Check ``scenario``, render its preview and write it to ``target``."""
    model, problems = check_scenario(Path(scenario))
    if model is None:
        errors = [p for p in problems if p.is_error]
        lines = "\n".join(p.line() for p in errors)
        raise ScenarioInvalid(f"the scenario cannot be read; fix these first (casuslab lint):\n{lines}", errors)
    spec = to_spec(model)
    catalogue = cited_catalogue(model.references, load_references(Path(scenario)))
    page = preview_html(spec, catalogue, sorted(problems), str(scenario))
    write_if_changed(Path(target), page.encode("utf-8"))
    return Path(target)
