"""The support API (/api/v1/support/...) and the attendee's refund request (issue 10, section 5).

Thin views over crm.services (agent actions, cases, refund requests) and
crm.customer_search; who may do what is crm.permissions' one rule.
"""
