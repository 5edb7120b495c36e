from django.http import Http404

from accounts import access


def loss_records(request, pk):
    access.get_visible_account_or_404(request.user, pk)
    raise Http404  # placeholder: replaced by the lost-accounts part
