# Every target creates and reuses .venv; `make test` and `make lab` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lab demo bench lint build system-deps clean browser-deps bench-student i18n

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests drive (headless Chromium for the browser tests).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

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

bench: $(STAMP) bench-student
	$(BIN)/python benchmarks/run.py

# the student widgets in a real JupyterLab: Run All until rendered, click until on disk
bench-student: $(STAMP) browser-deps
	$(BIN)/python benchmarks/student_bench.py

# the student runtime's message catalogues: extract, merge into the .po files, compile the .mo files
I18N := tools/casuslab/student/i18n
i18n: $(STAMP)
	@mkdir -p build
	$(BIN)/pybabel extract -o build/casuslab.pot -k _ -k gettext -k ngettext:1,2 --no-location \
	  tools/casuslab/student tools/casuslab/lab
	$(BIN)/pybabel update -i build/casuslab.pot -d $(I18N) -D casuslab -N -w 100 --ignore-obsolete \
	  --ignore-pot-creation-date
	$(BIN)/pybabel compile -d $(I18N) -D casuslab

clean:
	rm -rf $(VENV) build .pytest_cache
