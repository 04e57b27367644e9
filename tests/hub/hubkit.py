"""The hub test's cast and answers, over casuslab.hub.harness (setup.sh, accounts, hub, teardown)."""

from __future__ import annotations

import json
import pwd
import re
from pathlib import Path

from casuslab.hub import harness, runner
from casuslab.hub.harness import ENV, Installation, setup_sh

ROOT = harness.ROOT
DATA = ROOT / "tests" / "data"
SID = "politie-aan-de-lijn"
COURSE = "hubtest"
ASSIGNMENT = "casus"
GROUP = "clt-users"
LECTURER = "clt-lect"
STUDENTS = ["clt-s1", "clt-s2", "clt-s3"]
SERVICE_COURSE = "hubtest-shared"  # mode "service", added in the PostgreSQL run
GRADERS = ["clt-g1", "clt-g2"]


def documented_modes(inst: Installation) -> list[dict]:
    """docs/deploy.md's table "What a student can read", with this installation's paths and names.

    Each row: path, owner, group, mode (int), closed (the last column starts with "cannot").
    """
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = text.split("### What a student can read", 1)[1].split("\n#", 1)[0]
    names = {"/opt/casuslab-src": str(inst.source), "/opt/casuslab": inst.settings["prefix"],
             "/etc/casuslab": str(inst.hub.config_dir), "/var/lib/casuslab": inst.settings["state_dir"],
             "/srv/casuslab/exchange": str(inst.exchange), "/home/<lecturer>": str(inst.home(LECTURER)),
             "/home/<student>": str(inst.home(STUDENTS[0])), "<course>": COURSE,
             "<lecturer>": LECTURER, "<student>": STUDENTS[0], "casuslab-staff": f"{GROUP}-staff"}

    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))

    def local(cell: str) -> str:  # one pass: a replacement is never replaced again
        return pattern.sub(lambda m: names[m.group(0)], cell.strip().strip("`"))

    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`/"):
            continue
        rows.append({"path": local(cells[0]), "owner": local(cells[1]), "group": local(cells[2]),
                     "mode": int(cells[3], 8), "closed": cells[4].startswith("cannot")})
    assert len(rows) >= 10, section
    return rows


def check_idempotent(base: Path, argv: list[str]) -> None:
    """The same command again changes nothing; other settings are refused before any change."""
    files = [base / "etc" / "hub.json", Path(pwd.getpwnam(LECTURER).pw_dir) / ".jupyter" / "nbgrader_config.py",
             ENV / "etc" / "jupyter" / "nbgrader_config.py"]
    before = [f.read_bytes() for f in files]
    again = setup_sh(argv)
    assert again.returncode == 0, again.stderr
    assert [f.read_bytes() for f in files] == before
    other = list(argv)
    other[other.index("--gradebook") + 1] = "postgresql" if "sqlite" in argv else "sqlite"
    refused = setup_sh(other)
    assert refused.returncode == 2 and "different settings" in refused.stderr and "gradebook" in refused.stderr
    assert [f.read_bytes() for f in files] == before


def seed_course(install: Installation) -> None:
    """The lecturer's course plan: the contract's example scenario as an exam."""
    harness.seed_course(install, ASSIGNMENT, [DATA / f"{SID}.yaml"], DATA / "references.yaml")


def add_service_course(base: Path, argv: list[str]) -> None:
    """A second course on the same hub, graded by two graders in a shared formgrader service."""
    other = list(argv)
    i = other.index("--course")
    other[i + 1] = SERVICE_COURSE
    i = other.index("--lecturer")
    other[i:i + 2] = ["--graders", ",".join(GRADERS), "--service-port", str(runner.free_port())]
    done = setup_sh(other)
    assert done.returncode == 0, done.stderr
    settings = json.loads((base / "etc" / "hub.json").read_text())
    assert [c["id"] for c in settings["courses"]] == [COURSE, SERVICE_COURSE]


def installation(base: Path, gradebook: str, pg=None):
    def after_setup(base: Path, argv: list[str]) -> None:
        check_idempotent(base, argv)
        if gradebook == "postgresql":
            add_service_course(base, argv)

    return harness.installation(base, COURSE, LECTURER, STUDENTS, GROUP, gradebook, pg, after_setup=after_setup)


def stage_answers() -> dict:
    """The answers two students give through the API, and the exact total `casuslab grade` must record.

    politie-aan-de-lijn: reactie 2, welke-regels 3 (partial), stappen 2 (pairs) or herstel 2,
    verplicht 1 (accept 1-2); motivering is open (lecturer). Path: b/c -> overleg, a -> klacht.
    """
    return {
        "clt-s2": ({"reactie": "b", "welke-regels": ["a", "c", "e"],
                    "stappen": ["wie", "wet", "overleg", "noteren"], "verplicht": 2,
                    "motivering": "Ik beroep me als getuige op mijn zwijgrecht en weeg af."},
                   ["telefoon", "overleg", "dagvaarding"], 8.0),
        "clt-s3": ({"reactie": "a", "welke-regels": ["a", "b", "c", "e"], "herstel": "a", "verplicht": 2},
                   ["telefoon", "klacht", "dagvaarding"], 5.0),
    }
