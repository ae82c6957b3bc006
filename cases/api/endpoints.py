"""The case actions of the API (`POST cases/{id}/<endpoint>/`, DESIGN §6) and the workflow
actions behind each. Who may call an endpoint is read from the transition table, never
restated here."""

from ..models import Case
from ..offered import CaseFacts, actions_offered
from ..workflow import TRANSITIONS, Action, allowed_actions

ENDPOINT_ACTIONS: dict[str, tuple[Action, ...]] = {
    "sign-off": (Action.FORWARD, Action.ASSIGN, Action.ANSWER_AT_WINDOW, Action.BACK_TO_WINDOW),
    "receive": (Action.RECEIVE,),
    "accept": (Action.ACCEPT,),
    "decline": (Action.DECLINE,),
    "return": (Action.RETURN,),
    "extend": (Action.REQUEST_EXTENSION,),
    "extension-decision": (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION),
    "reply": (Action.REPLY,),
    "conclude": (Action.CONCLUDE,),
    "report": (Action.REPORT,),
    "note": (Action.NOTE,),
    "supervise": (Action.SUPERVISE,),
    "supervision-answer": (Action.ANSWER_SUPERVISION,),
    "feedback": (Action.FOLLOW_UP,),
    "review": (Action.REQUEST_REVIEW,),
    "close": (Action.CLOSE,),
}


def roles_for(endpoint: str) -> frozenset[str]:
    """The roles that may call the endpoint in some state of a case."""
    actions = ENDPOINT_ACTIONS[endpoint]
    return frozenset().union(
        *(transition.roles for (_, action), transition in TRANSITIONS.items() if action in actions)
    )


def endpoints_allowed(status: str, role: str) -> list[str]:
    """The endpoints the transition table allows this role in this state: a call of any other is
    refused (409) before its input is read."""
    return _endpoints_of(allowed_actions(status, role))


def endpoints_offered(case: Case, role: str, facts: CaseFacts) -> list[str]:
    """The endpoints offered to the role now (the case detail's `actions`): allowed in the case's
    state and left something to do by its facts (cases.offered), as the case page offers them."""
    return _endpoints_of(actions_offered(case, role, facts))


def _endpoints_of(actions: list[Action]) -> list[str]:
    """The endpoints of `actions`, in the order of ENDPOINT_ACTIONS."""
    return [endpoint for endpoint, of_endpoint in ENDPOINT_ACTIONS.items() if set(actions) & set(of_endpoint)]


def action_asked(endpoint: str, body) -> Action:
    """The action a call of `endpoint` asks for: for a sign-off, the body's decision."""
    actions = ENDPOINT_ACTIONS[endpoint]
    decision = body.get("decision") if isinstance(body, dict) else None
    return next((action for action in actions if action == decision), actions[0])
