#!/usr/bin/env bash
# SemAIGC Testbed setup: installs what the project needs on a Debian bookworm machine
# (run as root; reaches only Debian's mirrors and the npm registry) and builds everything.
# Idempotent: run it again at any time.
#
#   scripts/setup.sh              nats-server, chromium, python3-torch, python3-onnx, python3-pil,
#                                 OpenBLAS and dataset-fashion-mnist from Debian; npm ci; build;
#                                 the mediasoup worker (scripts/mediasoup: cached, prebuilt or built)
#   scripts/setup.sh --pretrain   the same (kept as an alias: the pre-training tools are now default,
#                                 because npm test runs the pipeline's quick test)
#   scripts/setup.sh --help
set -Eeuo pipefail

for arg in "$@"; do
  case "$arg" in
    --pretrain) ;; # accepted for old instructions; everything it added is installed by default now
    -h | --help)
      sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown option '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

cd "$(dirname "$0")/.."
STEP=""
step() {
  STEP="$1"
  printf '\n==> %s\n' "$1"
}
trap 'echo "setup.sh: FAILED during step: ${STEP} (line ${LINENO}: ${BASH_COMMAND})" >&2' ERR

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: needs root (or sudo) for apt-get" >&2; exit 1; }
  SUDO="sudo"
fi

step "Debian packages"
# python3-*: the pre-training pipeline (scripts/pretrain), whose quick run is part of npm test.
# OpenBLAS: without it Debian's torch falls back to the reference BLAS (about 3x slower training).
# dataset-fashion-mnist: the photographs in the training data (/usr/share/datasets/fashion-mnist).
APT_PKGS=(nats-server chromium python3-torch python3-onnx python3-pil libopenblas0-pthread dataset-fashion-mnist)
# The mediasoup worker's build from source and its shared libraries (scripts/mediasoup/README.md);
# iproute2: the SFU's shaped-link test (network namespace + tc tbf).
APT_PKGS+=(g++ ninja-build pkg-config curl iproute2 libuv1-dev libssl-dev libsrtp2-dev libabsl-dev
  libflatbuffers-dev flatbuffers-compiler)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "already installed: ${APT_PKGS[*]}"
fi
command -v nats-server >/dev/null || { echo "setup.sh: nats-server not on PATH after install" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "setup.sh: /usr/bin/chromium missing after install" >&2; exit 1; }
nats-server --version
/usr/bin/chromium --version 2>/dev/null || true

step "Node.js"
command -v node >/dev/null || { echo "setup.sh: Node.js >= 20 is required" >&2; exit 1; }
node -e 'const [M]=process.versions.node.split(".").map(Number); if (M<20) { console.error("setup.sh: Node.js >= 20 required, found "+process.version); process.exit(1) }'
echo "node $(node -v), npm $(npm -v)"

step "npm ci (onnxruntime-node CUDA download skipped)"
export ONNXRUNTIME_NODE_INSTALL=skip
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip
# mediasoup's postinstall (a GitHub download, then pip) cannot run offline: the root package.json
# denies it in allowScripts, and npm versions that ignore allowScripts see MEDIASOUP_WORKER_BIN set
# (the variable the postinstall checks first) and skip it. The worker is the next step's.
MEDIASOUP_WORKER_BIN="$(scripts/mediasoup/build-worker.sh --print-path)"
export MEDIASOUP_WORKER_BIN
npm ci --no-audit --no-fund

step "mediasoup worker (scripts/mediasoup/build-worker.sh: cached, prebuilt or built from the npm sources)"
scripts/mediasoup/build-worker.sh
echo "MEDIASOUP_WORKER_BIN=${MEDIASOUP_WORKER_BIN}"

step "build (tsc -b, dependency order)"
npm run build

step "check the pre-training tools"
/usr/bin/python3 -c 'import torch, onnx, PIL; print("torch", torch.__version__, "onnx", onnx.__version__, "PIL", PIL.__version__)'
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] ||
  { echo "setup.sh: dataset-fashion-mnist files missing in /usr/share/datasets/fashion-mnist" >&2; exit 1; }

printf '\nsetup.sh: done. Next: npm test (or npm start for the lab).\n'
