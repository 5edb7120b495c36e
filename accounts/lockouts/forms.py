from django import forms
from django.utils.translation import gettext_lazy as _


class UsernameSearch(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, required=False)


class LiftUser(forms.Form):
    username = forms.CharField(max_length=150)


class UnblockAddress(forms.Form):
    ip_address = forms.GenericIPAddressField()
