from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Event search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from search import indexing
        from search.dates import register_sqlite_function

        indexing.connect()  # autocomplete words and the cache generation follow publishing
        connection_created.connect(register_sqlite_function, dispatch_uid="search_local_date")
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                register_sqlite_function(connection)

        from event_pages import sales
        from search.pages import search_page

        sales.connect(search_page=search_page)  # /events/ becomes the search page (search.pages)
