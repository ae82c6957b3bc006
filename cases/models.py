import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A receiving department (主管部门 / 接办部门)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_court_liaison = models.BooleanField(
        _("court liaison"), default=False, help_text=_("Receives cases in litigation (诉访分离).")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Category(models.Model):
    """The kind of matter: 建议意见, 检举控告, 申诉求决."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_accusation = models.BooleanField(
        _("accusation"),
        default=False,
        help_text=_("Material of accusations is never passed to the person accused (Art. 30)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class SubjectArea(models.Model):
    """What the matter is about: 城乡建设/拆迁安置, 劳动社保/拖欠工资, …"""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("subject area")
        verbose_name_plural = _("subject areas")

    def __str__(self):
        return self.name


class Place(models.Model):
    """A town (镇) or street (街道) of the district, where the matter arose."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    AWAITING_SIGN_OFF = "awaiting_sign_off", _("Awaiting sign-off")
    BACK_TO_WINDOW = "back_to_window", _("Back at the window")
    SIGNED_OFF = "signed_off", _("Signed off")
    FORWARDED = "forwarded", _("Forwarded")
    ASSIGNED = "assigned", _("Assigned")
    RECEIVED = "received", _("Received by department")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    RETURNED = "returned", _("Returned by department")
    REPLIED = "replied", _("Replied")
    CONCLUDED = "concluded", _("Concluded")
    CLOSED = "closed", _("Closed")


# A case in one of these needs nothing more from anyone.
FINISHED_STATUSES = (Status.DECLINED, Status.CONCLUDED, Status.CLOSED)


class Case(models.Model):
    """A matter (信访事项): registered with its first visit, carried by the workflow to a department."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    facts = models.TextField(_("facts"))
    request = models.TextField(_("request"))
    reasons = models.TextField(_("reasons"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    subject_area = models.ForeignKey(SubjectArea, verbose_name=_("subject area"), on_delete=models.PROTECT)
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT)
    organisation = models.CharField(_("organisation complained about"), max_length=200, blank=True)
    in_litigation = models.BooleanField(_("in litigation"), default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    is_group = models.BooleanField(_("group visit"), default=False)
    petitioners = models.ManyToManyField(
        "intake.Petitioner", verbose_name=_("petitioners"), related_name="cases"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("receiving department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), db_index=True)
    submitted_at = models.DateTimeField(_("submitted for sign-off at"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["place", "status"], name="case_place_status"),
            models.Index(fields=["department", "status"], name="case_department_status"),
            # The open cases are a few per cent of all: the missing-contact list and the queues
            # read them through this index in registration order.
            models.Index(
                fields=["registered_at"],
                condition=~Q(status__in=FINISHED_STATUSES),
                name="case_open_registered",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class CaseNumberCounter(models.Model):
    """The last case number given in a year; its row is locked while the next one is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class CaseEvent(models.Model):
    """One entry in a case's timeline: who did what, and the status before and after."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_time")]

    def __str__(self):
        return f"{self.case_id} {self.action}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never reuses the uploader's file name, which may carry personal data.
    return f"attachments/{instance.case.registered_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A scanned letter or photo; served only through a view that checks the viewer's right."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty")]

    def __str__(self):
        return self.original_name
