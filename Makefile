# Kaifaqu — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
export PORT

# Dependencies are installed from lock files with hashes (make lock regenerates them), then the
# project itself without resolving anything: nothing unlocked is downloaded.
LOCK     := requirements/lock.txt
DEV_LOCK := requirements/dev-lock.txt
# The lock's target: Python 3.11 on Linux x86-64 (glibc 2.28 or later, as on Debian 12).
UV_COMPILE := $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock"

.PHONY: run test lint format messages system-packages bench lock lock-upgrade clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	@touch $@

## run: install, migrate the embedded SQLite database, load the demo zone and serve it
run: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=kaifaqu.config.settings.local $(VENV)/bin/kfq demo
	@echo ""
	@echo "  Kaifaqu is serving at http://127.0.0.1:$(PORT)/"
	@echo "  Demo login: demo / kaifaqu-demo   (personas: see README.md)"
	@echo ""
	DJANGO_SETTINGS_MODULE=kaifaqu.config.settings.local $(VENV)/bin/kfq serve --port $(PORT)

## test: install what the tests need and run the whole suite on SQLite and, if reachable, PostgreSQL
test: $(VENV)/.installed-dev system-packages
	scripts/test

system-packages:
	@scripts/install-system-packages

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy kaifaqu

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## messages: refresh the translation catalogues and compile them
messages: $(VENV)/.installed-dev
	cd kaifaqu && ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location
	cd kaifaqu && ../$(PY) ../manage.py compilemessages

bench: $(VENV)/.installed-dev
	$(PY) -m bench

## lock: regenerate the lock files from pyproject.toml, keeping every pin that still fits
# (uv, itself locked among the dev tools). The runtime lock is constrained by the dev lock, so the
# two pin the same versions.
lock: $(VENV)/.installed-dev
	$(UV_COMPILE) $(LOCK_FLAGS) pyproject.toml requirements/build.in --extra dev -o $(DEV_LOCK)
	$(UV_COMPILE) pyproject.toml requirements/build.in -c $(DEV_LOCK) -o $(LOCK)

## lock-upgrade: the same, with the newest versions pyproject.toml allows
lock-upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade

clean:
	rm -rf $(VENV) var staticfiles
