#!/usr/bin/env bash
# device-check.sh: the GPU checks of dnw's CUDA backend, on a machine with an NVIDIA
# GPU (made for the H200 machine: driver, PyTorch with CUDA and cuBLAS as pip
# packages, no Go, no network). Build its bundle where Go is, then run it there:
#
#   make device-bundle                          # bin/device/: xz'ed binaries, built here
#   tools/device-check.sh OUTDIR [SECTION...]   # on the GPU machine, from the repository root
#
# The sections, run in this order (default: tests bench predict quickstart):
#   tests        the conformance test of every kernel against the CPU kernels and the
#                50-step GAN and denoiser agreement tests
#   bench        dnw bench train --torch on the GPU at batch 8 of 64×64 and batch 32 of
#                256×256, FP32 and TF32 (bench.txt)
#   profile      dnw's step at both sizes with DNW_PROFILE=1: time per kernel (profile.txt)
#   predict      the one-step prediction of every chunk (predict.txt)
#   quickstart   the quickstart end to end with --device cuda, timed per stage (quickstart.txt)
#   paper-small  experiments/paper-small.toml the same way, at most 10 minutes (paper-small.txt)
# Everything goes into OUTDIR, all output into check.log. It keeps going after a
# failure and exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: tools/device-check.sh OUTDIR [tests bench profile predict quickstart paper-small]}
shift
sections=" ${*:-tests bench predict quickstart} "
want() { [[ $sections == *" $1 "* ]]; }
mkdir -p "$out"
log=$out/check.log
exec > >(tee -a "$log") 2>&1
work=$(mktemp -d)
failed=()

ms() { echo $(($(date +%s%N) / 1000000)); }

step() { # step NAME LIMIT COMMAND...: runs a step for at most LIMIT seconds, times it, remembers a failure
	local name=$1 limit=$2 start rc
	shift 2
	echo; echo "=== $name: $*"
	start=$(ms)
	timeout "$limit" "$@"
	rc=$?
	echo "=== $name: exit $rc, $(($(ms) - start)) ms"
	[ "$rc" = 0 ] || failed+=("$name")
}

unxz() { # unxz FILE.xz DEST: xz, or Python's lzma where xz is missing
	if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma,sys,shutil; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
	chmod +x "$2"
}

echo "device-check $(date -u +%FT%TZ) commit $(cat bin/device/COMMIT 2>/dev/null)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
for f in dnw-cuda tape.test weightgen.test; do unxz "bin/device/$f.xz" "$work/$f"; done
mkdir -p "$work/ext" && tar -xJf bin/device/ext.tar.xz -C "$work/ext"
# cuBLAS: the CUDA libraries of the pip packages beside PyTorch, unless the system has them.
if ! ldconfig -p | grep -q 'libcublas\.so\.1[123]'; then
	lib=$(python3 - <<'PY'
import glob, os, site
for d in site.getsitepackages():
    hits = sorted(glob.glob(os.path.join(d, "nvidia", "**", "libcublas.so.*"), recursive=True))
    if hits:
        print(os.path.dirname(hits[-1])); break
PY
)
	export LD_LIBRARY_PATH=${lib}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
echo "cuBLAS from ${LD_LIBRARY_PATH:-the system}"
ldd "$work/dnw-cuda" | grep -E 'cuda|not found'
"$work/dnw-cuda" version

if want tests; then
	step conformance 120 "$work/tape.test" -test.run 'TestGPUConformsToTheCPUKernels' -test.v
	step agreement 180 "$work/tape.test" -test.run 'TestGPU(GAN|Denoiser)AgreesWithTheCPU' -test.v
fi

sizes=("64 8 20" "256 32 10") # image side, batch, timed steps
if want bench; then
	for cfg in "${sizes[@]}"; do
		set -- $cfg
		for tf in "" "--tf32"; do
			step "bench ${1}px batch $2 ${tf:-fp32}" 150 "$work/dnw-cuda" bench train --device cuda --torch --python python3 \
				--size "$1" --batch "$2" --steps "$3" --warmup 3 $tf > >(tee -a "$out/bench.txt")
		done
	done
fi

if want profile; then
	for cfg in "${sizes[@]}"; do
		set -- $cfg
		DNW_PROFILE=1 step "profile ${1}px batch $2" 150 "$work/dnw-cuda" bench train --device cuda \
			--size "$1" --batch "$2" --steps 5 --warmup 2 > >(tee -a "$out/profile.txt")
	done
fi

if want predict; then
	step predict 90 "$work/weightgen.test" -test.run '^$' -test.bench 'PredictE2GAN' -test.benchtime 50x -device cuda \
		> >(tee "$out/predict.txt")
fi

runs=$work/runs
if want quickstart; then
	start=$(ms)
	step quickstart 300 "$work/dnw-cuda" run --device cuda --jobs 2 --out "$runs/quickstart"
	echo "quickstart end to end: $(($(ms) - start)) ms" | tee "$out/quickstart.txt"
	"$work/dnw-cuda" status "$runs/quickstart" 2>&1 | tee -a "$out/quickstart.txt"
fi

if want paper-small; then
	start=$(ms)
	step paper-small 600 "$work/dnw-cuda" run experiments/paper-small.toml --device cuda --jobs 2 --out "$runs/paper-small"
	echo "paper-small end to end: $(($(ms) - start)) ms" | tee "$out/paper-small.txt"
	"$work/dnw-cuda" status "$runs/paper-small" 2>&1 | tee -a "$out/paper-small.txt"
fi

rm -rf "$work"
echo
if [ ${#failed[@]} -gt 0 ]; then
	echo "device-check: FAILED: ${failed[*]}"
	exit 1
fi
echo "device-check: every step passed"
