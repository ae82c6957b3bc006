"""The official documents of a case (issue 4 §1): the forwarding or assignment letter the
department files, the notices and the reply the petitioner takes home.

A document is numbered and its content fixed in the transaction of the step that issues it:
the row is also the outbox of its PDF, which a Celery task renders afterwards. A later change
to the case never rewrites a letter already issued."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent


class DocumentKind(models.TextChoices):
    FORWARDING_LETTER = "forwarding_letter", _("Forwarding letter")
    ASSIGNMENT_LETTER = "assignment_letter", _("Assignment letter")
    RECEIPT_NOTICE = "receipt_notice", _("Notice of receipt")
    REPLY_LETTER = "reply_letter", _("Reply letter")
    EXTENSION_NOTICE = "extension_notice", _("Extension notice")


class DocumentState(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def document_path(document: "Document", filename: str) -> str:
    # A random folder: the number is no secret, but a guessable path must never be one either.
    return f"documents/{document.created_at:%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Document(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="documents")
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("step"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    number = models.CharField(_("document number"), max_length=40, unique=True)
    # What the letter says, as it was when the step happened.
    content = models.JSONField(_("content"))
    state = models.CharField(
        _("state"), max_length=10, choices=DocumentState.choices, default=DocumentState.PENDING
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("issued at"))
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("render last requested at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            # One letter of a kind per step: a task run twice cannot issue a second one.
            models.UniqueConstraint(fields=["event", "kind"], name="document_one_per_step"),
            models.CheckConstraint(
                condition=~Q(state="ready") | (Q(size__gt=0) & ~Q(file="")), name="document_ready_has_file"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="document_pending", condition=Q(state=DocumentState.PENDING)
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


class DocumentNumberCounter(models.Model):
    """The last number given to a kind of document in a year: letters are numbered without gaps."""

    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="document_counter_kind_year")]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"
