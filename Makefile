# Cloesce: build, test, run. See README.md.

GO       ?= go
BIN      := bin/cloesce
FUZZTIME ?= 20s

NPM_STAMP := node_modules/.cloesce-installed
export WRANGLER_SEND_METRICS := false

.PHONY: all build test vet fmtcheck fuzz run screenshot browser-deps contract-deps clean runtime size vsix

all: build

# Static (nothing needs cgo): the binary then starts without the dynamic
# loader, about 0.6 ms sooner, a tenth of compiling 100 models (BENCHMARKS.md).
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/cloesce

# The npm side (runtime, wrangler, typescript, vitest), pinned by
# package-lock.json; reinstalled when the lock file changes. (npm install,
# not npm ci: npm 11 here writes lock files that npm ci calls out of sync.)
$(NPM_STAMP): package-lock.json
	npm install --no-audit --no-fund
	touch $@

# The runtime package: type-checked and built to runtime/dist.
runtime: $(NPM_STAMP)
	npm run --silent typecheck -w runtime
	npm run --silent build -w runtime

# The whole test suite: formatting and vet, every Go test (goldens, tsc
# checks of generated code, the fuzz seeds), a short run of every fuzz
# target (make fuzz), the runtime's vitest suite on Miniflare, and the
# end-to-end suite: every e2e fixture and example compiled, migrated and
# served by wrangler dev, driven over HTTP through its generated client
# (and the weather page in headless Chromium: browser-deps; the weather
# API by Schemathesis from its openapi.json: contract-deps); and the VS
# Code extension built, with its grammar and client tests (vsix).
test: fmtcheck vet runtime browser-deps contract-deps
	$(GO) test ./...
	@$(MAKE) --no-print-directory fuzz
	npm test -w runtime
	npm test -w e2e
	@$(MAKE) --no-print-directory vsix

vet:
	$(GO) vet ./...

fmtcheck:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Every Go fuzz target, each for $(FUZZTIME), one after another (make test
# runs them for the default 20s each; a longer run: make fuzz FUZZTIME=10m).
# Inputs that fail are written to the package's testdata/fuzz/<Target>/,
# where go test then replays them as regression seeds. Go's fuzzer counts a
# worker's executions only when it reports back, and a worker shrinking a
# newly found interesting input reports late: execs/s reads 0 for a few
# seconds at a time, then jumps. That is not a hang. -timeout 0: go test's
# default of 10 minutes counts the fuzzing too, and would end a run of
# FUZZTIME=10m as a failure ("context deadline exceeded").
FUZZ_TARGETS := \
	./internal/syntax/format:FuzzParseFormat \
	./internal/decorators:FuzzExtract \
	./internal/sema:FuzzAnalyze \
	./internal/gen/wrangler:FuzzMerge \
	./internal/migrate:FuzzDiff \
	./internal/lsp:FuzzServer
fuzz:
	@echo "fuzzing $(words $(FUZZ_TARGETS)) targets for $(FUZZTIME) each (execs/s may read 0 while a worker shrinks a new input; it is not hung)"
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*} name=$${t#*:}; \
	  echo "$(GO) test $$pkg -run '^\$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) -timeout 0"; \
	  $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -timeout 0; \
	done

# The main job: serve the weather example (examples/weather) on
# http://localhost:5000, page and API on one origin. Compile it (the page
# imports the generated client), build the page with Vite, then cloesce dev:
# migrations checked and applied to the local D1, wrangler dev, recompiling
# on schema changes.
run: build runtime
	$(BIN) compile examples/weather
	cd examples/weather && $(CURDIR)/node_modules/.bin/vite build --logLevel warn
	@printf '\n  Weather app  http://localhost:5000/\n  API          http://localhost:5000/api/WeatherReport/$$list?limit=10\n\n'
	$(BIN) dev --port 5000 examples/weather

# A PNG of the running example's page (make run in another terminal):
# make screenshot [SHOT=/tmp/weather.png]
SHOT ?= /tmp/weather.png
screenshot: $(NPM_STAMP) browser-deps
	node examples/weather/scripts/screenshot.mjs $(SHOT)

# Debian's Chromium at /usr/bin/chromium, for make screenshot and the
# weather example's browser test (examples/weather/test/browser.test.ts):
# installed when missing (CI runs as root with Debian's archive reachable),
# else nothing.
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps:
	@test -x $(CHROMIUM) || { echo "installing chromium (apt-get) for the browser test"; \
	  out=$$( { $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } 2>&1 ) || \
	  { echo "$$out"; exit 1; }; }

# Schemathesis, for the weather example's contract test
# (examples/weather/test/contract.test.ts), in a virtual environment of
# its own, .venv, with the versions e2e/requirements.txt pins; reinstalled
# when that file changes. When python3 -m venv cannot make one (Debian
# ships venv's pip apart), python3 and python3-venv are installed with
# apt-get, as browser-deps installs Chromium.
VENV         := .venv
SCHEMATHESIS := $(VENV)/bin/schemathesis
contract-deps: $(SCHEMATHESIS)

$(SCHEMATHESIS): e2e/requirements.txt
	rm -rf $(VENV)
	@python3 -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); echo "installing python3-venv (apt-get) for the contract test"; \
	  out=$$( { $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv; } 2>&1 ) || \
	  { echo "$$out"; exit 1; }; python3 -m venv $(VENV); }
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r e2e/requirements.txt
	touch $@

clean:
	rm -rf bin runtime/dist $(NPM_STAMP) $(VENV) editors/vscode/out editors/vscode/*.vsix

# The VS Code extension (editors/vscode, an npm project of its own, not a
# workspace of the root: vsce's dependencies stay out of the main
# install): its npm packages from its package-lock.json, a type check,
# the bundle, its tests (the grammar tokenized by VS Code's engine; the
# extension activated against bin/cloesce), then the package,
# editors/vscode/cloesce-<version>.vsix. Install it with
# code --install-extension editors/vscode/cloesce-<version>.vsix.
vsix: build
	cd editors/vscode && npm install --no-audit --no-fund && npm run --silent typecheck && npm run --silent build && \
	  CLOESCE=$(CURDIR)/$(BIN) npm test --silent && npm run --silent package

# What the runtime adds to a deployed worker (wrangler deploy --dry-run).
size: build $(NPM_STAMP)
	node runtime/scripts/size.mjs

# Benchmarks, reported in BENCHMARKS.md: compiler scaling, requests of the
# generated worker against a hand-written one and Hono + Drizzle under
# wrangler dev, D1 statements per operation, bundle sizes (about 6 minutes).
.PHONY: bench
bench: build runtime
	node bench/run.mjs
