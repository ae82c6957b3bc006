"""The petitioner's look-up pages (issue 4 §5): public, no login, rate-limited per IP address."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from ..tracking import (
    RATE_LIMIT,
    RATE_LIMIT_GROUP,
    case_for_tracking,
    is_tracking_code,
    normalise_tracking_code,
)


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("The 8 letters and digits on the notice you were given at the window."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # A look-up changes nothing: GET needs no CSRF token, which an anonymous visitor lacks anyway.
        self.helper.form_method = "get"
        # To the look-up itself, from wherever the form is shown: on the not-found page at
        # /track/<code>/, an empty action sent the new code to that page, which showed the old
        # code's "not found" again.
        self.helper.form_action = "track"
        # The page says what is missing, in its language; the browser would say it in its own.
        self.helper.attrs = {"novalidate": ""}
        # A <button> without a name: a named one is sent too, and the address the petitioner
        # copies would carry `&submit=查询`.
        self.helper.layout = Layout(
            "code", StrictButton(_("Look up"), type="submit", css_class="btn-primary")
        )

    def clean_code(self) -> str:
        code = normalise_tracking_code(self.cleaned_data["code"])
        if not is_tracking_code(code):
            raise forms.ValidationError(_("A tracking code has 8 letters and digits, for example K7RM2Q9X."))
        return code


@login_not_required
@require_GET
def track_form(request):
    form = TrackingForm(request.GET or None)
    if form.is_valid():
        return redirect("track_result", code=form.cleaned_data["code"])
    return render(request, "tracking/form.html", {"form": form})


@login_not_required
@require_GET
@ratelimit(group=RATE_LIMIT_GROUP, key="ip", rate=RATE_LIMIT, block=False)
def track_result(request, code: str):
    if request.limited:
        return render(request, "tracking/limited.html", status=429)
    public_case = case_for_tracking(code)
    if public_case is None:
        form = TrackingForm(initial={"code": code})
        return render(request, "tracking/not_found.html", {"form": form}, status=404)
    return render(request, "tracking/result.html", {"case": public_case})


# Mounted at /track/ by one include in petition_desk/urls.py; the names are global, since the
# pages stand outside the staff's case pages.
urlpatterns = [
    path("", track_form, name="track"),
    path("<str:code>/", track_result, name="track_result"),
]
