"""The agent action screens of the support CRM in the Wagtail admin (issue 10, section 3):
refund, cancel, resend, transfer, exchange, and resend a pre-order's ticket credentials.

Each screen is a form, then a confirmation step that says what will happen, then the
action of crm.services.actions. Who may do what is crm.permissions: an order or ticket
the user may not see is a 404 (as if it did not exist), an action they may not take on
it a 403 page. A refusal of the service (the commerce error naming the rule) is shown
on the form and nothing has changed. The confirmation carries a one-time token, so a
form sent twice (a double click, the back button) acts once.
"""

import abc
import logging
import secrets
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin import messages

from commerce.exceptions import CommerceError
from commerce.models import Order, Ticket, TicketStatus
from core.money import format_money
from crm import action_forms, audit
from crm import permissions as perms
from crm.services import actions, policies

logger = logging.getLogger(__name__)

TOKEN_SECONDS = 24 * 3600
# The form fields a confirmation step sends again, besides the form's own.
PASSED_ON = ("next",)


def _reverse_or_none(name, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class ActionView(View, abc.ABC):
    """One agent action: load what it acts on, check the permission, form, confirm, act.

    Each action (a subclass) defines the abstract steps below; the base runs them."""

    template_name = ""
    title = ""
    icon = "resubmit"
    confirm_label = ""

    # --- what each action defines -------------------------------------------------

    @abc.abstractmethod
    def load(self, **kwargs) -> None:
        """Find the object for this user, or raise Http404."""
        ...

    @abc.abstractmethod
    def permitted(self) -> bool: ...

    @abc.abstractmethod
    def make_form(self, data=None): ...

    @abc.abstractmethod
    def perform(self, form):
        """Call the action; returns the success message."""
        ...

    @abc.abstractmethod
    def fallback_url(self) -> str: ...

    def confirmation(self, form) -> dict:
        """What the confirmation step shows, besides the form's values."""
        return {}

    def extra_context(self) -> dict:
        return {}

    def refusal(self) -> str:
        return _("You may not take this action.")

    # --- the flow -----------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if not perms.may_use_crm(request.user):
            return self.forbidden(_("The support screens are for Support and organizers."))
        self.load(**kwargs)
        if not self.permitted():
            return self.forbidden(self.refusal())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, **kwargs):
        return self.render(self.make_form())

    def post(self, request, **kwargs):
        form = self.make_form(request.POST)
        if not form.is_valid() or request.POST.get("edit"):
            return self.render(form)
        token = request.POST.get("token", "")
        if request.POST.get("confirm") != "1" or not token:
            return self.render(form, confirming=True)
        if not self.claim(token):
            messages.warning(
                request, _("This was already sent once and has been done; nothing more happened.")
            )
            return redirect(self.success_url())
        try:
            message = self.perform(form)
        except PermissionDenied:
            self.release(token)
            return self.forbidden(self.refusal())
        except CommerceError as refusal:
            self.release(token)
            field = refusal.detail.get("field") if isinstance(refusal.detail, dict) else None
            form.add_error(field if field in form.fields else None, refusal.message)
            return self.render(form)
        except Exception:  # unexpected: logged with its context, a calm message for the agent
            logger.exception("%s failed for %s", type(self).__name__, request.path)
            self.release(token)
            form.add_error(
                None,
                _(
                    "Something went wrong and this may not have been done. Check the order "
                    "(its history) before you try again."
                ),
            )
            return self.render(form)
        messages.success(request, message)
        return redirect(self.success_url())

    # --- one-time confirmation tokens ----------------------------------------------

    @staticmethod
    def _token_key(token: str) -> str:
        return f"crm-action-token:{token[:64]}"

    def claim(self, token: str) -> bool:
        """True for the first use of `token` (shared by every web process through the cache)."""
        try:
            return bool(cache.add(self._token_key(token), "used", TOKEN_SECONDS))
        except Exception:  # the cache is down: the service's own checks still hold
            logger.warning("confirmation token not checked: cache unavailable", exc_info=True)
            return True

    def release(self, token: str) -> None:
        try:
            cache.delete(self._token_key(token))
        except Exception:
            logger.warning("confirmation token not released: cache unavailable", exc_info=True)

    # --- rendering --------------------------------------------------------------------

    def next_url(self) -> str | None:
        """Where to go back after the action: `next`, or the customer page the screen was
        opened from (its address, when the browser says so); never another site."""
        request = self.request
        candidates = [request.POST.get("next"), request.GET.get("next")]
        customers = _reverse_or_none("bilten_customers:search")
        if request.method == "GET" and customers:
            referer = urlsplit(request.headers.get("referer", ""))
            if referer.path.startswith(customers) and referer.netloc == request.get_host():
                candidates.append(referer.path)
        for candidate in candidates:
            if candidate and url_has_allowed_host_and_scheme(
                candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return candidate
        return None

    def success_url(self) -> str:
        return self.next_url() or self.fallback_url()

    def breadcrumbs(self) -> list[dict]:
        items = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}]
        customers = _reverse_or_none("bilten_customers:search")
        if customers:
            items.append({"url": customers, "label": _("Customers")})
        if self.next_url():
            items.append({"url": self.next_url(), "label": _("Back to the customer")})
        items.append({"url": self.fallback_url(), "label": self.subject_label()})
        items.append({"url": "", "label": self.title})
        return items

    @abc.abstractmethod
    def subject_label(self) -> str: ...

    def hidden_fields(self, form) -> list[tuple[str, str]]:
        names = [*form.fields, *PASSED_ON]
        return [
            (name, value)
            for name in names
            for value in self.request.POST.getlist(name)
            if value not in (None, "")
        ]

    def render(self, form, *, confirming=False, status=200):
        context = {
            "title": self.title,
            "icon": self.icon,
            "breadcrumbs_items": self.breadcrumbs(),
            "form": form,
            "confirming": confirming,
            "next": self.next_url() or "",
            "cancel_url": self.success_url(),
            "confirm_label": self.confirm_label,
            **self.extra_context(),
        }
        if confirming:
            context.update(
                token=secrets.token_urlsafe(24),
                hidden_fields=self.hidden_fields(form),
                **self.confirmation(form),
            )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def forbidden(self, reason: str):
        return TemplateResponse(
            self.request,
            "crm/actions/forbidden.html",
            {"title": _("Not allowed"), "reason": reason},
            status=403,
        )

    @property
    def ip(self) -> str:
        address = audit.request_ip(self.request)
        return "" if address == "unknown" else address


