"""deploy/setup.sh refuses clearly, before changing anything; the submission owner check.

These run in a second each (no hub is started). The refusal for an installation with
other settings, and idempotency, are checked inside the hub test on a real installation.
"""

from __future__ import annotations

import getpass
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

from casuslab.hub.integrity import check_submission_owner, genuine_latest, scan_inbound
from casuslab.hub.settings import Settings, merge, parser, from_args

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "deploy" / "setup.sh"


def run_setup(args: list[str], user: str | None = None) -> subprocess.CompletedProcess:
    kw = {}
    if user:
        entry = pwd.getpwnam(user)
        kw = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    return subprocess.run(["bash", str(SETUP), *args], capture_output=True, text=True, cwd="/", timeout=60, **kw)


def test_refuses_when_not_root(tmp_path):
    done = run_setup(["--lecturer", "nobody-lect", "--prefix", str(tmp_path / "env")],
                     user="nobody" if os.geteuid() == 0 else None)
    assert done.returncode == 2 and "run this as root" in done.stderr
    assert not (tmp_path / "env").exists()


def test_refuses_without_systemd(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the systemd check comes after the root check")
    if os.path.isdir("/run/systemd/system"):
        pytest.skip("this machine runs systemd")
    done = run_setup(["--course", "x-course", "--lecturer", "clt-nosystemd", "--prefix", str(tmp_path / "env"),
                      "--config-dir", str(tmp_path / "etc"), "--exchange", "/srv/casuslab-test-never/exchange"])
    assert done.returncode == 2 and "does not run systemd" in done.stderr and "--no-systemd" in done.stderr
    assert not (tmp_path / "env").exists() and not (tmp_path / "etc").exists()
    assert not Path("/srv/casuslab-test-never").exists()
    with pytest.raises(KeyError):
        pwd.getpwnam("clt-nosystemd")


def test_refuses_an_environment_students_cannot_run(tmp_path):
    """Pitfall 2: a Python or a prefix under a private folder (such as /root) is refused at once."""
    if os.geteuid() != 0:
        pytest.skip("the check comes after the root check")
    private = tmp_path / "private"
    private.mkdir()
    real = private / "python3"
    shutil.copy("/usr/bin/python3", real)
    os.chmod(private, 0o700)
    base = ["--no-systemd", "--course", "x-course", "--lecturer", "clt-private",
            "--config-dir", str(tmp_path / "etc"), "--exchange", "/srv/casuslab-test-never/exchange"]
    for extra in (["--python", str(real), "--prefix", str(tmp_path / "env")],
                  ["--prefix", str(private / "env")]):
        done = run_setup(base + extra)
        assert done.returncode == 2 and "other users cannot enter" in done.stderr, done.stderr
    assert not (tmp_path / "env").exists() and not (private / "env").exists()
    with pytest.raises(KeyError):
        pwd.getpwnam("clt-private")


def test_help_needs_no_root():
    done = run_setup(["--help"], user="nobody" if os.geteuid() == 0 else None)
    assert done.returncode == 0 and "--no-systemd" in done.stdout and "--gradebook" in done.stdout


def _settings(**over) -> Settings:
    args = parser().parse_args(["--course", "c1", "--lecturer", "lect1", "--no-systemd"]
                               + [x for k, v in over.items() for x in (f"--{k}", v)])
    return from_args(args, None)


def test_settings_merge_adds_courses_and_refuses_changes():
    old = _settings()
    same, conflicts = merge(old, _settings())
    assert conflicts == [] and same.to_dict() == old.to_dict()
    added, conflicts = merge(old, _settings(course="c2", lecturer="lect2"))
    assert conflicts == [] and [c.id for c in added.courses] == ["c1", "c2"]
    _, conflicts = merge(old, _settings(gradebook="postgresql"))
    assert conflicts and "gradebook" in conflicts[0]
    _, conflicts = merge(old, _settings(exchange="/srv/other"))
    assert conflicts and conflicts[0].startswith("exchange")


def test_submission_owner(tmp_path):
    me = getpass.getuser()
    other = "nobody" if me != "nobody" else "root"
    inbound = tmp_path / "inbound"
    genuine = inbound / f"{me}+a1+2026-01-01 10:00:00.000000 UTC+x1"
    forged = inbound / f"{other}+a1+2026-01-02 10:00:00.000000 UTC+x2"
    for folder in (genuine, forged):
        folder.mkdir(parents=True)
        (folder / "n.ipynb").write_text("{}")
    assert check_submission_owner(genuine, me) is None
    problem = check_submission_owner(forged, other)
    assert problem and f"zegt van {other} te zijn" in problem and me in problem
    link = inbound / f"{me}+a1+2026-01-03 10:00:00.000000 UTC+x3"
    link.symlink_to(genuine)
    assert "symbolische link" in check_submission_owner(link, me)
    latest, refused = genuine_latest(scan_inbound(inbound, "a1"))
    assert latest[me].path == genuine and {r.path for r in refused} == {forged, link}
    if os.geteuid() == 0:  # a file slipped into a genuine folder by someone else
        slipped = genuine / "extra.txt"
        slipped.write_text("x")
        os.chown(slipped, pwd.getpwnam("nobody").pw_uid, -1)
        assert "extra.txt" in check_submission_owner(genuine, me)


def test_systemd_unit_restarts_only_on_change(tmp_path, monkeypatch):
    from casuslab.hub import provision

    calls = []
    monkeypatch.setattr(provision, "SYSTEMD_DIR", tmp_path)
    monkeypatch.setattr(provision, "run", lambda argv, **kw: calls.append(argv[1:]))
    settings = _settings()
    provision.systemd_unit(settings, changed=False)  # a new unit: restart
    unit = (tmp_path / provision.UNIT).read_text()
    assert f"ExecStart={settings.prefix}/bin/jupyterhub -f {settings.config_dir}/jupyterhub_config.py" in unit
    assert calls[-1] == ["restart", provision.UNIT] and ["enable", provision.UNIT] in calls
    provision.systemd_unit(settings, changed=False)  # nothing changed: start (a no-op when running)
    assert calls[-1] == ["start", provision.UNIT]
    provision.systemd_unit(settings, changed=True)  # casuslab or the settings changed
    assert calls[-1] == ["restart", provision.UNIT]


def test_students_on_the_hub_get_what_casuslab_lab_gives(tmp_path):
    """No placeholder for hidden code, no news, no kernel chooser: the shared environment's config
    is written by the same function as `casuslab lab`'s; formgrader stays off there."""
    import json

    from casuslab.hub import provision
    from casuslab.lab import student_config
    from casuslab.lab.server import write_settings

    settings = _settings(prefix=str(tmp_path / "env"), **{"config-dir": str(tmp_path / "etc")})
    legacy = tmp_path / "env" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    legacy.parent.mkdir(parents=True)
    legacy.write_text(provision.LEGACY_OVERRIDES)  # what an earlier setup.sh left
    provision.jupyter_environment(settings)
    etc = tmp_path / "env" / "etc" / "jupyter"
    write_settings(tmp_path / "lab")  # what `casuslab lab` writes for its student
    lab = tmp_path / "lab" / "config"

    hub_lab = json.loads((etc / "jupyter_lab_config.json").read_text())
    assert hub_lab["LabApp"] == json.loads((lab / "jupyter_lab_config.json").read_text())["LabApp"]
    assert hub_lab["LabApp"]["custom_css"] is True and hub_lab["LabApp"]["news_url"] is None
    assert hub_lab["ServerApp"]["tornado_settings"]["static_custom_path"] == [str(etc / "custom")]
    css = (etc / "custom" / "custom.css").read_text()
    assert ".jp-Notebook .jp-InputPlaceholder { display: none; }" in css
    assert css == (lab / "custom" / "custom.css").read_text()
    defaults = (etc / "labconfig" / "default_setting_overrides.json").read_text()
    assert defaults == (lab / "labconfig" / "default_setting_overrides.json").read_text()
    assert json.loads(defaults) == {
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension:tracker": {"autoStartDefaultKernel": True}}
    for path in (etc / "jupyter_lab_config.json", etc / "custom" / "custom.css",
                 etc / "labconfig" / "default_setting_overrides.json"):
        assert path.stat().st_mode & 0o777 == 0o644  # every student's server reads them
    assert not legacy.exists()
    # formgrader stays off for everyone here (and on in the lecturer's ~/.jupyter)
    page = json.loads((etc / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    server_d = json.loads((etc / "jupyter_server_config.d" / "zz-casuslab-formgrader-off.json").read_text())
    assert server_d["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    # a second run changes nothing
    before = {p: p.read_bytes() for p in etc.rglob("*") if p.is_file()}
    assert student_config.write_student_config(etc) == []
    provision.jupyter_environment(settings)
    assert {p: p.read_bytes() for p in etc.rglob("*") if p.is_file()} == before


def test_staff_see_the_placeholders_and_keep_their_own_lab_config(tmp_path):
    import json

    from casuslab.hub import provision

    path = tmp_path / ".jupyter" / "jupyter_lab_config.json"
    provision.staff_lab_config(path)
    assert json.loads(path.read_text()) == {"LabApp": {"custom_css": False}}
    path.write_text('{"LabApp": {"collaborative": true, "custom_css": true}, "ServerApp": {"x": 1}}')
    provision.staff_lab_config(path)
    assert json.loads(path.read_text()) == {"LabApp": {"collaborative": True, "custom_css": False},
                                            "ServerApp": {"x": 1}}


def test_a_course_folder_a_student_made_first_is_moved_aside(tmp_path):
    """Issue 9, item 6: setup makes <exchange>/<course> the course owner's, with nbgrader's modes."""
    if os.geteuid() != 0:
        pytest.skip("needs root: the folders belong to other accounts")
    from casuslab.hub import provision

    owner, student = "daemon", "nobody"  # two accounts every Debian has
    settings = _settings(lecturer=owner)
    exchange = tmp_path / "srv" / "exchange"
    settings.exchange = str(exchange)  # (--exchange refuses /tmp, where pytest's tmp_path is)
    squatted = exchange / "c1"
    (squatted / "outbound" / "a1").mkdir(parents=True)  # a fake release, made before the lecturer's
    for path in (squatted, squatted / "outbound", squatted / "outbound" / "a1"):
        os.chown(path, pwd.getpwnam(student).pw_uid, -1)
    os.chmod(exchange, 0o1777)

    provision.exchange(settings)
    uid = pwd.getpwnam(owner).pw_uid
    modes = {name: (os.lstat(exchange / "c1" / name).st_uid, os.lstat(exchange / "c1" / name).st_mode & 0o7777)
             for name in (".", "outbound", "inbound", "feedback")}
    assert modes == {".": (uid, 0o755), "outbound": (uid, 0o755), "inbound": (uid, 0o2733),
                     "feedback": (uid, 0o711)}
    assert not (exchange / "c1" / "outbound" / "a1").exists()
    aside = [p for p in exchange.iterdir() if p.name.startswith(".c1.weggezet-")]
    assert len(aside) == 1 and (aside[0] / "outbound" / "a1").is_dir()
    assert aside[0].stat().st_uid == 0 and aside[0].stat().st_mode & 0o777 == 0o700
    assert exchange.stat().st_mode & 0o7777 == 0o1777 and exchange.stat().st_uid == 0

    provision.exchange(settings)  # again: the owner's folders stay as they are
    assert len([p for p in exchange.iterdir() if p.name.startswith(".c1.")]) == 1
    assert os.lstat(exchange / "c1").st_uid == uid


def test_the_checkout_is_closed_and_the_package_holds_no_key(tmp_path):
    """Issue 9, item 1: the checkout becomes 0750 for the staff group; an answer key in the package is found."""
    from casuslab.hub import lockdown

    package = tmp_path / "casuslab"
    (package / "i18n").mkdir(parents=True)
    (package / "i18n" / "x.json").write_text('{"label": "correct"}')
    (package / "schema.json").write_text('{"properties": {"correct": {"type": "boolean"}, '
                                         '"model_answer": {"type": "string"}}}')  # names the fields only
    assert lockdown.answer_keys_in(package) == []
    (package / "data").mkdir()
    (package / "data" / "case.yaml").write_text("options:\n  - id: a\n    correct: true\n")
    (package / "data" / "spec.json").write_text('{"q": {"model_answer": "Ik zwijg."}}')
    assert lockdown.answer_keys_in(package) == [str(package / "data" / "case.yaml"),
                                                str(package / "data" / "spec.json")]
    installed = Path(__import__("casuslab").__file__).parent
    assert lockdown.answer_keys_in(installed) == []  # what pip installs from tools/casuslab

    if os.geteuid() != 0:
        return
    import grp

    repo = tmp_path / "src"
    (repo / "scenarios").mkdir(parents=True)
    group = "clt-chk"
    try:
        assert lockdown.protect_source(repo, group, []) == "clt-chk-staff"
        st = repo.stat()
        assert st.st_mode & 0o777 == 0o750 and grp.getgrgid(st.st_gid).gr_name == "clt-chk-staff"
    finally:
        from casuslab.hub import accounts

        accounts.remove_group("clt-chk-staff")


def test_refuses_folders_inside_the_checkout(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the check comes after the root check")
    done = run_setup(["--no-systemd", "--course", "x-course", "--lecturer", "clt-inside",
                      "--config-dir", str(tmp_path / "etc"), "--prefix", str(ROOT / "clt-never-env")])
    assert done.returncode == 2 and "lies in the checkout" in done.stderr, done.stderr
    assert not (ROOT / "clt-never-env").exists() and not (tmp_path / "etc").exists()
    with pytest.raises(KeyError):
        pwd.getpwnam("clt-inside")
