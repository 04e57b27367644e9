"""casuslab on a real JupyterHub, end to end, with SQLite and with PostgreSQL (issue 6).

One lecturer and three students with 0700 homes; the hub and its configuration come
from deploy/setup.sh. The lecturer builds and releases with casuslab, the students
fetch, one answers with the widgets in Chromium through the hub, two through the
API, all submit, a third student forges a submission in another's name, the
lecturer collects and grades with casuslab. The test checks the files, the
gradebook (and with PostgreSQL an SQL query), never a status code alone
(pitfall 5). Run it alone with ``pytest -m hub`` (as root).
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

import hubkit
from casuslab.hub.browser import answer_first_stage
from casuslab.hub.harness import Installation
from casuslab.hub.runner import request
from hubkit import ASSIGNMENT, COURSE, LECTURER, SID, STUDENTS

pytestmark = pytest.mark.hub

BROWSER_STUDENT = "clt-s1"
BROWSER_TOTAL = 4.0  # reactie b (2) + welke-regels a, c of a, c, e (3 * 2/3)
FORGER, VICTIM = "clt-s3", "clt-s2"
ARTIFACTS = hubkit.ROOT / "test-artifacts"


@pytest.fixture
def base():
    if os.geteuid() != 0:
        pytest.skip("the hub test creates local accounts and runs JupyterHub as root; run it as root (CI does)")
    path = Path(tempfile.mkdtemp(prefix="casuslab-hubtest-", dir="/var/tmp"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("gradebook", ["sqlite", "postgresql"])
def test_hub_round_trip(gradebook, base):
    pg = None
    if gradebook == "postgresql":
        from casuslab.hub.pgcluster import Cluster
        from casuslab.hub.runner import free_port

        pg = Cluster(free_port(), base=str(base / "pg")).start()
    try:
        with hubkit.installation(base, gradebook, pg) as inst:
            try:
                hubkit.seed_course(inst)
                round_trip(inst)
            finally:
                ARTIFACTS.mkdir(exist_ok=True)
                shutil.copy(inst.hub.log_path, ARTIFACTS / f"hub-{gradebook}.log")
    finally:
        if pg is not None:
            pg.stop()


def round_trip(inst: Installation) -> None:
    users = [LECTURER, *STUDENTS]
    for user in users:
        assert Path(pwd.getpwnam(user).pw_dir).stat().st_mode & 0o777 == 0o700  # pitfall 1
    assert re.search(r"^HOME_MODE\s+0700$", Path("/etc/login.defs").read_text(), re.M)
    loose = Path(pwd.getpwnam(STUDENTS[2]).pw_dir)
    os.chmod(loose, 0o755)  # a home made by other means: the hub tightens it before the server starts
    t = time.perf_counter()
    for user in users:
        inst.hub.spawn(user)
    inst.hub.wait_ready(users)
    inst.timings["4 spawns"] = time.perf_counter() - t
    assert loose.stat().st_mode & 0o777 == 0o700

    # 1. the lecturer builds and releases (as in a terminal of the hub)
    with inst.timed("assign + release"):
        inst.casuslab("assign", ASSIGNMENT)
        inst.casuslab("release", ASSIGNMENT)
    released = inst.exchange / COURSE / "outbound" / ASSIGNMENT
    assert (released / f"{SID}.ipynb").is_file() and (released / f"{SID}.case.json").is_file()
    assert not list(released.glob("*.answers.json"))

    check_what_students_read(inst)
    check_formgrader_only_for_lecturer(inst)
    check_students_see_no_code(inst)
    culler = inst.hub.api("GET", "/services").json()["idle-culler"]
    assert culler["pid"] and os.path.exists(f"/proc/{culler['pid']}")
    assert "--timeout=3600" in culler["command"]
    if inst.gradebook == "postgresql":
        check_shared_formgrader(inst)

    # 2. the students fetch
    with inst.timed("3 fetches"):
        folders = {s: inst.fetch(s, ASSIGNMENT, f"{SID}.ipynb") for s in STUDENTS}

    # 3. one student answers with the widgets, in Chromium, logged in through the hub
    with inst.timed("browser answers"):
        answer_first_stage(inst, BROWSER_STUDENT, f"{COURSE}/{ASSIGNMENT}/{SID}.ipynb",
                           folders[BROWSER_STUDENT] / f"{SID}.answers.json",
                           screenshot=ARTIFACTS / f"hub-{inst.gradebook}-browser.png")

    # 4. the others write their answers through their own servers
    expected = {BROWSER_STUDENT: BROWSER_TOTAL}
    for student, (answers, stages, total) in hubkit.stage_answers().items():
        inst.write_answers(student, ASSIGNMENT, SID, answers, stages)
        expected[student] = total

    # 5. everyone submits
    with inst.timed("3 submits"):
        genuine = {s: inst.submit(s, ASSIGNMENT) for s in STUDENTS}

    # a student forges a newer, all-wrong submission in another student's name (pitfall 3)
    forged = forge_submission(inst)
    check_students_are_walled_off(inst)

    # 6. the lecturer collects and grades with casuslab
    with inst.timed("collect"):
        out = inst.casuslab("collect", ASSIGNMENT)
    assert "Niet (volledig) opgehaald" in out and "geweigerd" in out, out  # the table, in Dutch
    assert "UTC+forged" in out and FORGER in out, out  # the forged folder, and whose it really is
    submitted = inst.course_root / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(STUDENTS)
    victim_ts = (submitted / VICTIM / ASSIGNMENT / "timestamp.txt").read_text().strip()
    assert victim_ts == (genuine[VICTIM] / "timestamp.txt").read_text().strip()
    for student in STUDENTS:  # the exchange's change time, recorded by the lecturer's collect (issue 9 item 7)
        assert (submitted / student / ASSIGNMENT / ".casuslab-collected.json").is_file()
    with inst.timed("grade"):
        graded = inst.casuslab("grade", ASSIGNMENT)
    assert "aangepast" not in graded, graded  # honest submissions keep their own time ("tijdstip aangepast")

    print("timings (s):", {k: round(v, 1) for k, v in inst.timings.items()})
    # 7. exact scores in the gradebook
    assert gradebook_scores(inst) == expected
    if inst.gradebook == "postgresql":
        assert not (inst.course_root / "gradebook.db").exists()
        assert sql_scores(inst) == expected


# -- the parts ---------------------------------------------------------------------


def check_what_students_read(inst) -> None:
    """Issue 9: the checkout (answer keys) is closed to students, the exchange's course folder is the
    lecturer's; every row of docs/deploy.md's "What a student can read" holds on this installation."""
    import grp
    import subprocess

    from casuslab.hub.lockdown import answer_keys_in

    scenario = next(p for p in sorted((inst.source / "scenarios").rglob("*.yaml")) if "correct: true" in p.read_text())
    student = subprocess.run(["runuser", "-u", STUDENTS[0], "--", "cat", str(scenario)],
                             capture_output=True, text=True, cwd="/")
    assert student.returncode != 0 and "correct" not in student.stdout, student
    assert "Permission denied" in student.stderr, student.stderr
    lecturer = subprocess.run(["runuser", "-u", LECTURER, "--", "cat", str(scenario)],
                              capture_output=True, text=True, cwd="/")
    assert lecturer.returncode == 0 and "correct: true" in lecturer.stdout, lecturer.stderr
    site = inst.python_as(STUDENTS[0], "import casuslab, os; print(os.path.dirname(casuslab.__file__))").strip()
    assert site.startswith(inst.settings["prefix"]) and answer_keys_in(Path(site)) == []

    rows = hubkit.documented_modes(inst)
    for row in rows:
        st = os.lstat(row["path"])
        seen = (pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name, st.st_mode & 0o7777)
        assert seen == (row["owner"], row["group"], row["mode"]), (row["path"], oct(st.st_mode), seen)
    course_dir = inst.exchange / COURSE
    out = inst.python_as(STUDENTS[0], f"""
