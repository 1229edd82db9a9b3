from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("funders", views.FunderViewSet, basename="funder")
router.register("grants", views.GrantViewSet, basename="grant")
router.register("closures", views.ClosureViewSet, basename="closure")
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("staff-tasks", views.StaffTaskViewSet, basename="stafftask")

urlpatterns = router.urls
