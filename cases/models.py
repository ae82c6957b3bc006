import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .matching import KEY_LENGTH


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


class ReplyOutcome(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    EXPLAINED = "explained", _("Explained")
    NOT_SUPPORTED = "not_supported", _("Not supported")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Case(models.Model):
    """A matter (信访事项): registered with its first visit, carried by the workflow to a department."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    # Kept by the database from the status. Its index condition has no parameter: a query on
    # `status NOT IN (...)` sends the statuses as parameters, and a prepared statement's generic
    # plan, which cannot see them, cannot use an index made for them.
    is_open = models.GeneratedField(
        verbose_name=_("open"),
        expression=~Q(status__in=FINISHED_STATUSES),
        output_field=models.BooleanField(_("open")),
        db_persist=True,
    )
    facts = models.TextField(_("facts"))
    request = models.TextField(_("request"))
    reasons = models.TextField(_("reasons"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    subject_area = models.ForeignKey(SubjectArea, verbose_name=_("subject area"), on_delete=models.PROTECT)
    # db_index=False here, on department and on CaseEvent.case: the composite indexes of Meta lead
    # with the same column and serve every query on it alone.
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, db_index=False)
    organisation = models.CharField(_("organisation complained about"), max_length=200, blank=True)
    # cases.matching.organisation_key of the organisation: other people who come about the same
    # organisation are shown its open cases at the window.
    organisation_key = models.CharField(
        _("organisation key"), max_length=KEY_LENGTH, blank=True, default="", editable=False
    )
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
        db_index=False,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), db_index=True)
    submitted_at = models.DateTimeField(_("submitted for sign-off at"), null=True, blank=True)
    # Set by a sign-off that assigns (交办): the department's completion report is due then.
    report_due = models.DateField(_("report due"), null=True, blank=True)
    returns_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    # `department` keeps naming the department a case was delivered to after it gave the case
    # back; this says it did: set by the return, cleared by the next delivery. That department
    # does not handle the case, and never did one the bureau then answered at the window.
    department_gave_back = models.BooleanField(_("returned by the department"), default=False, editable=False)
    reply_outcome = models.CharField(_("reply"), max_length=20, choices=ReplyOutcome.choices, blank=True)
    reply_text = models.TextField(_("reply text"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    satisfaction_department = models.CharField(
        _("satisfaction with the department"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    satisfaction_bureau = models.CharField(
        _("satisfaction with the bureau"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    review_requested_at = models.DateTimeField(_("review requested at"), null=True, blank=True)

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
                condition=Q(is_open=True),
                name="case_open_registered",
            ),
            # The window's look-up of a matter by its organisation: its newest open cases.
            models.Index(
                fields=["organisation_key", "registered_at"],
                condition=Q(is_open=True),
                name="case_open_organisation",
            ),
            # The API's filter by organisation, over every case.
            models.Index(fields=["organisation_key"], name="case_organisation"),
            # The leader's queue: group visits, then urgent cases, then the oldest.
            models.Index(
                fields=["-is_group", "-urgent", "submitted_at", "id"],
                condition=Q(status=Status.AWAITING_SIGN_OFF),
                name="case_sign_off_queue",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def registered_on(self) -> datetime.date:
        """The day of registration in the bureau's time zone: shown as `registered_on.isoformat`,
        what `registered_at|date:"Y-m-d"` shows, in a fraction of the time (Django's date filter
        took a ninth of a look-up that offers five cases of the organisation typed)."""
        return timezone.localdate(self.registered_at)

    @property
    def status_label(self) -> str:
        """get_status_display() for lists: Django's version hashes every choice's lazy label,
        one translation each, on every call (13 per row)."""
        return str(Status(self.status).label)

    @property
    def named_department(self) -> "Department | None":
        """The receiving department every list, ledger and filter names (selectors.named_department
        is the same rule in SQL): after a return, the department that gave the case back only
        while the case waits to be routed again; none once the bureau answered it itself or
        signed it off elsewhere, until the next delivery names the new one."""
        if self.department_gave_back and self.status != Status.RETURNED:
            return None
        return self.department


class CaseNumberCounter(models.Model):
    """The last case number given in a year; its row is locked while the next one is taken."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class CaseEvent(models.Model):
    """One entry in a case's timeline: who did what, and the status before and after."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
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

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty")]

    def __str__(self):
        return self.original_name


class Decision(models.TextChoices):
    FORWARD = "forward", _("Forward")
    ASSIGN = "assign", _("Assign with a report due")
    ANSWER_AT_WINDOW = "answer_at_window", _("Answer at the window")
    BACK_TO_WINDOW = "back_to_window", _("Back to the window")


ROUTING_DECISIONS = (Decision.FORWARD, Decision.ASSIGN)


class SignOff(models.Model):
    """A leader's decision on a case (签阅 / 批示). A case signed off again after a return has
    several; each that routes the case gets exactly one Forwarding."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sign_offs")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed off by"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("receiving department"), on_delete=models.PROTECT, null=True, blank=True
    )
    instruction = models.TextField(_("instruction"), blank=True)
    report_due = models.DateField(_("report due"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed off at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision__in=ROUTING_DECISIONS) | Q(department__isnull=False),
                name="signoff_routing_names_department",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.ASSIGN) | Q(report_due__isnull=False),
                name="signoff_assign_has_report_due",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.decision}"


