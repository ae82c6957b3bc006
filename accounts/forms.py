from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autofocus"] = True
        self.helper = FormHelper()
        # The page says what is missing, in its language; the browser would say it in its own.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("login", _("Log in"), css_class="w-100"))
