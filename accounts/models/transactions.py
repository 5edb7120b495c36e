"""An account's orders: what it bought, its margin, returns and payment."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.records import Account


class Transaction(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="transactions", verbose_name=_("account")
    )
    date = models.DateField(_("order date"))
    reference = models.CharField(_("order / invoice no."), max_length=40, blank=True)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    gross_margin = models.DecimalField(
        _("gross margin"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Gross profit on this order, in money (not a percentage)."),
    )
    returned_amount = models.DecimalField(
        _("returned"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    invoice_due = models.DateField(_("payment due"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transaction_amount_positive"),
            models.CheckConstraint(
                condition=Q(returned_amount__gte=0) & Q(returned_amount__lte=models.F("amount")),
                name="transaction_returned_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(gross_margin__lte=models.F("amount")),
                name="transaction_margin_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=models.F("date")),
                name="transaction_paid_after_order",
            ),
            # An order number names one order of its account: the import matches on it, so two
            # imports (or a person and an import) cannot add the same order twice.
            models.UniqueConstraint(
                fields=["account", "reference"],
                condition=~Q(reference=""),
                name="transaction_reference_once_per_account",
                violation_error_message=_(
                    "This account already has a transaction with this order number."
                ),
            ),
        ]
        indexes = [models.Index(fields=["account", "-date"], name="transaction_account_date_idx")]

    def __str__(self):
        return f"{self.reference or self.pk} · {self.date}"

    @property
    def net_amount(self):
        return self.amount - self.returned_amount

    @property
    def is_overdue(self):
        return (
            self.paid_on is None
            and self.invoice_due is not None
            and self.invoice_due < timezone.localdate()
        )
