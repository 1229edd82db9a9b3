from django.urls import path
from rest_framework.routers import DefaultRouter

from . import calls, views

router = DefaultRouter()
router.register("loan-policies", views.LoanPolicyViewSet, basename="loanpolicy")
router.register("cohorts", views.CohortViewSet, basename="cohort")
router.register("loans", views.LoanViewSet, basename="loan")
router.register("waitlist", views.WaitlistViewSet, basename="waitlist")
router.register("loan-payments", views.PaymentViewSet, basename="payment")
router.register("loans", calls.LoanCallViewSet, basename="loancall")  # /loans/{id}/calls/
router.register("staff-tasks", calls.RenewalRequestViewSet, basename="renewalrequest")  # its two actions

urlpatterns = [
    path("public/loans/<str:token>/", views.PublicLoanView.as_view(), name="public-loan"),
    *router.urls,
]