class Forwarding(models.Model):
    """The case placed in a department's inbox: one per sign-off, whatever retries happen."""

    sign_off = models.OneToOneField(
        SignOff, verbose_name=_("sign-off"), on_delete=models.PROTECT, related_name="forwarding"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="forwardings"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("receiving department"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("forwarded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")

    def __str__(self):
        return f"{self.case_id} → {self.department_id}"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """Work that must not be lost, written in the same transaction as the decision that calls
    for it. The task marks it done; the periodic relay re-sends what is still pending."""

    topic = models.CharField(_("topic"), max_length=30)
    object_id = models.PositiveBigIntegerField(_("object ID"))
    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    sends = models.PositiveIntegerField(_("times sent"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [models.UniqueConstraint(fields=["topic", "object_id"], name="outbox_one_per_object")]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(state=OutboxState.PENDING), name="outbox_pending")
        ]

    def __str__(self):
        return f"{self.topic}:{self.object_id} {self.state}"


class RoutingRule(models.Model):
    """Suggests the receiving department at sign-off. An empty field matches anything; the rule
    that names the most fields wins, then the lower `priority`."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True
    )
    subject_area = models.ForeignKey(
        SubjectArea, verbose_name=_("subject area"), on_delete=models.CASCADE, null=True, blank=True
    )
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.CASCADE, null=True, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("suggested department"), on_delete=models.CASCADE
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        parts = [str(part) for part in (self.category, self.subject_area, self.place) if part]
        return f"{' / '.join(parts) or '*'} → {self.department}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """An extension of the handling time (Art. 34): at most 30 days in all, approved by a
    leader, with the reason the petitioner will be told."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason (told to the petitioner)"))
    state = models.CharField(
        _("state"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=30), name="extension_at_most_30_days"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="extension_one_pending_per_case"
            ),
        ]

    def __str__(self):
        return f"{self.case_id} +{self.days}"


class SupervisionNotice(models.Model):
    """A leader's supervision (督办) of a case; the department must answer it."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="supervision_notices"
    )
    text = models.TextField(_("notice"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # A notice is to the department holding the case; when that department returns the case
    # unanswered, the notice lapses with the return rather than passing to the next department.
    # To the department holding the case when it was sent; none while no department could
    # answer (cases.supervision).
    department = models.ForeignKey(
        Department,
        verbose_name=_("to department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lapsed_at = models.DateTimeField(
        _("lapsed"),
        null=True,
        blank=True,
        help_text=_("When the department it was to returned or declined the case without answering."),
    )

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")

    def __str__(self):
        return f"{self.case_id} {self.sent_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        """An answer is owed by the department it is to."""
        return self.department_id is not None and self.answered_at is None and self.lapsed_at is None


class ClockKind(models.TextChoices):
    FORWARD = "forward", _("Forward (15 days)")
    NOTIFY_RECEIPT = "notify_receipt", _("Tell the petitioner (15 days)")
    RETURN = "return", _("Return (5 working days)")
    HANDLING = "handling", _("Handling (60 days)")
    REPORT = "report", _("Completion report")
    REVIEW = "review", _("Review request (30 days)")


class Clock(models.Model):
    """One legal time limit running on a case. A clock stops when what it waits for is done;
    the deadline sweep reads the running ones."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Whose clock it is; empty for the bureau's own."),
    )
    started_on = models.DateField(_("started"))
    due_on = models.DateField(_("due"))
    # A year on the way had no holiday data yet: weekends only were skipped.
    provisional = models.BooleanField(_("provisional"), default=False)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    # 0: nothing sent; 1: the due-soon reminder went out; 2: the overdue one.
    alert_level = models.PositiveSmallIntegerField(_("reminder level"), default=0)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(stopped_at__isnull=True),
                name="clock_one_running_per_kind",
            )
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(stopped_at__isnull=True), name="clock_running_due"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.due_on}"

    @property
    def kind_label(self) -> str:
        """get_kind_display() without translating every choice (see Case.status_label)."""
        return str(ClockKind(self.kind).label)

    @property
    def days_left(self) -> int:
        """Calendar days to the due date; negative once overdue."""
        return (self.due_on - timezone.localdate()).days


class Reminder(models.Model):
    """A reminder (催办) sent for a clock at a threshold: never the same one twice."""

    class Level(models.IntegerChoices):
        DUE_SOON = 1, _("Due soon")
        OVERDUE = 2, _("Overdue")

    clock = models.ForeignKey(
        Clock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="reminders"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["clock", "level"], name="reminder_once_per_level")]

    def __str__(self):
        return f"{self.clock} {self.level}"