import json, os
result = {{}}
for path in {[r["path"] for r in rows]!r}:
    try:
        os.listdir(path) if os.path.isdir(path) else open(path).read()
        result[path] = "open"
    except PermissionError:
        result[path] = "closed"
try:
    os.rename({str(course_dir)!r}, {str(course_dir) + "-mine"!r})
    result["rename"] = "done"
except PermissionError:
    result["rename"] = "refused"
print(json.dumps(result))
""")
    result = json.loads(out)
    assert result.pop("rename") == "refused"
    assert result == {r["path"]: "closed" if r["closed"] else "open" for r in rows}, result


def check_formgrader_only_for_lecturer(inst) -> None:
    """Pitfall 4: formgrader answers the lecturer only; a student gets 404 in their own server."""
    lect = inst.server(LECTURER, "GET", "/formgrader/api/status")
    assert lect.status == 200 and json.loads(lect.text) == {"status": True}
    for student in STUDENTS:
        r = inst.server(student, "GET", "/formgrader/api/status")
        assert r.status == 404, (student, r.status, r.text[:200])
        assert '"status": true' not in r.text
    # nor can a student reach the lecturer's server at all
    other = inst.hub.server_url(LECTURER) + "/formgrader/api/status"
    r = request("GET", other, inst.token(STUDENTS[0]))
    assert r.status == 403 and '"status": true' not in r.text
    # and the lab plugins are off for students, on for the lecturer
    assert "@jupyter/nbgrader:formgrader" in disabled_plugins(inst, STUDENTS[0])
    assert "@jupyter/nbgrader:formgrader" not in disabled_plugins(inst, LECTURER)


def check_shared_formgrader(inst) -> None:
    """The second course's formgrader, a hub service: its graders get in; students and others do not."""
    url = f"{inst.hub.url}/services/{hubkit.SERVICE_COURSE}/formgrader/api/status"
    deadline = time.monotonic() + 60
    for grader in hubkit.GRADERS:
        inst.hub.add_user(grader)
        while True:
            r = request("GET", url, inst.token(grader))
            if r.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)  # the service may still be starting
        assert r.status == 200 and json.loads(r.text) == {"status": True}, (grader, r.status, r.text[:300])
    for outsider in (STUDENTS[0], LECTURER):
        r = request("GET", url, inst.token(outsider))
        assert r.status == 403 and '"status": true' not in r.text, (outsider, r.status)
    root = Path(next(c["root"] for c in inst.settings["courses"] if c["id"] == hubkit.SERVICE_COURSE))
    assert root.parent.parent.stat().st_mode & 0o777 == 0o700  # grader-<course>'s home


