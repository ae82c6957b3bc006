from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose holidays are known. Each year's calendar is published late (usually in
    November of the year before): until it is loaded, that year counts plain weekends only and
    every deadline reaching into it is shown as provisional."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=100, default="chinese-calendar")
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)


class SpecialDay(models.Model):
    """A day that breaks the weekday/weekend rule: a public holiday on a weekday, or a make-up
    working day (调休) on a weekend. The administrator corrects these rows."""

    date = models.DateField(_("date"), primary_key=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked for a make-up working day (调休), clear for a holiday.")
    )
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")

    def __str__(self):
        return f"{self.date} {self.name}"
