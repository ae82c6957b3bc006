"""Fill the database with a bureau's worth of data for the benchmark (bench/README.md):

    python manage.py seed_scale --petitioners 1000000 [--reset]

Petitioners (Chinese names, valid resident IDs for most, encrypted with the real field crypto and
hashed with intake.services.id_number_hash), 1–2 contacts each, one case each registered at a visit
spread over the working hours of the years before today (numbered per year, CaseNumberCounter kept
at each year's last number), group visits, repeat visits, and each case's timeline walked along the
lifecycle as far as its age allows. Rows go in with PostgreSQL COPY from two worker processes;
foreign keys and non-unique indexes are dropped during the load and re-created (and so validated)
after it, then everything is ANALYZEd. PostgreSQL only.
"""

import datetime
import hashlib
import multiprocessing
import random
import time
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction

from accounts.models import Role
from cases.matching import organisation_key
from cases.models import Case, CaseEvent, CaseNumberCounter, Category, Department, Place, SubjectArea
from cases.reference_data import load_reference_data
from cases.services import TRACKING_CODE_ALPHABET, TRACKING_CODE_LENGTH
from intake import crypto
from intake.demo import WINDOWS
from intake.models import Attendance, ContactPoint, Petitioner, Visit, Window
from intake.services import id_number_hash
from intake.validators import id_check_char, mask_id_number

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")  # no daylight saving since 1991: a fixed +08:00
LOCAL_OFFSET = 8 * 3600
FIRST_YEAR = 2014
CHUNK = 25_000
# Opening hours of the window, in seconds after local midnight: 8:30–11:30 and 13:30–17:00.
OPEN_SPANS = ((8 * 3600 + 1800, 11 * 3600 + 1800), (13 * 3600 + 1800, 17 * 3600))
OPEN_SECONDS = sum(end - start for start, end in OPEN_SPANS)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强军杰磊涛明超勇斌峰建国华平刚辉鹏林志忠新文宏海东亮俊德福根荣生兴宝龙才发祥顺"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲桂英秀兰萍红梅琴云莲珍凤洁慧雪丹婷倩月琳美华玉芬菊"
ROADS = (
    "中山路",
    "人民路",
    "鲈乡路",
    "笠泽路",
    "开平路",
    "长安路",
    "仲英大道",
    "油车路",
    "江兴路",
    "松陵大道",
)
VILLAGES = (
    "新农村",
    "东港村",
    "北联村",
    "城司村",
    "南麻村",
    "溪港村",
    "长漾村",
    "建新村",
    "联星村",
    "永乐村",
)
ESTATES = ("运东花园", "梅石新村", "流虹小区", "垂虹花园", "三元新村", "盛虹苑", "东方花园", "太湖新城")
# Region codes (GB/T 2260): mostly the district itself, then neighbours and migrant workers' homes.
REGIONS = (
    ("320509", 9),
    ("320584", 4),
    ("320506", 1),
    ("320505", 1),
    ("320508", 1),
    ("341221", 1),
    ("412723", 1),
    ("510322", 1),
    ("342201", 1),
)
MOBILE_PREFIXES = (
    "139",
    "138",
    "137",
    "136",
    "135",
    "134",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "181",
    "189",
    "177",
    "199",
)
LITIGATION_RATE = 0.04

