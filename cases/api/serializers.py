from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from intake.api.serializers import PetitionerSerializer
from intake.models import Visit

from ..models import Attachment, Case, CaseEvent, Category, Department, Place, SubjectArea
from ..workflow import Action

# --- reference lists ---------------------------------------------------------------------------


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code", "is_court_liaison"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "code", "is_accusation"]


class SubjectAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubjectArea
        fields = ["id", "name", "code"]


class PlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ["id", "name"]


# --- cases -------------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category = CategorySerializer(read_only=True)
    subject_area = SubjectAreaSerializer(read_only=True)
    place = PlaceSerializer(read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "tracking_code",
            "status",
            "status_label",
            "category",
            "subject_area",
            "place",
            "organisation",
            "department",
            "is_group",
            "urgent",
            "in_litigation",
            "anonymous",
            "registered_at",
            "submitted_at",
        ]
        read_only_fields = fields


class CaseVisitSerializer(serializers.ModelSerializer):
    window = serializers.StringRelatedField()

    class Meta:
        model = Visit
        fields = ["id", "visited_at", "window", "persons", "is_group", "is_repeat"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    type = serializers.CharField(source="content_type", read_only=True)
    url = serializers.SerializerMethodField(help_text=_("Download, for those who may see the case."))

    class Meta:
        model = Attachment
        fields = ["id", "name", "type", "size", "uploaded_at", "url"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, attachment: Attachment) -> str | None:
        try:
            path = reverse("cases:attachment", args=[attachment.case_id, attachment.pk])
        except NoReverseMatch:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Where no download view is routed there is no link to give.
        if data["url"] is None:
            del data["url"]
        return data


# The status set is the StatusEnum component (from Case.status); a second name for the same set
# is a schema warning that only the ENUM_NAME_OVERRIDES setting would otherwise silence.
STATUS_SCHEMA = {"$ref": "#/components/schemas/StatusEnum"}


@extend_schema_field({"oneOf": [STATUS_SCHEMA, {"type": "string", "enum": [""]}]})
class FromStatusField(serializers.CharField):
    pass


@extend_schema_field(STATUS_SCHEMA)
class ToStatusField(serializers.CharField):
    pass


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(allow_null=True, help_text=_("Empty for what the system did."))
    from_status = FromStatusField(read_only=True, help_text=_("Empty for the registration."))
    to_status = ToStatusField(read_only=True)
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["actor", "action", "action_label", "from_status", "to_status", "note", "created_at"]
        read_only_fields = fields

    def get_action_label(self, event: CaseEvent) -> str:
        try:
            return str(Action(event.action).label)
        except ValueError:
            return event.action


class CaseDetailSerializer(CaseListSerializer):
    petitioners = serializers.SerializerMethodField(
        help_text=_("Empty for department staff when the case is anonymous.")
    )
    visits = CaseVisitSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    timeline = TimelineEntrySerializer(source="events", many=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "facts",
            "request",
            "reasons",
            "petitioners",
            "visits",
            "attachments",
            "timeline",
        ]
        read_only_fields = fields

    @extend_schema_field(PetitionerSerializer(many=True))
    def get_petitioners(self, case: Case) -> list[dict]:
        # An anonymous petitioner's identity stays at the bureau: the department handles the matter.
        if case.anonymous and self.context["request"].user.is_department_staff:
            return []
        return PetitionerSerializer(case.petitioners.all(), many=True, context=self.context).data
