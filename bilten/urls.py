from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from core.health import healthz
from core.language_switch import switch_language
from event_pages.admin_views import SiteHistoryView, admin_view
from fulfilment.metrics_views import metrics

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    # Wagtail's site history report, keeping organizations apart (ahead of Wagtail's own route).
    path("admin/reports/site-history/", admin_view(SiteHistoryView.as_view())),
    path(
        "admin/reports/site-history/results/",
        admin_view(SiteHistoryView.as_view(results_only=True)),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("i18n/setlang/", switch_language, name="set_language"),
    path("api/v1/", include("bilten.api_urls")),
    path("payments/", include("commerce.payment_urls")),
]

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Local media (the embedded default); production serves media from S3.
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT})
    )

urlpatterns += i18n_patterns(
    path("account/pre-orders/", include("fulfilment.portal_urls")),
    path("", include("crm.public_urls")),  # /support/ and /account/support/
    path("account/", include("accounts.urls")),
    path("", include("commerce.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler400 = "core.errors.bad_request"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
