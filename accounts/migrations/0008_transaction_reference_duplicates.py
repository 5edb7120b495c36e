"""Before a transaction's order number becomes unique within its account (0009): settle the
duplicates already stored, without losing data.

Two imports of one file confirmed at the same moment (issue 15) stored each order twice, with the
same values: such an identical copy is deleted (the oldest row stays). Rows that share an order
number but differ in any value are different records someone typed or imported: each keeps its
values and gets the number with a "#2", "#3"… suffix. A report of both goes to the output of
`migrate`, so the team can correct the numbers by hand.
"""

from django.db import migrations
from django.db.models import Count

# The values that make two rows of an order the same record (not the pk, not created_at).
VALUES = ("date", "amount", "gross_margin", "returned_amount", "invoice_due", "paid_on")
MAX_LENGTH = 40  # Transaction.reference


def settle_duplicate_references(apps, schema_editor, out=print):
    Transaction = apps.get_model("accounts", "Transaction")
    groups = (
        Transaction.objects.exclude(reference="")
        .values("account_id", "reference")
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .order_by("account_id", "reference")
    )
    deleted, renamed = [], []
    for group in groups.iterator():
        rows = list(
            Transaction.objects.filter(
                account_id=group["account_id"], reference=group["reference"]
            ).order_by("pk")
        )
        kept: list = []  # one row per distinct set of values, oldest first
        for row in rows:
            values = tuple(getattr(row, name) for name in VALUES)
            if any(values == tuple(getattr(other, name) for name in VALUES) for other in kept):
                deleted.append((row.pk, row.account_id, row.reference))
                row.delete()
            else:
                kept.append(row)
        taken = set(
            Transaction.objects.filter(account_id=group["account_id"]).values_list(
                "reference", flat=True
            )
        )
        for number, row in enumerate(kept[1:], start=2):
            while True:
                suffix = f"#{number}"
                reference = row.reference[: MAX_LENGTH - len(suffix)] + suffix
                if reference not in taken:
                    break
                number += 1
            taken.add(reference)
            renamed.append((row.pk, row.account_id, row.reference, reference))
            row.reference = reference
            row.save(update_fields=["reference"])
    if deleted or renamed:
        out(
            f"\n  Order numbers made unique per account: {len(deleted)} identical duplicate "
            f"transaction(s) deleted, {len(renamed)} differing one(s) renamed."
        )
        for pk, account, reference in deleted:
            out(f"    deleted transaction {pk} of account {account}: a copy of {reference!r}")
        for pk, account, old, new in renamed:
            out(f"    renamed transaction {pk} of account {account}: {old!r} → {new!r}")
    return deleted, renamed


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_row_versions"),
    ]

    operations = [
        # Nothing to undo: the rows deleted were copies, the renamed ones may keep their number.
        migrations.RunPython(settle_duplicate_references, migrations.RunPython.noop),
    ]
