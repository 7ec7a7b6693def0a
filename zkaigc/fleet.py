"""The prover fleet: the Silverback bot on a Redis broker, and the per-request claims that keep work assigned.

    ZKAIGC_BROKER=redis://127.0.0.1:6379/0 silverback run zkaigc.bot:bot ...          # the bot (dispatcher)
    ZKAIGC_BROKER=redis://127.0.0.1:6379/0 silverback worker -w 1 zkaigc.bot:bot ...  # one per core/machine

Without `ZKAIGC_BROKER` the bot runs as one process on Silverback's in-memory broker (the default). With it:

- **The broker is a Redis stream** (taskiq-redis `RedisStreamBroker`, results in Redis). Every task the runner
  kicks (a `Requested` event, a new block, the startup catch-up) is read by exactly one worker of the consumer
  group, one message at a time (`xread_count=1`: an idle worker takes the next task, a busy one hoards
  nothing). A task is acknowledged only once its result is saved; a worker killed mid-task leaves it pending,
  and an idle worker claims it after `ZKAIGC_REDELIVER_S` (default 60 s) and runs it again.
- **Each request is proven under a lease** (`RedisClaims`): a Redis lock per request, taken before proving,
  renewed every few seconds while the worker lives, released once the outcome is on chain. A worker that
  finds the lease held records the request as `claimed` and looks again shortly; a worker that dies stops
  renewing, so its lease lapses after `ZKAIGC_LEASE_S` (default 15 s) and the next worker to look proves it.
  Redelivered tasks, per-block polls and events therefore never prove one request twice at the same time;
  the chain's single fulfilment decides anything else.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from typing import Any

import redis
from redis.exceptions import LockError

from .errors import ZkaigcError
from .settings import ProverSettings, get_settings

#: Silverback's broker and result backend for a fleet (taskiq-redis, pinned in pyproject.toml).
BROKER_CLASS = "taskiq_redis:RedisStreamBroker"
RESULT_BACKEND_CLASS = "taskiq_redis:RedisAsyncResultBackend"


class FleetError(ZkaigcError):
    """A fleet that cannot start: bad broker URL, or Redis not reachable."""


def worker_name() -> str:
    """How this process names itself in leases and logs: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def broker_settings(url: str, queue: str = "zkaigc", redeliver_s: float | None = None) -> dict[str, Any]:
    """Silverback `Settings` fields (the `SILVERBACK_*` environment, as keywords) for a Redis-stream fleet."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise FleetError(f"ZKAIGC_BROKER={url!r} is not a Redis URL (redis://host:port/db)")
    redeliver = redeliver_s if redeliver_s is not None else get_settings(ProverSettings).redeliver_s
    return {
        "BROKER_CLASS": BROKER_CLASS,
        "BROKER_KWARGS": {
            "url": url,
            "queue_name": queue,
            "consumer_group_name": queue,
            "xread_count": 1,  # one task at a time: an idle worker takes the next, a busy one hoards nothing
            "idle_timeout": int(redeliver * 1000),  # unacknowledged for this long: another worker takes it
            "unacknowledged_lock_timeout": 5,  # a worker killed while claiming cannot block the others
        },
        "RESULT_BACKEND_CLASS": RESULT_BACKEND_CLASS,
        "RESULT_BACKEND_KWARGS": {"redis_url": url, "result_ex_time": 3600},
    }


class Lease:
    """A held claim on one request: renewed in the background until released (or the process dies)."""

    def __init__(self, lock, ttl: float):
        self._lock, self._stop = lock, threading.Event()
        self._thread = threading.Thread(target=self._renew, args=(ttl / 3,), daemon=True)
        self._thread.start()
        self.lost = False

    def _renew(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self._lock.reacquire()
            except (LockError, redis.RedisError):
                self.lost = True  # lapsed (the process stalled past the ttl) or Redis is gone
                return

    def release(self) -> None:
        self._stop.set()
        self._thread.join()
        try:
            self._lock.release()
        except (LockError, redis.RedisError):
            pass  # already lapsed: nothing to give back


class RedisClaims:
    """Per-request leases in Redis, shared by every worker of one marketplace."""

    def __init__(self, url: str, namespace: str, ttl: float | None = None, owner: str | None = None):
        self.redis = redis.Redis.from_url(url)
        self.namespace = namespace
        self.ttl = float(ttl if ttl is not None else get_settings(ProverSettings).lease_s)
        self.owner = owner or worker_name()

    def check(self) -> None:
        """Fail in one line if Redis is not reachable."""
        try:
            self.redis.ping()
        except redis.RedisError as err:
            raise FleetError(f"cannot reach the broker's Redis: {' '.join(str(err).split())}") from None

    def acquire(self, request_id: int) -> Lease | str:
        """A lease on `request_id`, or the name of the worker holding it."""
        key = f"{self.namespace}:claim:{request_id}"
        lock = self.redis.lock(key, timeout=self.ttl, blocking=False, thread_local=False)
        if lock.acquire(token=f"{self.owner}#{uuid.uuid4().hex[:8]}"):
            return Lease(lock, self.ttl)
        holder = self.redis.get(key)
        return holder.decode().split("#")[0] if holder else "another worker"
