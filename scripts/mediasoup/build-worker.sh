#!/usr/bin/env bash
# Builds (or fetches) the mediasoup worker binary for the installed mediasoup npm package and caches
# it by version, so that the JS side can run it through MEDIASOUP_WORKER_BIN.
#
#   scripts/mediasoup/build-worker.sh               the worker for node_modules/mediasoup's version
#   scripts/mediasoup/build-worker.sh --test        build and run the worker's own unit tests instead
#   scripts/mediasoup/build-worker.sh --print-path  print where the cached worker is (or will be)
#   scripts/mediasoup/build-worker.sh --source DIR  take the sources from DIR (an unpacked npm tarball)
#   scripts/mediasoup/build-worker.sh --help
#
# Order: (1) the cached worker if it exists and was built from these same patches; (2) mediasoup's
# own prebuilt binary from its GitHub release, bounded to a few seconds when GitHub is unreachable;
# (3) a build from the npm tarball's own sources (node_modules/mediasoup/worker) against Debian's
# libraries, with the stand-in subprojects and the patches in this directory (README.md says why).
# Environment: SEMAIGC_CACHE (default ~/.cache/semaigc), SEMAIGC_MEDIASOUP_PREBUILT=0 skips (2),
# SEMAIGC_MEDIASOUP_JOBS (ninja -j, default: number of cores), SEMAIGC_MEDIASOUP_BUILD_DIR (keep
# the patched sources and build tree there: an interrupted build resumes, a rebuild is incremental).
set -Eeuo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SOURCE="$ROOT/node_modules/mediasoup"
RUN_TESTS=0
PRINT_PATH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --test) RUN_TESTS=1 ;;
    --print-path) PRINT_PATH=1 ;;
    --source)
      SOURCE="$(cd "${2:?--source needs a directory}" && pwd)"
      shift
      ;;
    -h | --help)
      sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "build-worker.sh: unknown option '$1' (try --help)" >&2
      exit 2
      ;;
  esac
  shift
done

log() { printf 'mediasoup-worker: %s\n' "$*" >&2; }
die() {
  printf 'mediasoup-worker: ERROR: %s\n' "$*" >&2
  exit 1
}

if [ -f "$SOURCE/package.json" ]; then
  VERSION="$(node -p "require('$SOURCE/package.json').version")"
elif [ "$PRINT_PATH" = 1 ]; then
  # Before npm ci (setup.sh sets MEDIASOUP_WORKER_BIN first): the version the lock file pins.
  VERSION="$(node -p "require('$ROOT/package-lock.json').packages['node_modules/mediasoup'].version")"
else
  die "no mediasoup package at $SOURCE (run npm ci first, or pass --source)"
fi
CACHE_ROOT="${SEMAIGC_CACHE:-$HOME/.cache/semaigc}/mediasoup"
CACHE="$CACHE_ROOT/$VERSION"
BIN="$CACHE/mediasoup-worker"
if [ "$PRINT_PATH" = 1 ]; then
  echo "$BIN"
  exit 0
fi

# The stamp names what the cached binary was made from: a change to the patch or the stand-ins
# rebuilds it. A prebuilt binary's stamp is "prebuilt".
PATCH_STAMP="$(cd "$HERE" && find patches subprojects -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"

# A worker run without MEDIASOUP_VERSION exits with status 41 (worker/src/main.cpp): the cheapest
# proof that the binary loads its shared libraries and starts on this host.
worker_runs() {
  local status=0
  env -i "$1" </dev/null >/dev/null 2>&1 || status=$?
  [ "$status" = 41 ]
}

if [ "$RUN_TESTS" = 0 ] && [ -x "$BIN" ] && worker_runs "$BIN"; then
  stamp="$(cat "$CACHE/stamp" 2>/dev/null || true)"
  if [ "$stamp" = prebuilt ] || [ "$stamp" = "$PATCH_STAMP" ]; then
    log "cached $VERSION ($stamp): $BIN"
    exit 0
  fi
  log "cached $VERSION was built from other patches ($stamp, now $PATCH_STAMP): rebuilding"
fi
mkdir -p "$CACHE"

