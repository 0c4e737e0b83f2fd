"""Background work of the assignment engine and ticket delivery (django-q2)."""


def run_assignment(event_keys, reason, actor_id=None, ip=None) -> str:
    """Assign the tickets of these events (fulfilment.services.assignment)."""
    from fulfilment.services.assignment import run_assignments

    return str(run_assignments(event_keys, reason=reason, actor_id=actor_id, ip=ip))


def deliver_tickets(assignment_ids) -> str:
    """Email these assignments' tickets; a transient failure raises so the queue retries."""
    from fulfilment.services.delivery import deliver

    return str(deliver(assignment_ids))


def deliver_pending_tickets() -> str:
    """Every minute: send the ticket emails a lost or failed task left pending."""
    from fulfilment.services.delivery import deliver_pending

    return f"sent {deliver_pending()}"
