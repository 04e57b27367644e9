"""A PostgreSQL gradebook per course, owned by its own role.

Since PostgreSQL 15 ordinary roles cannot create tables in ``public`` of a database
they do not own, so the course's role owns its database; nbgrader creates its
tables itself. Other roles may not connect. The password lives in two 0600 files:
``<config-dir>/gradebook-<course>.secret`` (root) and the course owner's
``~/.jupyter/nbgrader_config.py``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path


class GradebookError(Exception):
    pass


def names(course_id: str) -> tuple[str, str]:
    """(role, database) for a course: ``casuslab_<course with _>``."""
    ident = "casuslab_" + course_id.replace("-", "_")
    return ident[:63], ident[:63]


def url(settings, course, password: str) -> str:
    role, db = names(course.id)
    pg = settings.postgres
    return f"postgresql+psycopg://{role}:{password}@{pg['host']}:{pg['port']}/{db}"


def psql_admin(settings, sql: str, *, database: str = "postgres") -> str:
    """Run SQL (given on stdin, so no secret shows in ``ps``) as the postgres superuser."""
    pg = settings.postgres
    proc = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
         "-h", pg["socket_dir"], "-p", str(pg["port"]), "-d", database],
        input=sql, capture_output=True, text=True, cwd="/")
    if proc.returncode != 0:
        raise GradebookError(
            f"PostgreSQL at {pg['socket_dir']} port {pg['port']} refused: {proc.stderr.strip()[-1500:]}\n"
            "Is the server running (systemctl status postgresql), and may the postgres account "
            "administer it over that socket?")
    return proc.stdout


def ensure(settings, course) -> str:
    """Create or update the course's role and database; return nbgrader's ``db_url``."""
    role, db = names(course.id)
    secret = Path(settings.config_dir) / f"gradebook-{course.id}.secret"
    if secret.exists():
        password = secret.read_text().strip()
    else:
        password = secrets.token_hex(16)
        secret.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w") as fh:
            fh.write(password + "\n")
    psql_admin(settings, f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
    CREATE ROLE "{role}" LOGIN;
  END IF;
END $$;
ALTER ROLE "{role}" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}';
""")
    exists = psql_admin(settings, f"SELECT 1 FROM pg_database WHERE datname = '{db}';").strip()
    if not exists:
        psql_admin(settings, f'CREATE DATABASE "{db}" OWNER "{role}";')
    psql_admin(settings, f'ALTER DATABASE "{db}" OWNER TO "{role}";\n'
                         f'REVOKE ALL ON DATABASE "{db}" FROM PUBLIC;\n'
                         f'GRANT ALL ON DATABASE "{db}" TO "{role}";')
    return url(settings, course, password)
