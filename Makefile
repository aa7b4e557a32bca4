# Two entry points for a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-hours lint check setup system-packages bench clean

demo: setup
	$(VENV)/bin/jiaohao demo

test: setup lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# The whole suite again at three hall times (12:30, a Saturday 14:30, 23:30 on National
# Day) under faketime, as CI does after `make test` (.ci/run): some 30 minutes.
test-hours: setup
	.ci/hours

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

setup: system-packages $(STAMP)

system-packages:
	@sh scripts/system-packages.sh

# setup.py lists the packages: an editable install made before a package was added
# cannot import it, so a change there installs again
$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

bench: setup
	$(PY) bench/hub.py
	$(PY) bench/printer.py
	$(PY) bench/devices.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
