"""gunicorn settings for Bilten (used by bench/serve.sh; a base for production).

Each worker, once started, opens its database and cache connections, so the
first buyers of an on-sale do not pay for connection set-up. (Connections are
opened after the fork: never in the master, which --preload would share.)
"""

backlog = 4096
loglevel = "warning"


def post_worker_init(worker):
    from django.core.cache import cache
    from django.db import connection

    connection.ensure_connection()
    cache.get("bilten:warm-up")
