"""Forms of the window desk. Field checks call the same functions as the services, so the page and
the API say the same thing about the same mistake; the services decide what may be saved."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.models import Category, Place, SubjectArea
from cases.services import CaseData
from petition_desk.validators import validate_record_date

from .models import ContactKind, Gender, IdType, Petitioner, Relation, Window
from .services import MAX_PERSONS, Attendee, ContactData, PetitionerData, clean_contact, clean_identity
from .validators import is_landline


def _looks_up(include: str) -> dict:
    """Widget attributes that ask the desk for repeat candidates as the receptionist types."""
    return {
        "hx-get": reverse_lazy("intake:lookup"),
        "hx-trigger": "input changed delay:300ms",
        "hx-target": "#candidates",
        "hx-include": include,
        "hx-sync": "#candidates:replace",
        "autocomplete": "off",
    }


def _no_form_tag(layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


class VisitForm(forms.Form):
    window = forms.ModelChoiceField(label=_("Window"), queryset=Window.objects.filter(is_active=True))
    visited_at = forms.DateTimeField(
        label=_("Time of visit (empty: now)"),
        required=False,
        validators=[validate_record_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    persons = forms.IntegerField(
        label=_("Persons present"),
        min_value=1,
        max_value=MAX_PERSONS,
        initial=1,
        help_text=_("Named or not."),
    )
    repeat_of = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note on the visit"), required=False, max_length=500)
    # Rendered by the page itself, not with the cached empty forms: each page gets its own.
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    # Built when the form is rendered: the desk's empty forms mostly come rendered from the cache
    # (intake.desk_forms), and building their layouts on every page was wasted.
    @cached_property
    def helper(self) -> FormHelper:
        return _no_form_tag(
            Layout(
                Row(
                    Column("window", css_class="col-md-3"),
                    Column("visited_at", css_class="col-md-3"),
                    Column("persons", css_class="col-md-2"),
                    Column("note", css_class="col-md-4"),
                ),
                "repeat_of",
            )
        )

    def clean_visited_at(self):
        visited_at = self.cleaned_data["visited_at"]
        if visited_at and visited_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(_("A visit cannot be registered in the future."))
        return visited_at


class PersonForm(forms.Form):
    """One named person present: chosen from the repeat candidates, or registered here."""

    petitioner = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    # Not required: when a known petitioner is chosen the desk disables these, and a disabled
    # field is not submitted. A new person without them gets the defaults below.
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False
    )
    id_type = forms.ChoiceField(
        label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT_ID, required=False
    )
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    mobile = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Mobile or landline; may be added later")}),
    )
    phone_relation = forms.ChoiceField(
        label=_("Whose phone"), choices=Relation.choices, initial=Relation.SELF, required=False
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    is_representative = forms.BooleanField(label=_("Representative"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "id_number", "mobile"):
            self.fields[name].widget.attrs.update(
                _looks_up("closest .person-row, #id_place, #id_organisation")
            )

    @cached_property
    def helper(self) -> FormHelper:
        return _no_form_tag(
            Layout(
                "petitioner",
                Row(
                    Column("name", css_class="col-md-3"),
                    Column("gender", css_class="col-md-3"),
                    Column("id_type", css_class="col-md-3"),
                    Column("id_number", css_class="col-md-3"),
                ),
                Row(
                    Column("mobile", css_class="col-md-3"),
                    Column("phone_relation", css_class="col-md-2"),
                    Column("address", css_class="col-md-4"),
                    # Wide enough for "Representative" at a tablet's 768 px.
                    Column(Field("is_representative"), css_class="col-md-3 pt-4"),
                ),
            )
        )

    def clean(self):
        data = super().clean()
        if data.get("petitioner"):
            # The row registers the petitioner chosen: a name typed over it would be dropped.
            chosen = Petitioner.objects.filter(pk=data["petitioner"]).values_list("name", flat=True).first()
            typed = data.get("name", "").strip()
            if chosen is not None and typed and typed != chosen:
                self.add_error(
                    "name",
                    _("This row is %(name)s, chosen from the candidates: register someone else in a new row.")
                    % {"name": chosen},
                )
            return data
        if not data.get("name", "").strip():
            if self.has_changed():
                self.add_error("name", _("Enter the petitioner's name."))
            return data
        try:
            clean_identity(self._petitioner_data(data))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        if data.get("mobile", "").strip():
            try:
                clean_contact(self._phone(data))
            except ValidationError as error:
                self.add_error("mobile", error.message_dict.get("value", error.messages))
        if data.get("address", "").strip():
            try:
                clean_contact(ContactData(kind=ContactKind.ADDRESS, value=data["address"]))
            except ValidationError as error:
                self.add_error("address", error.message_dict.get("value", error.messages))
        return data

    @staticmethod
    def _phone(data) -> ContactData:
        kind = ContactKind.LANDLINE if is_landline(data["mobile"]) else ContactKind.MOBILE
        return ContactData(
            kind=kind, value=data["mobile"], relation=data.get("phone_relation") or Relation.SELF
        )

    @staticmethod
    def _petitioner_data(data, contacts=()) -> PetitionerData:
        # A person who brought no document leaves the number empty, whatever the type says.
        id_number = data.get("id_number", "").strip()
        return PetitionerData(
            name=data.get("name", ""),
            gender=data.get("gender") or Gender.UNKNOWN,
            id_type=(data.get("id_type") or IdType.NONE) if id_number else IdType.NONE,
            id_number=id_number,
            address=data.get("address", ""),
            contacts=contacts,
        )

    def attendee(self) -> Attendee | None:
        data = self.cleaned_data
        representative = data.get("is_representative", False)
        if data.get("petitioner"):
            return Attendee(petitioner_id=data["petitioner"], is_representative=representative)
        if not data.get("name", "").strip():
            return None
        contacts = [self._phone(data)] if data.get("mobile", "").strip() else []
        if data.get("address", "").strip():
            contacts.append(ContactData(kind=ContactKind.ADDRESS, value=data["address"]))
        return Attendee(new=self._petitioner_data(data, tuple(contacts)), is_representative=representative)


PersonFormSet = forms.formset_factory(PersonForm, extra=1, max_num=50, validate_max=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, as Django's documentation shows for multiple uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CaseForm(forms.Form):
    facts = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))
    request = forms.CharField(label=_("Request (诉求)"), widget=forms.Textarea(attrs={"rows": 2}))
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    subject_area = forms.ModelChoiceField(label=_("Subject area"), queryset=SubjectArea.objects.all())
    place = forms.ModelChoiceField(label=_("Town or street"), queryset=Place.objects.all())
    organisation = forms.CharField(label=_("Organisation complained about"), required=False, max_length=200)
    in_litigation = forms.BooleanField(label=_("In litigation"), required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    attachments = MultipleFileField(label=_("Scanned letters and photos"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].widget.attrs.update(
            # Delayed: arrowing through the list changes it at every key.
            _looks_up("#people .person-row:first-child, #id_organisation")
            | {"hx-trigger": "change delay:300ms"}
        )
        # The matter may have come before with other people: its organisation's open cases.
        self.fields["organisation"].widget.attrs.update(
            _looks_up("#people .person-row:first-child, #id_place")
        )

    @cached_property
    def helper(self) -> FormHelper:
        return _no_form_tag(
            Layout(
                Row(
                    Column("facts", css_class="col-md-5"),
                    Column("request", css_class="col-md-4"),
                    Column("reasons", css_class="col-md-3"),
                ),
                Row(
                    Column("category", css_class="col-md-2"),
                    Column("subject_area", css_class="col-md-3"),
                    Column("place", css_class="col-md-3"),
                    Column("organisation", css_class="col-md-4"),
                ),
                Row(
                    Column("in_litigation", css_class="col-md-2"),
                    Column("urgent", css_class="col-md-2"),
                    Column("anonymous", css_class="col-md-2"),
                    Column("attachments", css_class="col-md-6"),
                ),
            )
        )

    def case_data(self) -> CaseData:
        data = self.cleaned_data
        return CaseData(
            facts=data["facts"],
            request=data["request"],
            reasons=data["reasons"],
            category_id=data["category"].pk,
            subject_area_id=data["subject_area"].pk,
            place_id=data["place"].pk,
            organisation=data["organisation"],
            in_litigation=data["in_litigation"],
            urgent=data["urgent"],
            anonymous=data["anonymous"],
        )


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices, initial=ContactKind.MOBILE)
    value = forms.CharField(label=_("Number or address"), max_length=200)
    relation = forms.ChoiceField(label=_("Whose"), choices=Relation.choices, initial=Relation.SELF)
    holder_name = forms.CharField(label=_("Holder's name"), max_length=50, required=False)
    is_primary = forms.BooleanField(label=_("Make primary"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag(
            Layout(
                Row(
                    Column("kind", css_class="col-md-2"),
                    Column("value", css_class="col-md-3"),
                    Column("relation", css_class="col-md-2"),
                    Column("holder_name", css_class="col-md-3"),
                    Column("is_primary", css_class="col-md-2 pt-4"),
                )
            )
        )

    def contact_data(self) -> ContactData:
        return ContactData(**self.cleaned_data)

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("value"):
            try:
                clean_contact(ContactData(kind=data["kind"], value=data["value"]))
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return data


class TallyDateForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_record_date],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag()
        self.helper.form_show_labels = False
