"""casuslab on JupyterHub: provisioning, integrity checks and the local demo.

Everything here but ``collect`` and ``browser`` uses only the standard library, so that ``deploy/setup.sh`` can
run it with Debian's own Python before the shared environment exists.

- ``settings``: what an installation is (one JSON file), and how re-runs compare.
- ``provision``: the steps of ``deploy/setup.sh`` (shared environment, exchange,
  nbgrader and Jupyter config, accounts, PostgreSQL gradebook, systemd unit).
- ``accounts``: local accounts with 0700 homes; processes of an account.
- ``gradebook``: a PostgreSQL gradebook per course, owned by its own role.
- ``integrity``: is a submission folder really the student's own?
- ``collect``: nbgrader's collect refusing submissions that are not (imports nbgrader).
- ``runner``: start and drive a hub (used by ``casuslab hub``, the test, the benchmark).
- ``harness``: a whole installation for a test or a benchmark, torn down after.
- ``browser``: a student in Chromium through the hub (imports Playwright).
- ``pgcluster``: a throw-away PostgreSQL cluster for tests.
- ``demo``: ``casuslab hub``.
"""
