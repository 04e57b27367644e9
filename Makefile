# Every target creates and reuses .venv; `make test` and `make lab` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lab demo bench lint build system-deps clean browser-deps bench-student i18n hub bench-hub bench-report

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests drive: headless Chromium for the browser tests; for the hub
# test, PostgreSQL (a throw-away cluster) and python3-venv (deploy/setup.sh's shared env).
system-deps:
	@MISSING=""; \
	command -v chromium >/dev/null 2>&1 || MISSING="$$MISSING chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || MISSING="$$MISSING postgresql"; \
	/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || MISSING="$$MISSING python3-venv"; \
	[ -z "$$MISSING" ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$MISSING; }

# axe-core (npm) for the browser tests' accessibility check; npm from Debian when missing.
browser-deps: system-deps
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q npm; }
	@test -f tests/browser/node_modules/axe-core/axe.min.js || \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

test: $(STAMP) system-deps browser-deps
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/casuslab lint

build: $(STAMP)
	$(BIN)/casuslab build

lab: $(STAMP)
	$(BIN)/casuslab lab

demo: $(STAMP)
	$(BIN)/casuslab demo

# casuslab on a local JupyterHub (root: it creates demo accounts; Ctrl+C removes them)
hub: $(STAMP) system-deps
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) $(BIN)/casuslab hub

# spawn 10 users on a local hub: memory per server, a full round trip (root)
bench-hub: $(STAMP) system-deps
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) $(BIN)/python benchmarks/hub_measure.py

bench: $(STAMP) bench-student bench-report
	$(BIN)/python benchmarks/run.py

# casuslab report (class analytics) on 300 graded simulated students: time against the 5 s target
bench-report: $(STAMP)
	$(BIN)/python benchmarks/report_bench.py

# the rubric pre-scorer against expert levels (tests/data/rubric_eval): kappa_w per split and scenario
.PHONY: bench-rubric
bench-rubric: $(STAMP)
	$(BIN)/python benchmarks/rubric_agreement.py

# the student widgets in a real JupyterLab: Run All until rendered, click until on disk
bench-student: $(STAMP) browser-deps
	$(BIN)/python benchmarks/student_bench.py

# the student runtime's message catalogues: extract, merge into the .po files, compile the .mo files
I18N := tools/casuslab/student/i18n
# the student runtime and every command a trainer or lecturer reads (one catalogue, see casuslab.i18n)
I18N_SOURCES := $(addprefix tools/casuslab/,student lab i18n lint scenario build)
i18n: $(STAMP)
	@mkdir -p build
	$(BIN)/pybabel extract -o build/casuslab.pot -k _ -k gettext -k ngettext:1,2 -k N_ --no-location \
	  $(I18N_SOURCES)
	$(BIN)/pybabel update -i build/casuslab.pot -d $(I18N) -D casuslab -N -w 100 --ignore-obsolete \
	  --ignore-pot-creation-date
	$(BIN)/pybabel compile -d $(I18N) -D casuslab

clean:
	rm -rf $(VENV) build .pytest_cache
