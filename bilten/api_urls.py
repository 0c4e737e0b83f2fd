"""REST API v1 (JSON; JWT bearer tokens or the site session)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from accounts.api.views import RefreshView, RegisterView, TokenView
from commerce.api import views as commerce
from crm.api import refund_request
from crm.api import views as support
from event_pages.api import views as events
from fulfilment import assignment_api, preorder_api
from fulfilment.upload_api import TicketUploadView
from search import api as search

urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="api-register"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/refresh/", RefreshView.as_view(), name="api-token-refresh"),
    path("events/", search.EventSearchView.as_view(), name="api-events"),
    path("search/suggest/", search.SuggestView.as_view(), name="api-search-suggest"),
    path("events/<int:pk>/", events.EventDetailView.as_view(), name="api-event"),
    path("organizer/events/", events.OrganizerEventCreateView.as_view(), name="api-org-events"),
    path(
        "organizer/events/<int:pk>/publish/",
        events.OrganizerEventPublishView.as_view(),
        name="api-org-event-publish",
    ),
    path("holds/", commerce.HoldCreateView.as_view(), name="api-holds"),
    path("holds/<uuid:pk>/checkout/", commerce.HoldCheckoutView.as_view(), name="api-checkout"),
    path(
        "demo-payments/<uuid:pk>/confirm/",
        commerce.DemoPaymentConfirmView.as_view(),
        name="api-demo-confirm",
    ),
    path("orders/", commerce.OrderListView.as_view(), name="api-orders"),
    path("orders/<str:number>/", commerce.OrderDetailView.as_view(), name="api-order"),
    path("tickets/<str:code>/qr.png", commerce.TicketQRView.as_view(), name="api-ticket-qr"),
    path("tickets/verify/", commerce.TicketVerifyView.as_view(), name="api-ticket-verify"),
    path("admin/tickets/upload/", TicketUploadView.as_view(), name="api-admin-ticket-upload"),
    path(
        "admin/tickets/assignments/",
        assignment_api.AssignmentListView.as_view(),
        name="api-admin-assignments",
    ),
    path(
        "admin/tickets/<int:pk>/resend/",
        assignment_api.TicketResendView.as_view(),
        name="api-admin-ticket-resend",
    ),
    path(
        "admin/events/<int:pk>/reconcile/",
        assignment_api.EventReconcileView.as_view(),
        name="api-admin-event-reconcile",
    ),
    path(
        "events/<int:pk>/pre-orders/",
        preorder_api.PreOrderCreateView.as_view(),
        name="api-event-pre-orders",
    ),
    path("me/pre-orders/", preorder_api.MyPreOrdersView.as_view(), name="api-my-pre-orders"),
    path(
        "admin/events/<int:pk>/capture/",
        preorder_api.EventCaptureView.as_view(),
        name="api-admin-event-capture",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

# Support API and the attendee's refund request (crm.api).
urlpatterns += [
    path(
        "orders/<str:number>/refund-request/",
        refund_request.RefundRequestView.as_view(),
        name="api-order-refund-request",
    ),
    path("support/customers/", support.CustomerSearchView.as_view(), name="api-support-customers"),
    path("support/orders/<str:number>/", support.OrderView.as_view(), name="api-support-order"),
    path(
        "support/orders/<str:number>/refund/",
        support.OrderRefundView.as_view(),
        name="api-support-order-refund",
    ),
    path(
        "support/orders/<str:number>/cancel/",
        support.OrderCancelView.as_view(),
        name="api-support-order-cancel",
    ),
    path(
        "support/orders/<str:number>/resend/",
        support.OrderResendView.as_view(),
        name="api-support-order-resend",
    ),
    path(
        "support/tickets/<str:code>/transfer/",
        support.TicketTransferView.as_view(),
        name="api-support-ticket-transfer",
    ),
    path(
        "support/tickets/<str:code>/exchange/",
        support.TicketExchangeView.as_view(),
        name="api-support-ticket-exchange",
    ),
    path("support/cases/", support.CaseListView.as_view(), name="api-support-cases"),
    path(
        "support/cases/<int:pk>/replies/",
        support.CaseReplyView.as_view(),
        name="api-support-case-replies",
    ),
]
