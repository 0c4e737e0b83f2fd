"""A tiny local stand-in for Stripe's HTTP API (payment intents, refunds, and saved
cards: customers, setup intents and off-session payment intents).

Just enough for the real Stripe SDK to talk to: it honours Idempotency-Key
(the same key returns the same object) and lets a test mark an intent as
succeeded, as Stripe would after the buyer confirms in the Payment Element.
"""

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class StripeStandIn:
    def __init__(self):
        self.intents: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.by_key: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict, str]] = []
        self.customers: dict[str, dict] = {}
        self.saved_methods: dict[str, str] = {}  # payment method -> customer
        self.failing_methods: set[str] = set()  # saved, but every charge is declined
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                if url.path == "/v1/refunds":  # a payment's refunds, newest first, like Stripe
                    query = dict(parse_qsl(url.query))
                    made = [
                        r
                        for r in stand_in.refunds
                        if r["payment_intent"] == query.get("payment_intent")
                    ]
                    body = {"object": "list", "url": "/v1/refunds", "has_more": False}
                    return self._reply(200, {**body, "data": made[::-1]})
                intent = stand_in.intents.get(self.path.rsplit("/", 1)[-1])
                if intent is None:
                    return self._reply(
                        404,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": "No such payment_intent",
                            }
                        },
                    )
                return self._reply(200, intent)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                key = self.headers.get("Idempotency-Key", "")
                stand_in.requests.append(("POST", self.path, form, key))
                if key and key in stand_in.by_key:
                    return self._reply(200, stand_in.by_key[key])
                if self.path == "/v1/customers":
                    body = {"id": f"cus_{secrets.token_hex(8)}", "object": "customer"}
                    stand_in.customers[body["id"]] = body
                elif self.path == "/v1/setup_intents":
                    method = form.get("payment_method", "")
                    ok = method.startswith("pm_") and form.get("customer") in stand_in.customers
                    body = {
                        "id": f"seti_{secrets.token_hex(8)}",
                        "object": "setup_intent",
                        "customer": form.get("customer"),
                        "payment_method": method,
                        "usage": form.get("usage"),
                        "status": "succeeded" if ok else "requires_payment_method",
                    }
                    if ok:
                        stand_in.saved_methods[method] = form["customer"]
                elif self.path == "/v1/payment_intents" and form.get("off_session") == "true":
                    # A saved card charged without the customer (confirm=true).
                    intent_id = f"pi_{secrets.token_hex(8)}"
                    method = form.get("payment_method", "")
                    fails = method in stand_in.failing_methods or (
                        stand_in.saved_methods.get(method) != form.get("customer")
                    )
                    body = {
                        "id": intent_id,
                        "object": "payment_intent",
                        "amount": int(form["amount"]),
                        "currency": form["currency"],
                        "customer": form.get("customer"),
                        "payment_method": method,
                        "status": "requires_payment_method" if fails else "succeeded",
                        "client_secret": f"{intent_id}_secret_{secrets.token_hex(6)}",
                        "metadata": {
                            k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")
                        },
                        "last_payment_error": (
                            {
                                "code": "card_declined",
                                "message": "Your card has insufficient funds.",
                            }
                            if fails
                            else None
                        ),
                    }
                    stand_in.intents[intent_id] = body
                    if key:
                        stand_in.by_key[key] = body
                    if fails:  # Stripe answers 402 with the failed intent inside the error
                        error = {
                            "error": {
                                "type": "card_error",
                                "code": "card_declined",
                                "decline_code": "insufficient_funds",
                                "message": "Your card has insufficient funds.",
                                "payment_intent": body,
                            }
                        }
                        return self._reply(402, error)
                    return self._reply(200, body)
                elif self.path == "/v1/payment_intents":
                    intent_id = f"pi_{secrets.token_hex(8)}"
                    body = {
                        "id": intent_id,
                        "object": "payment_intent",
                        "amount": int(form["amount"]),
                        "currency": form["currency"],
                        "status": "requires_payment_method",
                        "client_secret": f"{intent_id}_secret_{secrets.token_hex(6)}",
                        "metadata": {
                            k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")
                        },
                        "automatic_payment_methods": {
                            "enabled": form.get("automatic_payment_methods[enabled]") == "true"
                        },
                        "last_payment_error": None,
                    }
                    stand_in.intents[intent_id] = body
                elif self.path.startswith("/v1/payment_intents/") and self.path.endswith("/cancel"):
                    body = stand_in.intents[self.path.split("/")[3]]
                    body["status"] = "canceled"
                elif self.path.startswith("/v1/payment_intents/"):
                    body = stand_in.intents[self.path.rsplit("/", 1)[-1]]
                    if "amount" in form:
                        body["amount"] = int(form["amount"])
                elif self.path == "/v1/refunds":
                    body = stand_in.refund(form["payment_intent"], int(form["amount"]))
                    if body is None:  # more than is left of the charge, or nothing paid
                        error = {
                            "type": "invalid_request_error",
                            "code": "charge_already_refunded",
                            "message": "Refund amount is greater than the unrefunded amount.",
                        }
                        return self._reply(400, {"error": error})
                else:
                    return self._reply(404, {"error": {"message": "unknown path"}})
                if key:
                    stand_in.by_key[key] = body
                return self._reply(200, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def succeed(self, intent_id: str):
        self.intents[intent_id]["status"] = "succeeded"

    def refund(self, intent_id: str, amount: int) -> dict | None:
        """A refund of a succeeded intent (through the API, or as if made in Stripe's
        dashboard when a test calls it directly); None when more than is left."""
        intent = self.intents.get(intent_id)
        refunded = sum(r["amount"] for r in self.refunds if r["payment_intent"] == intent_id)
        if intent is None or not 0 < amount:
            return None
        if refunded + amount > intent["amount"]:
            return None
        body = {
            "id": f"re_{secrets.token_hex(8)}",
            "object": "refund",
            "payment_intent": intent_id,
            "amount": amount,
            "currency": intent["currency"],
            "status": "succeeded",
        }
        self.refunds.append(body)
        return body
