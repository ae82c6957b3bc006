from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.api import DocumentSerializer
from documents.selectors import case_documents
from intake.api.serializers import CasePetitionerSerializer
from intake.models import Visit
from petition_desk.api_serializers import FieldsBuiltOnce

from ..models import (
    Attachment,
    Case,
    CaseEvent,
    Category,
    Clock,
    ClockKind,
    Department,
    Extension,
    Place,
    ReplyOutcome,
    Satisfaction,
    SignOff,
    SubjectArea,
    SupervisionNotice,
)
from ..offered import CaseFacts
from ..selectors import attachments_visible_to, identity_withheld_from
from ..workflow import Action
from .endpoints import ENDPOINT_ACTIONS, endpoints_offered

# --- reference lists ---------------------------------------------------------------------------


class DepartmentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code", "is_court_liaison"]


class CategorySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "code", "is_accusation"]


class SubjectAreaSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = SubjectArea
        fields = ["id", "name", "code"]


class PlaceSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ["id", "name"]


# --- cases -------------------------------------------------------------------------------------


class CaseListSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category = CategorySerializer(read_only=True)
    subject_area = SubjectAreaSerializer(read_only=True)
    place = PlaceSerializer(read_only=True)
    department = DepartmentSerializer(
        source="named_department",
        read_only=True,
        allow_null=True,
        help_text=_(
            "The receiving department, as the ledger names it: after a return, the department that "
            "gave the case back only while the case waits to be routed again."
        ),
    )

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


class CaseVisitSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    window = serializers.StringRelatedField()

    class Meta:
        model = Visit
        fields = ["id", "visited_at", "window", "persons", "is_group", "is_repeat"]
        read_only_fields = fields


class AttachmentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
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
            path = reverse("api:case-attachment", args=[attachment.case_id, attachment.pk])
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


class TimelineEntrySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text=_("Who acted; “System” for what the system did."))
    by_system = serializers.SerializerMethodField(
        help_text=_("True for what the system did (forwarding, reminders).")
    )
    from_status = FromStatusField(read_only=True, help_text=_("Empty for the registration."))
    to_status = ToStatusField(read_only=True)
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "actor",
            "by_system",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "note",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor(self, event: CaseEvent) -> str:
        return str(event.actor) if event.actor_id else str(_("System"))

    def get_by_system(self, event: CaseEvent) -> bool:
        return event.actor_id is None

    def get_action_label(self, event: CaseEvent) -> str:
        try:
            return str(Action(event.action).label)
        except ValueError:
            return event.action


def blank_or(component: str) -> dict:
    """The schema of a choice that may still be empty, drawn from an enum component that a
    request field names: one set of choices, one name in the schema."""
    return {"oneOf": [{"$ref": f"#/components/schemas/{component}"}, {"type": "string", "enum": [""]}]}


# SatisfactionEnum comes from the feedback's `satisfaction`.
@extend_schema_field(blank_or("SatisfactionEnum"))
class OptionalSatisfactionField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Satisfaction.choices, **kwargs)


# OutcomeEnum comes from the reply's `outcome`.
@extend_schema_field(blank_or("OutcomeEnum"))
class OptionalReplyOutcomeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ReplyOutcome.choices, **kwargs)


class ClockSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    clock = serializers.ChoiceField(source="kind", choices=ClockKind.choices, read_only=True)
    label = serializers.CharField(source="get_kind_display", read_only=True)
    days_left = serializers.IntegerField(
        read_only=True, help_text=_("Calendar days to the due date; negative once overdue.")
    )
    provisional = serializers.BooleanField(
        read_only=True,
        help_text=_("The year of the due date has no holiday data yet: weekends only were skipped."),
    )

    class Meta:
        model = Clock
        fields = ["clock", "label", "started_on", "due_on", "days_left", "provisional"]
        read_only_fields = fields


class SignOffSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    department = DepartmentSerializer(read_only=True, allow_null=True)
    leader = serializers.StringRelatedField()

    class Meta:
        model = SignOff
        fields = ["decision", "department", "instruction", "report_due", "leader", "created_at"]
        read_only_fields = fields


class ExtensionSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    requested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Extension
        fields = ["days", "reason", "state", "requested_by", "requested_at", "decided_by", "decided_at"]
        read_only_fields = fields


class SupervisionNoticeSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    sent_by = serializers.StringRelatedField()
    answered_by = serializers.StringRelatedField(allow_null=True)
    department = serializers.StringRelatedField(
        allow_null=True,
        help_text=_("The department it is to; null when none held the case: no answer is due."),
    )

    class Meta:
        model = SupervisionNotice
        fields = [
            "text",
            "sent_by",
            "sent_at",
            "department",
            "answer",
            "answered_by",
            "answered_at",
            "lapsed_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseListSerializer):
    petitioners = serializers.SerializerMethodField(
        help_text=_("Empty for department staff when the case is anonymous or an accusation.")
    )
    visits = CaseVisitSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField(
        help_text=_("Empty for department staff when the case is anonymous or an accusation.")
    )
    clocks = ClockSerializer(
        source="running_clocks", many=True, read_only=True, help_text=_("The time limits still running.")
    )
    sign_offs = SignOffSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    supervision_notices = SupervisionNoticeSerializer(many=True, read_only=True)
    reply_outcome = OptionalReplyOutcomeField(read_only=True)
    satisfaction_department = OptionalSatisfactionField(read_only=True)
    satisfaction_bureau = OptionalSatisfactionField(read_only=True)
    timeline = TimelineEntrySerializer(source="events", many=True, read_only=True)
    documents = serializers.SerializerMethodField(
        help_text=_("The official letters issued so far, each with the address of its PDF.")
    )
    actions = serializers.SerializerMethodField(
        help_text=_(
            "The action endpoints the user may call now: allowed in the case's state, and left "
            "something to do by its facts (no reply while an extension waits, no return after its "
            "five working days, no report or supervision answer unless one is owed, …), as the "
            "case page offers them. A request's own input may still be refused (400)."
        )
    )

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "facts",
            "request",
            "reasons",
            "petitioners",
            "visits",
            "attachments",
            "clocks",
            "sign_offs",
            "report_due",
            "returns_count",
            "extensions",
            "supervision_notices",
            "reply_outcome",
            "reply_text",
            "replied_at",
            "satisfaction_department",
            "satisfaction_bureau",
            "review_requested_at",
            "timeline",
            "documents",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, case: Case) -> list[dict]:
        documents = case_documents(self.context["request"].user, case.pk)["documents"]
        return DocumentSerializer(documents, many=True, context=self.context).data

    @extend_schema_field(CasePetitionerSerializer(many=True))
    def get_petitioners(self, case: Case) -> list[dict]:
        if identity_withheld_from(self.context["request"].user, case):
            return []
        return CasePetitionerSerializer(case.petitioners.all(), many=True, context=self.context).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, case: Case) -> list[dict]:
        attachments = attachments_visible_to(self.context["request"].user, case)
        return AttachmentSerializer(attachments, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(ENDPOINT_ACTIONS))))
    def get_actions(self, case: Case) -> list[str]:
        return endpoints_offered(case, self.context["request"].user.role, CaseFacts.of(case))
