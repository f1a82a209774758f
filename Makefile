# Kaifaqu — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
export PORT

.PHONY: run test lint format messages system-packages bench clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

## run: install, migrate the embedded SQLite database, load the demo zone and serve it
run: $(VENV)/.installed
	$(VENV)/bin/kfq demo
	@echo ""
	@echo "  Kaifaqu is serving at http://127.0.0.1:$(PORT)/"
	@echo "  Demo login: demo / kaifaqu-demo   (personas: see README.md)"
	@echo ""
	$(VENV)/bin/kfq serve --port $(PORT)

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

clean:
	rm -rf $(VENV) var staticfiles
