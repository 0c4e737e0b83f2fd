from django.urls import path

from commerce import exchange_views, guest_views, views

app_name = "commerce"

urlpatterns = [
    path("tickets/<int:event_id>/hold/", views.hold_tickets, name="hold"),
    path("checkout/<uuid:hold_id>/", views.checkout, name="checkout"),
    path("checkout/<uuid:hold_id>/pay/", views.pay, name="pay"),
    path("checkout/<uuid:hold_id>/release/", views.release_hold, name="release"),
    path("checkout/payments/<uuid:payment_id>/", views.payment_status, name="payment_status"),
    path("orders/find/", guest_views.find_order, name="find_order"),
    path("orders/find/sent/", guest_views.find_order_sent, name="find_order_sent"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    # Signed links (commerce.order_links): the order and its tickets from any device.
    path("orders/<str:number>/<str:token>/", guest_views.order_by_link, name="order_link"),
    path(
        "orders/<str:number>/<str:token>/tickets/<str:code>/",
        guest_views.ticket_by_link,
        name="ticket_link",
    ),
    path(
        "orders/<str:number>/<str:token>/tickets/<str:code>/qr.png",
        guest_views.ticket_qr_by_link,
        name="ticket_link_qr",
    ),
    # An exchange's price difference, paid from the emailed link (its token is the key).
    path(
        "exchanges/<int:charge_id>/<str:token>/",
        exchange_views.exchange_pay,
        name="exchange_pay",
    ),
    path("account/orders/", views.my_orders, name="my_orders"),
    path("account/tickets/<str:code>/", views.ticket_detail, name="ticket"),
    path("account/tickets/<str:code>/qr.png", views.ticket_qr, name="ticket_qr"),
]
