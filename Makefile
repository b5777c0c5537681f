# dnw's set-up and checks. Everything a fresh clone needs is installed from here
# (Go modules now; apt and pip packages as later stages need them).

GO  ?= go
BIN := bin/dnw
# The commit goes into `dnw version` and every run's manifest.
COMMIT := $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo +dirty)
LDFLAGS := -X dnw/host/internal/buildinfo.stampedCommit=$(COMMIT)

.PHONY: all build demo test check fmt deps clean

all: build

# deps fetches the Go modules (go.sum pins them).
deps:
	$(GO) mod download

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./host/cmd/dnw

# demo runs the main job: until the paper's stages land it is the self-test pipeline,
# which exercises the stage runner end to end into runs/selftest.
demo: build
	$(BIN) run experiments/selftest.toml

# test is the project's test command (README, .ci/run).
test: deps
	$(GO) build ./...
	$(GO) test ./...

# check is what CI adds to the tests: vet and formatting.
check: deps
	$(GO) vet ./...
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting (run make fmt):"; echo "$$unformatted"; exit 1; fi

fmt:
	gofmt -w .

clean:
	rm -rf bin runs
