"""OpenAPI examples of the cases API, from the bureau's first day (seed/): the elderly woman whose
house is to be demolished (沈桂英, her son's number added in the afternoon), signed off by the
leader to 住建局, which receives and accepts it; the reference lists as `seed_demo` loads them.

Each action's example answer is the case as that action leaves it: the state, its timeline
entry, and the endpoints then offered (by the rules that answer for a real case, applied to the
example's facts, so they cannot drift)."""

import copy
import datetime

from drf_spectacular.utils import OpenApiExample

from accounts.models import Role
from intake.api.examples import PETITIONER

from ..models import Case, Clock, Extension, SupervisionNotice
from ..offered import CaseFacts
from .endpoints import endpoints_offered

HOST = "http://127.0.0.1:8000"

# --- reference lists ---------------------------------------------------------------------------

HOUSING = {"id": 1, "name": "住建局", "code": "housing", "is_court_liaison": False}
LABOUR = {"id": 2, "name": "人社局", "code": "labour", "is_court_liaison": False}
COURT = {"id": 6, "name": "区法院联络组", "code": "court", "is_court_liaison": True}
APPEAL = {"id": 3, "name": "申诉求决", "code": "appeal", "is_accusation": False}
ACCUSATION = {"id": 2, "name": "检举控告", "code": "accusation", "is_accusation": True}
RESETTLEMENT = {"id": 1, "name": "城乡建设/拆迁安置", "code": "housing"}
WAGES = {"id": 2, "name": "劳动社保/拖欠工资", "code": "labour"}
LILI = {"id": 11, "name": "黎里镇（汾湖高新区）"}
SONGLING = {"id": 1, "name": "松陵街道"}


def reference_examples(*items: dict, name: str) -> dict:
    """`list` and `retrieve` examples of a reference list: one example per item in the list (the
    schema generator wraps each in the list), the first item for a single one."""
    return {
        "list": [OpenApiExample(f"{name}: {item['name']}", value=item, response_only=True) for item in items],
        "retrieve": [OpenApiExample(name, value=items[0], response_only=True)],
    }


DEPARTMENT_EXAMPLES = reference_examples(HOUSING, LABOUR, COURT, name="Department")
CATEGORY_EXAMPLES = reference_examples(APPEAL, ACCUSATION, name="Category")
SUBJECT_AREA_EXAMPLES = reference_examples(RESETTLEMENT, WAGES, name="Subject area")
PLACE_EXAMPLES = reference_examples(LILI, SONGLING, name="Town or street")

# --- the case ----------------------------------------------------------------------------------

STATUS_LABELS = {
    "awaiting_sign_off": "待签阅",
    "signed_off": "已签阅",
    "forwarded": "已转送",
    "received": "部门已签收",
    "accepted": "已受理",
    "declined": "不予受理",
    "returned": "部门退回",
    "replied": "已答复",
    "concluded": "已办结",
    "closed": "已结案",
}

CASE_LIST_ITEM = {
    "id": 5,
    "number": "2026-000005",
    "tracking_code": "4J6VSY7L",
    "status": "accepted",
    "status_label": "已受理",
    "category": APPEAL,
    "subject_area": RESETTLEMENT,
    "place": LILI,
    "organisation": "",
    "department": HOUSING,
    "is_group": False,
    "urgent": False,
    "in_litigation": False,
    "anonymous": False,
    "registered_at": "2026-11-27T10:00:00+08:00",
    "submitted_at": "2026-11-27T10:12:00+08:00",
}

GROUP_CASE_LIST_ITEM = {
    **CASE_LIST_ITEM,
    "id": 8,
    "number": "2026-000008",
    "tracking_code": "GVDYKDP5",
    "status": "concluded",
    "status_label": "已办结",
    "subject_area": WAGES,
    "organisation": "汾湖某纺织有限公司",
    "department": None,
    "is_group": True,
    "urgent": True,
    "in_litigation": True,
    "registered_at": "2026-11-27T15:05:00+08:00",
    "submitted_at": "2026-11-27T15:40:00+08:00",
}

