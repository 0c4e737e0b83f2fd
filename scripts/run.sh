#!/usr/bin/env bash
# Start the site (127.0.0.1:8000) and the django-q2 worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
# The site as visitors see it: its own 404 and 500 pages, not Django's debug pages
# (DJANGO_DEBUG=1 make run brings those back). With DEBUG off, --insecure lets the
# development server keep serving static files; media is served by bilten/urls.py.
export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"

$PY manage.py qcluster &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo "Bilten is starting on http://$HOST:$PORT/  (admin: http://$HOST:$PORT/admin/)"
$PY manage.py runserver --insecure "$HOST:$PORT"
