from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("reports/subscriptions", views.ReportSubscriptionViewSet, basename="report-subscription")

urlpatterns = [
    path("reports/grants/<int:pk>/", views.GrantReportView.as_view(), name="report-grant"),
    path("reports/funders/<int:pk>/", views.FunderReportView.as_view(), name="report-funder"),
    path("reports/organizations/<int:pk>/", views.OrganizationReportView.as_view(), name="report-organization"),
    *router.urls,
]
