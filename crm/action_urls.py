"""Admin URLs of the agent action screens (crm.action_views), under /admin/crm/.

The names are global (no namespace) because other screens link to them by name:
the customer page renders a button only when its name resolves.
"""

from django.urls import path

from crm import action_views

urlpatterns = [
    path(
        "crm/orders/<str:number>/refund/",
        action_views.RefundView.as_view(),
        name="crm_order_refund",
    ),
    path(
        "crm/orders/<str:number>/cancel/",
        action_views.CancelView.as_view(),
        name="crm_order_cancel",
    ),
    path(
        "crm/orders/<str:number>/resend/",
        action_views.ResendView.as_view(),
        name="crm_order_resend",
    ),
    path(
        "crm/tickets/<str:code>/transfer/",
        action_views.TransferView.as_view(),
        name="crm_ticket_transfer",
    ),
    path(
        "crm/tickets/<str:code>/exchange/",
        action_views.ExchangeView.as_view(),
        name="crm_ticket_exchange",
    ),
    path(
        "crm/exchanges/<int:pk>/cancel/",
        action_views.CancelExchangePaymentView.as_view(),
        name="crm_exchange_payment_cancel",
    ),
    path(
        "crm/pre-orders/<uuid:pk>/resend-credentials/",
        action_views.ResendCredentialsView.as_view(),
        name="crm_pre_order_resend_credentials",
    ),
]
