from django.apps import AppConfig


class EventPagesConfig(AppConfig):
    name = "event_pages"
    verbose_name = "Events"

    def ready(self):
        from event_pages import signals  # noqa: F401
