from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("sms/messages", views.OutboundMessageViewSet, basename="sms-message")
router.register("sms/opt-outs", views.SmsOptOutViewSet, basename="sms-opt-out")
router.register("sms/wordings", views.SmsWordingViewSet, basename="sms-wording")

urlpatterns = [
    path("sms/status/<str:provider>/", views.StatusWebhookView.as_view(), name="sms-status-webhook"),
    path("sms/inbound/<str:provider>/", views.InboundWebhookView.as_view(), name="sms-inbound-webhook"),
    *router.urls,
]
