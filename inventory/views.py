"""The scan resolver behind every QR label: `/s/<code>`."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from organizations.permissions import Action, can

from .selectors import device_by_label_code


def scan(request, code: str):
    """Members of the device's organisation go to the device; anyone else gets the same 404 as a bad code."""
    device = device_by_label_code(code) if request.user.is_authenticated else None
    if device is None or not can(request.user, device.organization_id, Action.VIEW):
        raise Http404()
    return redirect(reverse("admin:inventory_device_change", args=[device.pk]))
