from django.apps import AppConfig


class EventPagesConfig(AppConfig):
    name = "event_pages"
    verbose_name = "Events"
