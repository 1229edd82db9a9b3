"""Device labels: a PDF sheet of QR labels for the devices asked."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inventory.labels import render_labels

from ..forms import LabelsForm
from .access import form_status, member_required, pdf_response


@member_required
def labels(request: HttpRequest) -> HttpResponse:
    form = LabelsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        return pdf_response(render_labels(form.devices), "labels.pdf")
    return render(
        request, "frontend/desk/labels/labels.html", {"form": form, "active": "labels"}, status=form_status(request)
    )
