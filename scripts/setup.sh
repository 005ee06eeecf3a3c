#!/usr/bin/env bash
# Set up a fresh machine for xmodal: system packages, a virtual environment at
# .venv/ with the engine and every in-tree plugin installed (editable), and the
# dev tools. Safe to run again: each step is skipped when already done.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
# missing_from LIST: sets $missing to the packages of LIST (one a line, # comments) not installed.
missing_from() {
    local pkg
    missing=()
    while read -r pkg; do
        [ -z "$pkg" ] || dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done < <(sed -e 's/#.*//' -e 's/\s//g' "$1")
}

# 1. System packages (soundfonts, speech synthesis, clip art, libsndfile).
missing_from scripts/apt-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The deb822 stanzas that add contrib and non-free to every Debian source on this machine
# (deb822 files and one-line sources.list), or nothing when they are already enabled.
debian_extra_components() {
    python3 - <<'PY'
import glob, re
KEY = "/usr/share/keyrings/debian-archive-keyring.gpg"
entries = []  # (uris, suites, components, signed_by)
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for block in re.split(r"\n\s*\n", open(path).read()):
        f = {}
        for line in block.splitlines():
            if ":" in line and not line.lstrip().startswith("#"):
                k, v = line.split(":", 1)
                f[k.strip().lower()] = v.strip()
        if "deb" in f.get("types", "").split() and f.get("enabled", "yes") != "no":
            entries.append((f.get("uris", ""), f.get("suites", ""),
                            f.get("components", "").split(), f.get("signed-by", "")))
for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        continue
    for line in lines:
        m = re.match(r"^deb\s+(\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$", line.strip())
        if m:
            opts = re.search(r"signed-by=(\S+?)\]?(\s|$)", m.group(1) or "")
            entries.append((m.group(2), m.group(3), m.group(4).split(), opts.group(1) if opts else ""))
debian = [e for e in entries if "main" in e[2] and ("debian-archive" in e[3] or (not e[3] and "/debian" in e[0]))]
if debian and not any({"contrib", "non-free"} <= set(e[2]) for e in debian):
    stanzas = [f"Types: deb\nURIs: {u}\nSuites: {s}\nComponents: contrib non-free\nSigned-By: {k or KEY}"
               for u, s, _, k in debian]
    print("\n\n".join(dict.fromkeys(stanzas)))
PY
}
# 1b. Recorded voices for the `voices` data set (scripts/voice-packages.txt). mbrola is in
#     Debian's contrib section and its voices, RHVoice and svox pico in non-free, which a
#     stock machine's sources often leave out: add those two components with the same
#     URIs, suites and signing key as the Debian source already configured (read here, at
#     setup time, so no mirror is named in this repository). Skipped when installed.
missing_from scripts/voice-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
    started=$SECONDS
    extra=/etc/apt/sources.list.d/xmodal-contrib-non-free.sources
    if [ ! -e "$extra" ]; then
        stanza=$(debian_extra_components) || { echo "setup: cannot read the Debian apt source" >&2; exit 1; }
        if [ -n "$stanza" ]; then
            echo "setup: enabling Debian contrib and non-free in $extra"
            printf '%s\n' "$stanza" | $SUDO tee "$extra" >/dev/null
        fi
    fi
    echo "setup: installing ${#missing[@]} voice package(s) (mbrola, RHVoice, pico; about 700 MB)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "setup: voices installed in $(( SECONDS - started )) s"
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
