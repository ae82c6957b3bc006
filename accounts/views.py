from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.utils.decorators import method_decorator

from .forms import LoginForm
from .permissions import ROLE_HOME


def home(request):
    """Each role lands on its own page: the window desk, the sign-off queue or the inbox."""
    if request.user.is_superuser and not request.user.role:
        return redirect("admin:index")
    return redirect(ROLE_HOME.get(request.user.role, "admin:index"))


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True
