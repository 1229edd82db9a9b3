"""The page an invited person opens from the e-mail: /invitations/<token>/ (login first, then confirm)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError

from . import services


@login_required(login_url="frontend:login")
def invitation_accept_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the invitation offers, and a button; POST: accept (`services.invitation_accept`).

    An unknown link is 404, a withdrawn or expired one 410, one someone else accepted 409: the page says so
    and nothing is written."""
    template = "organizations/invitation_accept.html"
    try:
        invitation = services.invitation_by_token(token)
        services.invitation_refuse_if_unusable(invitation, user=request.user)
        if request.method == "POST":
            invitation, membership = services.invitation_accept(token=token, user=request.user)
            messages.success(
                request,
                _("You are now a member of %(organization)s (%(role)s).")
                % {"organization": invitation.organization.name, "role": membership.get_role_display()},
            )
            return redirect("frontend:desk")
    except DomainError as error:
        return render(request, template, {"error": error.message}, status=error.status_code)
    context = {"invitation": invitation, "already_accepted": invitation.accepted_at is not None}
    return render(request, template, context)
