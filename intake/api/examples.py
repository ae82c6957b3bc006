"""OpenAPI examples of visit registration: the two visits of the bureau's first day (seed/)."""

from drf_spectacular.utils import OpenApiExample

VISIT_EXAMPLES = [
    OpenApiExample(
        "A new petitioner and a new case",
        summary="10:00, an elderly woman about her resettlement flat",
        value={
            "window": 1,
            "persons": 1,
            "note": "",
            "attendees": [
                {
                    "new": {
                        "name": "王秀英",
                        "gender": "female",
                        "id_type": "resident_id",
                        "id_number": "11010519491231002X",
                        "address": "黎里镇某村12号",
                        "note": "",
                        "contacts": [],
                    },
                    "is_representative": False,
                }
            ],
            "case": {
                "facts": "住宅面临拆迁，安置政策只给她和儿子40平方米，家庭困难。",
                "request": "希望政府给予帮助。",
                "reasons": "",
                "category": 3,
                "subject_area": 1,
                "place": 2,
                "organisation": "",
                "in_litigation": False,
                "urgent": False,
                "anonymous": False,
            },
            "repeat_of": None,
        },
        request_only=True,
    ),
    OpenApiExample(
        "A group visit",
        summary="15:00, 32 workers about unpaid wages, two representatives named",
        value={
            "window": 1,
            "persons": 32,
            "attendees": [
                {"petitioner": 17, "is_representative": True},
                {
                    "new": {
                        "name": "李建国",
                        "contacts": [{"kind": "mobile", "value": "139 1234 5678", "is_primary": True}],
                    },
                    "is_representative": True,
                },
            ],
            "case": {
                "facts": "公司拖欠工资数月，法院已判决，两次拍卖厂房流拍，第三次拍卖进行中。",
                "request": "尽快支付拖欠的工资。",
                "category": 3,
                "subject_area": 2,
                "place": 2,
                "organisation": "某私营企业",
            },
        },
        request_only=True,
    ),
    OpenApiExample(
        "A repeat visit",
        summary="The same matter again: linked to its case, no new case",
        value={"window": 1, "persons": 1, "attendees": [{"petitioner": 17}], "repeat_of": 42},
        request_only=True,
    ),
    OpenApiExample(
        "Registered",
        value={
            "id": 101,
            "visited_at": "2025-03-03T10:00:00+08:00",
            "window": 1,
            "persons": 1,
            "is_group": False,
            "is_repeat": False,
            "case": {
                "id": 42,
                "number": "2025-000042",
                "tracking_code": "K7RM2Q9X",
                "status": "awaiting_sign_off",
            },
            "petitioners": [17],
        },
        response_only=True,
        status_codes=["201"],
    ),
]

# --- petitioners, contacts, windows and the day's visits: the first day as seed_demo loads it ---

WINDOW = {"id": 1, "name": "1号窗口"}

WINDOW_EXAMPLES = {
    "list": [
        OpenApiExample("1号窗口", value=WINDOW, response_only=True),
        OpenApiExample("2号窗口", value={"id": 2, "name": "2号窗口"}, response_only=True),
    ],
    "retrieve": [OpenApiExample("A window", value=WINDOW, response_only=True)],
}

SONS_MOBILE = {
    "id": 16,
    "kind": "mobile",
    "value": "13962598765",
    "relation": "son",
    "holder_name": "沈建明",
    "is_primary": True,
    "created_at": "2026-11-27T16:50:00+08:00",
    "created_by": "张进军",
}

PETITIONER = {
    "id": 6,
    "name": "沈桂英",
    "gender": "female",
    "id_type": "resident_id",
    "id_number_masked": "3205**********0428",
    "address": "黎里镇城司村沈家浜18号",
    "note": "本人无电话，记不住儿子的手机号码。",
    "contacts": [
        SONS_MOBILE,
        {
            "id": 7,
            "kind": "address",
            "value": "黎里镇城司村沈家浜18号",
            "relation": "self",
            "holder_name": "",
            "is_primary": False,
            "created_at": "2026-11-27T10:12:00+08:00",
            "created_by": "张进军",
        },
    ],
    "created_at": "2026-11-27T10:12:00+08:00",
}

PETITIONER_EXAMPLES = [
    OpenApiExample("The elderly woman and her son's number", value=PETITIONER, response_only=True)
]

PETITIONER_CREATE_EXAMPLES = [
    OpenApiExample(
        "A petitioner without a phone",
        summary="Her address only: she has no phone and cannot remember her son's number",
        value={
            "name": "沈桂英",
            "gender": "female",
            "id_type": "resident_id",
            "id_number": "11010519491231002X",
            "address": "黎里镇城司村沈家浜18号",
            "note": "本人无电话，记不住儿子的手机号码。",
            "contacts": [{"kind": "address", "value": "黎里镇城司村沈家浜18号", "relation": "self"}],
        },
        request_only=True,
    ),
    OpenApiExample(
        "Registered",
        value={
            **PETITIONER,
            "id_number_masked": "1101**********002X",
            "contacts": PETITIONER["contacts"][1:],
        },
        response_only=True,
        status_codes=["201"],
    ),
]

CONTACT_EXAMPLES = [
    OpenApiExample(
        "Her son's mobile, called in at the end of the day",
        value={
            "kind": "mobile",
            "value": "139 6259 8765",
            "relation": "son",
            "holder_name": "沈建明",
            "is_primary": True,
        },
        request_only=True,
    ),
    OpenApiExample("Added", value=SONS_MOBILE, response_only=True, status_codes=["201"]),
]

VISIT_LIST_EXAMPLES = [
    OpenApiExample(
        "The group visit",
        summary="15:05, 32 workers of a private company in 黎里镇 with five representatives",
        value={
            "id": 9,
            "visited_at": "2026-11-27T15:05:00+08:00",
            "window": 1,
            "persons": 32,
            "is_group": True,
            "is_repeat": False,
            "case": {"id": 8, "number": "2026-000008", "tracking_code": "GVDYKDP5", "status": "concluded"},
            "petitioners": [10, 11],
            "receptionist": "张进军",
            "note": "局领导到场，与法院核实后向员工代表解释，员工满意离开。",
            "attendees": [
                {"petitioner": 10, "name": "朱国华", "is_representative": True},
                {"petitioner": 11, "name": "沈红梅", "is_representative": True},
            ],
        },
        response_only=True,
    ),
    OpenApiExample(
        "The elderly woman",
        value={
            "id": 5,
            "visited_at": "2026-11-27T10:00:00+08:00",
            "window": 1,
            "persons": 1,
            "is_group": False,
            "is_repeat": False,
            "case": {
                "id": 5,
                "number": "2026-000005",
                "tracking_code": "4J6VSY7L",
                "status": "awaiting_sign_off",
            },
            "petitioners": [6],
            "receptionist": "张进军",
            "note": "",
            "attendees": [{"petitioner": 6, "name": "沈桂英", "is_representative": False}],
        },
        response_only=True,
    ),
]
