"""`{% load kam_format %}`: the template filters over accounts/formatting.py (money, percentages,
lists), which Python code imports directly."""

from django import template

from accounts import formatting

register = template.Library()


@register.filter(name="list_of")
def list_of(items) -> str:
    return formatting.list_of(items)


@register.filter
def money(value, decimals=0) -> str:
    return formatting.money(value, decimals)


@register.filter
def percent(value, decimals=0) -> str:
    return formatting.percent(value, decimals)


@register.filter
def signed_percent(value, decimals=0) -> str:
    return formatting.signed_percent(value, decimals)
