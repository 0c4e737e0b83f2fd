"""The fulfilment dashboard (Wagtail admin): figures, variant matrix, filters, bulk actions.

Who sees what is the PreOrder permission policy (fulfilment.permissions): every event
for the Fulfilment group, Support and the Platform admin, an organizer's own events
for an organizer. The figures come from fulfilment.services.dashboard (aggregate
queries), the actions from fulfilment.services.bulk_actions.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.permissions import policy_registry

from core.client_address import client_address
from fulfilment.dashboard_forms import BulkActionForm, DashboardFilterForm
from fulfilment.models import PreOrder, PreOrderOffer
from fulfilment.permissions import (
    may_act,
    may_erase,
    may_use_fulfilment,
    visible_event_keys,
    visible_scope,
)
from fulfilment.services import bulk_actions
from fulfilment.services import dashboard as figures

PER_PAGE = 50


def _policy():
    return policy_registry.get_by_type(PreOrder)


def _filtered(request, form, actions=("view",)):
    """The pre-orders the user may take `actions` on, narrowed by the valid filters."""
    pre_orders = _policy().instances_user_has_any_permission_for(request.user, actions)
    if not form.is_valid():
        return pre_orders.none(), None
    data = form.cleaned_data
    offer = data.get("event")
    if offer is not None:
        pre_orders = pre_orders.filter(event_key=offer.event_key)
    if data.get("status"):
        pre_orders = pre_orders.filter(status=data["status"])
    if data.get("member"):
        term = data["member"].strip()
        pre_orders = pre_orders.filter(
            Q(member__email__icontains=term) | Q(member__name__icontains=term)
        )
    if data.get("email"):
        pre_orders = pre_orders.filter(
            assignment__ticket__login_email__icontains=data["email"].strip()
        )
    if data.get("variant"):
        pre_orders = pre_orders.filter(variant__name__icontains=data["variant"].strip())
    return pre_orders, offer


def _filter_form(request, data):
    keys = visible_event_keys(request.user)
    offers = PreOrderOffer.objects.all()
    if keys is not None:
        offers = offers.filter(event_key__in=keys)
    return DashboardFilterForm(data, offers=offers)


@never_cache
def dashboard(request):
    if not may_use_fulfilment(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if "assign_now" in request.POST:
            return _assign_now(request)
        return _bulk_action(request)
    form = _filter_form(request, request.GET)
    pre_orders, offer = _filtered(request, form)
    keys = visible_event_keys(request.user)
    event_key = offer.event_key if offer else None
    page = figures.pre_order_page(pre_orders, request.GET.get("p"), PER_PAGE)
    query = request.GET.copy()
    query.pop("p", None)
    overview, matrix = figures.figures(keys, event_key, scope=visible_scope(request.user))
    return TemplateResponse(
        request,
        "fulfilment/dashboard/index.html",
        {
            "form": form,
            "offer": offer,
            "overview": overview,
            "matrix": matrix,
            "page": page,
            "query": query.urlencode(),
            "bulk_actions": BulkActionForm.base_fields["action"].choices,
            "resend_available": bulk_actions.resend_available(),
            "may_erase": may_erase(request.user),
            "may_assign": offer is not None and may_act(request.user, offer.event_key, "resend"),
        },
    )


def _bulk_action(request):
    form = BulkActionForm(request.POST)
    back = request.POST.get("next") or ""
    back_url = request.path + (f"?{back}" if back and not back.startswith(("/", "http")) else "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back_url)
    action = form.cleaned_data["action"]
    if not _policy().user_has_permission(request.user, action):
        raise PermissionDenied
    figures.forget_figures()
    filters = _filter_form(request, _query_dict(back))
    chosen, _offer = _filtered(request, filters, actions=(action,))
    if not form.cleaned_data["everything_filtered"]:
        chosen = chosen.filter(pk__in=form.cleaned_data["pre_order"])
    ip = client_address(request)
    ip = ip if ip != "unknown" else None
    if action == "export":
        response = HttpResponse(
            bulk_actions.export_csv(chosen), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="pre-orders.csv"'
        return response
    if action == "mark_used":
        count = bulk_actions.mark_used(chosen, actor=request.user, ip=ip)
        messages.success(
            request,
            ngettext("%(count)d ticket marked used.", "%(count)d tickets marked used.", count)
            % {"count": count},
        )
    elif action == "resend":
        count = bulk_actions.resend(chosen, actor=request.user, ip=ip)
        if count is None:
            messages.error(
                request, _("Ticket emails cannot be resent yet: delivery is not set up.")
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d ticket email queued again.",
                    "%(count)d ticket emails queued again.",
                    count,
                )
                % {"count": count},
            )
    return redirect(back_url)


def _assign_now(request):
    """The "Assign tickets now" button: run the assignment for one event at once."""
    from fulfilment.services.assignment import assign

    offer = PreOrderOffer.objects.filter(pk=request.POST.get("assign_now")).first()
    if offer is None or not may_act(request.user, offer.event_key, "resend"):
        raise PermissionDenied
    ip = client_address(request)
    stats = assign(
        offer.event_key, actor=request.user, ip=ip if ip != "unknown" else None, reason="admin"
    )
    figures.forget_figures()
    messages.success(
        request,
        _(
            "Assignment run: %(assigned)d tickets assigned, %(waiting)d pre-orders waiting, "
            "%(unmatched)d tickets unmatched."
        )
        % {"assigned": stats.assigned, "waiting": stats.waiting, "unmatched": stats.unmatched},
    )
    return redirect(f"{request.path}?event={offer.event_id}")


def _query_dict(query: str):
    from django.http import QueryDict

    return QueryDict(query or "")
