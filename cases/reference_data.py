"""The district's reference data: categories and subject areas of DESIGN §4, its towns and streets,
and the departments cases are sent to. Loading is idempotent: existing rows are kept as the
administrator may have corrected them."""

from django.db import transaction

from .models import Category, Department, Place, RoutingRule, SubjectArea

CATEGORIES = [
    ("suggestion", "建议意见", False),
    ("accusation", "检举控告", True),
    ("appeal", "申诉求决", False),
]
SUBJECT_AREAS = [
    ("housing", "城乡建设/拆迁安置"),
    ("labour", "劳动社保/拖欠工资"),
    ("agriculture", "农村农业"),
    ("land", "国土资源"),
    ("law", "政法"),
    ("health", "卫生健康"),
    ("education", "教育"),
    ("environment", "生态环境"),
    ("civil", "民政"),
    ("discipline", "纪检监察"),
    ("other", "其他"),
]
PLACES = [
    "松陵街道",
    "江陵街道",
    "横扇街道",
    "八坼街道",
    "同里镇",
    "平望镇",
    "盛泽镇",
    "七都镇",
    "震泽镇",
    "桃源镇",
    "黎里镇（汾湖高新区）",
]
DEPARTMENTS = [
    ("housing", "住建局", False),
    ("labour", "人社局", False),
    ("civil", "民政局", False),
    ("police", "公安分局", False),
    ("environment", "生态环境局", False),
    ("court", "区法院联络组", True),
    ("education", "教育局", False),
    ("health", "卫生健康委员会", False),
    ("agriculture", "农业农村局", False),
    ("land", "自然资源和规划局", False),
    ("lili", "黎里镇人民政府", False),
    ("songling", "松陵街道办事处", False),
]

# Subject area → the department the sign-off form suggests; the administrator refines these
# (by category or place) in the admin site. Cases in litigation go to the court liaison.
ROUTING_RULES = [
    ("housing", "housing"),
    ("labour", "labour"),
    ("agriculture", "agriculture"),
    ("land", "land"),
    ("law", "police"),
    ("health", "health"),
    ("education", "education"),
    ("environment", "environment"),
    ("civil", "civil"),
]


@transaction.atomic
def load_reference_data() -> None:
    for order, (code, name, is_accusation) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "is_accusation": is_accusation, "sort_order": order}
        )
    for order, (code, name) in enumerate(SUBJECT_AREAS):
        SubjectArea.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, name in enumerate(PLACES):
        Place.objects.get_or_create(name=name, defaults={"sort_order": order})
    for code, name, is_court_liaison in DEPARTMENTS:
        Department.objects.get_or_create(
            code=code, defaults={"name": name, "is_court_liaison": is_court_liaison}
        )
    if not RoutingRule.objects.exists():
        RoutingRule.objects.bulk_create(
            RoutingRule(
                subject_area=SubjectArea.objects.get(code=area),
                department=Department.objects.get(code=department),
            )
            for area, department in ROUTING_RULES
        )
