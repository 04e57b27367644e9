"""The ``casuslab`` command line: a thin layer.

Commands parse options and call one stage function each. The only place that
turns exceptions into messages and exit codes is ``main``: a user never sees a
traceback for a problem they can fix.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from casuslab.errors import CasuslabError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="casuslab: casussen over beroepsethiek, beroepsgeheim en vraagverheldering in het sociaal werk.",
    pretty_exceptions_enable=False,
)


@app.command()
def lint(
    paths: Optional[List[Path]] = typer.Argument(None, help="bestanden of mappen (standaard: scenarios/ en course/course.yaml)"),
    format: str = typer.Option("text", "--format", help="text of json"),
) -> None:
    """Controleer scenario's, de referentiecatalogus en het cursusplan."""
    from casuslab.lint.command import run_lint

    raise typer.Exit(run_lint(paths or [], format))


@app.command()
def schema(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="standaard: scenarios/scenario.schema.json"),
    check: bool = typer.Option(False, "--check", help="controleer alleen of het bestand bijgewerkt is (exit 1 als het dat niet is)"),
) -> None:
    """Schrijf het JSON Schema van het scenarioformaat, voor editors (de YAML-extensie van VS Code)."""
    from casuslab.scenario.schema import run_schema

    raise typer.Exit(run_schema(output, check))


@app.command()
def new(
    theme: str = typer.Argument(..., help="ethiek, beroepsgeheim of behoefteanalyse"),
    id: str = typer.Argument(..., help="de id van het scenario, bv. politie-aan-de-lijn (wordt de bestandsnaam)"),
    scenarios: Path = typer.Option(Path("scenarios"), "--scenarios", help="de map met scenario's"),
) -> None:
    """Schrijf een skelet SCENARIOS/THEMA/ID.yaml, met uitleg bij elk veld in commentaar."""
    from casuslab.scenario.skeleton import run_new

    raise typer.Exit(run_new(theme, id, scenarios))


@app.command()
def score(
    scenario: Path = typer.Argument(..., help="het YAML-bestand van het scenario"),
    answers: Path = typer.Argument(..., help="het antwoordbestand (JSON)"),
    json_: bool = typer.Option(False, "--json", help="toon het resultaat als JSON"),
) -> None:
    """Bereken de score van één antwoordbestand voor een scenario."""
    from casuslab.grade.score_command import run_score

    raise typer.Exit(run_score(scenario, answers, json_))


@app.command()
def build(
    course: Path = typer.Option(Path("course"), "--course", help="de cursusmap met course.yaml"),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="waar de scenario's staan (standaard: scenarios/ naast de cursusmap)"),
) -> None:
    """Bouw het cursusplan tot nbgrader-bronnotebooks en nbgrader_config.py."""
    from casuslab.build.commands import run_build

    raise typer.Exit(run_build(course, scenarios))


@app.command()
def preview(
    scenario: Path = typer.Argument(..., help="het YAML-bestand van het scenario"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="het HTML-bestand (standaard: <id>.preview.html in de huidige map)"),
) -> None:
    """Schrijf één losse HTML-pagina van een scenario om na te lezen, met de sleutels."""
    from casuslab.build.commands import run_preview

    raise typer.Exit(run_preview(scenario, output))


@app.command()
def lab(
    workspace: Path = typer.Option(Path("workspace"), "--workspace", help="de werkmap van de student (hier gebouwd; antwoorden blijven bewaard)"),
    port: Optional[int] = typer.Option(None, "--port", help="de poort op 127.0.0.1 (standaard: 8888, of een vrije; 0: om het even welke vrije poort)"),
    no_browser: bool = typer.Option(False, "--no-browser", help="open geen browser"),
    course: Path = typer.Option(Path("course"), "--course", help="de cursusmap met course.yaml"),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="waar de scenario's staan (standaard: scenarios/ naast de cursusmap)"),
) -> None:
    """Bouw de cursus in oefenmodus in een werkmap en open ze in JupyterLab (Ctrl+C stopt)."""
    from casuslab.lab import run_lab

    raise typer.Exit(run_lab(workspace, course, scenarios, 8888 if port is None else port, not no_browser))


_COURSE_HELP = "de cursusmap (nbgrader's course root, met course.yaml)"


@app.command()
def assign(
    assignment: str = typer.Argument(..., help="de opdracht (id in course.yaml)"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="waar de scenario's staan (standaard: scenarios/ naast de cursusmap)"),
) -> None:
    """Bouw de cursus en maak de opdracht klaar (nbgrader generate_assignment)."""
    from casuslab.grade.commands import run_assign

    raise typer.Exit(run_assign(course, assignment, scenarios))


