"""An empty gunicorn configuration: the certificate benchmark's server takes its settings from the command line
(2 sync workers, no access log), not from the repository's gunicorn.conf.py, which gunicorn would read by default."""
