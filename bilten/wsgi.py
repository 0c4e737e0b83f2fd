import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilten.settings.production")
application = get_wsgi_application()

from core.warmup import warm_up  # noqa: E402 - needs the app set up first

warm_up()
