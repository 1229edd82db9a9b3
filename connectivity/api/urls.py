from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("connectivity/programmes", views.ProgrammeViewSet, basename="connectivity-programme")
router.register("connectivity/packs", views.PackViewSet, basename="connectivity-pack")
router.register("connectivity/code-batches", views.CodeBatchViewSet, basename="connectivity-code-batch")
router.register("connectivity/codes", views.EligibilityCodeViewSet, basename="connectivity-code")
router.register("connectivity/code-reveals", views.CodeRevealLogViewSet, basename="connectivity-code-reveal")
router.register(
    "connectivity/digicheque-batches", views.DigichequeBatchViewSet, basename="connectivity-digicheque-batch"
)
router.register("connectivity/digicheques", views.DigichequeViewSet, basename="connectivity-digicheque")

urlpatterns = router.urls
