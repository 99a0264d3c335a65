# Cloesce: build, test, run. See README.md.

GO       ?= go
BIN      := bin/cloesce
FUZZTIME ?= 20s

NPM_STAMP := node_modules/.cloesce-installed
export WRANGLER_SEND_METRICS := false

.PHONY: all build test vet fmtcheck fuzz run clean runtime size

all: build

build:
	$(GO) build -o $(BIN) ./cmd/cloesce

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
# checks of generated code, the fuzz seeds), a short fuzzing run of the
# parser and formatter, the runtime's vitest suite on Miniflare, and the
# end-to-end suite: every e2e fixture and example compiled, migrated and
# served by wrangler dev, driven over HTTP through its generated client.
test: fmtcheck vet runtime
	$(GO) test ./...
	$(GO) test ./internal/syntax/format -run '^$$' -fuzz FuzzParseFormat -fuzztime $(FUZZTIME)
	npm test -w runtime
	npm test -w e2e

vet:
	$(GO) vet ./...

fmtcheck:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# A longer fuzzing run: make fuzz FUZZTIME=5m
fuzz:
	$(GO) test ./internal/syntax/format -run '^$$' -fuzz FuzzParseFormat -fuzztime $(FUZZTIME)

# The main job, until the example app exists: build the compiler, compile
# each sample schema to its interface description, and format copies of
# every documented schema.
run: build
	$(BIN) version
	@for s in testdata/samples/*.clo; do \
	  dir=$$(mktemp -d) && cp $$s $$dir && $(BIN) compile $$dir || exit 1; \
	done
	@dir=$$(mktemp -d) && cp testdata/samples/*.clo testdata/spec-examples/*.clo $$dir && \
	  (cd $$dir && $(CURDIR)/$(BIN) fmt >/dev/null && $(CURDIR)/$(BIN) fmt --check) && \
	  echo "formatted $$(ls $$dir | wc -l) schema files in $$dir"

clean:
	rm -rf bin runtime/dist $(NPM_STAMP)

# What the runtime adds to a deployed worker (wrangler deploy --dry-run).
size: build $(NPM_STAMP)
	node runtime/scripts/size.mjs
