import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .fields import EncryptedTextField
from .validators import birth_date_of


class Window(models.Model):
    """A reception window (接访窗口) of the bureau."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdType(models.TextChoices):
    NONE = "none", _("None given")
    RESIDENT_ID = "resident_id", _("Resident ID card")
    OTHER = "other", _("Other document")


class Petitioner(models.Model):
    """A person who petitions (信访人); the identity may be partial."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices, default=IdType.NONE)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    # HMAC of the normalised number: the only way an ID number is searched.
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=40, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        constraints = [
            # One record per identity document: a second registration finds the first instead.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="petitioner_unique_id_number",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def birth_date(self) -> datetime.date | None:
        """Digits 7–14 of a resident ID, read from the decrypted number. Not a column: beside the
        masked number (digits 1–4 and 15–18) it left two digits hidden, and the check character
        gave those away."""
        if self.id_type != IdType.RESIDENT_ID or not self.id_number:
            return None
        return birth_date_of(self.id_number)


class ContactKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    LANDLINE = "landline", _("Landline")
    ADDRESS = "address", _("Postal address")


# A petitioner with none of these cannot be called back.
PHONE_KINDS = (ContactKind.MOBILE, ContactKind.LANDLINE)


class Relation(models.TextChoices):
    SELF = "self", _("Self")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    SPOUSE = "spouse", _("Spouse")
    OTHER_RELATIVE = "relative", _("Other relative")
    AGENT = "agent", _("Agent")
    EMPLOYER = "employer", _("Work unit")


def _label(choices: type[models.TextChoices], value: str) -> str:
    """The choice's label; a value not among the choices (written past the forms) as it is, as
    get_FOO_display() shows it."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class ContactPoint(models.Model):
    """A way to reach a petitioner, possibly through someone else (her son's phone)."""

    petitioner = models.ForeignKey(
        Petitioner, verbose_name=_("petitioner"), on_delete=models.CASCADE, related_name="contacts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = models.CharField(_("number or address"), max_length=200)
    # Digits only for phones, so that any way of typing a number finds it; empty for addresses.
    lookup_key = models.CharField(
        _("phone lookup key"), max_length=20, blank=True, db_index=True, editable=False
    )
    relation = models.CharField(_("whose"), max_length=10, choices=Relation.choices, default=Relation.SELF)
    holder_name = models.CharField(_("holder's name"), max_length=50, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"))

    class Meta:
        ordering = ["-is_primary", "created_at", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["petitioner"], condition=Q(is_primary=True), name="contact_one_primary"
            ),
        ]

    def __str__(self):
        return self.value

    @property
    def kind_label(self) -> str:
        """get_kind_display() without translating every choice (see cases.models.Case.status_label):
        the repeat look-up shows a card's contacts on every keystroke, and Django's version took
        an eighth of it."""
        return _label(ContactKind, self.kind)

    @property
    def relation_label(self) -> str:
        """get_relation_display(), as kind_label."""
        return _label(Relation, self.relation)


class Visit(models.Model):
    """One batch at one window (来访批次): one or more people about one matter."""

    visited_at = models.DateTimeField(_("time"), db_index=True)
    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.PROTECT)
    receptionist = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("receptionist"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="visits"
    )
    persons = models.PositiveIntegerField(_("persons"))
    # Fixed when registered, so that a later change of the threshold does not rewrite history.
    is_group = models.BooleanField(_("group visit"), default=False)
    is_repeat = models.BooleanField(_("repeat"), default=False)
    petitioners = models.ManyToManyField(
        Petitioner, through="Attendance", verbose_name=_("petitioners"), related_name="visits"
    )
    note = models.TextField(_("note"), blank=True)
    # The desk page's one-time key: the same page sent twice (a double click, the browser's
    # "resend") registers one visit.
    submission = models.UUIDField(_("submission key"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.CheckConstraint(condition=Q(persons__gte=1), name="visit_persons_positive")]

    def __str__(self):
        return f"{self.visited_at:%Y-%m-%d %H:%M} {self.window}"

    @property
    def visited_on(self) -> datetime.date:
        """The day of the visit in the bureau's time zone: shown as `visited_on.isoformat`, what
        `visited_at|date:"Y-m-d"` shows, in a twentieth of the time (the look-up's cards)."""
        return timezone.localdate(self.visited_at)


class Attendance(models.Model):
    """A named person present at a visit, and whether the group chose them as representative."""

    # db_index=False: the unique (visit, petitioner) constraint leads with the visit and serves it.
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="attendances", db_index=False
    )
    petitioner = models.ForeignKey(
        Petitioner, verbose_name=_("petitioner"), on_delete=models.PROTECT, related_name="attendances"
    )
    is_representative = models.BooleanField(_("representative"), default=False)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["visit", "petitioner"], name="attendance_once_per_visit"),
        ]

    def __str__(self):
        return f"{self.visit_id}: {self.petitioner_id}"


class TallySnapshot(models.Model):
    """The day's tally as it stood at night, kept so that later corrections to visits do not
    silently change a figure already reported upwards."""

    date = models.DateField(_("date"), primary_key=True)
    figures = models.JSONField(_("figures"))
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("tally snapshot")
        verbose_name_plural = _("tally snapshots")

    def __str__(self):
        return str(self.date)
