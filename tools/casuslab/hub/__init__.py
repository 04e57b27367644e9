"""casuslab on JupyterHub: provisioning, integrity checks and the local demo.

Everything here uses only the standard library, so that ``deploy/setup.sh`` can
run it with Debian's own Python before the shared environment exists.

- ``settings``: what an installation is (one JSON file), and how re-runs compare.
- ``provision``: the steps of ``deploy/setup.sh`` (shared environment, exchange,
  nbgrader and Jupyter config, accounts, PostgreSQL gradebook, systemd unit).
- ``accounts``: local accounts with 0700 homes; processes of an account.
- ``integrity``: is a submission folder really the student's own?
- ``runner``: start and drive a hub (used by ``casuslab hub``, the test, the benchmark).
- ``pgcluster``: a throw-away PostgreSQL cluster for tests.
- ``demo``: ``casuslab hub``.
"""
