from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The small shared kernel every other app may import (DESIGN.md, "Layering")."""

    name = "core"
    verbose_name = "Core"
