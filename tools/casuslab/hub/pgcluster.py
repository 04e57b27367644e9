"""A throw-away PostgreSQL cluster for tests: ``initdb`` and ``pg_ctl`` as the postgres account.

It listens on 127.0.0.1 on its own port, with its own socket folder, so it never
touches a cluster the machine already runs. Authentication is as in production:
peer on the socket (the postgres account administers), scram passwords over TCP.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


class ClusterError(Exception):
    pass


def pg_bin() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<v>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise ClusterError("PostgreSQL is not installed (apt-get install postgresql)")


class Cluster:
    def __init__(self, port: int, base: str | None = None):
        try:
            self.postgres = pwd.getpwnam("postgres")
        except KeyError:
            raise ClusterError("there is no postgres account (apt-get install postgresql)") from None
        self.port = port
        self.bin = pg_bin()
        self.base = Path(base or tempfile.mkdtemp(prefix="casuslab-pg-", dir="/var/tmp"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "socket"
        self.log = self.base / "postgres.log"

    def _as_postgres(self, argv: list[str], **kw) -> subprocess.CompletedProcess:
        return subprocess.run(argv, user=self.postgres.pw_uid, group=self.postgres.pw_gid,
                              extra_groups=[], cwd="/", capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, **kw)

    def start(self) -> "Cluster":
        self.base.mkdir(parents=True, exist_ok=True)
        os.chmod(self.base, 0o755)
        self.socket_dir.mkdir(exist_ok=True)
        for p in (self.base, self.socket_dir):
            os.chown(p, self.postgres.pw_uid, self.postgres.pw_gid)
        if not self.data.exists():
            r = self._as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                                   "--auth-local=peer", "--auth-host=scram-sha-256",
                                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
            if r.returncode != 0:
                raise ClusterError(f"initdb failed: {r.stderr.strip()[-1500:]}")
        opts = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                f"-c fsync=off -c shared_buffers=32MB")
        r = self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                               "-o", opts, "-w", "-t", "60", "start"])
        if r.returncode != 0:
            raise ClusterError(f"pg_ctl start failed: {r.stderr.strip()} {self._log_tail()}")
        return self

    def stop(self, remove: bool = True) -> None:
        if self.data.exists():
            self._as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                               "-t", "30", "stop"])
        if remove:
            shutil.rmtree(self.base, ignore_errors=True)

    def psql(self, sql: str, *, user: str = "postgres", database: str = "postgres",
             password: str | None = None) -> str:
        """Run SQL; as ``postgres`` over the socket, as any other role over TCP with its password."""
        argv = ["psql", "-X", "-q", "-t", "-A", "-F", "|", "-v", "ON_ERROR_STOP=1", "-d", database]
        if user == "postgres":
            r = self._as_postgres(argv + ["-h", str(self.socket_dir), "-p", str(self.port)], input=sql)
        else:
            env = {"PATH": "/usr/bin:/bin", "PGPASSWORD": password or ""}
            r = subprocess.run(argv + ["-h", "127.0.0.1", "-p", str(self.port), "-U", user],
                               input=sql, capture_output=True, text=True, env=env, cwd="/")
        if r.returncode != 0:
            raise ClusterError(f"psql failed: {r.stderr.strip()[-1500:]}")
        return r.stdout

    def _log_tail(self) -> str:
        try:
            return self.log.read_text()[-1500:]
        except OSError:
            return ""

    def wait(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self._as_postgres([str(self.bin / "pg_isready"), "-h", str(self.socket_dir),
                                   "-p", str(self.port)])
            if r.returncode == 0:
                return
            time.sleep(0.2)
        raise ClusterError("PostgreSQL did not become ready")