# subject area code -> (department code, (facts, request) templates); {place}, {org}, {n} filled in
MATTERS = {
    "housing": (
        "housing",
        (
            (
                "{place}旧城改造，房屋被列入拆迁范围，评估价格明显低于周边市场价。",
                "要求重新评估并提高补偿标准。",
            ),
            ("安置房交付已逾期{n}个月，开发单位一直未给说法。", "要求尽快交付安置房。"),
            ("小区{n}号楼外墙渗水多年，物业推诿不修。", "要求维修外墙并追究物业责任。"),
        ),
    ),
    "labour": (
        "labour",
        (
            ("在{org}工作，被拖欠{n}个月工资，多次讨要无果。", "要求支付拖欠的工资。"),
            ("灵活就业人员养老保险补缴年限不清楚。", "希望明确补缴政策和办理渠道。"),
            ("工伤认定已申请{n}个月未有结果。", "要求尽快作出工伤认定。"),
        ),
    ),
    "agriculture": (
        "agriculture",
        (
            ("村里调整土地承包，本人承包的{n}亩责任田被划给他人。", "恢复原承包地或给予合理补偿。"),
            ("{place}的农田灌溉渠堵塞，今年减产严重。", "要求疏通灌溉渠。"),
        ),
    ),
    "land": (
        "land",
        (
            ("宅基地翻建审批已提交{n}个月未获答复。", "尽快办理宅基地翻建审批。"),
            ("邻居违章搭建占用公共通道。", "要求拆除违章建筑。"),
        ),
    ),
    "law": (
        "police",
        (
            ("被他人殴打报警后，{n}个月过去未见处理结果。", "要求依法处理打人者。"),
            ("借款纠纷判决后对方拒不履行。", "要求法院强制执行。"),
        ),
    ),
    "health": (
        "health",
        (
            ("父亲在{place}卫生院手术后感染，对处理结果不满。", "要求重新鉴定并赔偿。"),
            ("医保报销比例与政策不符。", "要求按政策报销。"),
        ),
    ),
    "education": (
        "education",
        (
            ("孩子入学划片与户籍地址不符，学校不予登记。", "按户籍地址安排入学。"),
            ("{org}乱收补课费用。", "要求退还费用并查处。"),
        ),
    ),
    "environment": (
        "environment",
        (
            ("小区旁{org}夜间施工，噪音持续到凌晨。", "要求停止夜间施工。"),
            ("{place}河道有工厂偷排污水，河水发黑发臭。", "要求查处偷排企业。"),
        ),
    ),
    "civil": (
        "civil",
        (
            ("家庭困难申请低保被拒，理由不清楚。", "要求重新审核低保申请。"),
            ("老人{n}岁，申请高龄补贴未获发放。", "要求发放高龄补贴。"),
        ),
    ),
    "discipline": ("songling", (("反映村干部在{place}征地补偿中优亲厚友。", "要求调查处理。"),)),
    "other": ("songling", (("反映{place}公交线路调整后出行不便。", "希望恢复原公交线路。"),)),
}
AREA_CODES = list(MATTERS)
AREA_WEIGHTS = (20, 18, 8, 7, 8, 6, 6, 7, 6, 2, 4)  # in MATTERS' order
ORGANISATIONS = (
    "吴江某建材有限公司",
    "汾湖某纺织有限公司",
    "盛泽某丝绸有限公司",
    "某物业管理公司",
    "某培训学校",
)

# The lifecycle walked by a case, as (action, to_status, delay after the previous step in hours):
# each path is followed while its steps lie in the past, so old cases are closed and young ones open.
_REGISTER = ("register", "registered", 0)
_SUBMIT = ("submit", "awaiting_sign_off", 0.2)
_HANDLED = [
    ("receive", "received", 40),
    ("accept", "accepted", 48),
    ("reply", "replied", 600),
    ("conclude", "concluded", 30),
    ("close", "closed", 400),
]
# The leader signs off; the forwarding task delivers seconds later, as nobody (the system).
_FORWARD = ("forward", "signed_off", 30)
_DELIVER = ("deliver_forwarded", "forwarded", 0.005)
PATHS = (
    (0.78, [_REGISTER, _SUBMIT, _FORWARD, _DELIVER, *_HANDLED]),
    (
        0.06,
        [
            _REGISTER,
            _SUBMIT,
            ("assign", "signed_off", 30),
            ("deliver_assigned", "assigned", 0.005),
            *_HANDLED,
        ],
    ),
    (0.05, [_REGISTER, _SUBMIT, ("answer_at_window", "concluded", 2), ("close", "closed", 300)]),
    (
        0.05,
        [
            _REGISTER,
            _SUBMIT,
            _FORWARD,
            _DELIVER,
            ("receive", "received", 40),
            ("decline", "declined", 60),
        ],
    ),
    (
        0.03,
        [
            _REGISTER,
            _SUBMIT,
            _FORWARD,
            _DELIVER,
            ("return", "returned", 70),
            _FORWARD,
            _DELIVER,
            *_HANDLED,
        ],
    ),
    (
        0.03,
        [
            _REGISTER,
            _SUBMIT,
            ("back_to_window", "back_to_window", 20),
            ("submit", "awaiting_sign_off", 50),
            _FORWARD,
            _DELIVER,
            *_HANDLED,
        ],
    ),
)
PATH_WEIGHTS = [weight for weight, _path in PATHS]

