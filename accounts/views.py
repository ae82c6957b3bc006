from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


@require_GET
@never_cache
def still_here(request):
    """Asked by a page while someone types into it (static/js/forms.js): the request renews the
    session (accounts.middleware.SessionRenewalMiddleware), and there is nothing to answer."""
    return HttpResponse(status=204)