LEDGER_CSV = (
    "信访件编号,查询码,登记时间,信访类别,问题领域,问题属地,集体访,信访人,诉求,状态,接办部门,"
    "答复时间,答复意见,对部门满意度,对信访局满意度\r\n"
    "2026-000005,4J6VSY7L,2026-11-27 10:00,申诉求决,城乡建设/拆迁安置,黎里镇（汾湖高新区）,,"
    "沈桂英（3205**********0428）,希望政府在安置上给予帮助。,已受理,住建局,,,,\r\n"
)


def _event(actor: str, action: str, label: str, from_status: str, to_status: str, at: str, note: str = ""):
    return {
        "actor": actor,
        "by_system": actor == "系统",
        "action": action,
        "action_label": label,
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
        "created_at": at,
    }


INSTRUCTION = "请住建局核实拆迁安置政策执行情况，研究困难家庭帮扶措施，依法答复信访人。"
REGISTERED = [
    _event("张进军", "register", "已登记", "", "registered", "2026-11-27T10:12:00+08:00"),
    _event("张进军", "submit", "提交签阅", "registered", "awaiting_sign_off", "2026-11-27T10:12:00+08:00"),
]
FORWARDED = [
    *REGISTERED,
    _event(
        "王建华",
        "forward",
        "签阅：转送",
        "awaiting_sign_off",
        "signed_off",
        "2026-11-27T17:30:00+08:00",
        INSTRUCTION,
    ),
    _event(
        "系统",
        "deliver_forwarded",
        "已转送至部门",
        "signed_off",
        "forwarded",
        "2026-11-27T17:30:05+08:00",
        "住建局",
    ),
]
RECEIVED = [
    *FORWARDED,
    _event("刘伟", "receive", "已签收", "forwarded", "received", "2026-11-30T09:05:00+08:00"),
]
ACCEPTED = [
    *RECEIVED,
    _event(
        "刘伟",
        "accept",
        "已受理",
        "received",
        "accepted",
        "2026-11-30T10:20:00+08:00",
        "已联系信访人之子，受理。",
    ),
]

REPLY_TEXT = (
    "经核实，你户拆迁安置按《吴江区集体土地房屋拆迁安置办法》执行，安置面积符合规定。"
    "考虑到你家庭困难，我局已协调黎里镇将你户纳入困难家庭帮扶，并优先安排安置房选房。"
)


def _document(id_: int, kind: str, number: str, at: str) -> dict:
    return {
        "id": id_,
        "kind": kind,
        "number": number,
        "state": "ready",
        "created_at": at,
        "url": f"{HOST}/api/v1/documents/{id_}/",
    }


FORWARDING_LETTER = _document(3, "forwarding_letter", "吴信转〔2026〕2号", "2026-11-27T17:30:05+08:00")
RECEIPT_NOTICE = _document(4, "receipt_notice", "吴信告〔2026〕2号", "2026-11-30T10:20:00+08:00")


