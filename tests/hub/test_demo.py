"""`casuslab hub`: the printed login works, and Ctrl+C leaves no account, folder or process behind."""

from __future__ import annotations

import http.cookiejar
import os
import pwd
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from casuslab.hub import accounts, demo
from casuslab.hub.runner import free_port


def test_casuslab_hub_demo(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("casuslab hub creates local accounts: it needs root (CI runs as root)")
    if (demo.DEMO_DIR / "demo.json").exists():
        pytest.skip(f"a casuslab hub demo is running on this machine ({demo.DEMO_DIR})")
    port = free_port()
    casuslab = Path(sys.executable).parent / "casuslab"
    proc = subprocess.Popen([str(casuslab), "hub", "--students", "1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output = []
    try:
        deadline = time.monotonic() + 900  # the first run installs the shared environment
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            output.append(line)
            if line.startswith("Formgrader (lecturer only)"):
                break
        text = "".join(output)
        assert f"http://127.0.0.1:{port}/" in text, text[-3000:]
        password = re.search(r"lecturer\s+docent\s+(\S+)", text).group(1)
        uids = [pwd.getpwnam(n).pw_uid for n in ("docent", "student1")]
        for name in ("docent", "student1"):
            assert Path(pwd.getpwnam(name).pw_dir).stat().st_mode & 0o777 == 0o700
        where = login(port, "student1", password)
        assert where and "/login" not in where, where
        assert login(port, "student1", "wrong") is None
        assert login(port, "root", password) is None  # not in the demo's group
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
        output.append(rest)
    assert proc.returncode == 0, "".join(output)[-3000:]
    assert "removed the demo accounts docent, student1" in rest
    for name in ("docent", "student1"):
        assert not accounts.exists(name)
    assert not demo.DEMO_DIR.exists()
    assert not [pid for uid in uids for pid in accounts.processes_of(uid)]


def login(port: int, user: str, password: str) -> str | None:
    """Log in through the hub's form, as a browser does; where it sends us, or None when refused."""
    jar = http.cookiejar.CookieJar()

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Stay)
    page = opener.open(f"http://127.0.0.1:{port}/hub/login", timeout=30).read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": user, "password": password, "_xsrf": xsrf}).encode()
    try:
        opener.open(f"http://127.0.0.1:{port}/hub/login", data=data, timeout=30)
    except urllib.error.HTTPError as exc:
        if exc.code == 302:
            return exc.headers["Location"]
        return None
    return None
