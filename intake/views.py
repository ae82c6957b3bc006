import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from cases.models import Case

from . import selectors
from .desk_forms import rendered_desk_forms
from .forms import CaseForm, ContactForm, PersonFormSet, TallyDateForm, VisitForm
from .models import Petitioner, Window
from .services import DuplicateIdentity, VisitData, contact_add, visit_register

DESK_ROLES = (Role.RECEPTIONIST,)
READ_ROLES = (Role.RECEPTIONIST, Role.LEADER)
MISSING_CONTACTS_ON_DESK = 10
# The latest visits at this window; the tally has the whole day's figures.
VISITS_ON_DESK = 20


def _desk_window(request) -> Window | None:
    windows = Window.objects.filter(is_active=True)
    return windows.filter(pk=request.session.get("window_id")).first() or windows.first()


def _show_errors(error: ValidationError, visit_form, case_form, rows) -> None:
    """Put the service's messages beside the fields they are about; a new person's ID number
    registered already, on that person's row (`rows`: the forms of the attendees, in order)."""
    if isinstance(error, DuplicateIdentity) and error.attendee is not None:
        rows[error.attendee].add_error("id_number", error.message_dict["id_number"])
        return
    for field, field_messages in error.message_dict.items():
        if field in case_form.fields and case_form.is_bound:
            case_form.add_error(field, field_messages)
        elif field in visit_form.fields and not visit_form.fields[field].widget.is_hidden:
            visit_form.add_error(field, field_messages)
        else:
            visit_form.add_error(None, field_messages)


@role_required(*DESK_ROLES)
@require_http_methods(["GET", "POST"])
def desk(request):
    """The window desk: register a visit, see today's visits here and who cannot be reached."""
    window = _desk_window(request)
    if request.method == "POST":
        visit_form = VisitForm(request.POST)
        people = PersonFormSet(request.POST, prefix="people")
        repeat_of = request.POST.get("repeat_of") or None
        case_form = CaseForm(request.POST, request.FILES) if not repeat_of else CaseForm()
        if visit_form.is_valid() and people.is_valid() and (repeat_of or case_form.is_valid()):
            rows = [(form, attendee) for form in people if (attendee := form.attendee()) is not None]
            data = VisitData(
                window_id=visit_form.cleaned_data["window"].pk,
                persons=visit_form.cleaned_data["persons"],
                attendees=tuple(attendee for _form, attendee in rows),
                case=None if repeat_of else case_form.case_data(),
                repeat_of=visit_form.cleaned_data["repeat_of"],
                note=visit_form.cleaned_data["note"],
                visited_at=visit_form.cleaned_data["visited_at"],
                attachments=tuple(case_form.cleaned_data.get("attachments", ())) if not repeat_of else (),
                submission=visit_form.cleaned_data["submission"],
            )
            try:
                visit = visit_register(data=data, receptionist=request.user)
            except ValidationError as error:
                _show_errors(error, visit_form, case_form, [form for form, _attendee in rows])
            else:
                request.session["window_id"] = visit.window_id
                _announce(request, visit)
                return redirect("intake:desk")
        messages.error(request, _("The visit was not registered: correct the fields marked below."))
        chosen = [upload.name for upload in request.FILES.getlist("attachments")]
        if chosen and case_form.is_bound:
            # A browser never fills a file field again: said here, or the case is registered
            # without the scanned letter once the other fields are put right.
            case_form.add_error(
                "attachments",
                _("Choose the files again, the page cannot keep them: %(names)s.")
                % {"names": "、".join(chosen)},
            )
    else:
        visit_form = VisitForm(initial={"window": window})
        people = PersonFormSet(prefix="people")
        case_form = CaseForm()
    today = timezone.localdate()
    # Forms with the user's input and errors are rendered by the template; empty ones come cached.
    rendered = None if visit_form.is_bound else rendered_desk_forms(visit_form, people, case_form)
    return render(
        request,
        "intake/desk.html",
        {
            "visit_form": visit_form,
            "repeat_number": _repeat_number(visit_form),
            "people": people,
            "case_form": case_form,
            "rendered": rendered,
            "submission": _page_key(visit_form),
            "window": window,
            "todays_visits": selectors.desk_visits(
                day=today, window_id=window.pk if window else None, limit=VISITS_ON_DESK
            ),
            "tally": selectors.daily_tally(day=today),
            "missing_contacts": selectors.desk_cases_missing_contact(limit=MISSING_CONTACTS_ON_DESK),
        },
    )


def _row_id(text: str) -> int | None:
    """An id the page sent back, or None if it cannot be one: "²" passes isdigit() but not int(),
    and an id past the column's 64 bits is refused by the database."""
    return int(text) if text.isascii() and text.isdigit() and int(text) < 2**63 else None


