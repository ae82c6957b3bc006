"""FieldsBuiltOnce: every serializer gets fields of its own, nested lists included."""

import pytest

from intake.api.serializers import VisitInputSerializer

pytestmark = pytest.mark.django_db


def payload(reference, case_payload, *people) -> dict:
    return {
        "window": reference["window"].pk,
        "persons": len(people),
        "attendees": [{"new": person} for person in people],
        "case": case_payload,
    }


def test_each_serializer_has_its_own_list_of_people(reference, case_payload):
    first = VisitInputSerializer(data=payload(reference, case_payload, {"name": "王秀英"}))
    second = VisitInputSerializer(data=payload(reference, case_payload, {"name": "李四"}))

    people_of_first = first.fields["attendees"]
    people_of_second = second.fields["attendees"]

    assert people_of_first is not people_of_second
    assert people_of_first.child is not people_of_second.child
    assert people_of_first.child.root is first
    assert people_of_second.child.root is second


def test_one_visits_people_do_not_reach_another(reference, case_payload):
    refused = VisitInputSerializer(
        data=payload(reference, case_payload, {"name": "王秀英"}, {"name": "李四", "id_type": "passport"})
    )
    accepted = VisitInputSerializer(
        data=payload(reference, case_payload, {"name": "张三"}, {"name": "赵六", "address": "黎里镇"})
    )

    assert not refused.is_valid()
    assert accepted.is_valid(), accepted.errors

    assert list(refused.errors["attendees"][1]["new"]) == ["id_type"]
    assert list(refused.errors["attendees"]) == [1]
    names = [person["new"]["name"] for person in accepted.validated_data["attendees"]]
    assert names == ["张三", "赵六"]
