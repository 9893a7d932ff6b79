from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Department(TimeStampedModel):
    """A unit of the ministry that owns work: tickets, follow-ups, referrals."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("head of department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        from django.utils import translation

        return self.name_ar if translation.get_language() == "ar" else self.name_en


class User(AbstractUser):
    """A member of staff. Citizens are not users; they live in ``apps.citizens``."""

    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        ENGLISH = "en", _("English")

    full_name_ar = models.CharField(_("full name in Arabic"), max_length=150, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ARABIC
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        # Capabilities that are not about one model's rows; the role matrix grants them.
        permissions = [
            ("use_agent_console", _("Can use the agent console")),
            ("view_supervisor_dashboard", _("Can view supervisor dashboards")),
            ("work_department_queue", _("Can work the department queue")),
            ("view_uyc_cases", _("Can view Under Your Command cases")),
            ("manage_committee", _("Can run committee meetings as secretary")),
            ("view_committee", _("Can view committee meetings and decisions")),
            ("view_citizen_identity", _("Can see a citizen's full CPR and contact details")),
            ("administer", _("Can administer the system")),
        ]

    def display_name(self) -> str:
        from django.utils import translation

        if translation.get_language() == "ar" and self.full_name_ar:
            return self.full_name_ar
        return self.get_full_name() or self.username

    def __str__(self):
        return self.display_name()
