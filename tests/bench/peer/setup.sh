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
  # Hash-checked: every file must match a sha256 in the requirements, which list every package, so pip installs that
  # list as it is (--no-deps: its resolver refuses a hash-checked install when a dependency asks for a pinned package
  # with extras, pypa/pip#9644) and pip check then proves nothing is missing or at a version a package rejects.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r "$REQUIREMENTS"
  "$VENV/bin/python" -m pip check >&2
  echo "$want" > "$stamp"
}

setup
echo "$VENV/bin/python"
