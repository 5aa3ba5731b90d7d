#!/usr/bin/env bash
# Installs what convlab needs to build, test and serve, and nothing else:
# Debian packages (one apt-get update, only when something is missing) and the
# test-only npm packages (npm ci from package-lock.json, offline-safe when present).
# Idempotent: when everything is there it only checks and returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential     # gcc, make: native tests and tools
  emscripten          # emcc: the WebAssembly builds
  clang-16 lld-16     # LLVM 16: the relaxed-SIMD module (mk/relaxed.mk), whose opcode emcc's LLVM 14 lacks
  libcmocka-dev       # native unit tests
  libsimde-dev        # WASM SIMD intrinsics natively (the same kernels under the sanitizers)
  zlib1g-dev          # the native trainer reads the .gz data files
  clang               # libFuzzer for `make fuzz`
  libclang-rt-14-dev  # ... and its runtime
  dataset-fashion-mnist  # the four IDX .gz files under /usr/share/datasets/fashion-mnist/
  chromium            # browser tests and benchmarks (driven by playwright-core)
  firefox-esr         # the cross-engine tests in Firefox (driven by puppeteer-core, WebDriver BiDi)
  webkit2gtk-driver   # ... and in WebKit, Safari's engine (WebKitWebDriver + MiniBrowser, selenium-webdriver)
  xvfb xauth          # MiniBrowser has no headless mode: it runs on a virtual X display
  wabt                # wasm-objdump: checks on the built modules
  python3-onnx        # ONNX's own checker on the exported models (4 MB; python3-torch, 600 MB
                      # with what it pulls in, is left out: its test says it is skipped)
  nodejs npm          # only if no node is on PATH
)

missing=()
for p in "${PACKAGES[@]}"; do
  case "$p" in
    nodejs|npm) command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install: missing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=sudo
    else
      echo "install: run as root (or with sudo) once:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  else
    SUDO=
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for the tests and benchmarks only (playwright-core drives /usr/bin/chromium,
# puppeteer-core /usr/bin/firefox-esr, selenium-webdriver Debian's WebKitWebDriver: no browser or
# driver download; TensorFlow.js for the comparison benchmark). npm ci when any is missing or the
# lock changed since the last install.
npm_missing() {
  node -e '
    const deps = Object.keys(require("./package.json").devDependencies ?? {});
    const fs = require("fs");
    process.exit(deps.every((d) => fs.existsSync(`node_modules/${d}/package.json`)) ? 1 : 0);'
}
if [[ package-lock.json -nt node_modules/.package-lock.json ]] || npm_missing; then
  echo "install: npm ci (test tools)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 SE_OFFLINE=true npm ci --no-audit --no-fund --loglevel=error
fi
