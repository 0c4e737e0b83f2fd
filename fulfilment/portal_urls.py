from django.urls import path

from fulfilment import portal_views

app_name = "fulfilment_portal"

urlpatterns = [
    path("", portal_views.my_pre_orders, name="list"),
    path("new/<int:event_id>/", portal_views.place, name="place"),
    path("<uuid:pk>/card/", portal_views.replace, name="replace_card"),
]
