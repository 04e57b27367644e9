#!/usr/bin/env bash
# casuslab on one Debian VM: JupyterHub + nbgrader's exchange + formgrader for lecturers.
#
#   sudo deploy/setup.sh --lecturer NAME [--gradebook postgresql] [...]
#   deploy/setup.sh --help
#
# Idempotent: run it again with the same options and nothing changes; add a course
# by running it with another --course. It refuses, before changing anything, when
# it is not run as root, when the machine does not run systemd (test harnesses pass
# --no-systemd), or when an installation with different settings exists.
# What it does, step by step, is in tools/casuslab/hub/provision.py; the guide is
# docs/deploy.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
for arg in "$@"; do
  case "$arg" in -h|--help) exec env PYTHONPATH="$repo/tools" python3 -m casuslab.hub.provision --help ;; esac
done
if [ "$(id -u)" != 0 ]; then
  echo "setup: refused: run this as root: sudo $0 $*" >&2
  exit 2
fi
if ! [ -x /usr/bin/python3 ]; then
  echo "setup: installing python3 (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv
fi
exec env PYTHONPATH="$repo/tools" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 -m casuslab.hub.provision --repo "$repo" "$@"
