"""The machine's Redis, for tests that need a real one (.ci/run starts it): under CI a missing Redis fails
the test; elsewhere it skips with the reason."""

import os

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/0"


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is unreachable at {REDIS_URL} (CI is set: this test must run): {error}")
        pytest.skip(f"Redis is unreachable at {REDIS_URL}: {error}")
