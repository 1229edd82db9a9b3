from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from backend.health import healthz
from frontend.desk.privacy import processing_page
from inventory.views import scan
from organizations.api.views import TokenView
from organizations.views import invitation_accept_page

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("organizations.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("loans.api.urls")),
    path("", include("connectivity.api.urls")),
    path("", include("messaging.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("privacy.api.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("s/<str:code>", scan, name="scan"),
    path("desk/privacy/", processing_page, name="privacy-processing-page"),
    path("invitations/<str:token>/", invitation_accept_page, name="invitation-accept"),
    path("", include("frontend.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

handler404 = "core.api.errors.api_not_found"
