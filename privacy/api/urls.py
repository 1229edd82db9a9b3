from django.urls import path

from . import views

urlpatterns = [
    path(
        "privacy/participants/<int:pk>/export/json/",
        views.ParticipantExportView.as_view(kind="json"),
        name="privacy-export-json",
    ),
    path(
        "privacy/participants/<int:pk>/export/pdf/",
        views.ParticipantExportView.as_view(kind="pdf"),
        name="privacy-export-pdf",
    ),
    path("privacy/participants/<int:pk>/erase/", views.ParticipantEraseView.as_view(), name="privacy-erase"),
    path("privacy/participants/<int:pk>/consents/", views.ParticipantConsentView.as_view(), name="privacy-consents"),
    path("privacy/organizations/<int:pk>/retention/", views.RetentionView.as_view(), name="privacy-retention"),
    path("privacy/log/", views.PrivacyLogView.as_view(), name="privacy-log"),
    path("privacy/processing/", views.ProcessingRecordView.as_view(), name="privacy-processing"),
]
