#!/usr/bin/env bash
# Set up (if needed), then lint, type-check and run the whole test-suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
lint=()
for d in engine plugins tests benchmarks examples; do [ -e "$d" ] && lint+=("$d"); done
typed=()
for p in plugins/*/xmodal_*; do [ -d "$p" ] && typed+=("$p"); done
echo "== ruff"; .venv/bin/ruff check "${lint[@]}"
echo "== mypy"; .venv/bin/mypy --strict engine   # the engine's public surface is strictly typed
[ ${#typed[@]} -eq 0 ] || .venv/bin/mypy "${typed[@]}"
echo "== pytest"; .venv/bin/python -m pytest -p no:cacheprovider "$@"
