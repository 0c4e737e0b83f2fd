"""A tiny local stand-in for Stripe's HTTP API (payment intents and refunds).

Just enough for the real Stripe SDK to talk to: it honours Idempotency-Key
(the same key returns the same object) and lets a test mark an intent as
succeeded, as Stripe would after the buyer confirms in the Payment Element.
"""

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


class StripeStandIn:
    def __init__(self):
        self.intents: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.by_key: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict, str]] = []
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
                if self.path == "/v1/payment_intents":
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
                elif self.path.startswith("/v1/payment_intents/"):
                    body = stand_in.intents[self.path.rsplit("/", 1)[-1]]
                    if "amount" in form:
                        body["amount"] = int(form["amount"])
                elif self.path == "/v1/refunds":
                    body = {
                        "id": f"re_{secrets.token_hex(8)}",
                        "object": "refund",
                        "payment_intent": form["payment_intent"],
                        "amount": int(form["amount"]),
                        "status": "succeeded",
                    }
                    stand_in.refunds.append(body)
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
