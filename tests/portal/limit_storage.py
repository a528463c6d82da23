"""The real rate-limit storage for the customer-path tests: Redis, shared by app instances.

Two apps built on one database and one Redis stand for two gunicorn workers. Tests that
share a Redis never share a counter: each uses client addresses of its own (a key prefix
per test would not do, Flask-Limiter keeps the first one it reads for the process).
"""

import ipaddress
import os
import uuid

import pytest

LIMITS_ON = {"RATELIMIT_ENABLED": True}


def redis_url() -> str:
    """TEST_REDIS_URL (default redis://127.0.0.1:6379/0), or skip when Redis does not answer."""
    import redis

    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip(f"Redis not reachable at {url}")
    return url


def unique_address() -> str:
    """An IPv4 address in 10.0.0.0/8 no other test run is likely to use."""
    return str(ipaddress.IPv4Address(0x0A000000 | uuid.uuid4().int % 0x1000000))


def unique_ipv6_network() -> ipaddress.IPv6Network:
    """A /64 of 2001:db8::/32 (documentation) of this test's own."""
    high = 0x20010DB8 << 96 | (uuid.uuid4().int % (1 << 32)) << 64
    return ipaddress.IPv6Network((high, 64))


def workers(make_app, count: int = 2, **config) -> list:
    """`count` app instances on one database and one Redis, rate limits on (defaults)."""
    storage = {**LIMITS_ON, "RATELIMIT_STORAGE_URI": redis_url(), **config}
    return [make_app(**storage) for _ in range(count)]


def client_at(app, address: str, session: dict | None = None):
    """A test client of `app` from `address`, optionally holding a copy of a session."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if session is not None:
        with client.session_transaction() as held:
            held.update(session)
    return client


def session_of(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)
