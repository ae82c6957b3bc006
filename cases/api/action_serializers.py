"""What each case action takes. These check the shape of a request only; whether the values
make sense (a department that receives cases, a report due in the future, 30 days of extension
in all, a text that is not blank) is for the services to judge, so the pages and the API give
the same answers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Decision, ReplyOutcome, Satisfaction
from ..sign_off import SignOffData
from .serializers import OptionalSatisfactionField


def text_field(**kwargs) -> serializers.CharField:
    """Required; a blank text passes here and meets the service's own message ("Say why …")."""
    return serializers.CharField(allow_blank=True, **kwargs)


def optional_text_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(allow_blank=True, default="", **kwargs)


class SignOffInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    department = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("The receiving department; required to forward or assign."),
    )
    instruction = optional_text_field(
        help_text=_("The leader's instruction (批示); required to answer at or send back to the window.")
    )
    report_due = serializers.DateField(
        required=False, allow_null=True, help_text=_("When the completion report is due; required to assign.")
    )


def sign_off_data(data: dict) -> SignOffData:
    return SignOffData(
        decision=Decision(data["decision"]),
        instruction=data["instruction"],
        department_id=data.get("department"),
        report_due=data.get("report_due"),
    )


class OptionalNoteInputSerializer(serializers.Serializer):
    note = optional_text_field(help_text=_("Kept in the case's timeline."))


class TextInputSerializer(serializers.Serializer):
    text = text_field()


class DeclineInputSerializer(serializers.Serializer):
    reason = text_field(help_text=_("Why the case is not accepted (不予受理)."))
    channel = optional_text_field(
        help_text=_("The proper channel the petitioner is told of; required for a case in litigation.")
    )


class ReturnInputSerializer(serializers.Serializer):
    reason = text_field(help_text=_("Why the case is not for this department (退回)."))


class ExtendInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text=_("At most 30 days in all (Art. 34)."))
    reason = text_field(help_text=_("The reason the petitioner will be told."))


class ExtensionDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField(
        help_text=_("True to approve the waiting extension, false to refuse it.")
    )
    note = optional_text_field()


class ReplyInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=ReplyOutcome.choices,
        help_text=_("Supported (支持), explained (解释说明) or not supported (不予支持)."),
    )
    text = text_field(help_text=_("The reply to the petitioner (答复)."))


class FeedbackInputSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, help_text=_("The petitioner's satisfaction with the department.")
    )
    satisfaction_bureau = OptionalSatisfactionField(
        allow_blank=True, default="", help_text=_("The petitioner's satisfaction with the bureau.")
    )
    note = optional_text_field()