# (2) mediasoup's prebuilt worker: the same URL its postinstall uses, with hard time limits.
try_prebuilt() {
  [ "${SEMAIGC_MEDIASOUP_PREBUILT:-1}" != 0 ] || return 1
  local kernel name url tmp
  kernel="$(uname -r | cut -d. -f1)"
  name="mediasoup-worker-$VERSION-linux-$(node -p process.arch)-kernel$kernel.tgz"
  url="${MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL:-https://github.com/versatica/mediasoup/releases/download}/$VERSION/$name"
  tmp="$(mktemp -d)"
  log "trying the prebuilt worker $url (at most 120 s)"
  if curl -fsSL --connect-timeout 5 --max-time 120 -o "$tmp/$name" "$url" &&
    tar -xzf "$tmp/$name" -C "$tmp" && [ -f "$tmp/mediasoup-worker" ] && worker_runs "$tmp/mediasoup-worker"; then
    install -m 0755 "$tmp/mediasoup-worker" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
    echo prebuilt >"$CACHE/stamp"
    rm -rf "$tmp"
    log "prebuilt worker installed: $BIN"
    return 0
  fi
  rm -rf "$tmp"
  log "no usable prebuilt worker (unreachable, missing for this platform, or it does not run here)"
  return 1
}
if [ "$RUN_TESTS" = 0 ] && try_prebuilt; then exit 0; fi

