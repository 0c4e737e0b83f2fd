"""The customer's support pages (in bilten/urls.py's i18n_patterns: /support/, /de/support/)."""

from django.urls import path

from crm import public_views, refund_request_views

app_name = "support"

urlpatterns = [
    path("support/", public_views.contact, name="contact"),
    path("support/sent/", public_views.contact_sent, name="contact_sent"),
    path("support/order/<str:number>/", public_views.order_help, name="order_help"),
    path(
        "support/order/<str:number>/<str:token>/",
        public_views.order_help,
        name="order_help_link",
    ),
    path("account/support/", public_views.my_cases, name="my_cases"),
    path("account/support/<int:case_id>/", public_views.case_detail, name="case"),
    path(
        "account/support/<int:case_id>/files/<int:attachment_id>/",
        public_views.attachment,
        name="attachment",
    ),
    path(
        "orders/<str:number>/refund/",
        refund_request_views.refund_request,
        name="refund_request",
    ),
    path(
        "orders/<str:number>/<str:token>/refund/",
        refund_request_views.refund_request,
        name="refund_request_link",
    ),
]
