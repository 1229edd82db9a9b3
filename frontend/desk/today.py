"""The desk's home page: what is due today, what is overdue, open tasks and waiting-list offers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from .access import member_required


@member_required
def today(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/desk/today/today.html", {**selectors.desk_today(request.user), "active": "today"})
