#!/usr/bin/env bash
# Start the site (127.0.0.1:8000) and the django-q2 worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
# Links in emails (SITE_URL) point where this server answers: PORT=8100 make run
# emails http://127.0.0.1:8100/... links. A SITE_URL set in the environment wins.
case "$HOST" in 0.0.0.0 | "::" | "[::]") url_host=127.0.0.1 ;; *) url_host="$HOST" ;; esac
export SITE_URL="${SITE_URL:-http://$url_host:$PORT}"
# The site as visitors see it: its own 404 and 500 pages, not Django's debug pages
# (DJANGO_DEBUG=1 make run brings those back). With DEBUG off, --insecure lets the
# development server keep serving static files; media is served by bilten/urls.py.
export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"

# The worker gets its own process group (set -m): Ctrl-C reaches the site and this
# script only, not each of the worker's processes, and stop_worker stops it once:
# SIGTERM to qcluster, which stops its sentinel, pusher, monitor and workers, then
# SIGKILL to whatever of its group is still there after STOP_SECONDS (a task that
# would not end; tasks are retried or swept). docs/architecture.md explains.
STOP_SECONDS="${STOP_SECONDS:-5}"
set -m
$PY manage.py qcluster &
worker=$!
set +m
stop_worker() {
    trap - EXIT INT TERM
    kill -TERM "$worker" 2>/dev/null || true
    for _ in $(seq $((STOP_SECONDS * 10))); do
        kill -0 "$worker" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$worker" 2>/dev/null || true
    wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Bilten is starting on http://$HOST:$PORT/  (admin: http://$HOST:$PORT/admin/)"
$PY manage.py runserver --insecure "$HOST:$PORT"