def _day(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def _moment(value: str | None) -> datetime.datetime | None:
    return None if value is None else datetime.datetime.fromisoformat(value)


def offered(case: dict, reader: Role) -> list[str]:
    """The `actions` of the example case for `reader`: cases.offered's rules applied to the
    example's status, clocks, extensions and notices, on the day of its last timeline entry."""
    departments = {department["name"]: department["id"] for department in (HOUSING, LABOUR, COURT)}
    facts = CaseFacts(
        running={c["clock"]: Clock(kind=c["clock"], due_on=_day(c["due_on"])) for c in case["clocks"]},
        extensions=[Extension(state=e["state"], days=e["days"]) for e in case["extensions"]],
        notices=[
            SupervisionNotice(
                department_id=departments.get(n["department"]),
                answered_at=_moment(n["answered_at"]),
                lapsed_at=_moment(n["lapsed_at"]),
            )
            for n in case["supervision_notices"]
        ],
        today=_moment(case["timeline"][-1]["created_at"]).date(),
    )
    model = Case(
        status=case["status"],
        department_id=(case["department"] or {}).get("id"),
        report_due=_day(case["report_due"]),
        review_requested_at=_moment(case["review_requested_at"]),
    )
    return endpoints_offered(model, reader, facts)


CASE_DETAIL = {
    **CASE_LIST_ITEM,
    "facts": (
        "原有住宅面临拆迁，按现有拆迁安置政策，本人和儿子可获得一处40平方米安置房；家中生活比较困难。"
        "本人无电话，记不住儿子的手机号码。"
    ),
    "request": "希望政府在安置上给予帮助。",
    "reasons": "家庭经济困难，40平方米安置房难以满足母子二人居住。",
    "petitioners": [{key: PETITIONER[key] for key in ("id", "name", "id_number_masked", "contacts")}],
    "visits": [
        {
            "id": 5,
            "visited_at": "2026-11-27T10:00:00+08:00",
            "window": "1号窗口",
            "persons": 1,
            "is_group": False,
            "is_repeat": False,
        }
    ],
    "attachments": [
        {
            "id": 2,
            "name": "拆迁安置协议.pdf",
            "type": "application/pdf",
            "size": 284513,
            "uploaded_at": "2026-11-27T10:12:00+08:00",
            "url": f"{HOST}/cases/5/attachments/2/",
        }
    ],
    "clocks": [
        {
            "clock": "handling",
            "label": "办理（60日）",
            "started_on": "2026-11-30",
            "due_on": "2027-01-29",
            "days_left": 60,
            "provisional": False,
        }
    ],
    "sign_offs": [
        {
            "decision": "forward",
            "department": HOUSING,
            "instruction": INSTRUCTION,
            "report_due": None,
            "leader": "王建华",
            "created_at": "2026-11-27T17:30:00+08:00",
        }
    ],
    "report_due": None,
    "returns_count": 0,
    "extensions": [],
    "supervision_notices": [],
    "reply_outcome": "",
    "reply_text": "",
    "replied_at": None,
    "satisfaction_department": "",
    "satisfaction_bureau": "",
    "review_requested_at": None,
    "timeline": ACCEPTED,
    "documents": [FORWARDING_LETTER, RECEIPT_NOTICE],
}
CASE_DETAIL["actions"] = offered(CASE_DETAIL, Role.LEADER)


def case_as(status: str, reader: Role, timeline: list[dict], **changes) -> dict:
    """The case in another state of its story, as `reader` receives it."""
    case = copy.deepcopy(
        {
            **CASE_DETAIL,
            "status": status,
            "status_label": STATUS_LABELS[status],
            "timeline": timeline,
            **changes,
        }
    )
    case["actions"] = offered(case, reader)
    return case


# For department staff an accuser's identity stays at the bureau (Art. 30).
ACCUSATION_FOR_DEPARTMENT = case_as(
    "received",
    Role.DEPARTMENT,
    RECEIVED,
    id=12,
    number="2026-000012",
    tracking_code="P3WQ8MZC",
    category=ACCUSATION,
    subject_area={"id": 10, "name": "纪检监察", "code": "discipline"},
    place=SONGLING,
    facts="反映某村干部在征地补偿款发放中优亲厚友。",
    request="要求调查处理。",
    reasons="",
    petitioners=[],
    attachments=[],
    clocks=[],
    documents=[FORWARDING_LETTER],
)

CASE_DETAIL_EXAMPLES = [
    OpenApiExample(
        "A case with its department",
        summary="The resettlement case, accepted by 住建局 (as a leader sees it)",
        value=CASE_DETAIL,
        response_only=True,
    ),
    OpenApiExample(
        "An accusation, as the department sees it",
        summary="No petitioners: the accuser's identity stays at the bureau (Art. 30)",
        value=ACCUSATION_FOR_DEPARTMENT,
        response_only=True,
    ),
]

CASE_LIST_EXAMPLES = [
    OpenApiExample("A case with its department", value=CASE_LIST_ITEM, response_only=True),
    OpenApiExample("The group visit answered at the window", value=GROUP_CASE_LIST_ITEM, response_only=True),
    OpenApiExample(
        "The ledger as CSV",
        summary="`?format=csv`: a header, then one row per case, ID numbers masked",
        value=LEDGER_CSV,
        media_type="text/csv",
        response_only=True,
    ),
]

# --- the actions -------------------------------------------------------------------------------


def _after(request: dict | None, name: str, case: dict) -> list[OpenApiExample]:
    """The request's example, if it takes input, and the case as the action leaves it."""
    answer = OpenApiExample(name, value=case, response_only=True, status_codes=["200"])
    if request is None:
        return [answer]
    return [OpenApiExample(name, value=request, request_only=True), answer]


EXTENSION = {
    "days": 20,
    "reason": "安置房源需与黎里镇协调，需延长办理期限。",
    "state": "pending",
    "requested_by": "刘伟",
    "requested_at": "2026-12-18T15:00:00+08:00",
    "decided_by": None,
    "decided_at": None,
}
SUPERVISION = {
    "text": "请住建局于三个工作日内报告办理进度。",
    "sent_by": "王建华",
    "sent_at": "2027-01-20T09:00:00+08:00",
    "department": "住建局",
    "answer": "",
    "answered_by": None,
    "answered_at": None,
    "lapsed_at": None,
}
REPLIED = [
    *ACCEPTED,
    _event("刘伟", "reply", "已答复", "accepted", "replied", "2027-01-12T16:00:00+08:00", REPLY_TEXT),
]
CONCLUDED = [
    *REPLIED,
    _event("刘伟", "conclude", "已办结", "replied", "concluded", "2027-01-13T09:30:00+08:00"),
]
REPLY_FIELDS = {
    "reply_outcome": "explained",
    "reply_text": REPLY_TEXT,
    "replied_at": "2027-01-12T16:00:00+08:00",
}


def review_clock(today: str) -> list[dict]:
    """The clocks after the reply: the petitioner's 30 days to ask for review (Art. 35), as seen
    on `today`."""
    due = datetime.date(2027, 2, 11)
    return [
        {
            "clock": "review",
            "label": "申请复查（30日）",
            "started_on": "2027-01-12",
            "due_on": due.isoformat(),
            "days_left": (due - datetime.date.fromisoformat(today)).days,
            "provisional": False,
        }
    ]


FEEDBACK = {"satisfaction_department": "satisfied", "satisfaction_bureau": "basically_satisfied"}

ACTION_EXAMPLES: dict[str, list[OpenApiExample]] = {
    "sign-off": [
        OpenApiExample(
            "Forward",
            summary="Forward to 住建局 with an instruction (批示)",
            value={"decision": "forward", "department": 1, "instruction": INSTRUCTION},
            request_only=True,
        ),
        OpenApiExample(
            "Assign",
            summary="Assign, with the completion report due",
            value={
                "decision": "assign",
                "department": 2,
                "instruction": "请人社局督促企业支付工资，并于期限内报送办理结果。",
                "report_due": "2026-12-31",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Answer at the window",
            summary="当场答复: the group visit of 32 workers",
            value={
                "decision": "answer_at_window",
                "instruction": "已与法院核实，第三次拍卖正在进行，拍卖款将优先支付职工工资。",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Signed off",
            summary="Signed off; the forwarding task delivers it to 住建局 shortly after",
            value=case_as(
                "signed_off",
                Role.LEADER,
                FORWARDED[:3],
                department=None,
                clocks=[],
                documents=[],
            ),
            response_only=True,
            status_codes=["200"],
        ),
    ],
    "receive": _after(
        None,
        "Received by 住建局",
        case_as(
            "received",
            Role.DEPARTMENT,
            RECEIVED,
            clocks=[
                {
                    "clock": "return",
                    "label": "退回（5个工作日）",
                    "started_on": "2026-11-30",
                    "due_on": "2026-12-07",
                    "days_left": 7,
                    "provisional": False,
                }
            ],
            documents=[FORWARDING_LETTER],
        ),
    ),
    "accept": _after(
        {"note": "已联系信访人之子，受理。"},
        "Accepted: the 60 days to handle it run",
        case_as("accepted", Role.DEPARTMENT, ACCEPTED),
    ),
    "decline": _after(
        {
            "reason": "安置面积依据已生效的征收补偿决定，应通过行政复议或行政诉讼解决。",
            "channel": "可依法向吴江区人民政府申请行政复议，或向人民法院提起行政诉讼。",
        },
        "Declined, the proper channel named",
        case_as(
            "declined",
            Role.DEPARTMENT,
            [
                *RECEIVED,
                _event(
                    "刘伟",
                    "decline",
                    "不予受理",
                    "received",
                    "declined",
                    "2026-11-30T11:00:00+08:00",
                    "安置面积依据已生效的征收补偿决定，应通过行政复议或行政诉讼解决。",
                ),
            ],
            clocks=[],
        ),
    ),
    "return": _after(
        {"reason": "安置房分配由黎里镇人民政府负责，不属于本局职责。"},
        "Returned to the leaders for re-routing",
        case_as(
            "returned",
            Role.LEADER,
            [
                *RECEIVED,
                _event(
                    "刘伟",
                    "return",
                    "已退回",
                    "received",
                    "returned",
                    "2026-11-30T11:00:00+08:00",
                    "安置房分配由黎里镇人民政府负责，不属于本局职责。",
                ),
            ],
            returns_count=1,
            clocks=[],
        ),
    ),
    "extend": _after(
        {"days": 20, "reason": EXTENSION["reason"]},
        "Extension asked, waiting for a leader",
        case_as(
            "accepted",
            Role.DEPARTMENT,
            [
                *ACCEPTED,
                _event(
                    "刘伟",
                    "extension_asked",
                    "申请延期",
                    "accepted",
                    "accepted",
                    "2026-12-18T15:00:00+08:00",
                    EXTENSION["reason"],
                ),
            ],
            extensions=[EXTENSION],
        ),
    ),
    "extension-decision": _after(
        {"approve": True, "note": "同意延期20日，请告知信访人延期理由。"},
        "Extension approved: the handling clock moves 20 days",
        case_as(
            "accepted",
            Role.LEADER,
            [
                *ACCEPTED,
                _event(
                    "王建华",
                    "extension_approved",
                    "延期已批准",
                    "accepted",
                    "accepted",
                    "2026-12-18T17:00:00+08:00",
                    "同意延期20日，请告知信访人延期理由。",
                ),
            ],
            extensions=[
                {
                    **EXTENSION,
                    "state": "approved",
                    "decided_by": "王建华",
                    "decided_at": "2026-12-18T17:00:00+08:00",
                }
            ],
            clocks=[{**CASE_DETAIL["clocks"][0], "due_on": "2027-02-18", "days_left": 80}],
        ),
    ),
    "note": _after(
        {"text": "已与黎里镇拆迁办联系，核实安置面积计算依据。"},
        "A handling note in the timeline",
        case_as(
            "accepted",
            Role.DEPARTMENT,
            [
                *ACCEPTED,
                _event(
                    "刘伟",
                    "note",
                    "办理情况记录",
                    "accepted",
                    "accepted",
                    "2026-12-02T14:00:00+08:00",
                    "已与黎里镇拆迁办联系，核实安置面积计算依据。",
                ),
            ],
        ),
    ),
    "reply": _after(
        {"outcome": "explained", "text": REPLY_TEXT},
        "Replied (答复), explaining the policy",
        case_as("replied", Role.DEPARTMENT, REPLIED, **REPLY_FIELDS, clocks=review_clock("2027-01-12")),
    ),
    "conclude": _after(
        {"note": "已向信访人送达处理意见书。"},
        "Concluded (办结)",
        case_as("concluded", Role.DEPARTMENT, CONCLUDED, **REPLY_FIELDS, clocks=review_clock("2027-01-13")),
    ),
    "report": _after(
        {"text": "已核实安置面积，协调黎里镇将该户纳入困难家庭帮扶，拟于1月12日前书面答复信访人。"},
        "The completion report of an assigned case",
        case_as(
            "accepted",
            Role.DEPARTMENT,
            [
                *ACCEPTED,
                _event(
                    "刘伟",
                    "report",
                    "办结报告",
                    "accepted",
                    "accepted",
                    "2026-12-28T10:00:00+08:00",
                    "已核实安置面积，协调黎里镇将该户纳入困难家庭帮扶，拟于1月12日前书面答复信访人。",
                ),
            ],
            report_due="2026-12-31",
        ),
    ),
    "supervise": _after(
        {"text": SUPERVISION["text"]},
        "Supervision notice (督办) sent",
        case_as(
            "accepted",
            Role.LEADER,
            [
                *ACCEPTED,
                _event(
                    "王建华",
                    "supervise",
                    "督办通知",
                    "accepted",
                    "accepted",
                    SUPERVISION["sent_at"],
                    SUPERVISION["text"],
                ),
            ],
            supervision_notices=[SUPERVISION],
        ),
    ),
    "supervision-answer": _after(
        {"text": "已完成安置面积核实，拟于1月25日前答复信访人。"},
        "Supervision notice answered",
        case_as(
            "accepted",
            Role.DEPARTMENT,
            [
                *ACCEPTED,
                _event(
                    "刘伟",
                    "supervision_answered",
                    "督办已回复",
                    "accepted",
                    "accepted",
                    "2027-01-21T11:00:00+08:00",
                    "已完成安置面积核实，拟于1月25日前答复信访人。",
                ),
            ],
            supervision_notices=[
                {
                    **SUPERVISION,
                    "answer": "已完成安置面积核实，拟于1月25日前答复信访人。",
                    "answered_by": "刘伟",
                    "answered_at": "2027-01-21T11:00:00+08:00",
                }
            ],
        ),
    ),
    "feedback": _after(
        {
            "satisfaction": "satisfied",
            "satisfaction_bureau": "basically_satisfied",
            "note": "电话回访信访人之子沈建明，对答复表示满意。",
        },
        "Follow-up call (回访) recorded",
        case_as(
            "concluded",
            Role.RECEPTIONIST,
            [
                *CONCLUDED,
                _event(
                    "张进军",
                    "follow_up",
                    "回访",
                    "concluded",
                    "concluded",
                    "2027-01-15T10:00:00+08:00",
                    "电话回访信访人之子沈建明，对答复表示满意。",
                ),
            ],
            **REPLY_FIELDS,
            clocks=review_clock("2027-01-15"),
            **FEEDBACK,
        ),
    ),
    "review": _after(
        {"note": "信访人对安置面积仍有异议，申请复查。"},
        "A request for review (复查) recorded",
        case_as(
            "concluded",
            Role.RECEPTIONIST,
            [
                *CONCLUDED,
                _event(
                    "张进军",
                    "review_asked",
                    "申请复查",
                    "concluded",
                    "concluded",
                    "2027-01-20T09:30:00+08:00",
                    "信访人对安置面积仍有异议，申请复查。",
                ),
            ],
            review_requested_at="2027-01-20T09:30:00+08:00",
            **REPLY_FIELDS,
            clocks=[],
        ),
    ),
    "close": _after(
        {"note": "信访人满意，结案。"},
        "Closed",
        case_as(
            "closed",
            Role.RECEPTIONIST,
            [
                *CONCLUDED,
                _event(
                    "张进军",
                    "close",
                    "已结案",
                    "concluded",
                    "closed",
                    "2027-01-15T10:05:00+08:00",
                    "信访人满意，结案。",
                ),
            ],
            **REPLY_FIELDS,
            clocks=review_clock("2027-01-15"),
            **FEEDBACK,
        ),
    ),
}