COLUMNS = {
    Petitioner: (
        "id name gender id_type id_number id_number_hash id_number_masked address note "
        "created_by_id created_at"
    ),
    ContactPoint: (
        "petitioner_id kind value lookup_key relation holder_name is_primary created_by_id created_at"
    ),
    Case: (
        "id number tracking_code status facts request reasons category_id subject_area_id place_id "
        "organisation organisation_key in_litigation urgent anonymous is_group department_id "
        "registered_by_id registered_at submitted_at returns_count report_due reply_outcome reply_text "
        "replied_at satisfaction_department satisfaction_bureau review_requested_at department_gave_back"
    ),
    Case.petitioners.through: "case_id petitioner_id",
    Visit: "id visited_at window_id receptionist_id case_id persons is_group is_repeat note submission",
    Attendance: "visit_id petitioner_id is_representative",
    CaseEvent: "case_id actor_id action from_status to_status note created_at",
}


def check_columns() -> None:
    """Every column of the tables loaded is written, and no other: a column added to a model
    must be added here too."""
    for model, columns in COLUMNS.items():
        # The database writes generated columns (Case.is_open) itself.
        names = {field.column for field in model._meta.concrete_fields if not field.generated}
        assert set(columns.split()) <= names, (model, set(columns.split()) - names)
        assert names - set(columns.split()) <= {"id"}, (model, names - set(columns.split()))


# The actions that give a case to a department or back (cases.models.Case.department_gave_back).
ROUTING = ("deliver_forwarded", "deliver_assigned", "return")
# Tables loaded, children first (the order they are emptied by --reset does not matter: CASCADE).
TABLES = (CaseEvent, Attendance, Visit, Case.petitioners.through, ContactPoint, Case, Petitioner)


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs, picklable: ids of reference rows and the time axis."""

    petitioners: int
    open_total: int  # opening seconds from the first working day to now
    day_starts: tuple[int, ...]  # epoch (UTC) of local midnight of each working day, ascending
    now: int
    year_first_case: dict[int, int]  # year -> the first case id registered in it
    windows: tuple[int, ...]
    receptionists: tuple[int, ...]
    leaders: tuple[int, ...]
    department_staff: dict[int, int]  # department id -> user id
    departments: dict[str, int]  # code -> id
    court_department: int
    categories: tuple[int, ...]
    accusation_category: int
    subject_areas: dict[str, int]  # code -> id
    places: tuple[tuple[int, str], ...]
    fernet_keys: tuple[str, ...]
    hash_key: str
    visit_id_stride: int
    dsn: dict


# --- the time axis: case i is registered at the i-th slot of the working hours ----------------------


def _jitter(i: int) -> float:
    return ((i * 2654435761) % 1000) / 1000


def registered_at(plan: Plan, i: int) -> int:
    """Epoch seconds of case i's registration: increasing with i, during opening hours."""
    position = (i - 1 + _jitter(i)) * plan.open_total / plan.petitioners
    day, second = divmod(int(position), OPEN_SECONDS)
    for start, end in OPEN_SPANS:
        if second < end - start:
            return min(plan.day_starts[day] + start + second, plan.now)
        second -= end - start
    raise AssertionError("unreachable")


def local_year(epoch: int) -> int:
    return time.gmtime(epoch + LOCAL_OFFSET).tm_year


def working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Working days by the official calendar (chinesecalendar), weekdays where it has no data; the
    last day (today) always counts, so the desk page shows a working day's visits."""
    import chinese_calendar

    days = []
    day = first
    while day <= last:
        try:
            workday = chinese_calendar.is_workday(day)
        except NotImplementedError:
            workday = day.weekday() < 5
        if workday or day == last:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


# --- generation: one chunk of petitioners and their cases -------------------------------------------

_DAY_CACHE: dict[int, str] = {}