# --- orders ---------------------------------------------------------------------------


class OrderActionView(ActionView):
    action = perms.VIEW

    def load(self, *, number: str) -> None:
        order = (
            perms.orders_for(self.request.user)
            .select_related("event")
            .filter(number=number)
            .first()
        )
        if order is None:
            raise Http404
        self.order = order

    def permitted(self) -> bool:
        return perms.may(self.request.user, self.action, self.order.event_key)

    def fallback_url(self) -> str:
        return reverse("bilten_orders:inspect", args=[self.order.pk])

    def subject_label(self) -> str:
        return _("Order %(number)s") % {"number": self.order.number}

    def extra_context(self) -> dict:
        return {"order": self.order, **order_summary(self.order)}


def order_summary(order: Order) -> dict:
    """The summary panel at the top of every order screen."""
    tickets = list(order.tickets.select_related("item", "replaced_by").order_by("pk"))
    for ticket in tickets:
        ticket.order = order
    return {
        "summary_tickets": tickets,
        "summary_exchange_charges": list(
            order.exchange_charges.select_related("ticket", "new_ticket").order_by("-created_at")
        ),
        "summary_refunds": list(
            order.refunds.select_related("created_by").order_by("created_at", "pk")
        ),
        "summary_total": format_money(order.paid_minor, order.currency),
        "summary_refunded": format_money(order.refunded_minor, order.currency),
        "summary_refundable": format_money(order.refundable_minor, order.currency),
    }


def _places_text(count: int, event) -> str:
    title = event.title if event is not None else _("the event")
    return ngettext(
        "%(count)d place goes back on sale for %(event)s.",
        "%(count)d places go back on sale for %(event)s.",
        count,
    ) % {"count": count, "event": title}


