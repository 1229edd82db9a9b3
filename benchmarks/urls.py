"""The real URLconf plus the floor views under /bench/floor/ (benchmarks only)."""

from django.urls import path

from backend.urls import urlpatterns as real_urlpatterns

from . import floors

urlpatterns = [
    path("bench/floor/devices/", floors.devices, name="floor-devices"),
    path("bench/floor/loans/overdue/", floors.overdue_loans, name="floor-overdue-loans"),
    path("bench/floor/public/loans/<str:token>/", floors.public_loan, name="floor-public-loan"),
    *real_urlpatterns,
]
