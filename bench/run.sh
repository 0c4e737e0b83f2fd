#!/usr/bin/env bash
# The figures of docs/performance.md in one command (`make bench`): a scratch
# PostgreSQL database, Redis, the server as bench/serve.sh runs it, then the
# on-sale burst (bench/onsale.py, three runs on fresh 2,000-ticket events with
# guest buyers, three with buyers signed in with API tokens from a pool of 400
# accounts) and the opening-second burst (bench/hold_burst.py).
#
#   bench/run.sh [MAIN_WORKERS] [HOLD_WORKERS]        (HOLD_WORKERS=0: one pool)
set -euo pipefail
cd "$(dirname "$0")/.."
MAIN_WORKERS="${1:-3}"
HOLD_WORKERS="${2:-3}"
PORT="${BENCH_PORT:-8100}"
DB_NAME="${BENCH_DB:-bilten_bench}"
PY=.venv/bin/python

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB_NAME"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/3}"
psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" \
  | grep -q 1 || createdb -h 127.0.0.1 -U postgres "$DB_NAME"
DJANGO_SETTINGS_MODULE=bilten.settings.dev $PY manage.py migrate --noinput -v0
DJANGO_SETTINGS_MODULE=bilten.settings.dev $PY manage.py seed_demo >/dev/null

export DJANGO_SETTINGS_MODULE=bilten.settings.production DJANGO_SECRET_KEY=bench-only-secret-key-never-used-in-production
export TICKET_SECRET_KEY=bench-ticket SECURE_SSL_REDIRECT=0 RATE_LIMITS=off LOG_LEVEL=WARNING

bench/serve.sh "$PORT" "$MAIN_WORKERS" "$HOLD_WORKERS" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done

TOKENS="$(mktemp /tmp/bilten-bench-tokens.XXXXXX)"
$PY manage.py create_bench_buyers --count 400 --out "$TOKENS" >/dev/null
for run in 1 2 3; do
  for kind in guests signed-in; do
    event=$($PY manage.py create_onsale_event --capacity 2000)
    echo "--- on-sale run $run, $kind (event $event)"
    extra=()
    [ "$kind" = signed-in ] && extra=(--tokens "$TOKENS")
    $PY bench/onsale.py --url "http://127.0.0.1:$PORT" --event "$event" --buyers 1000 \
      --concurrency 200 "${extra[@]}"
  done
done
event=$($PY manage.py create_onsale_event --capacity 100000)
echo "--- opening second (event $event)"
$PY bench/hold_burst.py --url "http://127.0.0.1:$PORT" --event "$event" --buyers 200 --rounds 3
