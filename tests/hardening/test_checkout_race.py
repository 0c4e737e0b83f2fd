"""Two checkouts of one hold at the same moment: one payment, and no 500 (PostgreSQL)."""

import threading

import pytest
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from commerce.models import Payment
from tests.conftest import requires_postgres
from tests.factories import make_event, make_organization

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_checkouts_of_one_hold_answer_alike_and_make_one_payment(home_page):
    event = make_event(make_organization(home_page, "Race"), capacity=100)
    tier_id = event.tiers.get().pk
    for round_ in range(5):
        buyer = APIClient()
        hold = buyer.post(
            "/api/v1/holds/", {"lines": [{"tier_id": tier_id, "quantity": 1}]}, format="json"
        ).json()
        url = f"/api/v1/holds/{hold['id']}/checkout/"
        body = {"buyer_email": f"b{round_}@example.com", "buyer_name": "Bea"}
        barrier = threading.Barrier(2)
        answers = []

        def run():
            close_old_connections()
            try:
                barrier.wait()
                answers.append(buyer.post(url, body, format="json").status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(answers) in ([200, 200], [201, 201], [200, 201]), answers
        assert Payment.objects.filter(hold_id=hold["id"]).count() == 1
