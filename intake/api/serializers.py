"""Shapes of the window desk's API.

Input serializers check types, lengths, choices and that referenced rows exist, then call the
services' own pure checks (clean_identity, clean_contact, clean_primary_contact,
validate_case_data) so that an error is reported where it belongs in a nested payload; the rules
themselves live in intake.services and run again there. The *_data functions turn validated input
into the services' dataclasses.
"""

from operator import attrgetter

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, Category, Place, SubjectArea
from cases.references import reference_ids
from cases.services import CaseData, validate_case_data
from petition_desk.api_serializers import FieldsBuiltOnce, RecordDateTimeField
from petition_desk.validators import validate_record_date

from ..models import Attendance, ContactPoint, Petitioner, Visit, Window
from ..services import (
    MAX_PERSONS,
    Attendee,
    ContactData,
    DuplicateIdentity,
    PetitionerData,
    VisitData,
    clean_contact,
    clean_identity,
    clean_primary_contact,
)
from ..validators import phone_lookup_key


class ReferenceField(serializers.PrimaryKeyRelatedField):
    """The id of a window, category, subject area or place, checked against the cached ids of
    its table (cases.references) instead of a query per field; validates to the id itself."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(queryset=model._default_manager.all(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if pk not in reference_ids(self.model):
            self.fail("does_not_exist", pk_value=data)
        return pk


class WindowSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Window
        fields = ["id", "name"]


# --- petitioners and contacts: output ----------------------------------------------------------


class ContactSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    created_by = serializers.StringRelatedField(help_text=_("Who added the contact."))

    class Meta:
        model = ContactPoint
        fields = ["id", "kind", "value", "relation", "holder_name", "is_primary", "created_at", "created_by"]
        read_only_fields = fields


class PetitionerSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A petitioner; the ID number only ever appears masked."""

    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Petitioner
        fields = [
            "id",
            "name",
            "gender",
            "id_type",
            "id_number_masked",
            "address",
            "note",
            "contacts",
            "created_at",
        ]
        read_only_fields = fields


class CasePetitionerSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A petitioner as a case shows them to every role, as the case page does: who, and how to
    reach them. The bureau's own record (address, gender, note) is the petitioner's, which
    departments cannot open."""

    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Petitioner
        fields = ["id", "name", "id_number_masked", "contacts"]
        read_only_fields = fields


# --- petitioners and contacts: input -----------------------------------------------------------


class ContactInputSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = ContactPoint
        fields = ["kind", "value", "relation", "holder_name", "is_primary"]
        # Blank values reach the service, whose message says what is missing.
        extra_kwargs = {"value": {"allow_blank": True}}

    def validate(self, attrs):
        clean_contact(contact_data(attrs))
        return attrs


class PetitionerInputSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    contacts = ContactInputSerializer(many=True, required=False)

    class Meta:
        model = Petitioner
        fields = ["name", "gender", "id_type", "id_number", "address", "note", "contacts"]
        extra_kwargs = {
            "name": {"allow_blank": True},
            "id_number": {"max_length": 40, "help_text": _("Stored encrypted; answered only masked.")},
        }

    def validate(self, attrs):
        data = petitioner_data(attrs)
        clean_identity(data)
        clean_primary_contact(data.contacts)
        return attrs


class PetitionerSearchSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text=_("A name (exact match), or a phone number or ID number."),
    )
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def validate_phone(self, value: str) -> str:
        if value and phone_lookup_key(value) is None:
            raise serializers.ValidationError(_("This is not a mobile or landline number."))
        return value

    def validate(self, attrs):
        if not any(attrs.values()):
            raise serializers.ValidationError(
                _("Search by name, phone or ID number (q, phone or id_number): the register is never listed.")
            )
        return attrs


def contact_data(attrs: dict) -> ContactData:
    return ContactData(**attrs)


def petitioner_data(attrs: dict) -> PetitionerData:
    fields = {name: value for name, value in attrs.items() if name != "contacts"}
    contacts = tuple(contact_data(contact) for contact in attrs.get("contacts", ()))
    return PetitionerData(**fields, contacts=contacts)


# --- visits: input -----------------------------------------------------------------------------


class AttendeeSerializer(FieldsBuiltOnce, serializers.Serializer):
    """A named person present: an existing petitioner, or one registered with the visit."""

    petitioner = serializers.PrimaryKeyRelatedField(
        queryset=Petitioner.objects.only("pk"), required=False, allow_null=True
    )
    new = PetitionerInputSerializer(required=False, allow_null=True)
    is_representative = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if (attrs.get("petitioner") is None) == (attrs.get("new") is None):
            raise serializers.ValidationError(_("Give either an existing petitioner or a new one, not both."))
        return attrs


class VisitCaseInputSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = [
            "facts",
            "request",
            "reasons",
            "category",
            "subject_area",
            "place",
            "organisation",
            "in_litigation",
            "urgent",
            "anonymous",
        ]
        extra_kwargs = {"facts": {"allow_blank": True}, "request": {"allow_blank": True}}

    category = ReferenceField(Category)
    subject_area = ReferenceField(SubjectArea)
    place = ReferenceField(Place)

    def validate(self, attrs):
        validate_case_data(case_data(attrs))
        return attrs


class VisitInputSerializer(FieldsBuiltOnce, serializers.Serializer):
    window = ReferenceField(Window)
    persons = serializers.IntegerField(max_value=MAX_PERSONS, help_text=_("Everyone who came, named or not."))
    visited_at = RecordDateTimeField(required=False, allow_null=True, help_text=_("Defaults to now."))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    attendees = AttendeeSerializer(many=True, required=False)
    case = VisitCaseInputSerializer(
        required=False, allow_null=True, help_text=_("The new case; omit or null with repeat_of.")
    )
    repeat_of = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.only("pk"),
        required=False,
        allow_null=True,
        help_text=_("The case this visit repeats."),
    )


def case_data(attrs: dict) -> CaseData:
    fields = dict(attrs)
    for name in ("category", "subject_area", "place"):
        fields[f"{name}_id"] = fields.pop(name)
    return CaseData(**fields)


def on_attendee(error: DuplicateIdentity) -> serializers.ValidationError:
    """The service's refusal of a new person's ID number, placed on that person in the payload
    as the attendees' serializer places its own errors: by the person's index."""
    if error.attendee is None:
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"attendees": {error.attendee: {"new": error.message_dict}}})


def visit_data(attrs: dict) -> VisitData:
    attendees = tuple(
        Attendee(
            petitioner_id=attendee["petitioner"].pk if attendee.get("petitioner") else None,
            new=petitioner_data(attendee["new"]) if attendee.get("new") else None,
            is_representative=attendee["is_representative"],
        )
        for attendee in attrs.get("attendees", ())
    )
    return VisitData(
        window_id=attrs["window"],
        persons=attrs["persons"],
        attendees=attendees,
        case=case_data(attrs["case"]) if attrs.get("case") else None,
        repeat_of=attrs["repeat_of"].pk if attrs.get("repeat_of") else None,
        note=attrs["note"],
        visited_at=attrs.get("visited_at"),
    )


# --- visits: output ----------------------------------------------------------------------------


class VisitCaseSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "number", "tracking_code", "status"]
        read_only_fields = fields


def _attendances(visit: Visit) -> list[Attendance]:
    # Sorted here rather than in the query, so that a prefetched list is used as it is.
    return sorted(visit.attendances.all(), key=attrgetter("pk"))


class VisitSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A registered visit: the answer to registration."""

    case = VisitCaseSerializer(read_only=True)
    petitioners = serializers.SerializerMethodField(help_text=_("The named persons, in the order given."))

    class Meta:
        model = Visit
        fields = ["id", "visited_at", "window", "persons", "is_group", "is_repeat", "case", "petitioners"]
        read_only_fields = fields

    def get_petitioners(self, visit: Visit) -> list[int]:
        if hasattr(visit, "registered_petitioner_ids"):  # just registered: intake.services.visit_register
            return visit.registered_petitioner_ids
        return [attendance.petitioner_id for attendance in _attendances(visit)]


class VisitAttendeeSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    name = serializers.CharField(source="petitioner.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["petitioner", "name", "is_representative"]
        read_only_fields = fields


class VisitListSerializer(VisitSerializer):
    """A visit in a day's list: who received it and who came."""

    receptionist = serializers.StringRelatedField()
    attendees = serializers.SerializerMethodField()

    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "receptionist", "note", "attendees"]
        read_only_fields = fields

    @extend_schema_field(VisitAttendeeSerializer(many=True))
    def get_attendees(self, visit: Visit) -> list[dict]:
        return VisitAttendeeSerializer(_attendances(visit), many=True).data


class DayQuerySerializer(serializers.Serializer):
    date = serializers.DateField(
        required=False, validators=[validate_record_date], help_text=_("YYYY-MM-DD; defaults to today.")
    )


class VisitDayQuerySerializer(DayQuerySerializer):
    window = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text=_("A window's id.")
    )
