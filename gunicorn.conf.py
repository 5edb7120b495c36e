"""gunicorn's settings for KAM: every limit chosen on purpose (README.md, "Web server limits").

Read by `gunicorn --config gunicorn.conf.py kam.wsgi` (the Dockerfile, docker-compose.yml and
deploy/systemd/kam-web.service). A value can be overridden for one deployment without editing this
file: options on the command line, or in GUNICORN_CMD_ARGS (e.g. `--timeout 60`), win over it.
"""

import os


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{name}={raw!r}: expected a whole number of at least 1")
    return value


bind = ["0.0.0.0:8000"]

# Processes, not threads: the sync worker serves one request at a time, so `timeout` below is a
# real limit on each request (a threaded worker keeps reporting alive while one of its requests
# hangs). Slow clients are the proxy's to absorb: nginx buffers request bodies and responses.
worker_class = "sync"
# (2 × cores) + 1 is gunicorn's rule for sync workers; each takes some 150–200 MB once warm and
# keeps its own database pool (DATABASE_POOL_MAX).
workers = _positive_int("WEB_CONCURRENCY", 3)
# Each worker imports the application itself: a replaced worker starts clean, and no connection,
# pool or thread is ever shared across a fork.
preload_app = False

# A request still running after this many seconds has its worker killed and replaced; the proxy
# answers 502. Anything that takes longer belongs in a background job with a progress page.
timeout = 30
# On a stop or reload, requests in flight get this long to finish (the longest a request may run)
# before their worker is killed; Docker's stop_grace_period and systemd's TimeoutStopSec exceed it.
graceful_timeout = 30
# Idle seconds a kept-alive connection may wait for its next request. Used only by a threaded
# worker class (the sync worker closes each connection after its response).
keepalive = 5

# A worker is replaced after this many requests (plus a random 0–jitter, so the workers do not all
# restart at once): memory a worker keeps after one large request is given back within the hour.
max_requests = 1000
max_requests_jitter = 200

# Request line and headers (bodies are limited by Django's DATA_UPLOAD_* settings and the proxy's
# client_max_body_size). The longest URL KAM makes, a filtered account list, is well under 4 KB;
# gunicorn answers 400 beyond these.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Addresses whose X-Forwarded-Proto gunicorn believes (then wsgi.url_scheme is https, which Django
# uses when KAM_PROXY_SSL_HEADER is unset). Default: a proxy on the same machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log on stdout, errors on stderr, tokens in URLs masked (kam.log_masking.py). The
# format is Apache's "combined" plus the time taken and the proxy's X-Forwarded-For.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms "%({x-forwarded-for}i)s"'
)
logger_class = "kam.log_masking.MaskingLogger"

# The workers' heartbeat files in memory: a slow disk must not make a busy worker look hung.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# No gunicornc control socket: nothing uses it, and the service user has no home to put it in.
control_socket_disable = True
proc_name = "kam-web"
