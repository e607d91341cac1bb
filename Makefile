# The README's two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# A build dir outside the clone, so that a fresh clone (as CI makes) rebuilds only Mast.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/mast-target
CARGO ?= cargo

.PHONY: run test deps build bench measure clean screenshots

deps:
	@scripts/deps.sh

build: deps
	scripts/ui-test.sh --build-only
	$(CARGO) build --release --locked -p mast -p mast-desktop

## Build everything and start the desktop app (it tracks in the background and lives in
## the tray; `mast` on the command line reads the same data).
run: build
	@if [[ -z $${DISPLAY:-}$${WAYLAND_DISPLAY:-} ]]; then \
	    echo "No display: the desktop app needs one. Track from a terminal with $(CARGO_TARGET_DIR)/release/mast track"; \
	    exit 1; \
	fi
	@echo "Starting Mast; it stays in the tray when its window closes (Quit from the tray menu)."
	$(CARGO_TARGET_DIR)/release/mast-desktop

## Every test: unit, CLI integration, real X11 tracking, crash safety, notifications over
## D-Bus, exports read back by pyarrow and DuckDB, family folders kept in step by real
## Syncthing, the UI in chromium, and the desktop app end to end through WebDriver.
test: deps
	$(CARGO) test --locked --all-targets --no-run -q
	scripts/check-bindings.sh
	$(CARGO) test --locked --doc -q
	$(CARGO) test --locked --lib --bins --tests
	scripts/export-readback.sh
	scripts/family-syncthing.sh $(CARGO_TARGET_DIR)/debug/mast
	scripts/ui-test.sh
	$(CARGO) build --locked -p mast -p mast-desktop
	MAST_DESKTOP_BIN=$(CARGO_TARGET_DIR)/debug/mast-desktop $(CARGO) test --locked --test integration x11::app -- --ignored
	MAST_E2E_NO_BUILD=1 scripts/app-e2e.sh

## The README's screenshots, from the last end-to-end run of the app (make test).
screenshots:
	@test -f ui/test-results/app-screenshots/today.png || { echo "Run make test first."; exit 1; }
	mkdir -p docs/screenshots
	cp ui/test-results/app-screenshots/*.png docs/screenshots/

## Benchmarks (criterion) and whole-process figures against DESIGN.md's budgets.
bench: deps
	$(CARGO) bench --locked
	scripts/ui-test.sh --build-only
	$(CARGO) build --release --locked -p mast -p mast-desktop
	$(CARGO) build --release --locked -p mast --example aw_export
	scripts/measure-year.sh $(CARGO_TARGET_DIR)/release/mast
	scripts/measure-exports.sh $(CARGO_TARGET_DIR)/release/mast
	scripts/measure-import.sh $(CARGO_TARGET_DIR)/release/mast $(CARGO_TARGET_DIR)/release/examples/aw_export
	scripts/measure-family.sh $(CARGO_TARGET_DIR)/release/mast
	scripts/measure-track.sh $(CARGO_TARGET_DIR)/release/mast 60
	MAST=$(CARGO_TARGET_DIR)/release/mast scripts/measure-track-wayland.sh $(CARGO_TARGET_DIR)/release/mast 60
	$(CARGO) build --release --locked -p mast --example kwin_focus --example gnome_cost
	scripts/measure-kwin.sh 60 $(CARGO_TARGET_DIR)/release/examples/kwin_focus
	$(CARGO) test --release --locked --test integration gnome_sources_cost -- --ignored --nocapture
	scripts/measure-app.sh $(CARGO_TARGET_DIR)/release/mast-desktop

clean:
	$(CARGO) clean
