from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Customer support")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from crm import system_cases
        from crm.demo.seed import seed_demo_support
        from event_pages import sales

        system_cases.connect()  # cases the system opens (late payments, failed captures)
        sales.add_seed_demo_step(seed_demo_support)  # policies, a refund, a transfer, cases
        from crm import role_audit  # noqa: F401  (its m2m_changed receiver audits group changes)