def check_students_see_no_code(inst) -> None:
    """What `casuslab lab` gives a student (tools/casuslab/lab/student_config.py), on the hub too:
    the CSS that hides hidden code cells' placeholders, no news, the kernel started without asking.
    The lecturer sees the placeholders (and can open the code); the browser step checks the page."""
    from casuslab.lab.student_config import CUSTOM_CSS

    student = STUDENTS[0]
    page = inst.server(student, "GET", "/lab")
    assert "custom/custom.css" in page.text, page.text[:500]
    css = inst.server(student, "GET", "/custom/custom.css")
    assert css.status == 200 and css.text == CUSTOM_CSS, (css.status, css.text[:300])
    assert page_config(inst, student)["news"] == {"disabled": True}
    tracker = inst.server(student, "GET", "/lab/api/settings/@jupyterlab/notebook-extension:tracker").json()
    assert tracker["schema"]["properties"]["autoStartDefaultKernel"]["default"] is True
    news = inst.server(student, "GET", "/lab/api/settings/@jupyterlab/apputils-extension:notification").json()
    assert news["schema"]["properties"]["fetchNews"]["default"] == "false"
    lecturer = inst.server(LECTURER, "GET", "/lab")
    assert lecturer.status == 200 and "custom/custom.css" not in lecturer.text
    assert page_config(inst, LECTURER)["news"] == {"disabled": True}


def page_config(inst, user: str) -> dict:
    page = inst.server(user, "GET", "/lab")
    m = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page.text, re.S)
    assert m, page.text[:500]
    return json.loads(m.group(1))


def disabled_plugins(inst, user: str) -> list[str]:
    return page_config(inst, user).get("disabledExtensions", [])


