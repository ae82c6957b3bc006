from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    # Open to a session that has already ended: logging out then still lands on the login page,
    # instead of being sent to log in first and then to GET /logout/, which is refused (405).
    path("logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("still-here/", views.still_here, name="still_here"),
]
