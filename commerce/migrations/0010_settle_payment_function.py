"""Once installed the PostgreSQL function(s) bilten_settle_payment.

The holds, sales and payment settlement now have one implementation, in
Python (commerce/services/holds.py and orders.py); migration 0013 drops the
functions from databases that have them. Kept empty so the migration graph
stays the same for databases that already ran it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("commerce", "0009_hold_lookup_indexes")]

    operations = []
