# tcobench: build, demo, tests and benchmarks. `make help` lists the targets.
GO        ?= go
OLLAMA_VERSION ?= v0.17.4
CACHE     ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tcobench
# cgo (go-nvml, the Ollama build) writes temporary files to TMPDIR: a private one
# keeps stray headers elsewhere on the machine out of the build.
PRIVATE_TMP := $(CURDIR)/.tmp
export TMPDIR := $(PRIVATE_TMP)
export CGO_ENABLED := 1
export CGO_CFLAGS := -O2 -Wno-deprecated-declarations
export TCOBENCH_OLLAMA ?= $(CACHE)/ollama/$(OLLAMA_VERSION)/ollama
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS   := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
TEST_TIMEOUT ?= 60m
SOAK_DURATION ?= 1h

.PHONY: help build setup ollama demo test check bench soak projection fuzz gpu-check clean prices

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(PRIVATE_TMP):
	@mkdir -p $@

build: $(PRIVATE_TMP) ## build bin/tcobench
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/tcobench ./cmd/tcobench

setup: ## install the Debian packages the tests need (scripts/setup.sh says what each is for)
	@bash scripts/setup.sh test

ollama: $(PRIVATE_TMP) ## build the pinned Ollama (v0.17.4) into the cache (skipped when cached)
	@OLLAMA_VERSION=$(OLLAMA_VERSION) TCOBENCH_CACHE=$(CACHE) bash scripts/build-ollama.sh >/dev/null

demo: $(PRIVATE_TMP) ## set up, start a local model server, run a real benchmark, write the report
	@OLLAMA_VERSION=$(OLLAMA_VERSION) TCOBENCH_CACHE=$(CACHE) GO=$(GO) LDFLAGS="$(LDFLAGS)" bash scripts/demo.sh

prices: $(PRIVATE_TMP) ## regenerate the built-in price catalog from the committed genai-prices data
	$(GO) generate ./tco/prices

check: $(PRIVATE_TMP) ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: setup ollama check ## all tests, with the race detector, against the real local server
	$(GO) test -race -timeout $(TEST_TIMEOUT) ./...

bench: ollama $(PRIVATE_TMP) ## self-benchmarks: the harness's own figures against a minimal client (docs/performance.md)
	$(GO) run ./perf/cmd/perfbench $(BENCH_FLAGS)
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

soak: $(PRIVATE_TMP) ## soak benchmark: an hour of moderate load against the fake server, memory/files/goroutines over time (SOAK_DURATION=10m for less; docs/reliability.md)
	$(GO) run ./perf/cmd/soak -duration $(SOAK_DURATION) $(SOAK_FLAGS)

projection: $(PRIVATE_TMP) ## validate the performance model on the published measurements and regenerate docs/projection.md's table
	$(GO) run ./perfmodel/cmd/projection -doc docs/projection.md

fuzz: $(PRIVATE_TMP) ## run each fuzz target briefly
	@bash scripts/fuzz.sh

gpu-check: $(PRIVATE_TMP) ## on an NVIDIA GPU node: tcobench's energy beside nvidia-smi's (docs/energy.md)
	@bash scripts/gpu-check.sh

clean: ## remove build outputs (the Ollama cache stays)
	rm -rf bin .tmp
