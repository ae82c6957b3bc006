"""`stats/summary/?from=&to=`: the leaders' dashboard figures for a period (cases.statistics)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import reads_intake
from petition_desk.api_errors import error_responses
from petition_desk.validators import validate_record_date

from ..statistics import (
    CountRow,
    Measure,
    OnTime,
    OnTimeRow,
    Period,
    SatisfactionRow,
    Summary,
    period_error,
    summary,
)


class StatisticsAccess(BasePermission):
    """The bureau's figures are read by whoever reads the window's records; a department sees
    its own cases, not the bureau's totals."""

    message = gettext_lazy("Your role may not see the bureau's statistics.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and reads_intake(user))


class PeriodQuerySerializer(serializers.Serializer):
    to = serializers.DateField(
        validators=[validate_record_date], help_text=gettext_lazy("The last day, YYYY-MM-DD, included.")
    )

    def get_fields(self):
        # `from` is a Python keyword, so the field cannot be declared as a class attribute.
        return {
            "from": serializers.DateField(
                validators=[validate_record_date], help_text=gettext_lazy("The first day, YYYY-MM-DD.")
            ),
            **super().get_fields(),
        }

    def validate(self, attrs):
        error = period_error(attrs["from"], attrs["to"])
        if error:
            raise serializers.ValidationError({"to": [error]})
        return attrs


class BatchesPersonsSerializer(serializers.Serializer):
    batches = serializers.IntegerField()
    persons = serializers.IntegerField()


class VisitsSummarySerializer(serializers.Serializer):
    ordinary = BatchesPersonsSerializer()
    group = BatchesPersonsSerializer()


class CasesCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    cases = serializers.IntegerField()


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ClockFiguresSerializer(serializers.Serializer):
    clocks = serializers.IntegerField(help_text=gettext_lazy("Clocks stopped in the period."))
    on_time = serializers.IntegerField(help_text=gettext_lazy("Of those, stopped on or before the due day."))
    rate = serializers.FloatField()


class DepartmentOnTimeSerializer(ClockFiguresSerializer):
    """`clocks`, `on_time` and `rate`: the receipt-notice and conclusion clocks together, the
    figure this row has always had; each of the four measures also has its own."""

    department = DepartmentRefSerializer()
    forwarding = ClockFiguresSerializer(
        help_text=gettext_lazy(
            "The bureau's forwarding clocks (Art. 22) stopped by delivery to this department."
        )
    )
    receipt_notice = ClockFiguresSerializer(
        help_text=gettext_lazy(
            "Receipt-notice clocks (Art. 23, 15 days), stopped on accept, decline or return."
        )
    )
    acceptance = ClockFiguresSerializer(
        help_text=gettext_lazy(
            "Accept-or-return clocks (Art. 23, 5 working days), stopped on accept, decline or return."
        )
    )
    conclusion = ClockFiguresSerializer(
        help_text=gettext_lazy("Handling clocks (Art. 34, 60 days and any extension), stopped by the reply.")
    )


class DepartmentSatisfactionSerializer(serializers.Serializer):
    department = DepartmentRefSerializer()
    satisfied = serializers.IntegerField()
    basically_satisfied = serializers.IntegerField()
    dissatisfied = serializers.IntegerField()
    rate = serializers.FloatField(help_text=gettext_lazy("Satisfied and basically satisfied, of all rated."))


class StatsSummarySerializer(serializers.Serializer):
    to = serializers.DateField()
    visits = VisitsSummarySerializer()
    new_cases = serializers.IntegerField()
    repeat_visits = serializers.IntegerField()
    repeat_rate = serializers.FloatField()
    by_category = CasesCountSerializer(many=True)
    by_subject_area = CasesCountSerializer(many=True)
    by_place = CasesCountSerializer(many=True)
    by_department = CasesCountSerializer(many=True)
    on_time = DepartmentOnTimeSerializer(many=True)
    forward = ClockFiguresSerializer()
    satisfaction = DepartmentSatisfactionSerializer(many=True)
    overdue = serializers.IntegerField(help_text=gettext_lazy("Clocks running past their due day today."))
    supervision_notices = serializers.IntegerField()

    def get_fields(self):
        return {"from": serializers.DateField(), **super().get_fields()}


def _counts(rows: list[CountRow]) -> list[dict]:
    return [{"id": row.id, "name": row.name, "cases": row.cases} for row in rows]


def _clock_figures(row: OnTime | OnTimeRow) -> dict:
    return {"clocks": row.clocks, "on_time": row.on_time, "rate": row.rate}


def _on_time(row: OnTimeRow) -> dict:
    return {
        "department": _department(row),
        **_clock_figures(row),
        **{measure: _clock_figures(row.measures[measure]) for measure in Measure.values},
    }


def _department(row: OnTimeRow | SatisfactionRow) -> dict:
    return {"id": row.department_id, "name": row.department_name}


def summary_as_dict(figures: Summary) -> dict:
    visits = figures.visits
    return {
        "from": figures.period.start,
        "to": figures.period.end,
        "visits": {
            "ordinary": {"batches": visits.ordinary_batches, "persons": visits.ordinary_persons},
            "group": {"batches": visits.group_batches, "persons": visits.group_persons},
        },
        "new_cases": figures.new_cases,
        "repeat_visits": visits.repeat_visits,
        "repeat_rate": visits.repeat_rate,
        "by_category": _counts(figures.by_category),
        "by_subject_area": _counts(figures.by_subject_area),
        "by_place": _counts(figures.by_place),
        "by_department": _counts(figures.by_department),
        "on_time": [_on_time(row) for row in figures.on_time],
        "forward": _clock_figures(figures.forward),
        "satisfaction": [
            {
                "department": _department(row),
                "satisfied": row.satisfied,
                "basically_satisfied": row.basically_satisfied,
                "dissatisfied": row.dissatisfied,
                "rate": row.rate,
            }
            for row in figures.satisfaction
        ],
        "overdue": figures.overdue,
        "supervision_notices": figures.supervision_notices,
    }


_EXAMPLE = {
    "from": "2025-03-01",
    "to": "2025-03-31",
    "visits": {"ordinary": {"batches": 120, "persons": 151}, "group": {"batches": 3, "persons": 87}},
    "new_cases": 98,
    "repeat_visits": 25,
    "repeat_rate": 0.203,
    "by_category": [{"id": 3, "name": "申诉求决", "cases": 71}, {"id": 1, "name": "建议意见", "cases": 27}],
    "by_subject_area": [{"id": 2, "name": "劳动社保/拖欠工资", "cases": 40}],
    "by_place": [{"id": 1, "name": "黎里镇", "cases": 33}],
    "by_department": [{"id": 1, "name": "住建局", "cases": 52}, {"id": 2, "name": "人社局", "cases": 39}],
    "on_time": [
        {
            "department": {"id": 1, "name": "住建局"},
            "clocks": 60,
            "on_time": 57,
            "rate": 0.95,
            "forwarding": {"clocks": 50, "on_time": 50, "rate": 1.0},
            "receipt_notice": {"clocks": 36, "on_time": 35, "rate": 0.972},
            "acceptance": {"clocks": 36, "on_time": 34, "rate": 0.944},
            "conclusion": {"clocks": 24, "on_time": 22, "rate": 0.917},
        }
    ],
    "forward": {"clocks": 91, "on_time": 91, "rate": 1.0},
    "satisfaction": [
        {
            "department": {"id": 1, "name": "住建局"},
            "satisfied": 20,
            "basically_satisfied": 8,
            "dissatisfied": 2,
            "rate": 0.933,
        }
    ],
    "overdue": 4,
    "supervision_notices": 2,
}


class StatsSummaryView(APIView):
    permission_classes = [StatisticsAccess]

    @extend_schema(
        operation_id="stats_summary",
        summary="The dashboard's figures for a period",
        description=(
            "For the local days `from` to `to` (both included, at most 366 days): batches and persons "
            "of ordinary and group visits; new cases and the repeat rate; new cases by category, "
            "subject area, place and receiving department; the on-time rates per department, "
            "each of `forwarding` (the bureau's 15 days to forward, Art. 22, counted for the "
            "department the case was delivered to), `receipt_notice` (15 days to tell the "
            "petitioner, Art. 23), `acceptance` (5 working days to accept or return, Art. 23) and "
            "`conclusion` (60 days of handling and any extension, Art. 34) counting the clocks "
            "stopped in the period and those stopped on or before their due day, while the row's "
            "own `clocks`, `on_time` and `rate` stay receipt notice and conclusion together; "
            "`forward`, the bureau's forwarding as a whole (cases answered at the window "
            "included); satisfaction with each department among cases followed up in the period; "
            "clocks overdue today; supervision notices sent. Rates have three decimals and are 0 "
            "when there is nothing to count."
        ),
        parameters=[PeriodQuerySerializer],
        responses={200: StatsSummarySerializer, **error_responses(400, 403)},
        tags=["stats"],
        examples=[OpenApiExample("March", value=_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = Period(start=query.validated_data["from"], end=query.validated_data["to"])
        return Response(StatsSummarySerializer(summary_as_dict(summary(period))).data)
