"""POST /payments/stripe/webhook/ — signed gateway events (Stripe, or the demo's)."""

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from commerce.payments import InvalidSignature, get_gateway
from commerce.payments.base import InvalidPayload
from commerce.services.orders import handle_webhook

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    signature = request.headers.get("Stripe-Signature", "")
    # Read before the catch-all below: a body over the upload limit is the sender's
    # error (RequestDataTooBig: a 413 from core.errors.bad_request), not ours to retry.
    payload = request.body
    try:
        outcome = handle_webhook(payload=payload, signature=signature, gateway=get_gateway())
    except InvalidSignature as refusal:
        return JsonResponse({"error": "invalid_signature", "detail": str(refusal)}, status=400)
    except InvalidPayload as refusal:
        return JsonResponse({"error": "invalid_payload", "detail": str(refusal)}, status=400)
    except Exception:
        logger.exception("webhook processing failed; the gateway will retry")
        return JsonResponse(
            {"error": "server_error", "detail": "Temporary problem; please retry."}, status=500
        )
    return JsonResponse({"status": outcome})
