"""Cases the system opens: filled in by the cases work (see crm.services.cases)."""


def connect():
    """Connect the receivers that open system cases (late payments, failed captures)."""
