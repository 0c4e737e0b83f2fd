"""django-q2's Redis broker, with short timeouts and an enqueue that never fails a request.

Queued work is queued after its transaction committed (`transaction.on_commit`):
when Redis cannot take it, raising would show the buyer an error for a
purchase that succeeded. The enqueue is logged (at most once a minute) and
dropped instead; every task queued here has a scheduled sweep that finds what
was not done (confirmation emails: `commerce.tasks.send_missing_confirmations`).
Schedules live in the database, so they run again once Redis is back.
"""

import logging

import redis
from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf

from core.redis_cache import UNREACHABLE, RateLimitedLog

# Long enough for the worker's 1 s BLPOP, short enough not to hold a request.
SOCKET_TIMEOUT = 5.0
CONNECT_TIMEOUT = 1.0

log_enqueue_error = RateLimitedLog(
    "task queue unreachable, task not queued (a sweep will do it)", log=logging.getLogger(__name__)
)


class ResilientRedisBroker(Redis):
    def enqueue(self, task):
        try:
            return super().enqueue(task)
        except UNREACHABLE as error:
            log_enqueue_error(error)
            return None

    @staticmethod
    def get_connection(list_key: str = None) -> redis.Redis:
        return redis.from_url(
            Conf.REDIS, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT
        )