def _repeat_number(visit_form) -> str:
    """The number of the case a refused repeat visit was linked to, to show it again."""
    repeat_of = _row_id(str(visit_form["repeat_of"].value() or ""))
    if repeat_of is None:
        return ""
    return Case.objects.filter(pk=repeat_of).values_list("number", flat=True).first() or ""


def _page_key(visit_form) -> uuid.UUID:
    """The key of the page's registration. A page sent back with errors keeps its own: nothing
    of it was registered, and sent again it must still be registered once."""
    try:
        return uuid.UUID(str(visit_form["submission"].value()))
    except ValueError:
        return uuid.uuid4()


def _announce(request, visit) -> None:
    case_url = reverse("cases:detail", args=[visit.case_id])
    if visit.is_repeat:
        text = _("Repeat visit registered on case %(number)s.")
    else:
        text = _("Case %(number)s registered and sent for sign-off; tracking code %(code)s.")
    if getattr(visit, "already_registered", False):
        # The answer to a page sent twice still carries what the first answer said: the tracking
        # code may be what the petitioner is waiting for.
        twice = _("The page was sent twice: the visit is registered once.")
        text = f"{text} {twice}"
    messages.success(
        request,
        format_html(
            '<a href="{}">{}</a>',
            case_url,
            text % {"number": visit.case.number, "code": visit.case.tracking_code},
        ),
    )


@role_required(*DESK_ROLES)
@require_GET
def lookup(request):
    """Candidates while the receptionist types: exact ID, exact phone, or name at the same place.
    The form's fields carry formset prefixes, so they are matched by their ending."""

    def value(suffix: str) -> str:
        for key, item in request.GET.items():
            # PostgreSQL's text cannot hold NUL: nobody types one, and a crafted one was an error.
            item = item.replace("\x00", "")
            if (key == suffix or key.endswith(f"-{suffix}")) and item.strip():
                return item
        return ""

    place = value("place")
    candidates = selectors.repeat_candidates(
        id_number=value("id_number"),
        phone=value("mobile") or value("phone"),
        name=value("name"),
        place_id=_row_id(place),
    )
    # The same matter, when the people are new: its organisation's open cases, less those the
    # people's cards above already offer. The case form's field has no prefix.
    organisation = request.GET.get("organisation", "").replace("\x00", "").strip()
    matter_cases = (
        selectors.matter_candidates(
            organisation, exclude=[case.pk for candidate in candidates for case in candidate.open_cases]
        )
        if organisation
        else []
    )
    return render(
        request,
        "intake/_candidates.html",
        {"candidates": candidates, "matter_cases": matter_cases, "organisation": organisation},
    )


@role_required(*READ_ROLES)
@require_http_methods(["GET", "POST"])
# Not kept by the browser (Cache-Control: no-store): a window's computer is shared between shifts.
@never_cache
def petitioner_detail(request, pk: int):
    """The petitioner's own page: the only place the full ID number is shown."""
    petitioner = get_object_or_404(Petitioner, pk=pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST":
        if request.user.role != Role.RECEPTIONIST:
            raise PermissionDenied
        if form.is_valid():
            try:
                contact = contact_add(
                    petitioner_id=petitioner.pk, data=form.contact_data(), added_by=request.user
                )
            except ValidationError as error:
                for field, field_messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_messages)
            else:
                messages.success(request, _("Contact %(value)s added.") % {"value": contact.value})
                return redirect("intake:petitioner", pk=petitioner.pk)
        messages.error(request, _("The contact was not added: correct the field marked below."))
    return render(
        request,
        "intake/petitioner_detail.html",
        {
            "petitioner": petitioner,
            "form": form,
            "contacts": petitioner.contacts.select_related("created_by"),
            "history": selectors.petitioner_history(petitioner),
            "cases": selectors.petitioner_cases(petitioner),
        },
    )


@role_required(*READ_ROLES)
@require_GET
def missing_contacts(request):
    page = Paginator(selectors.cases_missing_contact(), 50).get_page(request.GET.get("page"))
    return render(request, "intake/missing_contacts.html", {"page": page})


@role_required(*READ_ROLES)
@require_GET
def tally(request):
    form = TallyDateForm(request.GET or {"date": timezone.localdate()})
    # A date that is no date shows its message and no figures: another day's would read as its.
    tally = selectors.daily_tally(day=form.cleaned_data["date"]) if form.is_valid() else None
    night = selectors.night_tally(tally) if tally is not None else None
    return render(request, "intake/tally.html", {"form": form, "tally": tally, "night": night})


@role_required(*DESK_ROLES)
@require_POST
def choose_window(request):
    window = get_object_or_404(Window, pk=_row_id(request.POST.get("window", "")), is_active=True)
    request.session["window_id"] = window.pk
    return redirect("intake:desk")
