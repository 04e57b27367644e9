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


def main() -> None:
    try:
        app()
    except CasuslabError as exc:
        print(f"casuslab: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("casuslab: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