class RefundView(OrderActionView):
    template_name = "crm/actions/refund.html"
    icon = "undo"

    @property
    def title(self):
        return _("Refund")

    @property
    def confirm_label(self):
        return _("Yes, refund")

    def permitted(self) -> bool:
        user, key = self.request.user, self.order.event_key
        if perms.may(user, perms.REFUND, key):
            return True
        return perms.may(user, perms.REFUND_WITHIN_POLICY, key) and policies.refund_allowed_now(
            self.order
        )

    def refusal(self) -> str:
        if perms.may(self.request.user, perms.REFUND_WITHIN_POLICY, self.order.event_key):
            return _(
                "This order is outside your organization's refund policy; Support can still "
                "refund it."
            )
        return _("You may not refund this order.")

    def prices(self) -> dict:
        from commerce.services.refunds import tickets_value

        valid = list(self.order.tickets.filter(status=TicketStatus.VALID))
        for ticket in valid:
            ticket.order = self.order
        return {
            ticket.code: min(tickets_value(self.order, [ticket]), self.order.refundable_minor)
            for ticket in valid
        }

    def make_form(self, data=None):
        return action_forms.RefundForm(data, order=self.order, prices=self.prices())

    def confirmation(self, form) -> dict:
        from commerce.services.refunds import tickets_value

        tickets, amount = form.cleaned_data["tickets"], form.cleaned_data["amount"]
        if tickets:
            amount = min(tickets_value(self.order, tickets), self.order.refundable_minor)
            places = _places_text(len(tickets), self.order.event)
        else:
            places = _("No place goes back on sale: the tickets stay valid.")
        return {
            "refund_tickets": tickets,
            "refund_amount": format_money(amount, self.order.currency),
            "refund_places": places,
        }

    def perform(self, form) -> str:
        tickets, amount = form.cleaned_data["tickets"], form.cleaned_data["amount"]
        made = actions.refund(
            actor=self.request.user,
            order=self.order,
            tickets=[ticket.code for ticket in tickets] if tickets else None,
            amount_minor=amount if not tickets else None,
            reason=form.cleaned_data["reason"],
            ip=self.ip,
        )
        refunded = format_money(made.amount_minor if made else 0, self.order.currency)
        if tickets:
            return ngettext(
                "Refunded %(amount)s on order %(number)s; %(count)d ticket ended and its place "
                "is on sale again.",
                "Refunded %(amount)s on order %(number)s; %(count)d tickets ended and their "
                "places are on sale again.",
                len(tickets),
            ) % {"amount": refunded, "number": self.order.number, "count": len(tickets)}
        return _("Refunded %(amount)s on order %(number)s.") % {
            "amount": refunded,
            "number": self.order.number,
        }


class CancelView(OrderActionView):
    template_name = "crm/actions/cancel.html"
    icon = "cross"
    action = perms.CANCEL

    @property
    def title(self):
        return _("Cancel the order")

    @property
    def confirm_label(self):
        return _("Yes, cancel the order")

    def make_form(self, data=None):
        return action_forms.CancelForm(data, order=self.order)

    def confirmation(self, form) -> dict:
        valid = self.order.tickets.filter(status=TicketStatus.VALID).count()
        also_refund = form.cleaned_data["also_refund"]
        return {
            "cancel_tickets": valid,
            "cancel_places": _places_text(valid, self.order.event) if valid else "",
            "cancel_refund": (
                format_money(self.order.refundable_minor, self.order.currency)
                if also_refund and self.order.refundable_minor
                else ""
            ),
        }

    def perform(self, form) -> str:
        made = actions.cancel(
            actor=self.request.user,
            order=self.order,
            refund=form.cleaned_data["also_refund"],
            reason=form.cleaned_data["reason"],
            ip=self.ip,
        )
        if made is not None:
            return _("Order %(number)s cancelled and %(amount)s refunded.") % {
                "number": self.order.number,
                "amount": format_money(made.amount_minor, made.currency),
            }
        return _("Order %(number)s cancelled.") % {"number": self.order.number}


