from django.contrib.auth import views as auth_views
from django.urls import reverse

from organizations.selectors import user_funder_ids, user_roles


class LoginView(auth_views.LoginView):
    template_name = "frontend/desk/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        user = self.request.user
        if not user.is_superuser and not user_roles(user) and user_funder_ids(user):
            return reverse("frontend:funder")
        return reverse("frontend:desk")


class LogoutView(auth_views.LogoutView):
    next_page = "frontend:login"
