"""gunicorn configuration for production (issue 15): `gunicorn -c gunicorn.conf.py lms.wsgi`.

gthread workers: 2 × CPU + 1 processes × 4 threads, so a request waiting on the database or a slow client does not
hold a whole process (2 sync workers queued a 100-connection burst for 4.3 s). Timeouts bound a stuck request;
workers are recycled (with jitter) and restarted gracefully on HUP. The access log has no query strings (they can
carry tokens and keys).

The application is loaded once in the master (preload_app) and workers are forked from it: a recycled worker is
back in milliseconds. Without it, under an even load all workers reached max_requests within seconds of each other
and booted Django together — in the HTTP benchmark (tests/bench/bench_70_http.py, load average ~13) the site did not
answer for over 30 s. The cost: a HUP reloads this file but not the code, so a deploy restarts the service (or sends
USR2 then TERM to the old master). No control socket (gunicorn 25+ opens one per user at ~/.gunicorn/gunicorn.ctl by
default, shared by every gunicorn that user runs on the host)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30
graceful_timeout = 30
keepalive = 5
preload_app = True
control_socket_disable = True
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests  # each worker is recycled after 2,000–4,000 requests, so they do not go together
backlog = 256
accesslog = "-"
# %(U)s is the path without the query string: no tokens, keys or search terms in the log.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
