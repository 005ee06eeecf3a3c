#!/usr/bin/env bash
# Set up (if needed), then translate sample inputs with every bundled model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
.venv/bin/xmodal list
.venv/bin/xmodal demo --out out/demo "$@"
