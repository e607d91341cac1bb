# The README's two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# A build dir outside the clone, so that a fresh clone (as CI makes) rebuilds only Mast.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/mast-target
CARGO ?= cargo

.PHONY: run test deps build bench measure clean

deps:
	@scripts/deps.sh

build: deps
	$(CARGO) build --release --locked

## Build and start tracking (the desktop app replaces this when it lands).
run: build
	@echo "Mast is tracking; stop with Ctrl-C. See what it records with: $(CARGO_TARGET_DIR)/release/mast status"
	$(CARGO_TARGET_DIR)/release/mast track

## Every test: unit, CLI integration, real X11 tracking, crash safety, notifications over D-Bus.
test: deps
	$(CARGO) test --locked --all-targets --no-run -q
	scripts/check-bindings.sh
	$(CARGO) test --locked --doc -q
	$(CARGO) test --locked --lib --bins --tests
	scripts/ui-test.sh

## Benchmarks (criterion) and whole-process figures against DESIGN.md's budgets.
bench: deps
	$(CARGO) bench --locked
	$(CARGO) build --release --locked
	scripts/measure-year.sh $(CARGO_TARGET_DIR)/release/mast
	scripts/measure-track.sh $(CARGO_TARGET_DIR)/release/mast 60

clean:
	$(CARGO) clean
