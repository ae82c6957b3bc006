"""Demo users and the story's day (shared/seed): seven batches of ordinary visits, among them the
elderly woman without a phone at 10:00, a group of 32 unpaid workers from 黎里镇 at 15:00, and her
call back before the end of the day with her son's number. Everything goes through the services."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from cases.models import Category, Department, Place, SubjectArea
from cases.reference_data import load_reference_data
from cases.services import CaseData
from workdays.selectors import is_working_day

from .models import Petitioner, Window
from .services import (
    Attendee,
    ContactData,
    PetitionerData,
    VisitData,
    contact_add,
    id_number_hashes,
    visit_register,
)
from .validators import id_check_char

DEMO_PASSWORD = "demo12345!"
DEMO_USERS = [
    # username, role, department code, last name, first name
    ("reception", Role.RECEPTIONIST, None, "张", "进军"),
    ("leader", Role.LEADER, None, "王", "建华"),
    ("housing", Role.DEPARTMENT, "housing", "刘", "伟"),
    ("labour", Role.DEPARTMENT, "labour", "陈", "静"),
    ("agriculture", Role.DEPARTMENT, "agriculture", "周", "明"),
    ("admin", Role.ADMINISTRATOR, None, "系统", "管理员"),
]
WINDOWS = ["1号窗口", "2号窗口", "3号窗口"]


def resident_id(region: str, birth: str, sequence: str) -> str:
    first17 = f"{region}{birth}{sequence}"
    return first17 + id_check_char(first17)


ELDERLY_WOMAN_ID = resident_id("320584", "19460315", "042")
FARMER_ID = resident_id("320509", "19580711", "013")


def story_day(today: datetime.date) -> datetime.date:
    """The last working day before today (the bureau's calendar: not a public holiday, and a
    make-up Saturday counts), so every time of the story lies in the past."""
    day = today - datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def ensure_demo_users() -> list[tuple[str, str]]:
    User = get_user_model()
    created = []
    for username, role, department_code, last_name, first_name in DEMO_USERS:
        department = Department.objects.get(code=department_code) if department_code else None
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "department": department}
        )
        user.role, user.department = role, department
        user.last_name, user.first_name = last_name, first_name
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        created.append((username, user.get_role_display()))
    return created


class _Story:
    def __init__(self, day: datetime.date):
        self.day = day
        self.receptionist = get_user_model().objects.get(username="reception")
        self.window = Window.objects.get(name=WINDOWS[0])

    def at(self, clock: str, day: datetime.date | None = None) -> datetime.datetime:
        hour, minute = map(int, clock.split(":"))
        return timezone.make_aware(datetime.datetime.combine(day or self.day, datetime.time(hour, minute)))

    def case(self, *, category="appeal", area, place, facts, request, **flags) -> CaseData:
        return CaseData(
            facts=facts,
            request=request,
            category_id=Category.objects.get(code=category).pk,
            subject_area_id=SubjectArea.objects.get(code=area).pk,
            place_id=Place.objects.get(name=place).pk,
            **flags,
        )

    def visit(self, clock, people, *, persons=None, case=None, repeat_of=None, day=None, note=""):
        return visit_register(
            data=VisitData(
                window_id=self.window.pk,
                persons=persons or len(people),
                attendees=tuple(people),
                case=case,
                repeat_of=repeat_of,
                visited_at=self.at(clock, day),
                note=note,
            ),
            receptionist=self.receptionist,
        )


def person(name, *, id_number="", phone="", address="", representative=False, gender="unknown") -> Attendee:
    contacts = []
    if phone:
        contacts.append(ContactData(kind="mobile", value=phone))
    if address:
        contacts.append(ContactData(kind="address", value=address))
    return Attendee(
        new=PetitionerData(
            name=name,
            gender=gender,
            id_type="resident_id" if id_number else "none",
            id_number=id_number,
            address=address,
            contacts=tuple(contacts),
        ),
        is_representative=representative,
    )


def seed_story(day: datetime.date) -> bool:
    """Register the story's day; False if it is already there."""
    # The farmer is the first person the story registers.
    # Under any hash key, a key being retired included (README: Rotating the keys).
    if Petitioner.objects.filter(id_number_hash__in=id_number_hashes("resident_id", FARMER_ID)).exists():
        return False
    story = _Story(day)
    # Ten days earlier a farmer came about his land contract; he comes back on the story's day.
    earlier = story.visit(
        "10:30",
        [person("钱福根", id_number=FARMER_ID, phone="13962512345")],
        day=day - datetime.timedelta(days=10),
        case=story.case(
            area="agriculture",
            place="平望镇",
            facts="村里调整土地承包，本人承包的3亩责任田被划给他人，村委会未作说明。",
            request="恢复原承包地或给予合理补偿。",
        ),
    )
    story.visit(
        "09:35",
        [person("李建国", id_number=resident_id("320509", "19650402", "031"), phone="13812345678")],
        case=story.case(
            category="suggestion",
            area="labour",
            place="松陵街道",
            facts="咨询灵活就业人员养老保险补缴政策。",
            request="希望明确补缴年限和办理渠道。",
        ),
    )
    story.visit(
        "09:48",
        [
            person("陈美华", phone="13771234567", address="江陵街道运东花园12幢"),
            person("孙立新", phone="13771234568"),
        ],
        case=story.case(
            area="environment",
            place="江陵街道",
            facts="小区旁建材厂夜间施工，噪音持续到凌晨，多次向物业反映无果。",
            request="要求停止夜间施工。",
            organisation="吴江某建材有限公司",
        ),
    )
    story.visit(
        "09:58",
        [person("周志强", id_number=resident_id("320509", "19720920", "057"), phone="15850123456")],
        case=story.case(
            area="land",
            place="同里镇",
            facts="宅基地翻建审批已提交半年未获答复。",
            request="尽快办理宅基地翻建审批。",
        ),
    )
    woman = story.visit(
        "10:00",
        [person("沈桂英", id_number=ELDERLY_WOMAN_ID, address="黎里镇城司村沈家浜18号", gender="female")],
        case=story.case(
            area="housing",
            place="黎里镇（汾湖高新区）",
            facts="原有住宅面临拆迁，按现有拆迁安置政策，本人和儿子可获得一处40平方米安置房；"
            "家中生活比较困难。本人无电话，记不住儿子的手机号码。",
            request="希望政府在安置上给予帮助。",
            reasons="家庭经济困难，40平方米安置房难以满足母子二人居住。",
        ),
        note="老人无电话，已告知办公电话，待其回电补充儿子联系方式。",
    )
    story.visit(
        "10:40",
        [person("吴晓东", phone="18912345678")],
        case=story.case(
            area="education",
            place="八坼街道",
            facts="孩子入学划片与户籍地址不符，学校不予登记。",
            request="按户籍地址安排入学。",
        ),
    )
    story.visit(
        "11:20",
        [person("徐丽", phone="13584512345"), person("徐建平", phone="13584512346")],
        case=story.case(
            area="health",
            place="盛泽镇",
            facts="父亲在镇卫生院手术后感染，对处理结果不满。",
            request="要求重新鉴定并赔偿。",
        ),
    )
    story.visit(
        "14:10",
        [Attendee(petitioner_id=earlier.petitioners.get().pk)],
        repeat_of=earlier.case_id,
        note="询问土地承包问题办理进展。",
    )
    workers = [
        person("朱国华", phone="13913500001", representative=True),
        person("沈红梅", phone="13913500002", representative=True),
        person("顾建明", phone="13913500003", representative=True),
        person("金小平", phone="13913500004", representative=True),
        person("蒋卫东", phone="13913500005", representative=True),
    ]
    group = story.visit(
        "15:05",
        workers,
        persons=32,
        case=story.case(
            area="labour",
            place="黎里镇（汾湖高新区）",
            facts="企业经营不善，拖欠30余名员工数月工资。员工已向法院起诉并胜诉，但厂房两次拍卖均流拍，"
            "目前进入第三轮拍卖程序。",
            request="尽快支付拖欠的工资。",
            organisation="汾湖某纺织有限公司",
            in_litigation=True,
            urgent=True,
        ),
        note="局领导到场，与法院核实后向员工代表解释，员工满意离开。",
    )
    contact_add(
        petitioner_id=woman.petitioners.get().pk,
        data=ContactData(kind="mobile", value="13962598765", relation="son", holder_name="沈建明"),
        added_by=story.receptionist,
        at=story.at("16:50"),
    )
    sign_off_story(earlier=earlier, woman=woman, group=group)
    return True


