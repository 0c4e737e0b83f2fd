"""Admin URLs of the ticket CSV upload (fulfilment/upload_views.py), under /admin/fulfilment/."""

from django.urls import path

from fulfilment import upload_views

app_name = "bilten_ticket_upload"

urlpatterns = [
    path("", upload_views.upload, name="upload"),
    path("<str:token>/", upload_views.review, name="review"),
    path("<str:token>/confirm/", upload_views.confirm, name="confirm"),
    path("<str:token>/cancel/", upload_views.cancel, name="cancel"),
]
