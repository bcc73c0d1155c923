#!/usr/bin/env bash
# The second, independent emulator: LocalStack (localstack-core 4.14.0, the last release that runs without an auth
# token), in host mode (no Docker), offline, on 127.0.0.1 at a free port. It serves EC2, S3, S3 Control, IAM, STS,
# SQS, Step Functions, Secrets Manager and SSM for the tests, and CloudFormation, Lambda, CloudWatch Logs, EventBridge
# and EventBridge Scheduler for the deployment check (tests/emulator/deploy_check.py). Its free edition cannot serve
# DynamoDB offline (it downloads DynamoDB Local at first use) and has no CloudTrail, so those two stay on moto
# (tests/emulator/emulator.sh), reached through the SDK's per-service variables AWS_ENDPOINT_URL_DYNAMODB and
# AWS_ENDPOINT_URL_CLOUDTRAIL; LocalStack's own CloudFormation reaches DynamoDB on moto too (localstack_host.py, which
# starts LocalStack with the few corrections it documents).
#
#   localstack.sh setup    create or refresh .venv-localstack from tests/emulator/localstack-requirements.txt
#   localstack.sh start    start moto (unless running) and LocalStack, wait until both answer, write .localstack/env
#   localstack.sh stop     stop LocalStack, and moto if this script started it (idempotent)
#   localstack.sh status   print the endpoints if running
#   localstack.sh env      print the variables the tests need (eval "$(tests/emulator/localstack.sh env)")
#
# LocalStack 4.14.0 needs Python 3.12 or newer (its code uses PEP 695 generics); Debian 12's python3 is 3.11, so the
# script looks for python3.13 / python3.12 on PATH, then under ~/.pyenv/versions, or takes PORTCULLIS_LOCALSTACK_PYTHON.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV="$ROOT/.venv-localstack"
STATE="$ROOT/.localstack"
REQUIREMENTS="$ROOT/tests/emulator/localstack-requirements.txt"
MOTO="$ROOT/tests/emulator/emulator.sh"
# What LocalStack serves here: every service Portcullis calls except DynamoDB and CloudTrail (see above), and what
# creating the stack needs besides.
SERVICES=ec2,s3,s3control,iam,sts,sqs,stepfunctions,secretsmanager,ssm,cloudformation,lambda,logs,events,scheduler,kms,cloudwatch
# The account the sample events describe and moto keeps everything in; LocalStack takes a 12-digit access key id
# as the account (with "testing" it would use 000000000000).
ACCOUNT=123456789012

log() { printf 'localstack: %s\n' "$*" >&2; }

find_python() {
  local candidate
  for candidate in "${PORTCULLIS_LOCALSTACK_PYTHON:-}" "$(command -v python3.13 || true)" \
      "$(command -v python3.12 || true)" "$HOME"/.pyenv/versions/3.13*/bin/python "$HOME"/.pyenv/versions/3.12*/bin/python; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  log "LocalStack 4.14.0 needs Python 3.12 or newer and none was found (python3.13, python3.12, ~/.pyenv/versions)."
  log "Install one, or name it: PORTCULLIS_LOCALSTACK_PYTHON=/path/to/python3.12 ./portcullis test --emulator localstack"
  return 1
}

setup() {
  local stamp="$VENV/.requirements.sha256" want python
  want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  python=$(find_python)
  log "installing localstack-core 4.14.0 into .venv-localstack with $("$python" --version) (first run: about 2 minutes)"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
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
  rm -rf "$STATE"
  mkdir -p "$STATE/tmp" "$STATE/volume"
  if ! "$MOTO" status >/dev/null 2>&1; then
    "$MOTO" start
    touch "$STATE/started-moto"
  fi
  local moto_url port url
  moto_url=$(cat "$ROOT/.emulator/endpoint")
  port=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  url="http://127.0.0.1:$port"
  # Host mode is `python -m localstack.runtime.main` (what `localstack start --host` runs), here through
  # localstack_host.py. Offline: no DNS server (it would bind port 53), no certificate download, no analytics; nothing
  # kept between runs; its temporary files under .localstack (TMPDIR, deprecated but still honoured, keeps it out of
  # /tmp/localstack, which it clears). Queue URLs use the path strategy, so they name 127.0.0.1 and never a
  # *.localstack.cloud host that needs DNS. CloudFormation deploys the resource types it has no provider for (the HTTP
  # API's, a paid feature) as a "fallback" and says so in their events; the deployment check allows only those.
  # The caller's SDK endpoint variables (the test command exports moto's) are not LocalStack's to follow.
  # exec: the recorded pid is LocalStack's own, so stop ends LocalStack and not just a shell around it.
  (cd "$STATE" && exec env -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_DYNAMODB -u AWS_ENDPOINT_URL_CLOUDTRAIL \
    GATEWAY_LISTEN="127.0.0.1:$port" LOCALSTACK_HOST="127.0.0.1:$port" SERVICES="$SERVICES" \
    SQS_ENDPOINT_STRATEGY=path PERSISTENCE=0 DNS_ADDRESS=0 SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 \
    CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES=1 PORTCULLIS_MOTO_URL="$moto_url" \
    LOCALSTACK_VOLUME_DIR="$STATE/volume" TMPDIR="$STATE/tmp" \
    nohup "$VENV/bin/python" "$ROOT/tests/emulator/localstack_host.py") >"$STATE/localstack.log" 2>&1 &
  echo $! > "$STATE/pid"
  for _ in $(seq 1 300); do
    if grep -q '^Ready\.' "$STATE/localstack.log" 2>/dev/null; then
      echo "$url" > "$STATE/endpoint"
      cat > "$STATE/env" <<EOF
export AWS_ENDPOINT_URL=$url
export AWS_ENDPOINT_URL_DYNAMODB=$moto_url
export AWS_ENDPOINT_URL_CLOUDTRAIL=$moto_url
export AWS_REGION=\${AWS_REGION:-us-east-1}
export AWS_ACCESS_KEY_ID=$ACCOUNT
export AWS_SECRET_ACCESS_KEY=testing
EOF
      log "LocalStack $("$VENV/bin/python" -c 'from localstack import version; print(version.__version__)' 2>/dev/null || echo 4.14.0) listening at $url (pid $(cat "$STATE/pid")); DynamoDB and CloudTrail on moto at $moto_url"
      return 0
    fi
    if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
      log "LocalStack exited during start-up; its log:"; cat "$STATE/localstack.log" >&2; stop; return 1
    fi
    sleep 0.2
  done
  log "LocalStack did not say Ready within 60 s; its log:"; tail -30 "$STATE/localstack.log" >&2
  stop; return 1
}

stop() {
  if pid=$(running_pid); then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  fi
  if [ -f "$STATE/started-moto" ]; then
    "$MOTO" stop
  fi
  rm -f "$STATE/pid" "$STATE/endpoint" "$STATE/env" "$STATE/started-moto"
}

case "${1:-}" in
  setup) setup ;;
  start) start ;;
  stop) stop ;;
  status)
    if pid=$(running_pid) && [ -f "$STATE/env" ]; then
      echo "$(cat "$STATE/endpoint") (pid $pid); DynamoDB and CloudTrail: $(sed -n 's/^export AWS_ENDPOINT_URL_DYNAMODB=//p' "$STATE/env")"
    else
      echo "not running"; exit 1
    fi ;;
  env) if [ -f "$STATE/env" ] && running_pid >/dev/null; then cat "$STATE/env"; else log "not running (localstack.sh start)"; exit 1; fi ;;
  *) echo "usage: $0 setup|start|stop|status|env" >&2; exit 2 ;;
esac
