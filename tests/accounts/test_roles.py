import pytest
from django.contrib.auth.models import Group

from apps.accounts import services
from apps.accounts.roles import ROLE_PERMISSIONS, Role, roles_of, sync_role_permissions
from apps.core.errors import ValidationFailed

EXPECTED = {
    # permission                          agent  superv officer senior secret member admin
    "accounts.use_agent_console":          (1,    1,     0,      0,     0,     0,     0),
    "accounts.view_supervisor_dashboard":  (0,    1,     0,      1,     0,     0,     1),
    "accounts.work_department_queue":      (0,    0,     1,      0,     0,     0,     0),
    "accounts.view_uyc_cases":             (0,    0,     0,      1,     0,     0,     1),
    "accounts.manage_committee":           (0,    0,     0,      0,     1,     0,     0),
    "accounts.view_committee":             (0,    0,     0,      0,     1,     1,     1),
    "accounts.view_citizen_identity":      (1,    1,     0,      1,     0,     0,     1),
    "accounts.administer":                 (0,    0,     0,      0,     0,     0,     1),
}  # fmt: skip
PERSONAS = ["agent", "supervisor", "officer", "senior", "secretary", "member", "admin_user"]


def test_every_role_exists_as_a_group(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_the_matrix_names_every_role():
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("index, persona", list(enumerate(PERSONAS)))
def test_role_matrix(request, permission, index, persona):
    user = request.getfixturevalue(persona)
    if persona == "admin_user":
        user.is_superuser = False  # judge the administrator role by its group, not superuser
        user.save(update_fields=["is_superuser"])
    fresh = type(user).objects.get(pk=user.pk)
    assert fresh.has_perm(permission) is bool(EXPECTED[permission][index])


def test_an_outsider_has_no_capability(outsider):
    assert not any(outsider.has_perm(p) for p in EXPECTED)
    assert roles_of(outsider) == []


def test_sync_is_idempotent_and_restores_a_tampered_group(agent):
    group = Group.objects.get(name=Role.AGENT.value)
    group.permissions.clear()
    sync_role_permissions()
    sync_role_permissions()
    names = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert names == set(ROLE_PERMISSIONS[Role.AGENT])


def test_a_department_officer_needs_a_department(db):
    with pytest.raises(ValidationFailed) as error:
        services.user_create(
            username="nodept", password="x" * 12, roles=[Role.DEPARTMENT_OFFICER], actor=None
        )
    assert error.value.code == "department_required"
    from apps.accounts.models import User

    assert not User.objects.filter(username="nodept").exists()
