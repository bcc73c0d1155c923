#!/usr/bin/env bash
# The peer's own virtualenv: Cloud Custodian (c7n) and every transitive dependency, pinned in
# tests/bench/peer/requirements.txt, in .venv-peer at the repository root. Kept apart from .venv (moto,
# cfn-lint, SAM CLI) because c7n pins boto3 exactly and the two sets of pins must not negotiate.
#
#   setup.sh     create or refresh .venv-peer; a no-op while the requirements' sha256 matches the stamp
#
# Prints the venv's python path on stdout, so a caller can do: PY=$(tests/bench/peer/setup.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VENV="$ROOT/.venv-peer"
REQUIREMENTS="$ROOT/tests/bench/peer/requirements.txt"

log() { printf 'peer: %s\n' "$*" >&2; }

setup() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
  if [ -x "$VENV/bin/custodian" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "installing Cloud Custodian (c7n) into .venv-peer (first run: under a minute)"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$want" > "$stamp"
}

setup
echo "$VENV/bin/python"
