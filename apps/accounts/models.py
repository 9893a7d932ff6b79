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
    # A standing deputy (who stands in when this member is away): an escalation's
    # delegation form offers them first. Never oneself, never a disabled account
    # (apps/accounts/services.py::staff_update checks, with clear messages).
    deputy = models.ForeignKey(
        "self",
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputising_for",
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(condition=~models.Q(deputy=models.F("id")), name="user_deputy_not_self"),
        ]
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
            ("manage_staff", _("Can manage staff accounts, roles and deputies")),
        ]

    def display_name(self) -> str:
        from django.utils import translation

        if translation.get_language() == "ar" and self.full_name_ar:
            return self.full_name_ar
        return self.get_full_name() or self.username

    def __str__(self):
        return self.display_name()


class StaffSession(models.Model):
    """Which session belongs to whom, so a member's sessions are found (and ended) at once.

    Django's session rows hold the user id only inside their encoded data; finding one
    person's sessions would mean decoding every row. A row is written at sign-in
    (``user_logged_in``) and follows the session when its key is cycled (the second factor
    does that: apps/accounts/sessions.py); sign-out removes it. A row whose session has
    expired is harmless (ending it deletes nothing) and is pruned at the member's next
    sign-in.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff session")
        verbose_name_plural = _("staff sessions")

    def __str__(self):
        return f"{self.user_id}:{self.session_key[:6]}…"
