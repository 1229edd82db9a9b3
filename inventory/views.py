"""The scan resolver behind every QR label: `/s/<code>`."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.throttling import public_token_throttled
from organizations.permissions import Action, can

from .selectors import device_by_label_code


def scan(request, code: str):
    """Members of the device's organisation go to the device; anyone else gets the same 404 as a bad code.

    Rate-limited per address like the loan card, so label codes cannot be guessed quickly."""
    if public_token_throttled(request):
        return HttpResponse(_("Too many requests: wait a minute and try again."), status=429, content_type="text/plain")
    device = device_by_label_code(code) if request.user.is_authenticated else None
    if device is None or not can(request.user, device.organization_id, Action.VIEW):
        raise Http404()
    return redirect(reverse("admin:inventory_device_change", args=[device.pk]))
