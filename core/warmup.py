"""Load at start-up what the first requests would otherwise load on the way,
then keep it out of the garbage collector's way.

A fresh worker's first API call spent ~450 ms importing the URL configuration,
the views behind it and the modules they import lazily. During an on-sale the
first requests of every worker arrive in the same second, so the WSGI entry
point does that work before the worker takes its first connection (and, with
gunicorn --preload, once in the master for all workers).
"""

import gc
from importlib import import_module

from django.urls import get_resolver

# Imported inside functions (to keep app loading free of cycles), needed by the
# first hold, checkout or payment.
LAZY_MODULES = (
    "commerce.payments.demo",
    "commerce.services.checkout",
    "commerce.services.orders",
    "commerce.services.promos",
    "commerce.tickets",
    "django_q.brokers",
    "django_q.tasks",
    "rest_framework.negotiation",
    "rest_framework.parsers",
    "rest_framework.renderers",
)


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    get_resolver().resolve("/api/v1/holds/")  # builds the resolver's caches
    for module in LAZY_MODULES:
        import_module(module)
    # What is loaded now lives as long as the process: take it out of the garbage
    # collector's sight (gc.freeze), so a full collection during an on-sale walks
    # only request garbage. With the whole app in view one took ~75 ms, a pause
    # in the middle of somebody's hold.
    gc.collect()
    gc.freeze()