def ts(epoch: int) -> str:
    day, second = divmod(int(epoch), 86400)
    text = _DAY_CACHE.get(day)
    if text is None:
        text = _DAY_CACHE[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
    hour, rest = divmod(second, 3600)
    return f"{text} {hour:02d}:{rest // 60:02d}:{rest % 60:02d}+00"


REGION_PATTERN = [code for code, weight in REGIONS for _ in range(weight)]
REGION_OCCURRENCE = [REGION_PATTERN[:position].count(code) for position, code in enumerate(REGION_PATTERN)]
REGION_COUNT = dict(REGIONS)
BIRTH_FIRST = datetime.date(1936, 1, 1)
BIRTH_DAYS = (datetime.date(2005, 12, 31) - BIRTH_FIRST).days + 1
BIRTH_SPACE = BIRTH_DAYS * 1000


def resident_id_of(i: int) -> str:
    """A valid resident ID, distinct for every i: a bijection of i onto (region, birth, sequence)."""
    position = i % len(REGION_PATTERN)
    region = REGION_PATTERN[position]
    j = (i // len(REGION_PATTERN)) * REGION_COUNT[region] + REGION_OCCURRENCE[position]
    k = (j * 7_919_093) % BIRTH_SPACE  # odd, not a multiple of 5 or of BIRTH_DAYS' factors below
    birth = BIRTH_FIRST + datetime.timedelta(days=k // 1000)
    first17 = f"{region}{birth:%Y%m%d}{k % 1000:03d}"
    return first17 + id_check_char(first17)


def tracking_code_of(i: int) -> str:
    value = (i * 0x9E3779B97F) % (32**TRACKING_CODE_LENGTH)
    chars = []
    for _ in range(TRACKING_CODE_LENGTH):
        value, digit = divmod(value, 32)
        chars.append(TRACKING_CODE_ALPHABET[digit])
    return "".join(chars)


def mobile_of(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _b(value: bool) -> str:
    return "t" if value else "f"


class ChunkWriter:
    def __init__(self, plan: Plan, first: int, last: int):
        self.plan, self.first, self.last = plan, first, last
        self.rng = random.Random(first)
        self.rows = {model: [] for model in TABLES}
        self.next_visit_id = plan.petitioners + 1 + (first // CHUNK) * plan.visit_id_stride
        from cryptography.fernet import Fernet, MultiFernet

        self.fernet = MultiFernet([Fernet(key) for key in plan.fernet_keys])
        self.department_of_area = {
            code: plan.departments[department] for code, (department, _texts) in MATTERS.items()
        }

    def hash(self, id_type: str, number: str) -> str:
        import hmac

        return hmac.new(
            self.plan.hash_key.encode(), f"{id_type}:{number}".encode(), hashlib.sha256
        ).hexdigest()

    def run(self) -> dict:
        for i in range(self.first, self.last):
            self.petitioner_and_case(i)
        return {model: "".join(lines) for model, lines in self.rows.items()}

    def petitioner_and_case(self, i: int) -> None:
        rng, plan = self.rng, self.plan
        at = registered_at(plan, i)
        receptionist = rng.choice(plan.receptionists)
        place_id, place_name = rng.choice(plan.places)
        self.petitioner(i, at, receptionist, place_name)
        # The case and its first visit: mostly one person, some families, a few groups.
        roll = rng.random()
        if roll < 0.03:
            persons = rng.choice((5, 6, 8, 10, 12, 15, 20, 25, 30, 32, 40))
            extra = min(rng.randint(1, 4), i - 1)
        elif roll < 0.18:
            persons = rng.randint(2, 4)
            extra = min(rng.randint(0, persons - 1), i - 1)
        else:
            persons, extra = 1, 0
        others = [i - offset for offset in rng.sample(range(1, min(i, 60)), extra)] if extra else []
        is_group = persons >= settings.GROUP_VISIT_THRESHOLD
        area = rng.choices(AREA_CODES, weights=AREA_WEIGHTS)[0]
        department_code, texts = MATTERS[area]
        facts, request = rng.choice(texts)
        organisation = rng.choice(ORGANISATIONS) if "{org}" in facts or rng.random() < 0.1 else ""
        fill = {"place": place_name, "org": organisation or "某公司", "n": rng.randint(2, 18)}
        in_litigation = area in ("labour", "law") and rng.random() < LITIGATION_RATE * 5
        department = plan.court_department if in_litigation else self.department_of_area[area]
        if area == "discipline":
            category = plan.accusation_category
        else:
            category = rng.choices(plan.categories, weights=(15, 5, 80))[0]
        events = self.timeline(i, at, receptionist, department)
        status = events[-1][2]
        submitted = next((when for action, _from, _to, when, _actor in events if action == "submit"), None)
        reached_department = any(action in ("forward", "assign") for action, *_rest in events)
        routed = [action for action, *_rest in events if action in ROUTING]
        year = local_year(at)
        number = f"{year}-{i - plan.year_first_case[year] + 1:06d}"
        self.rows[Case].append(
            "\t".join(
                (
                    str(i),
                    number,
                    tracking_code_of(i),
                    status,
                    facts.format(**fill),
                    request.format(**fill),
                    "家庭困难，多次反映未果。" if rng.random() < 0.3 else "",
                    str(category),
                    str(plan.subject_areas[area]),
                    str(place_id),
                    organisation,
                    organisation_key(organisation),
                    _b(in_litigation),
                    _b(is_group or rng.random() < 0.02),
                    _b(rng.random() < 0.01),
                    _b(is_group),
                    str(department) if reached_department else "\\N",
                    str(receptionist),
                    ts(at),
                    ts(submitted) if submitted else "\\N",
                    str(sum(action == "return" for action, *_rest in events)),
                    # The seed leaves the issue-3 details (report due, reply text, satisfaction) empty.
                    "\\N",
                    "",
                    "",
                    "\\N",
                    "",
                    "",
                    "\\N",
                    _b(routed[-1:] == ["return"]),
                )
            )
            + "\n"
        )
        petitioners = [i, *others]
        self.rows[Case.petitioners.through].extend(f"{i}\t{p}\n" for p in petitioners)
        visit_id = i
        self.visit(visit_id, at, receptionist, i, persons, is_group, False, petitioners, is_group)
        # Some come back about the same matter: a repeat visit, linked to the case.
        if rng.random() < 0.2:
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                when = self.working_time_after(at, rng.uniform(2, 150))
                if when is None:
                    break
                status_then = next(
                    (to for _action, _from, to, moment, _actor in reversed(events) if moment <= when), status
                )
                visit_id = self.next_visit_id
                self.next_visit_id += 1
                receptionist_then = rng.choice(plan.receptionists)
                self.visit(visit_id, when, receptionist_then, i, 1, False, True, [i], False)
                events.append(("repeat_visit", status_then, status_then, when, receptionist_then))
        self.rows[CaseEvent].extend(
            f"{i}\t{actor}\t{action}\t{from_status}\t{to_status}\t\t{ts(when)}\n"
            for action, from_status, to_status, when, actor in events
        )

    def petitioner(self, i: int, at: int, receptionist: int, place_name: str) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.87:
            id_type, number = "resident_id", resident_id_of(i)
            gender = "male" if int(number[16]) % 2 else "female"
        elif roll < 0.89:
            id_type, number = "other", f"{rng.choice('CEGH')}{i:08d}"
            gender = rng.choice(("male", "female"))
        else:
            id_type, number = "none", ""
            gender = rng.choice(("male", "female", "unknown"))
        given = GIVEN_FEMALE if gender == "female" else GIVEN_MALE
        name = rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2, 2))))
        if number:
            encrypted = self.fernet.encrypt(number.encode()).decode()
            hashed, masked = self.hash(id_type, number), mask_id_number(number)
        else:
            encrypted = hashed = masked = ""
        if rng.random() < 0.5:
            address = f"{place_name}{rng.choice(VILLAGES)}{rng.randint(1, 40)}组{rng.randint(1, 99)}号"
        elif rng.random() < 0.5:
            address = f"{place_name}{rng.choice(ESTATES)}{rng.randint(1, 40)}幢{rng.randint(101, 1804)}室"
        else:
            address = ""
        created = ts(at)
        self.rows[Petitioner].append(
            f"{i}\t{name}\t{gender}\t{id_type}\t{encrypted}\t{hashed}\t{masked}\t{address}\t\t"
            f"{receptionist}\t{created}\n"
        )
        # Contacts: a mobile mostly (sometimes a relative's), a landline, or only an address.
        contacts = []
        roll = rng.random()
        if roll < 0.82:
            relation = "self" if rng.random() < 0.85 else rng.choice(("son", "daughter", "spouse"))
            holder = (rng.choice(SURNAMES) + rng.choice(GIVEN_MALE)) if relation != "self" else ""
            number = mobile_of(rng)
            contacts.append(("mobile", number, number, relation, holder))
        elif roll < 0.90:
            number = f"0512-6{rng.randrange(10**6):06d}"
            contacts.append(("landline", number, number.replace("-", ""), "self", ""))
        else:
            contacts.append(
                (
                    "address",
                    address or f"{place_name}{rng.choice(ROADS)}{rng.randint(1, 300)}号",
                    "",
                    "self",
                    "",
                )
            )
        if rng.random() < 0.25:
            if contacts[0][0] == "address" or rng.random() < 0.5:
                number = mobile_of(rng)
                contacts.append(
                    ("mobile", number, number, rng.choice(("son", "daughter")), rng.choice(SURNAMES) + "建明")
                )
            else:
                contacts.append(
                    ("address", f"{place_name}{rng.choice(ROADS)}{rng.randint(1, 300)}号", "", "self", "")
                )
        primary_index = next((index for index, contact in enumerate(contacts) if contact[2]), None)
        for index, (kind, value, key, relation, holder) in enumerate(contacts):
            # A later contact came in by phone a few days after registration.
            added = created if index == 0 else ts(min(at + rng.randint(3600, 20 * 86400), self.plan.now))
            self.rows[ContactPoint].append(
                f"{i}\t{kind}\t{value}\t{key}\t{relation}\t{holder}\t{_b(index == primary_index)}\t"
                f"{receptionist}\t{added}\n"
            )

    def visit(self, visit_id, at, receptionist, case_id, persons, is_group, is_repeat, petitioners, reps):
        window = self.rng.choice(self.plan.windows)
        self.rows[Visit].append(
            f"{visit_id}\t{ts(at)}\t{window}\t{receptionist}\t{case_id}\t{persons}\t{_b(is_group)}\t"
            # No note, and no desk page's key: as a registration through the API.
            f"{_b(is_repeat)}\t\t\\N\n"
        )
        self.rows[Attendance].extend(f"{visit_id}\t{p}\t{_b(reps)}\n" for p in petitioners)

    def working_time_after(self, at: int, days: float) -> int | None:
        when = at + int(days * 86400)
        local = (when + LOCAL_OFFSET) % 86400
        if not OPEN_SPANS[0][0] <= local < OPEN_SPANS[1][1]:
            when += (OPEN_SPANS[0][0] - local) % 86400 + self.rng.randrange(3600)
        return when if when <= self.plan.now else None

    def timeline(self, i: int, at: int, receptionist: int, department: int) -> list[tuple]:
        """(action, from, to, when, actor) along a lifecycle path, as far as the present allows."""
        rng, plan = self.rng, self.plan
        path = rng.choices([path for _weight, path in PATHS], weights=PATH_WEIGHTS)[0]
        stuck_after = rng.randint(2, len(path)) if rng.random() < 0.02 else len(path)
        events, status, when = [], "", at
        leader = rng.choice(plan.leaders)
        staff = plan.department_staff[department]
        for step, (action, to_status, hours) in enumerate(path[:stuck_after]):
            when = when + int(hours * 3600 * rng.uniform(0.3, 1.7)) if step else at
            if when > plan.now:
                break
            if action in ("register", "submit", "close"):
                actor = receptionist
            elif action.startswith("deliver_"):
                actor = "\\N"
            elif action in ("forward", "assign", "answer_at_window", "back_to_window"):
                actor = leader
            else:
                actor = staff
            events.append((action, status, to_status, when, actor))
            status = to_status
            if action == "accept" and rng.random() < 0.08:
                when += int(rng.uniform(200, 500) * 3600)
                if when <= plan.now:
                    events.append(("extension_asked", status, status, when, staff))
                    events.append(("extension_approved", status, status, when + 3600, leader))
        return events


def _load_chunk(args) -> tuple[int, dict[str, int]]:
    plan, first, last = args
    import psycopg

    data = ChunkWriter(plan, first, last).run()
    counts = {}
    with psycopg.connect(**plan.dsn) as conn:
        conn.execute("SET synchronous_commit = off")
        with conn.cursor() as cursor:
            for model in reversed(TABLES):
                columns = ", ".join(COLUMNS[model].split())
                with cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                    copy.write(data[model])
                counts[model._meta.db_table] = data[model].count("\n")
    return last - first, counts


# --- the command ---------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Fill the (PostgreSQL) database with a bureau's scale of data for the benchmark (bench/)."

    def add_arguments(self, parser):
        parser.add_argument("--petitioners", type=int, default=1_000_000)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the existing petitioners and cases first."
        )
        parser.add_argument("--workers", type=int, default=2, help="Generating processes (default 2).")
        parser.add_argument(
            "--keep-indexes", action="store_true", help="Load with every index and foreign key in place."
        )

    def say(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f}s] {message}")
        self.stdout.flush()

    def handle(self, *args, petitioners, reset, workers, keep_indexes, **options):
        self.started = time.monotonic()
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale loads with PostgreSQL COPY: set DATABASE_URL to a PostgreSQL database."
            )
        if petitioners < 100:
            raise CommandError("--petitioners: at least 100.")
        if Petitioner.objects.exists() or Case.objects.exists():
            if not reset:
                raise CommandError(
                    "The database already holds petitioners or cases: run with --reset to replace them "
                    "(everything but users and reference data is deleted)."
                )
            self.reset()
        plan = self.prepare(petitioners)
        dropped = [] if keep_indexes else self.drop_indexes()
        self.say(
            f"loading {petitioners:,} petitioners over {len(plan.day_starts):,} working days "
            f"with {workers} worker(s)"
        )
        chunks = [
            (plan, first, min(first + CHUNK, petitioners + 1)) for first in range(1, petitioners + 1, CHUNK)
        ]
        connections.close_all()
        totals: dict[str, int] = {}
        done = 0
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for loaded, counts in pool.imap_unordered(_load_chunk, chunks):
                done += loaded
                for table, count in counts.items():
                    totals[table] = totals.get(table, 0) + count
                self.say(f"  {done:>9,} / {petitioners:,} petitioners")
        self.say("rows: " + ", ".join(f"{table} {count:,}" for table, count in totals.items()))
        self.finish(plan, dropped)
        self.say(self.style.SUCCESS(f"done in {time.monotonic() - self.started:.0f} s"))

    def reset(self) -> None:
        tables = ", ".join(model._meta.db_table for model in (*TABLES, CaseNumberCounter))
        extra = []
        for model_path in ("cases.Attachment",):
            from django.apps import apps

            extra.append(apps.get_model(model_path)._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}, {', '.join(extra)} RESTART IDENTITY CASCADE")
        self.say("emptied petitioners, contacts, visits, cases, timelines and counters")

    def prepare(self, petitioners: int) -> Plan:
        load_reference_data()
        User = get_user_model()
        with transaction.atomic():
            windows = tuple(
                Window.objects.get_or_create(name=name, defaults={"sort_order": order})[0].pk
                for order, name in enumerate(WINDOWS)
            )

            def user(username, role, last_name, first_name, department=None):
                account, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "role": role,
                        "department": department,
                        "last_name": last_name,
                        "first_name": first_name,
                    },
                )
                if created:
                    account.set_unusable_password()
                    account.save(update_fields=["password"])
                return account.pk

            receptionists = tuple(
                user(f"seed_reception_{n}", Role.RECEPTIONIST, surname, given)
                for n, (surname, given) in enumerate(
                    (("张", "进军"), ("李", "梅"), ("王", "芳"), ("赵", "磊"), ("陈", "华"), ("刘", "洋")),
                    start=1,
                )
            )
            leaders = (
                user("seed_leader_1", Role.LEADER, "王", "建华"),
                user("seed_leader_2", Role.LEADER, "周", "涛"),
            )
            departments = {department.code: department for department in Department.objects.all()}
            staff = {
                department.pk: user(f"seed_dept_{code}", Role.DEPARTMENT, "部门", department.name, department)
                for code, department in departments.items()
            }
        now = int(time.time())
        today = datetime.datetime.now(LOCAL).date()
        days = working_days(datetime.date(FIRST_YEAR, 1, 1), today)
        day_starts = tuple(
            int(datetime.datetime.combine(day, datetime.time.min, tzinfo=LOCAL).timestamp()) for day in days
        )
        elapsed_today = sum(max(0, min(end, now - day_starts[-1]) - start) for start, end in OPEN_SPANS)
        categories = {category.code: category.pk for category in Category.objects.all()}
        plan = Plan(
            petitioners=petitioners,
            open_total=(len(day_starts) - 1) * OPEN_SECONDS + elapsed_today,
            day_starts=day_starts,
            now=now,
            year_first_case={},
            windows=windows,
            receptionists=receptionists,
            leaders=leaders,
            department_staff=staff,
            departments={code: department.pk for code, department in departments.items()},
            court_department=next(d.pk for d in departments.values() if d.is_court_liaison),
            categories=(categories["suggestion"], categories["accusation"], categories["appeal"]),
            accusation_category=categories["accusation"],
            subject_areas={area.code: area.pk for area in SubjectArea.objects.all()},
            places=tuple(Place.objects.values_list("pk", "name")),
            fernet_keys=tuple(settings.FIELD_ENCRYPTION_KEYS),
            hash_key=settings.ID_NUMBER_HASH_KEY,
            visit_id_stride=CHUNK,
            dsn=self.dsn(),
        )
        # The first case of each year, found on the increasing time axis by bisection.
        for year in range(FIRST_YEAR, today.year + 1):
            low, high = 1, petitioners + 1
            while low < high:
                middle = (low + high) // 2
                if local_year(registered_at(plan, middle)) < year:
                    low = middle + 1
                else:
                    high = middle
            plan.year_first_case[year] = low
        self.check_generators(plan)
        return plan

    def check_generators(self, plan: Plan) -> None:
        """The fast paths above must agree with the application's own functions."""
        writer = ChunkWriter(plan, 1, 2)
        number = resident_id_of(12345)
        assert writer.hash("resident_id", number) == id_number_hash("resident_id", number)
        assert crypto.decrypt(writer.fernet.encrypt(number.encode()).decode()) == number
        from intake.validators import parse_resident_id

        for i in (1, 2, 999_999, 1_000_000):
            parse_resident_id(resident_id_of(i))
        check_columns()
        assert len(MATTERS) == 11 and set(MATTERS) == set(plan.subject_areas), "subject areas changed"

    def dsn(self) -> dict:
        params = connection.get_connection_params()
        return {key: params[key] for key in ("dbname", "user", "password", "host", "port") if params.get(key)}

    def drop_indexes(self) -> list[tuple[str, str, str]]:
        """Foreign keys and non-unique indexes of the loaded tables: dropped now, re-created after."""
        tables = [model._meta.db_table for model in TABLES]
        dropped = []
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                   FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)""",
                [tables],
            )
            for table, name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                dropped.append(
                    ("constraint", table, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                )
            cursor.execute(
                """SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
                   JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
                   WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) AND NOT x.indisunique""",
                [tables],
            )
            for table, name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                dropped.append(("index", table, definition))
        self.say(f"dropped {len(dropped)} foreign keys and non-unique indexes for the load")
        return dropped

    def finish(self, plan: Plan, dropped: list[tuple[str, str, str]]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SET max_parallel_maintenance_workers = 2")
            for _kind, _table, statement in sorted(dropped, key=lambda item: item[0] == "constraint"):
                started = time.monotonic()
                cursor.execute(statement)
                self.say(f"  {time.monotonic() - started:5.1f}s {statement[:110]}")
            for model in TABLES:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                )
            # Case numbers go on after each year's last one.
            counters = [
                CaseNumberCounter(
                    year=year, last=(plan.year_first_case.get(year + 1, plan.petitioners + 1) - first)
                )
                for year, first in plan.year_first_case.items()
            ]
        CaseNumberCounter.objects.bulk_create(
            [counter for counter in counters if counter.last > 0],
            update_conflicts=True,
            unique_fields=["year"],
            update_fields=["last"],
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT year, last, (SELECT MAX(number) FROM cases_case WHERE number LIKE year || '-%%') "
                "FROM cases_casenumbercounter ORDER BY year"
            )
            for year, last, highest in cursor.fetchall():
                assert highest == f"{year}-{last:06d}", (year, last, highest)
            self.say("case number counters agree with each year's highest number")
            started = time.monotonic()
            # As autovacuum would have left an aged database: statistics, visibility map, hint bits.
            cursor.execute("VACUUM (ANALYZE)")
            self.say(f"VACUUM (ANALYZE) in {time.monotonic() - started:.1f}s")