@app.command()
def release(
    assignment: str = typer.Argument(..., help="de opdracht"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
) -> None:
    """Geef de opdracht vrij aan de studenten (nbgrader release_assignment)."""
    from casuslab.grade.commands import run_release

    raise typer.Exit(run_release(course, assignment))


@app.command()
def collect(
    assignment: str = typer.Argument(..., help="de opdracht"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
) -> None:
    """Haal de ingediende opdrachten op (nbgrader collect)."""
    from casuslab.grade.commands import run_collect

    raise typer.Exit(run_collect(course, assignment))


@app.command()
def grade(
    assignment: str = typer.Argument(..., help="de opdracht"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
) -> None:
    """Beoordeel alle inzendingen uit de antwoordbestanden, zonder kernel, in nbgrader's gradebook."""
    from casuslab.grade.commands import run_grade

    raise typer.Exit(run_grade(course, assignment, light=True))


@app.command()
def feedback(
    assignment: str = typer.Argument(..., help="de opdracht"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
) -> None:
    """Maak de feedback: nbgrader's generate_feedback en een leesbare pagina per student en casus."""
    from casuslab.grade.course import light_imports

    light_imports()  # the command-line process only: no Jupyter server packages for the gradebook
    from casuslab.grade.commands import run_feedback

    raise typer.Exit(run_feedback(course, assignment))


@app.command()
def export(
    assignment: str = typer.Argument(..., help="de opdracht"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
    format: str = typer.Option("nl-csv", "--format", help="nl-csv (Excel, ';'), lms-csv (Moodle/Canvas, ','), xlsx of all"),
    profile: str = typer.Option("moodle", "--profile", help="voor lms-csv: moodle of canvas"),
) -> None:
    """Exporteer de punten: een CSV per opdracht (Excel, ';' en decimale komma) en nbgrader export; ook voor Moodle/Canvas of als .xlsx."""
    from casuslab.grade.course import light_imports

    light_imports()  # the command-line process only: no Jupyter server packages for the gradebook
    from casuslab.grade.lms import run_export_formats

    raise typer.Exit(run_export_formats(course, assignment, format, profile))


@app.command()
def items(
    scenarios: List[Path] = typer.Argument(..., help="scenariobestanden of -mappen"),
    format: str = typer.Option("moodle", "--format", help="moodle (Moodle XML) of qti (IMS QTI 2.1-zip)"),
    out: Optional[Path] = typer.Option(None, "--out", help="het bestand (standaard: vragenbank.moodle.xml of vragenbank.qti.zip)"),
) -> None:
    """Exporteer de vragen van scenario's als vragenbank: Moodle XML of IMS QTI 2.1 (met de sleutels)."""
    from casuslab.items.command import run_items

    raise typer.Exit(run_items(scenarios, format, out))


@app.command()
def report(
    assignment: str = typer.Argument(..., help="de opdracht"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
    out: Optional[Path] = typer.Option(None, "--out", help="het HTML-bestand (standaard: COURSE/reports/OPDRACHT-rapport.html)"),
) -> None:
    """Klasrapport: scoreverdeling, te laat/niet ingediend, itemanalyse, paden, rubriek, tijd (één HTML-bestand)."""
    from casuslab.report.command import run_report

    raise typer.Exit(run_report(course, assignment, out, light=True))


@app.command()
def demo(
    students: int = typer.Option(30, "--students", help="hoeveel gesimuleerde studenten"),
    keep: Optional[Path] = typer.Option(None, "--dir", help="werk in deze (nieuwe) map in plaats van een tijdelijke"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
) -> None:
    """Doorloop het hele traject van de docent op een wegwerpkopie van de cursus, met gesimuleerde studenten."""
    from casuslab.grade.demo import run_demo

    raise typer.Exit(run_demo(course, students, keep))


@app.command()
def hub(
    students: int = typer.Option(3, "--students", help="hoeveel demostudenten (1-30)"),
    port: int = typer.Option(8000, "--port", help="de poort van de hub op 127.0.0.1"),
    clean: bool = typer.Option(False, "--clean", help="ruim alleen op wat een onderbroken demo achterliet"),
) -> None:
    """Een lokale demo voor meerdere gebruikers: JupyterHub op 127.0.0.1 met een docent en enkele studenten (als root; Ctrl+C verwijdert ze)."""
    from casuslab.hub.demo import run_hub_demo

    raise typer.Exit(run_hub_demo(students, port, only_clean=clean))


def main() -> None:
    try:
        app()
    except CasuslabError as exc:
        print(f"casuslab: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        from casuslab.i18n import INTERRUPTED, _

        print("casuslab: " + _(INTERRUPTED), file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a damaged gradebook surfaces as a database error in any lecturer command
        if type(exc).__module__.startswith("sqlalchemy"):
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            print(f"casuslab: het gradebook kan niet gelezen worden: {reason}", file=sys.stderr)
            sys.exit(2)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
