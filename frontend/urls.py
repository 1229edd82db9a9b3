from django.urls import path

from .views import auth, card, desk, funder

app_name = "frontend"

urlpatterns = [
    path("l/<str:token>", card.loan_card, name="loan-card"),
    path("l/<str:token>/renew", card.loan_card_renew, name="loan-card-renew"),
    path("desk/login/", auth.LoginView.as_view(), name="login"),
    path("desk/logout/", auth.LogoutView.as_view(), name="logout"),
    path("desk/", desk.today, name="desk"),
    path("desk/checkout/", desk.checkout_device, name="checkout"),
    path("desk/checkout/participant/", desk.checkout_participant, name="checkout-participant"),
    path("desk/checkout/policy/", desk.checkout_policy, name="checkout-policy"),
    path("desk/checkin/", desk.checkin, name="checkin"),
    path("desk/loans/<int:loan_id>/", desk.loan_detail, name="loan"),
    path("desk/loans/<int:loan_id>/agreement.pdf", desk.loan_agreement, name="loan-agreement"),
    path("desk/loans/<int:loan_id>/renew", desk.loan_renew_view, name="loan-renew"),
    path("desk/loans/<int:loan_id>/agreement-signed", desk.loan_agreement_signed_view, name="loan-agreement-signed"),
    path("desk/participants/", desk.participants, name="participants"),
    path("desk/participants/<int:participant_id>/", desk.participant_detail, name="participant"),
    path("desk/participants/<int:participant_id>/edit", desk.participant_edit, name="participant-edit"),
    path("desk/participants/<int:participant_id>/waitlist", desk.participant_waitlist_add, name="participant-waitlist"),
    path(
        "desk/participants/<int:participant_id>/waitlist/<int:entry_id>/cancel",
        desk.participant_waitlist_cancel,
        name="participant-waitlist-cancel",
    ),
    path("desk/labels/", desk.labels, name="labels"),
    path("funder/", funder.funder_home, name="funder"),
]
