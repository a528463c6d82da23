"""gunicorn settings for production: `gunicorn wsgi:app` reads this file from the project root.

Every value comes from the environment with a safe default; docs/deployment.md lists them.
"""

import multiprocessing
import os
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent
load_dotenv(ROOT / ".env")

# nginx (or another TLS proxy) sits in front; gunicorn listens on loopback by default.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, about two per core: each request holds one worker, the database does the rest.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = 5
# Recycle workers now and then so a slow leak can never take the site down. A new worker
# imports the app again (about 1 s of CPU), so not too often: every 2,000 requests cost
# 0.5 ms of CPU per request, more than half a card page; every 20,000 cost 0.05 ms.
max_requests = 20000
max_requests_jitter = 2000
# Each worker opens its own database connections after the fork.
preload_app = False

# Refuse oversized request lines and headers before the app sees them.
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190

# Forwarded headers are trusted in one place only: the app's ProxyFix (PROXY_FIX_HOPS).
# gunicorn itself honours a forwarded scheme only from FORWARDED_ALLOW_IPS (default: none).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
secure_scheme_headers = {}

# No access log: its lines would carry the real paths, and with them card tokens and
# private-link secrets. The app logs each request as JSON by its route pattern instead.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class MemoryRateLimitsWithManyWorkers(RuntimeError):
    """In-memory rate limits are per process: N workers would allow N times the limit."""


def rate_limit_storage() -> str:
    """The RATELIMIT_STORAGE_URI the app will use (read like core.config does)."""
    from core.config import load_config

    return load_config(str(ROOT / "instance"))["RATELIMIT_STORAGE_URI"]


def check_rate_limit_storage(worker_count: int, storage_uri: str) -> None:
    """Refuse memory:// rate limits when more than one worker process will serve."""
    if worker_count > 1 and storage_uri.startswith("memory://"):
        raise MemoryRateLimitsWithManyWorkers(
            f"RATELIMIT_STORAGE_URI is {storage_uri!r} with {worker_count} workers: every "
            "worker would count attempts separately. Set RATELIMIT_STORAGE_URI="
            "redis://127.0.0.1:6379/0 (shared by all workers) or run WEB_CONCURRENCY=1."
        )


def on_starting(server) -> None:
    """Before any worker starts: refuse a configuration that would break rate limits."""
    check_rate_limit_storage(server.cfg.workers, rate_limit_storage())
