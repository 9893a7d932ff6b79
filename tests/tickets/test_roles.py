"""The ticket rows of the role matrix (apps/accounts/roles.py)."""

import pytest

EXPECTED = {
    # permission                   agent  superv officer senior secret member admin outsider
    "tickets.add_ticket":          (1,    1,     0,      0,     0,     0,     0,    0),
    "tickets.view_ticket":         (1,    1,     1,      1,     0,     0,     1,    0),
    "tickets.view_all_tickets":    (1,    1,     0,      1,     0,     0,     1,    0),
    "tickets.work_ticket":         (1,    1,     1,      0,     0,     0,     0,    0),
    "tickets.assign_ticket":       (1,    1,     1,      0,     0,     0,     0,    0),
    "tickets.merge_ticket":        (1,    1,     0,      0,     0,     0,     0,    0),
    "tickets.change_category":     (0,    0,     0,      0,     0,     0,     1,    0),
    "citizens.add_citizen":        (1,    1,     0,      0,     0,     0,     0,    0),
    "citizens.change_citizen":     (1,    1,     0,      0,     0,     0,     0,    0),
}  # fmt: skip
PERSONAS = ["agent", "supervisor", "officer", "senior", "secretary", "member", "admin_user", "outsider"]


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("index, persona", list(enumerate(PERSONAS)))
def test_ticket_permissions_by_role(request, permission, index, persona):
    user = request.getfixturevalue(persona)
    if persona == "admin_user":
        user.is_superuser = False
        user.save(update_fields=["is_superuser"])
    fresh = type(user).objects.get(pk=user.pk)
    assert fresh.has_perm(permission) is bool(EXPECTED[permission][index])
