from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    AWAITING_SIGN_OFF = "awaiting_sign_off", _("Awaiting sign-off")
    DIGEST = "digest", _("Cases awaiting sign-off")
    NEW_CASE = "new_case", _("New case")
    REMINDER = "reminder", _("Reminder")
    SUPERVISION = "supervision", _("Supervision notice")
    BACK_TO_WINDOW = "back_to_window", _("Back at the window")
    RETURNED = "returned", _("Returned by department")
    EXTENSION = "extension", _("Extension")
    DISSATISFIED = "dissatisfied", _("Dissatisfied petitioner")
    GROUP_VISIT = "group_visit", _("Group visit")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set when the notification is to go out by email as well; cleared once it went out.
    email_pending = models.BooleanField(_("email pending"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notification_recipient"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["id"], condition=Q(email_pending=True), name="notification_email_pending"),
        ]

    def __str__(self):
        return self.message


class DigestRun(models.Model):
    """The leaders' digest covers the cases submitted up to `until`; the next one starts there,
    so a retried digest task never repeats a case."""

    until = models.DateTimeField(_("covers up to"), unique=True)
    cases = models.PositiveIntegerField(_("number of cases"), default=0)

    class Meta:
        ordering = ["-until"]
        verbose_name = _("leaders' digest")
        verbose_name_plural = _("leaders' digests")

    def __str__(self):
        return f"{self.until}: {self.cases}"
