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
    help="casuslab: case scenarios for social work ethics, professional secrecy and need analysis.",
    pretty_exceptions_enable=False,
)


@app.command()
def lint(
    paths: Optional[List[Path]] = typer.Argument(None, help="files or folders (default: scenarios/ and course/course.yaml)"),
    format: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Check scenarios, the reference catalogue and the course plan."""
    from casuslab.lint.command import run_lint

    raise typer.Exit(run_lint(paths or [], format))


@app.command()
def schema(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="default: scenarios/scenario.schema.json"),
    check: bool = typer.Option(False, "--check", help="only check that the file is up to date (exit 1 if not)"),
) -> None:
    """Write the JSON Schema of the scenario format, for editors (VS Code's YAML extension)."""
    from casuslab.scenario.schema import run_schema

    raise typer.Exit(run_schema(output, check))


@app.command()
def new(
    theme: str = typer.Argument(..., help="ethiek, beroepsgeheim or behoefteanalyse"),
    id: str = typer.Argument(..., help="the scenario's id, e.g. politie-aan-de-lijn (becomes the file name)"),
    scenarios: Path = typer.Option(Path("scenarios"), "--scenarios", help="the scenarios folder"),
) -> None:
    """Write a skeleton scenario SCENARIOS/THEME/ID.yaml, with comments explaining each field."""
    from casuslab.scenario.skeleton import run_new

    raise typer.Exit(run_new(theme, id, scenarios))


@app.command()
def score(
    scenario: Path = typer.Argument(..., help="the scenario YAML file"),
    answers: Path = typer.Argument(..., help="the answers JSON file"),
    json_: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Score one answers file against a scenario."""
    from casuslab.grade.score_command import run_score

    raise typer.Exit(run_score(scenario, answers, json_))


@app.command()
def build(
    course: Path = typer.Option(Path("course"), "--course", help="the course folder holding course.yaml"),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="where the scenarios are (default: scenarios/ beside the course folder)"),
) -> None:
    """Build the course plan into nbgrader source notebooks and nbgrader_config.py."""
    from casuslab.build.commands import run_build

    raise typer.Exit(run_build(course, scenarios))


@app.command()
def preview(
    scenario: Path = typer.Argument(..., help="the scenario YAML file"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="the HTML file (default: <id>.preview.html here)"),
) -> None:
    """Write one standalone HTML page of a scenario, keys included, for proofreading."""
    from casuslab.build.commands import run_preview

    raise typer.Exit(run_preview(scenario, output))


@app.command()
def lab(
    workspace: Path = typer.Option(Path("workspace"), "--workspace", help="the student workspace (built here; answers are kept)"),
    port: Optional[int] = typer.Option(None, "--port", help="the port on 127.0.0.1 (default: 8888, or a free one; 0: any free port)"),
    no_browser: bool = typer.Option(False, "--no-browser", help="do not open a browser"),
    course: Path = typer.Option(Path("course"), "--course", help="the course folder holding course.yaml"),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="where the scenarios are (default: scenarios/ beside the course folder)"),
) -> None:
    """Build the course in practice mode into a workspace and open it in JupyterLab (Ctrl+C stops)."""
    from casuslab.lab import run_lab

    raise typer.Exit(run_lab(workspace, course, scenarios, 8888 if port is None else port, not no_browser))


_COURSE_HELP = "de cursusmap (nbgrader's course root, met course.yaml)"


@app.command()
def assign(
    assignment: str = typer.Argument(..., help="de opdracht (id in course.yaml)"),
    course: Path = typer.Option(Path("course"), "--course", help=_COURSE_HELP),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="where the scenarios are (default: scenarios/ beside the course folder)"),
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
    from casuslab.grade.lms import run_export_formats

    raise typer.Exit(run_export_formats(course, assignment, format, profile))


@app.command()
def items(
    scenarios: List[Path] = typer.Argument(..., help="scenario files or folders"),
    format: str = typer.Option("moodle", "--format", help="moodle (Moodle XML) or qti (IMS QTI 2.1 zip)"),
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
    students: int = typer.Option(3, "--students", help="how many demo students (1-30)"),
    port: int = typer.Option(8000, "--port", help="the hub's port on 127.0.0.1"),
    clean: bool = typer.Option(False, "--clean", help="only remove what an interrupted demo left"),
) -> None:
    """A local multi-user demo: JupyterHub on 127.0.0.1 with one lecturer and a few students (as root; Ctrl+C removes them)."""
    from casuslab.hub.demo import run_hub_demo

    raise typer.Exit(run_hub_demo(students, port, only_clean=clean))


def main() -> None:
    try:
        app()
    except CasuslabError as exc:
        print(f"casuslab: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("casuslab: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a damaged gradebook surfaces as a database error in any lecturer command
        if type(exc).__module__.startswith("sqlalchemy"):
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            print(f"casuslab: het gradebook kan niet gelezen worden: {reason}", file=sys.stderr)
            sys.exit(2)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