class ResendView(OrderActionView):
    template_name = "crm/actions/resend.html"
    icon = "mail"
    action = perms.RESEND

    @property
    def title(self):
        return _("Resend tickets")

    @property
    def confirm_label(self):
        return _("Yes, send them")

    def make_form(self, data=None):
        return action_forms.ResendForm(data, order=self.order)

    def confirmation(self, form) -> dict:
        ticket = form.ticket()
        if ticket is None:
            return {"resend_to": self.order.buyer_email, "resend_ticket": None}
        return {
            "resend_to": ticket.attendee_email or self.order.buyer_email,
            "resend_ticket": ticket,
        }

    def perform(self, form) -> str:
        ticket = form.ticket()
        actions.resend_order(actor=self.request.user, order=self.order, ticket=ticket, ip=self.ip)
        if ticket is None:
            return _("The confirmation of order %(number)s is on its way to %(email)s again.") % {
                "number": self.order.number,
                "email": self.order.buyer_email,
            }
        return _("Ticket %(code)s is on its way to %(email)s again.") % {
            "code": ticket.code,
            "email": ticket.attendee_email or self.order.buyer_email,
        }


# --- tickets --------------------------------------------------------------------------


class TicketActionView(ActionView):
    action = perms.VIEW

    def load(self, *, code: str) -> None:
        ticket = (
            Ticket.objects.select_related("order__event", "item", "replaced_by")
            .filter(code=code, order__in=perms.orders_for(self.request.user))
            .first()
        )
        if ticket is None:
            raise Http404
        self.ticket, self.order = ticket, ticket.order

    def permitted(self) -> bool:
        return perms.may(self.request.user, self.action, self.ticket.held_event_key)

    def fallback_url(self) -> str:
        return reverse("bilten_orders:inspect", args=[self.order.pk])

    def subject_label(self) -> str:
        return _("Order %(number)s") % {"number": self.order.number}

    def extra_context(self) -> dict:
        return {"order": self.order, "ticket": self.ticket, **order_summary(self.order)}


class TransferView(TicketActionView):
    template_name = "crm/actions/transfer.html"
    icon = "user"
    action = perms.TRANSFER

    @property
    def title(self):
        return _("Transfer a ticket")

    @property
    def confirm_label(self):
        return _("Yes, transfer the ticket")

    def make_form(self, data=None):
        return action_forms.TransferForm(data)

    def perform(self, form) -> str:
        new = actions.transfer(
            actor=self.request.user,
            ticket=self.ticket,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            ip=self.ip,
        )
        return _(
            "Ticket %(old)s now belongs to %(name)s as ticket %(new)s; the old code no "
            "longer admits anyone."
        ) % {"old": self.ticket.code, "new": new.code, "name": new.attendee_name}


class ExchangeView(TicketActionView):
    template_name = "crm/actions/exchange.html"
    icon = "repeat"
    action = perms.EXCHANGE

    @property
    def title(self):
        return _("Exchange a ticket")

    @property
    def confirm_label(self):
        return _("Yes, exchange the ticket")

    def make_form(self, data=None):
        targets = (
            action_forms.exchange_targets(self.ticket)
            if self.ticket.status == TicketStatus.VALID
            else []
        )
        return action_forms.ExchangeForm(data, targets=targets, difference=self.difference)

    def difference(self, tier) -> int:
        from commerce.services.ticket_changes import paid_for

        return tier.price_minor - paid_for(self.ticket)

    def confirmation(self, form) -> dict:
        from django.conf import settings

        target = form.target()
        difference = self.difference(target.tier)
        return {
            "exchange_target": target,
            "exchange_difference": difference,
            "exchange_difference_text": format_money(abs(difference), self.order.currency),
            "exchange_waived": form.waives(),
            "exchange_charged": form.charges(),
            "exchange_payment_hours": settings.EXCHANGE_PAYMENT_HOURS,
        }

    def perform(self, form) -> str:
        target = form.target()
        if form.charges():
            charge = actions.request_exchange_payment(
                actor=self.request.user, ticket=self.ticket, tier=target.tier, ip=self.ip
            )
            return _(
                "One %(tier)s place at %(event)s is reserved for ticket %(old)s. %(email)s has "
                "been emailed a link to pay %(amount)s; the tickets change once they have paid."
            ) % {
                "tier": target.tier.name,
                "event": target.event.title,
                "old": self.ticket.code,
                "email": self.order.buyer_email,
                "amount": format_money(charge.amount_minor, charge.currency),
            }
        result = actions.exchange(
            actor=self.request.user,
            ticket=self.ticket,
            tier=target.tier,
            waive_difference=form.waives(),
            ip=self.ip,
        )
        message = _("Ticket %(old)s exchanged for %(tier)s at %(event)s: new ticket %(new)s.") % {
            "old": self.ticket.code,
            "tier": target.tier.name,
            "event": target.event.title,
            "new": result.new.code,
        }
        if result.refund is not None:
            message += " " + _("%(amount)s refunded to the customer.") % {
                "amount": format_money(result.refund.amount_minor, result.refund.currency)
            }
        return message


