"""The support CRM in the Wagtail admin: the "Support" menu and its screens.

Each CRM screen adds its item to the menu with `@hooks.register(SUPPORT_MENU_HOOK)`
(the menu shows when one of its items does) and registers its own URLs here.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

SUPPORT_MENU_HOOK = "register_support_menu_item"

support_menu = Menu(register_hook_name=SUPPORT_MENU_HOOK)


@hooks.register("register_admin_menu_item")
def register_support_menu():
    return SubmenuMenuItem(_("Support"), support_menu, name="support", icon_name="help", order=250)


# --- Customers (issue 10: crm/customer_admin.py) -------------------------------------


@hooks.register(SUPPORT_MENU_HOOK)
def register_customers_menu_item():
    from crm.customer_admin import customers_menu_item

    return customers_menu_item()


@hooks.register("register_admin_urls")
def register_customer_urls():
    from crm import customer_admin

    return [path("crm/customers/", include((customer_admin.urlpatterns, customer_admin.NAMESPACE)))]


# --- Agent actions and refund policies (issue 10: crm/action_views.py, crm/refund_policy_admin.py)


@hooks.register("register_admin_urls")
def register_action_urls():
    from crm import action_urls

    return action_urls.urlpatterns


@hooks.register("register_admin_viewset")
def register_refund_policy_viewset():
    from crm.refund_policy_admin import RefundPolicyViewSet  # registers its permission policy

    return RefundPolicyViewSet("bilten_refund_policies")


# --- Cases (issue 10: crm/case_viewset.py, case_admin.py, dashboard_panels.py) -------


@hooks.register(SUPPORT_MENU_HOOK)
def register_cases_menu_item():
    from crm.case_viewset import cases_menu_item

    return cases_menu_item()


@hooks.register("register_admin_urls")
def register_case_urls():
    from crm import case_admin

    return case_admin.urlpatterns


@hooks.register("register_admin_viewset")
def register_case_viewset():
    from crm.case_viewset import SupportCaseViewSet

    return SupportCaseViewSet("crm_cases")


@hooks.register("construct_homepage_panels")
def add_open_cases_panel(request, panels):
    from crm.dashboard_panels import panels_for

    panels.extend(panels_for(request))