def forge_submission(inst) -> Path:
    """As FORGER: copy their own (wrong) work into inbound under VICTIM's name, newer than VICTIM's."""
    inbound = inst.exchange / COURSE / "inbound"
    name = f"{VICTIM}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+forged"
    wrong = {"format": "casuslab/answers-v1", "scenario": SID, "submitted_stages": ["telefoon"],
             "answers": {"reactie": "a", "welke-regels": ["b", "d"], "herstel": "c", "verplicht": 5}}
    inst.python_as(FORGER, f"""
import json, os, shutil
src = os.path.expanduser("~/{COURSE}/{ASSIGNMENT}")
dst = {str(inbound / name)!r}
shutil.copytree(src, dst)
json.dump({wrong!r}, open(os.path.join(dst, "{SID}.answers.json"), "w"))
open(os.path.join(dst, "timestamp.txt"), "w").write("2099-01-01 00:00:00.000000 UTC")
os.chmod(dst, 0o777)
""")
    forged = inbound / name
    assert forged.is_dir() and forged.stat().st_uid == pwd.getpwnam(FORGER).pw_uid
    return forged


def check_students_are_walled_off(inst) -> None:
    """Pitfall 1: a student reads neither the lecturer's course nor another student's answers."""
    targets = {
        "course folder": str(inst.course_root),
        "course plan": str(inst.course_root / "course.yaml"),
        "lecturer config": str(Path(pwd.getpwnam(LECTURER).pw_dir) / ".jupyter" / "nbgrader_config.py"),
        "other answers": str(Path(pwd.getpwnam(STUDENTS[1]).pw_dir) / COURSE / ASSIGNMENT / f"{SID}.answers.json"),
        "inbound listing": str(inst.exchange / COURSE / "inbound"),
    }
    if inst.gradebook == "sqlite":
        targets["gradebook"] = str(inst.course_root / "gradebook.db")
    out = inst.python_as(STUDENTS[0], f"""
import json, os
result = {{}}
for what, path in {targets!r}.items():
    try:
        os.listdir(path) if os.path.isdir(path) or what == "course folder" else open(path).read()
        result[what] = "READABLE"
    except PermissionError:
        result[what] = "denied"
    except FileNotFoundError:
        result[what] = "missing"
print(json.dumps(result))
""")
    result = json.loads(out)
    assert result["other answers"] == "denied" and result["inbound listing"] == "denied", result
    assert all(v == "denied" for v in result.values()), result
    for what, path in targets.items():  # each target really exists (as root sees it)
        assert Path(path).exists(), what


def gradebook_scores(inst) -> dict:
    """Each student's total for the assignment, from nbgrader's gradebook as the lecturer reads it."""
    out = inst.python_as(LECTURER, f"""
import json, os
os.chdir({str(inst.course_root)!r})
from casuslab.grade.course import open_course
from nbgrader.api import Gradebook
course = open_course(".")
with Gradebook(course.db_url, course.course_id) as gb:
    print(json.dumps({{s.student.id: round(s.score, 2) for s in gb.assignment_submissions({ASSIGNMENT!r})}}))
""")
    return json.loads(out.strip().splitlines()[-1])


def sql_scores(inst) -> dict:
    """The same totals by an SQL query, as the course's own PostgreSQL role."""
    from casuslab.hub.gradebook import names

    role, database = names(COURSE)
    password = (inst.hub.config_dir / f"gradebook-{COURSE}.secret").read_text().strip()
    rows = inst.pg.psql(
        "SELECT sa.student_id, ROUND(SUM(COALESCE(g.manual_score, g.auto_score, 0))::numeric, 2) "
        "FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id "
        "JOIN submitted_assignment sa ON sn.assignment_id = sa.id "
        "JOIN assignment a ON sa.assignment_id = a.id "
        f"WHERE a.name = '{ASSIGNMENT}' GROUP BY sa.student_id ORDER BY 1;",
        user=role, database=database, password=password)
    return {line.split("|")[0]: float(line.split("|")[1]) for line in rows.strip().splitlines()}