class CancelExchangePaymentView(ActionView):
    """Withdraw an exchange that waits for the customer's payment (its place goes back)."""

    template_name = "crm/actions/cancel_exchange_payment.html"
    icon = "cross"

    @property
    def title(self):
        return _("Cancel the exchange waiting for payment")

    @property
    def confirm_label(self):
        return _("Yes, cancel it")

    def load(self, *, pk) -> None:
        from commerce.models import ExchangeCharge

        charge = (
            ExchangeCharge.objects.select_related("order__event", "ticket__item")
            .filter(pk=pk, order__in=perms.orders_for(self.request.user))
            .first()
        )
        if charge is None:
            raise Http404
        self.charge, self.order = charge, charge.order
        charge.ticket.order = charge.order

    def permitted(self) -> bool:
        return perms.may(self.request.user, perms.EXCHANGE, self.charge.ticket.held_event_key)

    def make_form(self, data=None):
        return action_forms.CancelExchangePaymentForm(data, charge=self.charge)

    def perform(self, form) -> str:
        actions.cancel_exchange_payment(actor=self.request.user, charge=self.charge, ip=self.ip)
        return _(
            "The exchange of ticket %(code)s to %(tier)s is cancelled; its place is on sale again."
        ) % {"code": self.charge.ticket.code, "tier": self.charge.tier_name}

    def fallback_url(self) -> str:
        return reverse("bilten_orders:inspect", args=[self.order.pk])

    def subject_label(self) -> str:
        return _("Order %(number)s") % {"number": self.order.number}

    def extra_context(self) -> dict:
        return {"order": self.order, "charge": self.charge, **order_summary(self.order)}


# --- pre-orders -------------------------------------------------------------------------


class ResendCredentialsView(ActionView):
    template_name = "crm/actions/resend_credentials.html"
    icon = "key"

    @property
    def title(self):
        return _("Resend ticket credentials")

    @property
    def confirm_label(self):
        return _("Yes, send them again")

    def load(self, *, pk) -> None:
        from fulfilment.models import PreOrder

        pre_order = (
            PreOrder.objects.select_related("member", "offer", "variant").filter(pk=pk).first()
        )
        user = self.request.user
        if pre_order is None or not (
            perms.may(user, perms.VIEW, pre_order.event_key)
            or perms.may(user, perms.RESEND_CREDENTIALS, pre_order.event_key)
        ):
            raise Http404
        self.pre_order = pre_order

    def permitted(self) -> bool:
        return perms.may(self.request.user, perms.RESEND_CREDENTIALS, self.pre_order.event_key)

    def make_form(self, data=None):
        return action_forms.ResendCredentialsForm(data, pre_order=self.pre_order)

    def perform(self, form) -> str:
        actions.resend_credentials(actor=self.request.user, pre_order=self.pre_order, ip=self.ip)
        return _("The ticket credentials are on their way to %(email)s again.") % {
            "email": self.pre_order.member.email
        }

    def fallback_url(self) -> str:
        return _reverse_or_none("bilten_pre_orders:inspect", self.pre_order.pk) or reverse(
            "wagtailadmin_home"
        )

    def subject_label(self) -> str:
        return _("Pre-order of %(email)s") % {"email": self.pre_order.member.email}

    def extra_context(self) -> dict:
        from fulfilment.models import Assignment

        assignment = Assignment.objects.filter(pre_order=self.pre_order).first()
        return {"pre_order": self.pre_order, "assignment": assignment}