def sign_off_story(*, earlier, woman, group) -> None:
    """The end of the story's day: the leader answers the workers at the window and forwards
    the elderly woman's case to 住建局; the farmer's case, ten days old, is already with its
    department. The forwarding runs here as the Celery task would, so the demo does not depend
    on a worker having started."""
    from cases.forwarding import case_forward
    from cases.handling import case_accept, case_receive
    from cases.models import Decision
    from cases.sign_off import SignOffData, case_sign_off

    leader = get_user_model().objects.get(username="leader")
    case_sign_off(
        case_id=group.case_id,
        leader=leader,
        data=SignOffData(
            decision=Decision.ANSWER_AT_WINDOW,
            instruction="已与区法院核实：第三轮拍卖正在进行，拍卖款优先支付拖欠工资。已向员工代表当面解释，员工满意离开。",
        ),
    )
    for visit, department_code, instruction in (
        (earlier, "agriculture", "请农业农村局会同平望镇核实土地承包调整情况，依法处理并答复信访人。"),
        (woman, "housing", "请住建局核实拆迁安置政策执行情况，研究困难家庭帮扶措施，依法答复信访人。"),
    ):
        case = case_sign_off(
            case_id=visit.case_id,
            leader=leader,
            data=SignOffData(
                decision=Decision.FORWARD,
                department_id=Department.objects.get(code=department_code).pk,
                instruction=instruction,
            ),
        )
        case_forward(sign_off_id=case.sign_offs.get().pk)
    agriculture_staff = get_user_model().objects.filter(department__code="agriculture").first()
    if agriculture_staff:
        case_receive(case_id=earlier.case_id, actor=agriculture_staff)
        case_accept(case_id=earlier.case_id, actor=agriculture_staff)


def seed_demo(*, day: datetime.date | None = None) -> tuple[list[tuple[str, str]], datetime.date, bool]:
    """Reference data, windows, demo users and the story's day; safe to run again."""
    load_reference_data()
    with transaction.atomic():
        for order, name in enumerate(WINDOWS):
            Window.objects.get_or_create(name=name, defaults={"sort_order": order})
        users = ensure_demo_users()
    day = day or story_day(timezone.localdate())
    # Each visit is its own durable transaction, as at the window.
    return users, day, seed_story(day)
