from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("devices", views.DeviceViewSet, basename="device")
router.register("donors", views.DonorViewSet, basename="donor")
router.register("wipe-records", views.WipeRecordViewSet, basename="wipe-record")
router.register("repairs", views.RepairTicketViewSet, basename="repair")

urlpatterns = router.urls
