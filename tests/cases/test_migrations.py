"""Data migrations of cases, run forward over rows as the code before them wrote them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = [pytest.mark.django_db(transaction=True)]

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """The tests after these run on the whole schema again, columns added since included."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_notices_left_unanswered_by_a_department_that_returned_the_case_lapse_with_the_return():
    before, after = (
        [("cases", "0012_case_department_gave_back")],
        [("cases", "0013_supervision_notice_lapsed")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    leader = apps.get_model("accounts", "User").objects.create(username="leader")
    reference = {
        "category": apps.get_model("cases", "Category").objects.create(name="申诉", code="appeal"),
        "subject_area": apps.get_model("cases", "SubjectArea").objects.create(name="住房", code="housing"),
        "place": apps.get_model("cases", "Place").objects.create(name="黎里镇"),
    }
    Case, Notice = apps.get_model("cases", "Case"), apps.get_model("cases", "SupervisionNotice")
    start = timezone.now() - 10 * HOUR

    def case_with(number: str, *, returned_at=None) -> object:
        case = Case.objects.create(
            number=number,
            tracking_code=number[-6:],
            status="received",
            facts="事实",
            request="诉求",
            registered_by=leader,
            registered_at=start,
            **reference,
        )
        if returned_at:
            apps.get_model("cases", "CaseEvent").objects.create(
                case=case,
                actor=leader,
                action="return",
                from_status="received",
                to_status="returned",
                created_at=returned_at,
            )
        return case

    def notice(case, *, sent_at, answered=False) -> object:
        return Notice.objects.create(
            case=case,
            text="请报告进展",
            sent_by=leader,
            sent_at=sent_at,
            answered_at=sent_at + HOUR if answered else None,
        )

    returned = case_with("2026-000001", returned_at=start + 5 * HOUR)
    lapsing = notice(returned, sent_at=start + HOUR)
    answered = notice(returned, sent_at=start + 2 * HOUR, answered=True)
    sent_after_the_return = notice(returned, sent_at=start + 6 * HOUR)
    still_open = notice(case_with("2026-000002"), sent_at=start + HOUR)

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    Notice = executor.loader.project_state(after).apps.get_model("cases", "SupervisionNotice")
    lapsed = dict(Notice.objects.values_list("pk", "lapsed_at"))
    assert lapsed == {
        lapsing.pk: start + 5 * HOUR,
        answered.pk: None,
        sent_after_the_return.pk: None,
        still_open.pk: None,
    }
