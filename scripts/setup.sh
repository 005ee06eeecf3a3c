#!/usr/bin/env bash
# Set up a fresh machine for xmodal: system packages, a virtual environment at
# .venv/ with the engine and every in-tree plugin installed (editable), and the
# dev tools. Safe to run again: each step is skipped when already done.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# 1. System packages (soundfonts, speech synthesis, clip art, libsndfile).
mapfile -t APT < <(grep -v '^\s*#' scripts/apt-packages.txt | grep -v '^\s*$')
missing=()
for pkg in "${APT[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    echo "setup: installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Virtual environment from the committed lock (requirements.lock, hashed; see
#    docs/dependencies.md), then the engine and every in-tree plugin as editable
#    installs without dependencies. The "already set up" stamp is the locks' hash,
#    so a regenerated lock or a new plugin folder re-runs this step.
source scripts/tools.sh
plugins=()
for p in plugins/*/pyproject.toml; do
    plugins+=(-e "$(dirname "$p")")
done
stamp=.venv/.xmodal-setup
want=$( { cat requirements.lock scripts/tools.lock; printf '%s\n' "${plugins[@]}"; } | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # uv must take exactly what the lock says, from the default index.
    unset UV_INDEX UV_INDEX_URL UV_EXTRA_INDEX_URL UV_FIND_LINKS UV_DEFAULT_INDEX UV_CONSTRAINT
    xmodal_tools_venv
    .tools/bin/python -m pip install -q --disable-pip-version-check --require-hashes \
        -r scripts/tools.lock 2>&1 | { grep -v "^WARNING: Location" || true; }
    PY=${PYTHON:-python3}
    [ -x .venv/bin/python ] || "$PY" -m venv .venv
    echo "setup: installing requirements.lock, the engine and $(( ${#plugins[@]} / 2 )) plugin(s) into .venv"
    "$UV" pip sync --no-config --quiet --require-hashes --python .venv/bin/python requirements.lock
    "$UV" pip install --no-config --quiet --no-deps --no-build-isolation --python .venv/bin/python \
        -e . "${plugins[@]}"
    .venv/bin/python -c "import engine, torch, torchaudio" # fail here, not later
    echo "$want" > "$stamp"
fi

# 3. Where the reference data lives (read-only; the data layer caches from it).
if [ -z "${XMODAL_DATA_DIR:-}" ] && [ -d "$ROOT/../shared/data" ]; then
    echo "setup: reference data at $(cd "$ROOT/../shared/data" && pwd)"
fi
