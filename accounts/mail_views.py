"""The outgoing mail page (admins only): mail that failed or waits for another attempt, with
"retry now". The queue itself is accounts.mail."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts import access, mail
from accounts.models import OutgoingMail


def outgoing_mail(request):
    access.require_admin(request.user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    context = {
        "mails": mail.troubled_page(),
        "counts": mail.troubled_counts(),
        "page_rows": mail.PAGE_ROWS,
        "max_attempts": mail.MAX_ATTEMPTS,
    }
    return TemplateResponse(request, "accounts/mail/outgoing.html", context)


def outgoing_mail_retry(request, mail_pk):
    access.require_admin(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    outgoing = get_object_or_404(OutgoingMail, pk=mail_pk)
    if mail.retry_now(mail=outgoing):
        messages.success(request, _("Another attempt to send this e-mail starts now."))
    else:
        messages.info(request, _("This e-mail is being sent or was sent already."))
    return redirect("accounts:mail")
