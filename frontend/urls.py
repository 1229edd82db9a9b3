from django.urls import path

from .desk import checkout, courses, devices, hours, labels, loans, participants, today
from .views import auth, card, funder

app_name = "frontend"

urlpatterns = [
    path("l/<str:token>", card.loan_card, name="loan-card"),
    path("l/<str:token>/renew", card.loan_card_renew, name="loan-card-renew"),
    path("desk/login/", auth.LoginView.as_view(), name="login"),
    path("desk/logout/", auth.LogoutView.as_view(), name="logout"),
    path("desk/", today.today, name="desk"),
    path("desk/checkout/", checkout.checkout_device, name="checkout"),
    path("desk/checkout/participant/", checkout.checkout_participant, name="checkout-participant"),
    path("desk/checkout/policy/", checkout.checkout_policy, name="checkout-policy"),
    path("desk/checkin/", loans.checkin, name="checkin"),
    path("desk/loans/<int:loan_id>/", loans.loan_detail, name="loan"),
    path("desk/loans/<int:loan_id>/agreement.pdf", loans.loan_agreement, name="loan-agreement"),
    path("desk/loans/<int:loan_id>/renew", loans.loan_renew_view, name="loan-renew"),
    path("desk/loans/<int:loan_id>/agreement-signed", loans.loan_agreement_signed_view, name="loan-agreement-signed"),
    path("desk/loans/<int:loan_id>/calls", today.loan_call, name="loan-call"),
    path("desk/loans/<int:loan_id>/remind", today.loan_remind, name="loan-remind"),
    path("desk/tasks/<int:task_id>/approve-renewal", today.renewal_approve, name="renewal-approve"),
    path("desk/tasks/<int:task_id>/refuse-renewal", today.renewal_refuse, name="renewal-refuse"),
    path("desk/participants/", participants.participants, name="participants"),
    path("desk/participants/<int:participant_id>/", participants.participant_detail, name="participant"),
    path("desk/participants/<int:participant_id>/edit", participants.participant_edit, name="participant-edit"),
    path(
        "desk/participants/<int:participant_id>/waitlist",
        participants.participant_waitlist_add,
        name="participant-waitlist",
    ),
    path(
        "desk/participants/<int:participant_id>/waitlist/<int:entry_id>/cancel",
        participants.participant_waitlist_cancel,
        name="participant-waitlist-cancel",
    ),
    path("desk/courses/", courses.courses, name="courses"),
    path("desk/courses/<int:cohort_id>/", courses.course_detail, name="course"),
    path("desk/courses/<int:cohort_id>/checkout/", courses.course_checkout, name="course-checkout"),
    path("desk/courses/<int:cohort_id>/return/", courses.course_return, name="course-return"),
    path("desk/courses/<int:cohort_id>/agreements.pdf", courses.course_agreements, name="course-agreements"),
    path("desk/courses/<int:cohort_id>/members/", courses.course_member_add, name="course-member-add"),
    path(
        "desk/courses/<int:cohort_id>/members/<int:participant_id>/remove",
        courses.course_member_remove,
        name="course-member-remove",
    ),
    path("desk/courses/<int:cohort_id>/holds/", courses.course_hold, name="course-hold"),
    path(
        "desk/courses/<int:cohort_id>/holds/<int:reservation_id>/release",
        courses.course_hold_release,
        name="course-hold-release",
    ),
    path("desk/labels/", labels.labels, name="labels"),
    path("desk/devices/", devices.device_list, name="devices"),
    path("desk/devices/intake/", devices.intake, name="intake"),
    path("desk/devices/intake/csv/", devices.intake_csv, name="intake-import"),
    path("desk/devices/labels.pdf", devices.device_labels, name="device-labels"),
    path("desk/devices/<int:device_id>/", devices.device_detail, name="device"),
    path("desk/devices/<int:device_id>/wipes/", devices.device_wipe, name="device-wipe"),
    path("desk/devices/<int:device_id>/actions/<str:action>", devices.device_action, name="device-action"),
    path("desk/hours/", hours.hours, name="hours"),
    path("desk/hours/closures/", hours.closure_add, name="closure-add"),
    path("desk/hours/closures/<int:closure_id>/remove", hours.closure_remove, name="closure-remove"),
    path("desk/hours/public-holidays/", hours.public_holidays, name="public-holidays"),
    path("funder/", funder.funder_home, name="funder"),
]
