"""Staff administration outside the Django admin (issue 19, part 6): create, edit, disable
(never delete), enable, reset a password or a second factor, deputies, the last
administrator, permissions, and the staff pages."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts import services, staff_panels
from apps.accounts.models import User
from apps.accounts.notify import SET_PASSWORD
from apps.accounts.roles import Role
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.notifications.models import Notification
from tests.conftest import PASSWORD, enrol_two_factor
from tests.query_budget import exactly

pytestmark = pytest.mark.django_db


def _create(admin_user, username="new.agent", **extra):
    values = {"email": f"{username}@housing.gov.bh", "roles": [Role.AGENT]}
    values.update(extra)
    return services.staff_create(actor=admin_user, username=username, **values)


# ---- services ------------------------------------------------------------------------------


def test_a_new_member_gets_roles_a_department_and_a_one_time_link_not_a_typed_password(
    admin_user, department
):
    member = _create(admin_user, roles=[Role.DEPARTMENT_OFFICER], department=department)
    assert set(member.groups.values_list("name", flat=True)) == {Role.DEPARTMENT_OFFICER.value}
    assert member.department == department
    assert not member.has_usable_password()
    message = Notification.objects.get(event=SET_PASSWORD)
    assert message.to_email == member.email and message.recipient_ref == f"accounts.user:{member.pk}"
    assert "/accounts/password/set/" in message.body


def test_the_one_time_link_sets_the_password_once(client, admin_user):
    member = _create(admin_user)
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    url = reverse("accounts:password_set", kwargs={"uidb64": uid, "token": token})
    form_url = client.get(url)["Location"]  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    client.cookies.clear()
    again = client.get(url, follow=True)
    assert again.context["validlink"] is False


def test_a_new_member_needs_an_e_mail_address_and_a_free_username(admin_user, agent):
    with pytest.raises(ValidationFailed) as error:
        _create(admin_user, email="")
    assert error.value.code == "email_required"
    with pytest.raises(ValidationFailed) as error:
        _create(admin_user, username="AGENT")
    assert error.value.code == "username_taken"
    assert not User.objects.filter(username="new.agent").exists()


def test_a_department_officer_without_a_department_is_refused_and_nothing_is_saved(admin_user):
    with pytest.raises(ValidationFailed) as error:
        _create(admin_user, roles=[Role.DEPARTMENT_OFFICER])
    assert error.value.code == "department_required"
    assert not User.objects.filter(username="new.agent").exists()
    assert not Notification.objects.filter(event=SET_PASSWORD).exists()


def test_only_a_staff_manager_may_create_or_change_staff(supervisor, agent, senior):
    with pytest.raises(PermissionDenied):
        _create(supervisor)
    with pytest.raises(PermissionDenied):
        services.staff_disable(actor=senior, user=agent)
    with pytest.raises(PermissionDenied):
        services.staff_update(actor=senior, user=agent, roles=[Role.ADMINISTRATOR])
    agent.refresh_from_db()
    assert agent.is_active and not agent.groups.filter(name=Role.ADMINISTRATOR.value).exists()


def test_update_changes_roles_department_and_deputy(admin_user, agent, supervisor, department):
    services.staff_update(
        actor=admin_user,
        user=agent,
        roles=[Role.DEPARTMENT_OFFICER, Role.AGENT],
        department=department,
        deputy=supervisor,
    )
    agent.refresh_from_db()
    assert set(agent.groups.values_list("name", flat=True)) == {"department_officer", "agent"}
    assert agent.department == department and agent.deputy == supervisor
    assert agent.has_perm("accounts.work_department_queue")


def test_a_member_cannot_be_their_own_deputy(admin_user, agent):
    with pytest.raises(ValidationFailed) as error:
        services.staff_update(actor=admin_user, user=agent, deputy=agent)
    assert error.value.code == "deputy_self" and "deputy" in error.value.details


def test_a_disabled_member_cannot_be_a_deputy(admin_user, agent, supervisor):
    services.staff_disable(actor=admin_user, user=supervisor)
    with pytest.raises(ValidationFailed) as error:
        services.staff_update(actor=admin_user, user=agent, deputy=supervisor)
    assert error.value.code == "deputy_disabled"


def test_the_database_refuses_a_member_as_their_own_deputy(agent):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=agent.pk).update(deputy=agent.pk)


def test_disabling_a_member_clears_them_as_someone_s_deputy(admin_user, agent, supervisor):
    services.staff_update(actor=admin_user, user=agent, deputy=supervisor)
    services.staff_disable(actor=admin_user, user=supervisor)
    agent.refresh_from_db()
    assert agent.deputy is None


def test_disable_and_enable(admin_user, agent):
    services.staff_disable(actor=admin_user, user=agent)
    agent.refresh_from_db()
    assert not agent.is_active
    services.staff_enable(actor=admin_user, user=agent)
    agent.refresh_from_db()
    assert agent.is_active
    assert User.objects.filter(pk=agent.pk).exists()


def test_one_cannot_disable_oneself(admin_user):
    with pytest.raises(PermissionDenied) as error:
        services.staff_disable(actor=admin_user, user=admin_user)
    assert error.value.code == "disable_self"


def test_the_last_active_administrator_keeps_the_role(admin_user):
    second = services.staff_create(
        actor=admin_user, username="second.admin", email="s@housing.gov.bh", roles=[Role.ADMINISTRATOR]
    )
    services.staff_disable(actor=second, user=admin_user)  # two of them: allowed
    with pytest.raises(Conflict) as error:
        services.staff_update(actor=second, user=second, roles=[Role.SUPERVISOR])
    assert error.value.code == "last_administrator"
    second.refresh_from_db()
    assert second.groups.filter(name=Role.ADMINISTRATOR.value).exists()
    services.staff_enable(actor=second, user=admin_user)
    services.staff_update(actor=second, user=second, roles=[Role.SUPERVISOR])  # now allowed
    assert not second.groups.filter(name=Role.ADMINISTRATOR.value).exists()


def test_a_superuser_counts_as_an_administrator(admin_user, agent):
    # admin_user holds the role and is a superuser: taking the role leaves them administering.
    services.staff_update(actor=admin_user, user=admin_user, roles=[Role.AGENT])
    assert admin_user.has_perm("accounts.manage_staff")


def test_the_last_administrator_message_is_in_arabic_for_an_arabic_user(admin_user):
    from django.utils import translation

    User.objects.filter(pk=admin_user.pk).update(is_superuser=False)
    admin_user.refresh_from_db()
    with translation.override("ar"), pytest.raises(Conflict) as error:
        services.staff_update(actor=admin_user, user=admin_user, roles=[Role.AGENT])
    assert "آخر مدير نظام" in str(error.value.message)
    with translation.override("en"), pytest.raises(Conflict) as error:
        services.staff_update(actor=admin_user, user=admin_user, roles=[Role.AGENT])
    assert "last active administrator" in str(error.value.message)


def test_reset_password_stops_the_old_one_and_sends_a_new_link(admin_user, agent):
    services.staff_update(actor=admin_user, user=agent, email="agent@housing.gov.bh")
    services.staff_reset_password(actor=admin_user, user=agent)
    agent.refresh_from_db()
    assert not agent.check_password(PASSWORD)
    assert Notification.objects.filter(event=SET_PASSWORD).count() == 1


def test_reset_password_needs_an_e_mail_address(admin_user, agent):
    with pytest.raises(ValidationFailed) as error:
        services.staff_reset_password(actor=admin_user, user=agent)
    assert error.value.code == "email_required"
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_reset_password_of_a_disabled_member_is_refused(admin_user, agent):
    services.staff_disable(actor=admin_user, user=agent)
    with pytest.raises(Conflict):
        services.staff_reset_password(actor=admin_user, user=agent)


def test_reset_two_factor_removes_the_devices_and_recovery_codes(admin_user, supervisor):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    services.two_factor_recovery_codes_renew(user=supervisor, actor=supervisor)
    assert TOTPDevice.objects.filter(user=supervisor).exists()
    services.staff_reset_two_factor(actor=admin_user, user=supervisor)
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert not StaticDevice.objects.filter(user=supervisor).exists()


def test_unknown_role_is_refused(admin_user):
    with pytest.raises(ValidationFailed) as error:
        _create(admin_user, roles=["emperor"])
    assert error.value.code == "unknown_role"


# ---- never delete --------------------------------------------------------------------------


def test_the_django_admin_refuses_to_delete_a_staff_member(client, admin_user, agent):
    client.force_login(admin_user)
    response = client.post(f"/admin/accounts/user/{agent.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=agent.pk).exists()
    changelist = client.get("/admin/accounts/user/")
    assert b"delete_selected" not in changelist.content


def test_the_django_admin_cannot_switch_an_account_off_behind_the_staff_pages(client, admin_user, agent):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{agent.pk}/change/")
    assert page.status_code == 200
    assert b'name="is_active"' not in page.content


# ---- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "supervisor", "senior", "outsider"])
def test_the_staff_pages_are_for_administrators_only(client, request, persona, admin_user):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for url in (
        reverse("accounts:staff_list"),
        reverse("accounts:staff_create"),
        reverse("accounts:staff_detail", args=[admin_user.pk]),
        reverse("accounts:staff_edit", args=[admin_user.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert admin_user.email.encode() not in response.content if admin_user.email else True
    response = client.post(reverse("accounts:staff_action", args=[admin_user.pk, "disable"]))
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_staff_list_filters_by_role_department_status_and_search(client, admin_user, agent, officer):
    services.staff_disable(actor=admin_user, user=agent)
    client.force_login(admin_user)
    url = reverse("accounts:staff_list")

    def names(params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [m.username for m in response.context["page"]]

    assert set(names({})) >= {"agent", "officer", "administrator"}
    assert names({"role": "department_officer"}) == ["officer"]
    assert names({"department": officer.department_id}) == ["officer"]
    assert names({"active": "0"}) == ["agent"]
    assert "agent" not in names({"active": "1"})
    assert names({"q": "عائشة"}) == ["agent"]


def test_the_nav_shows_staff_accounts_to_administrators_only(client, admin_user, agent):
    client.force_login(admin_user)
    assert reverse("accounts:staff_list").encode() in client.get(reverse("core:home")).content
    client.force_login(agent)
    assert reverse("accounts:staff_list").encode() not in client.get(reverse("core:home")).content


def test_create_page_makes_the_account_and_shows_it(client, admin_user, department):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_create"),
        {
            "username": "fatima",
            "full_name_ar": "فاطمة",
            "email": "fatima@housing.gov.bh",
            "language": "ar",
            "roles": ["department_officer"],
            "department": department.pk,
        },
    )
    member = User.objects.get(username="fatima")
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:staff_detail", args=[member.pk]
    )
    page = client.get(response["Location"])
    assert "فاطمة" in page.content.decode()
    assert member.department == department


def test_create_page_shows_a_refusal_on_the_field_and_saves_nothing(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_create"),
        {
            "username": "x.officer",
            "email": "x@housing.gov.bh",
            "language": "ar",
            "roles": ["department_officer"],
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["department"]
    assert not User.objects.filter(username="x.officer").exists()


def test_edit_page_refuses_a_self_deputy_with_a_clear_message(client, admin_user, agent):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_edit", args=[agent.pk]),
        {"email": "a@housing.gov.bh", "language": "ar", "roles": ["agent"], "deputy": agent.pk},
    )
    # The form offers only other active members: one's own account is not a valid choice.
    assert response.status_code == 400
    assert response.context["form"].errors["deputy"] == ["اختر موظفًا نشطًا آخر نائبًا."]
    agent.refresh_from_db()
    assert agent.deputy is None


def test_disable_from_the_page_and_the_last_administrator_message(client, admin_user, agent):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:staff_action", args=[agent.pk, "disable"]), follow=True)
    assert response.status_code == 200
    agent.refresh_from_db()
    assert not agent.is_active
    response = client.post(reverse("accounts:staff_action", args=[admin_user.pk, "disable"]), follow=True)
    assert response.status_code == 200
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_an_unknown_action_is_not_found(client, admin_user, agent):
    client.force_login(admin_user)
    assert client.post(reverse("accounts:staff_action", args=[agent.pk, "delete"])).status_code == 404


def test_panels_registered_by_other_apps_show_on_the_detail_page(client, admin_user, agent):
    from django.utils.html import format_html

    panel = staff_panels.StaffPanel(
        "test-history",
        "Change history",
        lambda request, member: format_html("<p>{}</p>", member.username),
        50,
    )
    staff_panels.register(panel)
    staff_panels.register(staff_panels.StaffPanel("test-hidden", "Hidden", lambda r, m: None, 60))
    try:
        client.force_login(admin_user)
        content = client.get(reverse("accounts:staff_detail", args=[agent.pk])).content.decode()
        assert 'data-testid="staff-panel-test-history"' in content and "<p>agent</p>" in content
        assert "staff-panel-test-hidden" not in content
    finally:
        staff_panels.unregister("test-history")
        staff_panels.unregister("test-hidden")


def test_the_detail_page_shows_sessions_tokens_and_two_factor(client, admin_user, supervisor):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    Client().force_login(supervisor)
    Token.objects.create(user=supervisor)
    client.force_login(admin_user)
    member = client.get(reverse("accounts:staff_detail", args=[supervisor.pk])).context["member"]
    assert member.sessions_count == 1 and member.tokens_count == 1 and member.has_two_factor


# Session, user, the member with all their facts (one statement), their roles (one
# prefetch); permissions and the navigation come from Redis. A panel added by another app (the change history)
# adds its own bounded reads: the change history's panel reads the member's changes and, when
# there are some, the role names (two statements).
DETAIL_BUDGET = 6
LIST_BUDGET = 6  # the same, and the paginator's count


def test_the_detail_page_has_a_fixed_query_budget(client, admin_user, agent, supervisor):
    client.force_login(admin_user)
    services.staff_update(actor=admin_user, user=agent, deputy=supervisor)
    url = reverse("accounts:staff_detail", args=[agent.pk])
    first = exactly(DETAIL_BUDGET, lambda: client.get(url))
    assert first.status_code == 200
    enrol_two_factor(agent)
    assert exactly(DETAIL_BUDGET, lambda: client.get(url)).status_code == 200


def test_the_list_page_s_queries_do_not_grow_with_the_rows(client, admin_user, department):
    client.force_login(admin_user)
    url = reverse("accounts:staff_list")
    assert _count(client, url) == LIST_BUDGET
    for n in range(5):
        _create(
            admin_user,
            username=f"bulk{n}",
            roles=[Role.DEPARTMENT_OFFICER, Role.AGENT],
            department=department,
        )
    assert exactly(LIST_BUDGET, lambda: client.get(url)).status_code == 200


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_a_senior_manager_s_standing_deputy_is_offered_first_when_delegating(admin_user, senior, supervisor):
    from apps.escalations.forms import DelegationForm

    services.staff_update(actor=admin_user, user=senior, deputy=supervisor)
    senior.refresh_from_db()
    form = DelegationForm(delegator=senior)
    assert form.initial["deputy"] == supervisor.pk
    assert supervisor in form.fields["deputy"].queryset


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_staff_pages_show_no_bare_date_and_no_english_word_in_arabic(client, admin_user, agent, language):
    from django.utils import translation

    from tests.core.test_pages_policy import BARE_DATE, _texts, _ui_words

    admin_user.language = language
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    words = _ui_words() - {"English"}
    for url in (
        reverse("accounts:staff_list"),
        reverse("accounts:staff_detail", args=[agent.pk]),
        reverse("accounts:staff_edit", args=[agent.pk]),
        reverse("accounts:staff_create"),
    ):
        with translation.override(language):
            response = client.get(url)
        assert response.status_code == 200, url
        texts = _texts(response.content.decode())
        assert not [t for t in texts if BARE_DATE.search(t)], url
        if language == "ar":
            assert not [t for t in texts if t.rstrip(":") in words], url


def test_an_account_without_e_mail_can_have_its_roles_changed_on_the_page(client, admin_user, agent):
    client.force_login(admin_user)
    response = client.post(
        reverse("accounts:staff_edit", args=[agent.pk]),
        {"email": "", "language": "ar", "roles": ["agent", "supervisor"], "full_name_ar": "عائشة"},
    )
    assert response.status_code == 302
    assert set(agent.groups.values_list("name", flat=True)) == {"agent", "supervisor"}


def test_the_detail_page_shows_the_members_change_history_to_those_who_may_read_it(
    client, admin_user, agent, supervisor
):
    from apps.core.history import history_door

    client.force_login(admin_user)
    with history_door("page", actor=admin_user):
        services.staff_update(actor=admin_user, user=agent, deputy=supervisor)
    page = client.get(reverse("accounts:staff_detail", args=[agent.pk])).content.decode()
    assert 'data-testid="staff-panel-history"' in page and 'data-change="' in page
    assert admin_user.get_username() in page.split('data-testid="staff-panel-history"')[1]
