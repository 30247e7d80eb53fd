#!/usr/bin/env bash
# `make prod-local`: the production shape on one machine (issue 15) — gunicorn with gunicorn.conf.py, a prefork
# Celery worker and Celery beat with the repository's Celery settings, production settings (lms.settings.production),
# Debian's PostgreSQL and Redis (started here if they are not running, as .ci/run does). Creates the database,
# migrates, loads regions, site and course, builds the search index and collects static files, then runs the three
# processes until Ctrl+C (or until one of them exits), and stops all three.
#
# Everything can be overridden from the environment; secrets it generates are kept in var/prod-local.env (git-ignored)
# so sessions and signed certificates survive a restart. E-mail goes to the worker's console unless EMAIL_BACKEND is
# set. Not for a real deployment: no TLS in front, one host (see docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8000}"
PY=.venv/bin/python
state=var/prod-local.env
mkdir -p var
if [ ! -f "$state" ]; then
  {
    echo "SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')"
    echo "CERTIFICATE_SIGNING_KEY=$($PY -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
  } > "$state"
  chmod 600 "$state"
fi
set -a
# shellcheck disable=SC1090
. "$state"
set +a
export DJANGO_SETTINGS_MODULE=lms.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tsunagari_local}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/1}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export REDIS_URL=""
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1}"
# Production requires an https:// SITE_URL (links in e-mails and QR codes); nothing terminates TLS here, so pages are
# served over http and not redirected. Browsers keep Secure cookies on http://localhost, so signing in works there.
export SITE_URL="${SITE_URL:-https://localhost:$PORT}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
export ALLAUTH_TRUSTED_PROXY_COUNT="${ALLAUTH_TRUSTED_PROXY_COUNT:-0}"
export EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}"
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:$PORT}"
# `scripts/prod-local.sh manage createsuperuser`: a management command with the same environment.
if [ "${1:-}" = manage ]; then
  shift
  exec $PY manage.py "$@"
fi

echo "== PostgreSQL and Redis"
db_host=$($PY -c 'import os, urllib.parse as u; print(u.urlsplit(os.environ["DATABASE_URL"]).hostname or "127.0.0.1")')
db_port=$($PY -c 'import os, urllib.parse as u; print(u.urlsplit(os.environ["DATABASE_URL"]).port or 5432)')
db_name=$($PY -c 'import os, urllib.parse as u; print(u.urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/"))')
if ! pg_isready -q -h "$db_host" -p "$db_port"; then
  echo "PostgreSQL を起動します"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
for url in "$CACHE_URL" "$CELERY_BROKER_URL"; do
  r_host=$($PY -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).hostname)' "$url")
  r_port=$($PY -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).port or 6379)' "$url")
  if ! redis-cli -h "$r_host" -p "$r_port" ping >/dev/null 2>&1; then
    echo "Redis を起動します（$r_host:$r_port）"
    mkdir -p var/redis
    redis-server --daemonize yes --bind "$r_host" --port "$r_port" --dir "$PWD/var/redis" \
      --logfile "$PWD/var/redis/redis.log"
  fi
done
for _ in $(seq 1 30); do
  pg_isready -q -h "$db_host" -p "$db_port" && break
  sleep 1
done
pg_isready -h "$db_host" -p "$db_port"
if ! psql "${DATABASE_URL%/*}/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1; then
  echo "データベース $db_name を作成します"
  psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$db_name\""
fi

echo "== migrate, regions, site, course, search index, static files"
$PY manage.py migrate --noinput
$PY manage.py load_regions
$PY manage.py seed_site
$PY manage.py seed_course
$PY manage.py rebuild_search_index
$PY manage.py collectstatic --noinput -v0

echo "== gunicorn, Celery worker (prefork), Celery beat"
pids=()
stop() {
  trap '' INT TERM  # a second Ctrl+C reaches the processes (Celery's cold shutdown) but not this clean-up
  trap - EXIT
  echo "停止します…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # The worker finishes the task it is running (warm shutdown); after 90 s what is left is killed (every task is
  # acknowledged late and idempotent, so a killed one is delivered again).
  for _ in $(seq 1 90); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "停止しました（PostgreSQL と Redis は動いたままです）。"
}
trap stop INT TERM EXIT
.venv/bin/gunicorn -c gunicorn.conf.py lms.wsgi & pids+=($!)
.venv/bin/celery -A lms worker --pool prefork --concurrency "${CELERY_CONCURRENCY:-2}" -l info & pids+=($!)
.venv/bin/celery -A lms beat -l info --schedule var/celerybeat-schedule & pids+=($!)
echo "http://localhost:$PORT/ で起動しました（停止は Ctrl+C）。"
# Until Ctrl+C, or until one process exits (then the others are stopped too: no half-running service).
wait -n "${pids[@]}" || true
