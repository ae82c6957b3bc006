from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    RECEPTIONIST = "receptionist", _("Window receptionist")
    LEADER = "leader", _("Bureau leader")
    DEPARTMENT = "department", _("Department staff")
    ADMINISTRATOR = "administrator", _("Administrator")


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "cases.Department",
        verbose_name=pgettext_lazy("of a user", "department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Department staff act for exactly one department; nobody else is bound to one.
            models.CheckConstraint(
                condition=Q(role=Role.DEPARTMENT, department__isnull=False)
                | (~Q(role=Role.DEPARTMENT) & Q(department__isnull=True)),
                name="user_department_iff_department_role",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # A new password ends the API tokens as Django ends the browser sessions (the session
        # auth hash): a user who suspects a token leaked changes her password.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=self).delete()

    def get_full_name(self):
        # Chinese order: family name first, no space (张进军).
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def is_receptionist(self) -> bool:
        return self.role == Role.RECEPTIONIST

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_department_staff(self) -> bool:
        return self.role == Role.DEPARTMENT

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser
