#!/usr/bin/env bash
# Set up (if needed), then lint, type-check and run the whole test-suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
echo "== ruff"; .venv/bin/ruff check engine plugins tests benchmarks examples
echo "== mypy"; .venv/bin/mypy engine
echo "== pytest"; .venv/bin/python -m pytest -p no:cacheprovider "$@"
