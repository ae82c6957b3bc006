"""`stats/daily/`: the window's day in figures (intake.selectors.daily_tally)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import IntakeAccess
from petition_desk.api_errors import error_responses

from ..selectors import DailyTally, NightTally, TallyRow, daily_tally, night_tally
from .serializers import DayQuerySerializer


class FiguresSerializer(serializers.Serializer):
    batches = serializers.IntegerField()
    persons = serializers.IntegerField()


class TallyFiguresSerializer(serializers.Serializer):
    ordinary = FiguresSerializer()
    group = FiguresSerializer()
    new_cases = serializers.IntegerField()
    repeats = serializers.IntegerField()


class WindowTallySerializer(TallyFiguresSerializer):
    window = serializers.CharField()


class ReceptionistTallySerializer(TallyFiguresSerializer):
    receptionist = serializers.CharField()


class NightTallySerializer(TallyFiguresSerializer):
    taken_at = serializers.DateTimeField()
    changed = serializers.BooleanField(
        help_text=_("Visits of the day were registered after the snapshot: the figures above differ.")
    )


class DailyTallySerializer(TallyFiguresSerializer):
    date = serializers.DateField()
    by_window = WindowTallySerializer(many=True)
    by_receptionist = ReceptionistTallySerializer(many=True)
    night = NightTallySerializer(
        allow_null=True,
        help_text=_("The day's figures as taken just after its midnight, as reported; null until then."),
    )


def _figures(row: TallyRow) -> dict:
    return {
        "ordinary": {"batches": row.ordinary_batches, "persons": row.ordinary_persons},
        "group": {"batches": row.group_batches, "persons": row.group_persons},
        "new_cases": row.new_cases,
        "repeats": row.repeats,
    }


def tally_as_dict(tally: DailyTally, night: NightTally | None) -> dict:
    return {
        "date": tally.date,
        **_figures(tally.total),
        "by_window": [{"window": row.label, **_figures(row)} for row in tally.by_window],
        "by_receptionist": [{"receptionist": row.label, **_figures(row)} for row in tally.by_receptionist],
        "night": night and {"taken_at": night.taken_at, **_figures(night.total), "changed": night.changed},
    }


class DailyTallyView(APIView):
    permission_classes = [IntakeAccess]

    @extend_schema(
        operation_id="stats_daily",
        summary="The day's tally",
        description=(
            "Batches and persons of ordinary and group visits, new cases and repeat visits of one "
            "local day, in all, per window and per receptionist."
        ),
        parameters=[DayQuerySerializer],
        responses={200: DailyTallySerializer, **error_responses(400, 403)},
        tags=["stats"],
        examples=[
            OpenApiExample(
                "The first day: 7 ordinary batches and 1 group visit",
                value={
                    "date": "2025-03-03",
                    "ordinary": {"batches": 7, "persons": 9},
                    "group": {"batches": 1, "persons": 32},
                    "new_cases": 7,
                    "repeats": 1,
                    "by_window": [
                        {
                            "window": "1号窗口",
                            "ordinary": {"batches": 7, "persons": 9},
                            "group": {"batches": 1, "persons": 32},
                            "new_cases": 7,
                            "repeats": 1,
                        }
                    ],
                    "by_receptionist": [
                        {
                            "receptionist": "张进军",
                            "ordinary": {"batches": 7, "persons": 9},
                            "group": {"batches": 1, "persons": 32},
                            "new_cases": 7,
                            "repeats": 1,
                        }
                    ],
                    "night": {
                        "taken_at": "2025-03-04T00:05:00+08:00",
                        "ordinary": {"batches": 7, "persons": 9},
                        "group": {"batches": 1, "persons": 32},
                        "new_cases": 7,
                        "repeats": 1,
                        "changed": False,
                    },
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tally = daily_tally(day=query.validated_data.get("date") or timezone.localdate())
        return Response(DailyTallySerializer(tally_as_dict(tally, night_tally(tally))).data)
