# Sourced by the scripts: settings shared by the demo and the tests.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${XMODAL_DATA_DIR:-}" ] && [ -d "$ROOT/../shared/data" ]; then
    XMODAL_DATA_DIR=$(cd "$ROOT/../shared/data" && pwd)
    export XMODAL_DATA_DIR
fi
export PATH="$ROOT/.venv/bin:$PATH"
