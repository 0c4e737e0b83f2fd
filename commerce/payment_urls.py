from django.urls import path

from commerce.webhook_views import stripe_webhook

urlpatterns = [path("stripe/webhook/", stripe_webhook, name="stripe-webhook")]
