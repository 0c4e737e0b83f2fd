"""A worker is ready for an on-sale before its first request (core/warmup.py)."""

import gc
import sys

from django.urls import get_resolver

from core.warmup import LAZY_MODULES, warm_up


def test_start_up_loads_the_views_and_keeps_the_app_out_of_the_collectors_way():
    try:
        warm_up()
        assert get_resolver().resolve("/api/v1/holds/").func
        assert "commerce.api.views" in sys.modules
        assert all(module in sys.modules for module in LAZY_MODULES)
        # Everything loaded is frozen: a full collection no longer walks it.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
