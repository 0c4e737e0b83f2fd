from django.urls import path

from commerce import views

app_name = "commerce"

urlpatterns = [
    path("tickets/<int:event_id>/hold/", views.hold_tickets, name="hold"),
    path("checkout/<uuid:hold_id>/", views.checkout, name="checkout"),
    path("checkout/<uuid:hold_id>/pay/", views.pay, name="pay"),
    path("checkout/<uuid:hold_id>/release/", views.release_hold, name="release"),
    path("checkout/payments/<uuid:payment_id>/", views.payment_status, name="payment_status"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("account/orders/", views.my_orders, name="my_orders"),
    path("account/tickets/<str:code>/", views.ticket_detail, name="ticket"),
    path("account/tickets/<str:code>/qr.png", views.ticket_qr, name="ticket_qr"),
]
