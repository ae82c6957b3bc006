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


def test_each_notice_is_addressed_to_the_department_it_was_to_as_far_as_the_rows_tell():
    before, after = (
        [("cases", "0013_supervision_notice_lapsed")],
        [("cases", "0014_supervision_notice_department")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    # The users as they are now, with their department (a later migration of accounts).
    accounts = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "accounts"]
    apps = executor.loader.project_state(before + accounts).apps
    Department, User = apps.get_model("cases", "Department"), apps.get_model("accounts", "User")
    housing = Department.objects.create(name="住建局", code="housing")
    labour = Department.objects.create(name="人社局", code="labour")
    leader = User.objects.create(username="leader")
    housing_staff = User.objects.create(username="housing", role="department", department=housing)
    reference = {
        "category": apps.get_model("cases", "Category").objects.create(name="申诉", code="appeal"),
        "subject_area": apps.get_model("cases", "SubjectArea").objects.create(name="住房", code="housing"),
        "place": apps.get_model("cases", "Place").objects.create(name="黎里镇"),
    }
    start = timezone.now() - 10 * HOUR
    Case, Notice = apps.get_model("cases", "Case"), apps.get_model("cases", "SupervisionNotice")

    def case_with(number: str, department, **fields):
        return Case.objects.create(
            number=number,
            tracking_code=number[-6:],
            status=fields.pop("status", "accepted"),
            facts="事实",
            request="诉求",
            registered_by=leader,
            registered_at=start,
            department=department,
            **reference,
            **fields,
        )

    def notice(case, **fields):
        return Notice.objects.create(
            case=case, text="请报告进展", sent_by=leader, sent_at=start + HOUR, **fields
        )

    # answered by 住建局 on a case now with 人社局; lapsed with 住建局's return; open with 人社局;
    # open on a case 人社局 gave back (nobody holds it)
    rerouted = case_with("2026-000001", labour)
    apps.get_model("cases", "CaseEvent").objects.create(
        case=rerouted,
        actor=housing_staff,
        action="return",
        from_status="received",
        to_status="returned",
        created_at=start + 2 * HOUR,
    )
    answered = notice(rerouted, answered_by=housing_staff, answered_at=start + HOUR, answer="已核实")
    lapsed = notice(rerouted, lapsed_at=start + 2 * HOUR)
    open_with_labour = notice(rerouted)
    given_back = notice(case_with("2026-000002", labour, status="returned", department_gave_back=True))

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    Notice = executor.loader.project_state(after).apps.get_model("cases", "SupervisionNotice")
    assert dict(Notice.objects.values_list("pk", "department_id")) == {
        answered.pk: housing.pk,
        lapsed.pk: housing.pk,
        open_with_labour.pk: labour.pk,
        given_back.pk: None,
    }
