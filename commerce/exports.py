"""CSV / XLSX exports with django-import-export: orders, and a check-in list."""

from import_export import fields, resources

from bilten.money import to_major
from commerce.models import Order, Ticket


class OrderResource(resources.ModelResource):
    items = fields.Field(column_name="items")
    total = fields.Field(column_name="total")

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "buyer_name",
            "buyer_email",
            "items",
            "total_quantity",
            "total",
            "currency",
            "created_at",
        ]
        export_order = fields

    def dehydrate_items(self, order):
        return ", ".join(f"{item.quantity} × {item.tier_name}" for item in order.items.all())

    def dehydrate_total(self, order):
        return str(to_major(order.total_minor))


class CheckInResource(resources.ModelResource):
    ticket = fields.Field(attribute="code", column_name="ticket")
    attendee = fields.Field(column_name="attendee")
    tier = fields.Field(attribute="item__tier_name", column_name="tier")
    order = fields.Field(attribute="order__number", column_name="order")
    email = fields.Field(attribute="order__buyer_email", column_name="buyer email")

    class Meta:
        model = Ticket
        fields = ["ticket", "attendee", "tier", "order", "email"]
        export_order = fields

    def dehydrate_attendee(self, ticket):
        return ticket.attendee_name or ticket.order.buyer_name


FORMATS = {
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def export(resource_class, queryset, file_format: str) -> tuple[bytes, str]:
    content_type, extension = FORMATS[file_format]
    data = resource_class().export(queryset)
    payload = data.export(extension)
    return (payload.encode() if isinstance(payload, str) else payload), content_type
