"""The class report as one self-contained HTML page (Dutch, for the lecturer).

No scripts, no external URLs, fonts or images: inline CSS and inline SVG plots only, so the
file opens offline in any browser and can be mailed or archived. Every text that comes from
a student, the gradebook or a scenario goes through ``esc``, except a scenario's prompts and
option texts: they are Markdown and go through the package's one renderer
(``casuslab.student.markup.inline``, raw HTML off, so still escaped). Headings, table captions and
an SVG ``<title>`` per plot keep it usable with a screen reader. Nothing in the page
depends on the clock: the same data gives the same bytes.
"""

from __future__ import annotations

from typing import Any

from casuslab.grade.result import format_number, format_points, to_decimal
from casuslab.report import analysis, plots, stats
from casuslab.report.collect import Cohort
from casuslab.student.markup import esc, inline

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 64rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.flag td { background: #fff3e0; } .flag-text { color: #b71c1c; }
.bar { display: inline-block; height: .7rem; background: #1f6fb4; vertical-align: middle; }
.muted { color: #555; } .ok { color: #1b5e20; }
svg.plot { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
"""


def num(value: float | None, decimals: int = 1) -> str:
    """Dutch notation, rounded half-up like every casuslab output: 12.25 -> '12,3'; None -> '–'."""
    if value is None:
        return "–"
    text = format(to_decimal(value, decimals), "f")
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return text.replace(".", ",")


def _when(moment: Any) -> str:
    return "–" if moment is None else f"{moment:%d/%m/%Y %H:%M} (UTC)"


def _late(seconds: float) -> str:
    hours = seconds / 3600
    return f"{num(hours / 24)} dagen" if hours >= 48 else f"{num(hours)} uur"


def _table(caption: str, header: list[str], rows: list[list[str]], numeric: set[int] = frozenset(),
           classes: list[str] | None = None) -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = []
    for r, row in enumerate(rows):
        cls = f' class="{classes[r]}"' if classes and classes[r] else ""
        cells = "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return (f"<table>\n<caption>{esc(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(body) + "\n</tbody>\n</table>")


def _overview(cohort: Cohort) -> str:
    scores, counts, summary, passed = analysis.score_distribution(cohort)
    status = analysis.status_counts(cohort)
    parts = [f"<h1>Klasrapport {esc(cohort.assignment)}</h1>",
             '<dl class="facts">',
             f"<dt>Casussen</dt><dd>{esc(', '.join(s.title for s in cohort.scenarios))}</dd>",
             f"<dt>Deadline</dt><dd>{esc(_when(cohort.duedate))}</dd>",
             f"<dt>Studenten</dt><dd>{len(cohort.students)}: {status['op tijd']} op tijd, {status['te laat']} te laat, "
             f"{status['niet ingediend']} niet ingediend"
             + (f", {status['niet beoordeeld']} ingediend maar niet beoordeeld" if status["niet beoordeeld"] else "")
             + "</dd>",
             f"<dt>Maximum</dt><dd>{num(sum(s.maximum for s in cohort.scenarios), 2)} punten "
             "(één pad door elke casus)</dd>",
             "</dl>",
             '<h2 id="scores">Scoreverdeling op 20</h2>']
    if not scores:
        parts.append("<p>Nog geen beoordeelde inzendingen.</p>")
        return "\n".join(parts)
    title = (f"Histogram van de scores op 20 van {summary.n} studenten: gemiddelde {num(summary.mean)}, "
             f"mediaan {num(summary.median)}, {passed} op of boven 10.")
    parts.append(plots.histogram("scores", title, list(range(21)), counts, "score op 20", analysis.PASS_MARK,
                                 "10/20"))
    parts.append(_table("Samenvatting van de scores op 20 (na eventuele strafpunten voor te laat)",
                        ["studenten", "gemiddelde", "mediaan", "standaardafwijking", "laagste", "hoogste",
                         "10/20 of meer"],
                        [[str(summary.n), num(summary.mean), num(summary.median), num(summary.sd), num(summary.low),
                          num(summary.high), f"{passed} ({num(100 * passed / summary.n, 0)} %)"]],
                        numeric={0, 1, 2, 3, 4, 5}))
    return "\n".join(parts)


def _submissions(cohort: Cohort) -> str:
    status = analysis.status_counts(cohort)
    parts = ['<h2 id="inzendingen">Te laat en niet ingediend</h2>']
    title = ", ".join(f"{status[k]} {k}" for k in status)
    parts.append(plots.bars("status", f"Inzendingen: {title}.", list(status), list(status.values()),
                            "aantal studenten", [plots.GREEN, plots.ORANGE, plots.RED, plots.GREY]))
    late = [s for s in cohort.students if s.status == "te laat"]
    if late:
        parts.append(_table("Te laat ingediend", ["student", "naam", "ingediend", "te laat", "strafpunten"],
                            [[esc(s.id), esc(s.name), esc(_when(s.timestamp)), esc(_late(s.seconds_late)),
                              num(s.penalty, 2)] for s in late], numeric={4}))
    missing = [s for s in cohort.students if s.status in ("niet ingediend", "niet beoordeeld")]
    if missing:
        parts.append(_table("Niet ingediend, of ingediend maar (nog) niet beoordeeld",
                            ["student", "naam", "status"],
                            [[esc(s.id), esc(s.name), esc(s.status)] for s in missing]))
        if any(s.status == "niet beoordeeld" for s in missing):
            parts.append(f"<p>Niet beoordeeld: er staat een inzending in <code>submitted/</code>, maar niet in het "
                         f"gradebook. Voer <code>casuslab grade {esc(cohort.assignment)}</code> uit; de tabel op het "
                         "einde daarvan zegt waarom een inzending niet beoordeeld kon worden.</p>")
    if not late and not missing:
        parts.append('<p class="ok">Iedereen diende op tijd in.</p>')
    return "\n".join(parts)


def _items(cohort: Cohort, rows: list[analysis.ItemRow]) -> str:
    parts = ['<h2 id="vragen">Vragen: moeilijkheid en onderscheidend vermogen</h2>',
             "<p>Per vraag tellen alleen de studenten die de vraag bereikten: wie door een keuze een andere tak "
             "van de casus volgde, telt niet mee (en niet als 0). Open vragen die je nog niet scoorde, tellen "
             "niet mee. <b>F</b> (facility): gemiddelde score als % van het maximum. <b>SD</b>: standaardafwijking "
             "als % van het maximum. <b>D</b> (discriminatie-index): correlatie (in %) tussen de score op de vraag "
             "en de score op de rest van de opdracht. <b>E</b> (discriminerende efficiëntie): D als % van de "
             "hoogste D die met deze scoreverdelingen mogelijk is. Dezelfde formules als Moodles "
             "quizstatistieken. Een vraag valt op (oranje) bij E &lt; 15 % of F buiten 5-95 %.</p>"]
    table_rows, classes = [], []
    for row in rows:
        s = row.stats
        table_rows.append([esc(row.item.key), esc(row.item.kind), num(row.item.points, 2), str(row.reached),
                           str(row.pending), num(s.facility), num(s.sd), num(s.discrimination), num(s.efficiency),
                           f'<span class="flag-text">{esc("; ".join(s.flags))}</span>' if s.flags else ""])
        classes.append("flag" if s.flags else "")
    parts.append(_table("Itemanalyse per vraag (casus/vraag)",
                        ["vraag", "type", "max", "bereikt", "nog te scoren", "F %", "SD %", "D %", "E %", "opvallend"],
                        table_rows, numeric={2, 3, 4, 5, 6, 7, 8}, classes=classes))
    scored = [r for r in rows if r.stats.facility is not None]
    if scored:
        parts.append(plots.bars(
            "facility", "Facility (gemiddelde score in %) per vraag; rood: opvallende vraag.",
            [r.item.key for r in scored], [round(r.stats.facility, 1) for r in scored], "F (%)",
            [plots.RED if r.stats.flags else plots.BLUE for r in scored]))
    for row in rows:
        if row.options is None:
            continue
        total = max(1, row.reached)
        parts.append(f"<h3>{esc(row.item.key)}: {inline(row.item.prompt)}</h3>")
        what = "gekozen" if row.item.kind == "single" else "aangevinkt"
        option_rows = []
        for o in row.options:
            share = 100 * o.count / total
            label = f"{esc(o.key)}: {inline(o.label)}" if o.key else f"<i>{esc(o.label)}</i>"
            option_rows.append([label, "juist" if o.correct else "", str(o.count), num(share, 0),
                                f'<span class="bar" style="width:{share * 1.5:.0f}px"></span>'])
        parts.append(_table(f"Antwoordkeuzes ({what}) van de {row.reached} studenten die de vraag bereikten",
                            ["optie", "sleutel", "aantal", "%", "verdeling"], option_rows, numeric={2, 3}))
    return "\n".join(parts)


def _paths(cohort: Cohort) -> str:
    parts = ['<h2 id="paden">Paden door de casus</h2>']
    for scenario in cohort.scenarios:
        report = analysis.path_report(cohort, scenario)
        parts.append(f"<h3>{esc(scenario.title)}</h3>")
        labels = [" → ".join(p) for p, _ in report.paths]
        values = [n for _, n in report.paths]
        if report.unknown:
            labels.append("onbekend (geen notebook of geen leesbaar antwoordbestand)")
            values.append(report.unknown)
        summary = "; ".join(f"{label}: {n}" for label, n in zip(labels, values))
        parts.append(plots.bars(f"paths-{scenario.notebook}", f"Aantal studenten per pad door {scenario.title}: "
                                f"{summary}.", labels, values, "aantal studenten"))
        for stage, question, targets in report.branches:
            parts.append(_table(f"Vertakking na '{stage}' (vraag '{question}')", ["volgende fase", "studenten"],
                                [[esc(t), str(n)] for t, n in targets], numeric={1}))
    return "\n".join(parts)


def _rubrics(cohort: Cohort) -> str:
    items = [i for i in cohort.items if i.kind == "open"]
    if not items:
        return ""
    parts = ['<h2 id="rubriek">Rubriek: niveaus per criterium</h2>',
             "<p>Vol: het niveau dat jij in formgrader in het commentaar zette (bv. <code>zwijgrecht=2</code>). "
             "Gearceerd: nog geen niveau van jou, wel een <b>suggestie</b> van de voorbeoordelaar (trefwoorden; "
             "hij begrijpt de tekst niet).</p>"]
    for item in items:
        found = analysis.rubric_levels(cohort, item)
        if not found:
            continue
        parts.append(f"<h3>{esc(item.key)}: {inline(item.prompt)}</h3>")
        names = [str(c.criterion.get("criterion") or c.criterion.get("id")) for c in found]
        levels = sorted({lv for c in found for lv in c.levels})
        lecturer = [[c.lecturer[c.levels.index(lv)] if lv in c.levels else 0 for lv in levels] for c in found]
        suggested = [[c.suggested[c.levels.index(lv)] if lv in c.levels else 0 for lv in levels] for c in found]
        parts.append(plots.stacked_levels(f"rubric-{item.key}", f"Niveaus per criterium van {item.key}.", names,
                                          levels, lecturer, suggested))
        rows = [[esc(name)] + [f"{lec[i]} + {sug[i]}" for i in range(len(levels))]
                for name, lec, sug in zip(names, lecturer, suggested)]
        parts.append(_table(f"{item.key}: studenten per niveau (docent + suggestie)",
                            ["criterium"] + [f"niveau {lv}" for lv in levels], rows,
                            numeric=set(range(1, len(levels) + 1))))
    return "\n".join(parts)


def _times(cohort: Cohort) -> str:
    parts = ['<h2 id="tijd">Tijd per casus</h2>',
             "<p>Van het eerste tot het laatste bewaarde antwoord (<code>saved_at</code>) in het antwoordbestand: "
             "de tijd dat de student antwoorden gaf, niet het lezen vooraf. Minder dan twee verschillende "
             "tijdstippen, of meer "
             f"dan {stats.MAX_TASK_SECONDS // 3600} uur ertussen (de student kwam later terug), telt niet mee.</p>"]
    for scenario in cohort.scenarios:
        report = analysis.time_report(cohort, scenario)
        summary = stats.summary(report.minutes)
        parts.append(f"<h3>{esc(scenario.title)}</h3>")
        if report.minutes:
            top = max(5, int(max(report.minutes) // 5 + 1) * 5)
            edges = list(range(0, top + 1, 5))
            counts = stats.histogram(report.minutes, 0, top, len(edges) - 1)
            parts.append(plots.histogram(f"time-{scenario.notebook}", f"Minuten per student voor {scenario.title}: "
                                         f"mediaan {num(summary.median)} minuten, {summary.n} studenten.",
                                         edges, counts, "minuten"))
        parts.append(_table(f"Tijd voor {scenario.title} (minuten)",
                            ["studenten", "mediaan", "gemiddelde", "kortste", "langste", "niet meegeteld"],
                            [[str(summary.n), num(summary.median), num(summary.mean), num(summary.low),
                              num(summary.high), str(report.left_out)]], numeric={0, 1, 2, 3, 4, 5}))
    return "\n".join(parts)


def _students(cohort: Cohort) -> str:
    rows = []
    for s in cohort.students:
        minutes = [v for v in s.seconds.values() if v is not None]
        total = on20 = ""
        if s.result is not None:  # exact half-up, as in the export and the feedback
            total, on20 = format_points(s.result.total), format_number(s.result.on_twenty(2), 1)
        rows.append([esc(s.id), esc(s.name), esc(s.status), total, on20, num(sum(minutes) / 60) if minutes else ""])
    return ('<h2 id="studenten">Per student</h2>\n'
            + _table("Alle studenten in het gradebook", ["student", "naam", "status", "totaal", "op 20", "minuten"],
                     rows, numeric={3, 4, 5}))


def render(cohort: Cohort) -> str:
    rows = analysis.item_rows(cohort)
    body = "\n".join(part for part in (_overview(cohort), _submissions(cohort), _items(cohort, rows),
                                       _paths(cohort), _rubrics(cohort), _times(cohort), _students(cohort)) if part)
    return ("<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>Klasrapport {esc(cohort.assignment)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n</main>\n</body>\n</html>\n")
