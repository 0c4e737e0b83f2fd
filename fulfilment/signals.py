"""Signals fulfilment sends for higher layers (the CRM opens support cases on them;
fulfilment never imports crm). Sent after the transaction that records the failure."""

from django.dispatch import Signal

# A pre-order's capture failed for good (its retries used up): pre_order=PreOrder.
pre_order_capture_failed = Signal()
# A ticket delivery email failed for good (refused, or its attempts used up):
# assignment_id=int, error=the last error text.
ticket_delivery_failed = Signal()
