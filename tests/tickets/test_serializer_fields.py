"""Input serializers whose declared fields are deep-copied once per class
(``apps.tickets.api.DeclaredFieldsCopiedOnce``): each serializer still gets field objects
of its own, bound to it, and the copies made once are never bound or changed."""

from apps.tickets.api import TicketCreateSerializer, _declared_once


def test_each_serializer_binds_field_objects_of_its_own_and_the_shared_copies_stay_unbound():
    first = TicketCreateSerializer(data={"kind": "complaint"})
    second = TicketCreateSerializer(data={"kind": "nonsense"})
    first.fields, second.fields  # noqa: B018 - built now, from the copies made once
    shared = _declared_once[TicketCreateSerializer]
    for name in ("kind", "subject", "citizen", "new_citizen"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name] is not shared[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert shared[name].field_name is None and shared[name].parent is None
    assert not first.is_valid() and "kind" not in first.errors
    assert not second.is_valid() and "kind" in second.errors
