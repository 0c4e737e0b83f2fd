"""The check-in list as CSV / XLSX (django-import-export resource), safe to open in a spreadsheet.

A buyer chooses their own name: a cell such as `=HYPERLINK("http://evil")` must reach
the organizer's spreadsheet as text, never as a formula (CSV/formula injection).
"""

import csv
import io

from import_export import fields, resources

from commerce.models import Ticket

# A spreadsheet reads a cell starting with one of these as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(resource_class, queryset, file_format: str, *, title: str) -> tuple[bytes, str]:
    """(file content, content type) of the resource's rows as CSV or XLSX (`title`: the
    spreadsheet's sheet name)."""
    dataset = resource_class().export(queryset)
    if file_format == "xlsx":
        return _xlsx(dataset.headers, list(dataset), title=title), FORMATS[file_format]
    return _csv(dataset.headers, list(dataset)), FORMATS[file_format]


def _csv(headers, rows) -> bytes:
    """UTF-8 with a byte order mark, so Excel reads umlauts; formula cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(headers, rows, *, title: str) -> bytes:
    """Every cell a value as typed: text starting with "=" is stored as text, not a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value)
            if cell.data_type == "f":
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
