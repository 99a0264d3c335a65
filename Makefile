# Cloesce: build, test, run. See README.md.

GO       ?= go
BIN      := bin/cloesce
FUZZTIME ?= 20s

.PHONY: all build test vet fmtcheck fuzz run clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/cloesce

# The whole test suite: formatting and vet, every Go test (goldens, the
# fuzz seeds), and a short fuzzing run of the parser and formatter.
test: fmtcheck vet
	$(GO) test ./...
	$(GO) test ./internal/syntax/format -run '^$$' -fuzz FuzzParseFormat -fuzztime $(FUZZTIME)

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
	rm -rf bin
