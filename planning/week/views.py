from django.shortcuts import render


def my_week(request):
    return render(request, "planning/week/week.html", {})
