"""Steps of the workflow that many tests take on the way to the state they are about."""

from cases.forwarding import case_forward
from cases.models import Case, Decision
from cases.sign_off import SignOffData, case_sign_off


def forward(case: Case, leader, department, **sign_off) -> Case:
    """The leader signs the case off to `department` and the forwarding task runs."""
    data = SignOffData(
        decision=sign_off.pop("decision", Decision.FORWARD),
        department_id=department.pk,
        instruction="请研究处理",
        **sign_off,
    )
    case_sign_off(case_id=case.pk, leader=leader, data=data)
    case_forward(sign_off_id=case.sign_offs.last().pk)
    case.refresh_from_db()
    return case
