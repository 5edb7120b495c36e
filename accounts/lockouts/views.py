from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import access
from accounts.lockouts import queries, services
from accounts.lockouts.forms import LiftUser, UnblockAddress, UsernameSearch
from accounts.lockouts.handler import BY_ADDRESS


def locked_out(request, original_response=None, credentials=None):
    """axes' AXES_LOCKOUT_CALLABLE: the page says which limit refused the sign-in."""
    context = {
        "by_address": getattr(request, "kam_lockout", None) == BY_ADDRESS,
        "minutes": int(queries.cool_off().total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def lockouts(request):
    access.require_admin(request.user)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    search = UsernameSearch(request.GET)
    username = search.cleaned_data["username"].strip() if search.is_valid() else ""
    blocked, blocked_total = queries.blocked_addresses()
    context = {
        "search": search,
        "username": username,
        "user_locks": queries.user_lockouts(username) if username else None,
        "blocked": blocked,
        "blocked_total": blocked_total,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.KAM_LOGIN_ADDRESS_FAILURE_LIMIT,
        "minutes": int(queries.cool_off().total_seconds() // 60),
    }
    return TemplateResponse(request, "accounts/lockouts.html", context)


def lift(request):
    access.require_admin(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LiftUser(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    username = form.cleaned_data["username"]
    services.user_lockouts_lift(actor=request.user, username=username)
    messages.success(request, _("Sign-in is open again for %(username)s.") % {"username": username})
    return redirect(f"{reverse('accounts:lockouts')}?{urlencode({'username': username})}")


def unblock(request):
    access.require_admin(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = UnblockAddress(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    address = form.cleaned_data["ip_address"]
    services.address_unblock(actor=request.user, ip_address=address)
    messages.success(request, _("Sign-in from %(address)s is open again.") % {"address": address})
    return redirect("accounts:lockouts")
