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
