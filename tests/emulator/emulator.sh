#!/usr/bin/env bash
# The project's local AWS: a Python venv with moto (server mode), cfn-lint and the SAM CLI, all pinned in
# tests/emulator/requirements.txt, and the moto server on 127.0.0.1 at a free port.
#
#   emulator.sh setup    create or refresh .venv from the pinned requirements
#   emulator.sh start    start moto, wait until it answers, write its URL to .emulator/endpoint
#   emulator.sh stop     stop it (idempotent)
#   emulator.sh status   print the endpoint if running
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV="$ROOT/.venv"
STATE="$ROOT/.emulator"
REQUIREMENTS="$ROOT/tests/emulator/requirements.txt"

log() { printf 'emulator: %s\n' "$*" >&2; }

setup() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
  if [ -x "$VENV/bin/moto_server" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "installing moto, cfn-lint and the SAM CLI into .venv (first run: about 2 minutes)"
  python3 -m venv "$VENV"
  # Hash-checked: every file must match a sha256 in the requirements, which list every package, so pip installs that
  # list as it is (--no-deps: its resolver refuses a hash-checked install when a dependency asks for a pinned package
  # with extras, pypa/pip#9644) and pip check then proves nothing is missing or at a version a package rejects.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r "$REQUIREMENTS"
  "$VENV/bin/python" -m pip check >&2
  echo "$want" > "$stamp"
}

running_pid() {
  [ -f "$STATE/pid" ] || return 1
  local pid; pid=$(cat "$STATE/pid")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  setup
  if pid=$(running_pid); then
    log "already running (pid $pid) at $(cat "$STATE/endpoint")"
    return 0
  fi
  mkdir -p "$STATE"
  local port
  port=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  # AWS managed policies (AdministratorAccess, …) exist in moto only with this switch.
  # serve.py runs moto one request at a time, so DynamoDB conditional writes stay atomic (see the file).
  MOTO_IAM_LOAD_MANAGED_POLICIES=true nohup "$VENV/bin/python" "$ROOT/tests/emulator/serve.py" -H 127.0.0.1 -p "$port" \
    >"$STATE/moto.log" 2>&1 &
  echo $! > "$STATE/pid"
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    if "$VENV/bin/python" - "$url" <<'PY' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1).read()
PY
    then
      # Step Functions only records executions unless told to run them.
      "$VENV/bin/python" - "$url" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/moto-api/config", method="POST",
      data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
      headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=5).read()
PY
      echo "$url" > "$STATE/endpoint"
      log "moto $("$VENV/bin/python" -c 'import moto; print(moto.__version__)') listening at $url (pid $(cat "$STATE/pid"))"
      return 0
    fi
    if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
      log "moto exited during start-up; its log:"; cat "$STATE/moto.log" >&2; return 1
    fi
    sleep 0.2
  done
  log "moto did not answer within 30 s; its log:"; tail -20 "$STATE/moto.log" >&2
  stop; return 1
}

stop() {
  if pid=$(running_pid); then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  fi
  rm -f "$STATE/pid" "$STATE/endpoint"
}

case "${1:-}" in
  setup) setup ;;
  start) start ;;
  stop) stop ;;
  status) if pid=$(running_pid); then echo "$(cat "$STATE/endpoint") (pid $pid)"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 setup|start|stop|status" >&2; exit 2 ;;
esac
