import os
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from cases.models import Case
from cases.references import forget_process_copy
from cases.services import CaseData
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    PetitionerFactory,
    PlaceFactory,
    SubjectAreaFactory,
    UserFactory,
    WindowFactory,
    case_create,
)

REQUIRE_SERVICES = os.environ.get("PETITION_DESK_REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"


def _browser_missing() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


def _pdf_missing() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # the package is there, Pango is not
        return f"WeasyPrint cannot load Pango ({error}): apt-get install libpango-1.0-0 libpangoft2-1.0-0"
    fc_list = shutil.which("fc-list")
    fonts = (
        subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout
        if fc_list
        else ""
    )
    if "Noto Serif CJK SC" not in fonts:
        return "the CJK font is not installed (apt-get install fonts-noto-cjk)"
    return None


def pytest_collection_modifyitems(config, items):
    missing = {
        "postgres": None if settings.USES_POSTGRES else "PostgreSQL is not reachable on 127.0.0.1:5432",
        "redis": None if settings.USES_REDIS else "Redis is not reachable on 127.0.0.1:6379",
        "browser": _browser_missing(),
        "pdf": _pdf_missing() if any("pdf" in item.keywords for item in items) else None,
    }
    for marker, reason in missing.items():
        if reason is None:
            continue
        if REQUIRE_SERVICES:
            raise pytest.UsageError(f"PETITION_DESK_REQUIRE_SERVICES=1 but {reason}")
        for item in items:
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def holiday_calendar(request):
    """The holidays the workdays migration loads, for every test with a database: transactional
    tests flush every table, those rows with them, and a reused database keeps the loss."""
    marker = request.node.get_closest_marker("django_db")
    wants_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if marker is None and not wants_db:
        return
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if marker is not None:
        transactional = transactional or marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from workdays.models import CalendarYear
    from workdays.services import calendar_year_load

    for year in (2025, 2026):
        if not CalendarYear.objects.filter(year=year).exists():
            calendar_year_load(year=year)


@pytest.fixture
def department(db):
    return DepartmentFactory(name="住建局", code="housing")


@pytest.fixture
def reference(db):
    """One category, subject area, place and window: what a registration form needs."""
    return {
        "category": CategoryFactory(name="申诉求决", code="appeal"),
        "subject_area": SubjectAreaFactory(name="城乡建设/拆迁安置", code="housing"),
        "place": PlaceFactory(name="黎里镇"),
        "window": WindowFactory(name="1号窗口"),
    }


@pytest.fixture
def receptionist(db):
    return UserFactory(username="reception", role="receptionist", first_name="进军", last_name="张")


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", role="leader")


@pytest.fixture
def department_user(department):
    return UserFactory(username="housing", role="department", department=department)


@pytest.fixture
def labour(db):
    return DepartmentFactory(name="人社局", code="labour")


@pytest.fixture
def labour_user(labour):
    return UserFactory(username="labour", role="department", department=labour)


@pytest.fixture
def make_case(receptionist, reference):
    """A case as the window registers it: submitted for sign-off at once."""

    def make(**overrides) -> Case:
        woman = PetitionerFactory(name="王秀英", created_by=receptionist)
        is_group = overrides.pop("is_group", False)
        data = {
            "facts": "住宅面临拆迁，安置政策只给40平方米",
            "request": "希望政府给予帮助",
            "category_id": reference["category"].pk,
            "subject_area_id": reference["subject_area"].pk,
            "place_id": reference["place"].pk,
            **overrides,
        }
        with transaction.atomic():
            return case_create(
                data=CaseData(**data),
                registered_by=receptionist,
                petitioner_ids=[woman.pk],
                is_group=is_group,
                submit=True,
            )

    return make


@pytest.fixture
def make_visit(receptionist, reference):
    """Register a visit through the service, as the window would: one new person by default."""

    def make(*, persons=1, at=None, window=None, repeat_of=None, names=("王秀英",), by=None, **case_fields):
        case = None
        if repeat_of is None:
            case = CaseData(
                facts=case_fields.pop("facts", "拖欠工资数月"),
                request=case_fields.pop("request", "支付工资"),
                category_id=reference["category"].pk,
                subject_area_id=reference["subject_area"].pk,
                place_id=reference["place"].pk,
                **case_fields,
            )
        return visit_register(
            data=VisitData(
                window_id=(window or reference["window"]).pk,
                persons=persons,
                attendees=tuple(Attendee(new=PetitionerData(name=name)) for name in names),
                case=case,
                repeat_of=repeat_of.pk if repeat_of else None,
                visited_at=at,
            ),
            receptionist=by or receptionist,
        )

    return make


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit budgets, cached pages, sessions and reference ids live in the cache, which
    outlives a test's rolled-back rows."""
    cache.clear()
    forget_process_copy()
    yield
    cache.clear()
    forget_process_copy()
