"""gunicorn configuration for production (issue 15): `gunicorn -c gunicorn.conf.py lms.wsgi`.

gthread workers: 2 × CPU + 1 processes × 4 threads, so a request waiting on the database or a slow client does not
hold a whole process (2 sync workers queued a 100-connection burst for 4.3 s). Timeouts bound a stuck request;
workers are recycled (with jitter) and restarted gracefully on HUP. The access log has no query strings (they can
carry tokens and keys)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
backlog = 256
accesslog = "-"
# %(U)s is the path without the query string: no tokens, keys or search terms in the log.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
