#!/usr/bin/env bash
# Serve Bilten for the on-sale benchmark the way production would: gunicorn behind
# nginx (deploy/nginx.conf), the hold endpoint on its own pool.
#
#   bench/serve.sh [PUBLIC_PORT] [MAIN_WORKERS] [HOLD_WORKERS]      (Ctrl-C stops all)
#
# Needs the production-like environment of docs/performance.md (DATABASE_URL,
# REDIS_URL, DJANGO_SETTINGS_MODULE=bilten.settings.production, secrets,
# RATE_LIMITS=off) and nginx (Debian package nginx-light; installed when missing).
# HOLD_WORKERS=0 serves everything from one pool (no bulkhead), for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
PUBLIC_PORT="${1:-8100}"
MAIN_WORKERS="${2:-4}"
HOLD_WORKERS="${3:-2}"
MAIN_PORT=$((PUBLIC_PORT + 1))
HOLDS_PORT=$((PUBLIC_PORT + 2))
PREFIX="$(mktemp -d /tmp/bilten-nginx.XXXXXX)"

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

# Bytecode for every module, so no worker compiles source on its first requests
# (this machine sets PYTHONDONTWRITEBYTECODE; production images ship .pyc files).
.venv/bin/python -m compileall -q -j 0 .venv/lib accounts bilten commerce core event_pages >/dev/null || true

.venv/bin/python manage.py collectstatic --noinput -v0

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; "$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -s stop 2>/dev/null || true' EXIT INT TERM

GUNICORN=(.venv/bin/gunicorn bilten.wsgi -c deploy/gunicorn.conf.py ${GUNICORN_ARGS:-})
if [ "$HOLD_WORKERS" -gt 0 ]; then
  "${GUNICORN[@]}" -w "$MAIN_WORKERS" -b "127.0.0.1:$MAIN_PORT" & pids+=($!)
  # The hold pool runs at a higher CPU priority when allowed (root), so a hold is
  # served first when the cores are saturated.
  nice -n "${HOLD_NICE:--10}" "${GUNICORN[@]}" -w "$HOLD_WORKERS" -b "127.0.0.1:$HOLDS_PORT" \
    2>/dev/null & pids+=($!)
else
  HOLDS_PORT=$MAIN_PORT
  "${GUNICORN[@]}" -w "$MAIN_WORKERS" -b "127.0.0.1:$MAIN_PORT" & pids+=($!)
fi

sed -e "s|PREFIX|$PREFIX|g" -e "s|PUBLIC_PORT|$PUBLIC_PORT|" -e "s|MAIN_PORT|$MAIN_PORT|" \
    -e "s|HOLDS_PORT|$HOLDS_PORT|" deploy/nginx.conf > "$PREFIX/nginx.conf"
# The front door gets the same priority as the hold pool: it must pass the burst on.
nice -n "${HOLD_NICE:--10}" "$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -g "daemon off;" \
  2>/dev/null & pids+=($!)
echo "Bilten on http://127.0.0.1:$PUBLIC_PORT/ (main pool $MAIN_WORKERS workers, hold pool $HOLD_WORKERS)"
wait