# (3) Build from source. Debian packages first (setup.sh installs them; named here when missing).
NEED_PKGS=(g++ ninja-build pkg-config libuv1-dev libssl-dev libsrtp2-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler curl)
missing=()
for p in "${NEED_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ "${#missing[@]}" = 0 ] || die "missing Debian packages: ${missing[*]} (apt-get install -y --no-install-recommends ${missing[*]})"

# Packages from bookworm-backports (meson >= 1.1.0, which the worker's meson.build requires; bookworm
# has 1.0.1; and Catch2 3 for --test, from libcatch2-dev: `catch2` there is an empty transitional
# package). They are unpacked into the cache, not installed: apt reads a private sources list and
# lists directory, so the system's apt configuration is left as it is.
TOOLS="$CACHE_ROOT/tools"
backports_unpack() { # <package> -> prints the directory it is unpacked in
  local pkg="$1" dir apt_opts deb
  apt_opts=(-o "Dir::Etc::SourceList=$TOOLS/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$TOOLS/apt/lists" -o "Dir::Cache::Archives=$TOOLS/apt/archives" -o APT::Sandbox::User=root)
  mkdir -p "$TOOLS/apt/lists/partial" "$TOOLS/apt/archives/partial"
  echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main' \
    >"$TOOLS/apt/sources.list"
  if ! ls "$TOOLS/apt/lists/"*backports*Packages* >/dev/null 2>&1; then
    timeout 180 apt-get "${apt_opts[@]}" -qq update >&2 || die "apt-get update of bookworm-backports failed (needs deb.debian.org)"
  fi
  dir="$TOOLS/$pkg"
  if [ ! -f "$dir/.unpacked" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && timeout 180 apt-get "${apt_opts[@]}" -qq download "$pkg/bookworm-backports" >&2) ||
      die "apt-get download $pkg/bookworm-backports failed"
    deb="$(ls "$dir"/*.deb)"
    dpkg-deb -x "$deb" "$dir" && rm -f "$deb" && touch "$dir/.unpacked"
  fi
  echo "$dir"
}

MESON=(meson)
if ! meson --version 2>/dev/null | awk -F. '{ exit !($1 > 1 || ($1 == 1 && $2 >= 1)) }'; then
  meson_dir="$(backports_unpack meson)"
  # Run from the unpacked directory with its modules on PYTHONPATH. ninja would re-run meson by
  # itself only if build files changed after setup, which this one-shot build never does.
  MESON=(env "PYTHONPATH=$meson_dir/usr/lib/python3/dist-packages" /usr/bin/python3 "$meson_dir/usr/bin/meson")
fi
log "meson $("${MESON[@]}" --version), sources $SOURCE/worker ($VERSION), patches $PATCH_STAMP"

# A private copy of the tarball's worker sources: the patches and stand-ins never touch node_modules.
# With SEMAIGC_MEDIASOUP_BUILD_DIR the copy and its build tree are kept and reused while they were
# made from the same version and patches (ninja then rebuilds only what is missing or changed).
KEEP_WORK=0
WORK="$CACHE/src"
if [ -n "${SEMAIGC_MEDIASOUP_BUILD_DIR:-}" ]; then
  KEEP_WORK=1
  mkdir -p "$SEMAIGC_MEDIASOUP_BUILD_DIR"
  WORK="$(cd "$SEMAIGC_MEDIASOUP_BUILD_DIR" && pwd)/src"
fi
if [ "$RUN_TESTS" = 1 ]; then WORK="$WORK-test"; fi
WORK_STAMP="$VERSION $PATCH_STAMP"
if [ "$KEEP_WORK" = 1 ] && [ "$(cat "$WORK/.semaigc-stamp" 2>/dev/null || true)" = "$WORK_STAMP" ]; then
  log "reusing the patched sources and build tree in $WORK"
else
  rm -rf "$WORK" && mkdir -p "$WORK"
  cp -a "$SOURCE/worker/." "$WORK/"
  rm -f "$WORK"/subprojects/*.wrap
  rm -rf "$WORK/subprojects/packagefiles"
  cp -a "$HERE/subprojects/." "$WORK/subprojects/"
  # dependency('unordered_dense') is resolved through a wrap's [provide] section; this wrap points at
  # the stand-in directory (which exists, so nothing is downloaded).
  printf '[wrap-file]\ndirectory = unordered_dense\n\n[provide]\nunordered_dense = ankerl_unordered_dense_dep\n' \
    >"$WORK/subprojects/unordered_dense.wrap"
  for patch_file in "$HERE"/patches/*.patch; do
    (cd "$WORK" && patch -p1 --forward --quiet <"$patch_file") ||
      die "patches/$(basename "$patch_file") does not apply to mediasoup $VERSION (see scripts/mediasoup/README.md)"
  done
  echo "$WORK_STAMP" >"$WORK/.semaigc-stamp"
fi

setup_args=(--wrap-mode=nodownload --buildtype release -Db_ndebug=true)
JOBS="${SEMAIGC_MEDIASOUP_JOBS:-$(nproc)}"
# mediasoup's deps/libwebrtc compiles against the FlatBuffers headers that fbs/ generates but does not
# depend on their generator, so with -j > 1 on an empty build directory a libwebrtc object can start
# before the headers exist ("transport.h: No such file"). Generating the headers first fixes the order.
generate_fbs_headers() {
  local headers
  headers="$(ninja -C "$1" -t targets all | sed -n 's|^\(fbs/FBS/[^:]*\.h\): CUSTOM_COMMAND$|\1|p')"
  [ -n "$headers" ] || die "no fbs/FBS/*.h generator targets in $1 (mediasoup's layout changed?)"
  # shellcheck disable=SC2086 # one target per header
  ninja -C "$1" -j "$JOBS" $headers >&2
}
started=$SECONDS
if [ "$RUN_TESTS" = 1 ]; then
  # The unit tests are their own executable (the worker's sources compiled again with -DMS_TEST
  # and the test sources); the worker binary in the cache is left as it is.
  catch2_dir="$(backports_unpack libcatch2-dev)"
  if [ ! -f "$WORK/build-test/build.ninja" ]; then
    rm -rf "$WORK/build-test" # what a failed setup left
    (cd "$WORK" && "${MESON[@]}" setup "${setup_args[@]}" -Dms_build_tests=true "-Dcatch2:root=$catch2_dir" build-test >&2) ||
      die "meson setup (tests) failed (log: $WORK/build-test/meson-logs/meson-log.txt)"
  fi
  generate_fbs_headers "$WORK/build-test" || die "the FlatBuffers headers (tests) failed to generate"
  ninja -C "$WORK/build-test" -j "$JOBS" mediasoup-worker-test >&2 || die "worker test build failed"
  log "worker tests built in $((SECONDS - started)) s with -j $JOBS"
  # The tests read their data files relative to the worker directory (the meson test's workdir).
  status=0
  (cd "$WORK" && ./build-test/mediasoup-worker-test) || status=$?
  log "worker unit tests exited with status $status"
  [ "$KEEP_WORK" = 1 ] || rm -rf "$WORK"
  exit "$status"
fi
if [ ! -f "$WORK/build/build.ninja" ]; then
  rm -rf "$WORK/build" # what a failed setup left
  (cd "$WORK" && "${MESON[@]}" setup "${setup_args[@]}" build >&2) || die "meson setup failed (log: $WORK/build/meson-logs/meson-log.txt)"
fi
generate_fbs_headers "$WORK/build" || die "the FlatBuffers headers failed to generate"
ninja -C "$WORK/build" -j "$JOBS" mediasoup-worker >&2 || die "worker build failed"
log "worker built in $((SECONDS - started)) s with -j $JOBS"
worker_runs "$WORK/build/mediasoup-worker" || die "the built worker does not start (expected exit status 41)"
install -m 0755 "$WORK/build/mediasoup-worker" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
echo "$PATCH_STAMP" >"$CACHE/stamp"
log "installed $BIN"
[ "$KEEP_WORK" = 1 ] || rm -rf "$WORK"
