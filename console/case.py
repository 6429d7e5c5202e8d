"""The case page and its actions: approve, reject with a reason, edit a draft, choose
another option, reclassify from triage. Every rule is the service's (``desk.decide``): a
decision this page offers is checked again on the server, and a stale page is told."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exdesk.console.segments import edifact_segments, x12_segments
from exdesk.console.web import Viewer, check_csrf, desk_of, need_role, page, secured
from exdesk.domain import (
    Approval,
    Category,
    CustomerDraft,
    FulfillmentRecommendation,
)
from exdesk.errors import ConflictError, ExdeskError, InputError, PermissionDeniedError
from exdesk.service.people import session_principal
from exdesk.service.review import CaseReview, draft_problems, review_case

router = APIRouter(prefix="/console/cases", include_in_schema=False)

READERS: tuple[Literal["cs_rep", "ops", "finance", "compliance", "admin"], ...] = (
    "cs_rep",
    "ops",
    "finance",
    "compliance",
    "admin",
)
Verb = Literal["approve", "reject", "edit"]


def _document_segments(review: CaseReview) -> list[Any]:
    document = review.case.event.document
    if document is None:
        return []
    if document.kind == "x12":
        return x12_segments(document.content)
    if document.kind == "edifact":
        return edifact_segments(document.content)
    return []


def _render(
    request: Request,
    viewer: Viewer,
    case_id: str,
    *,
    notice: str | None = None,
    error: str | None = None,
    draft_edit: CustomerDraft | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    session, _ = viewer
    review = review_case(desk_of(request), session.tenant_id, case_id)
    pending = next((a for a in review.case.approvals if a.status == "pending"), None)
    problems: list[str] = []
    if draft_edit is not None:
        problems = draft_problems(draft_edit, review.request)
    return page(
        "case.html",
        session,
        status_code=status_code,
        review=review,
        case=review.case,
        pending=pending,
        may_decide=pending is not None and pending.required_role in session.roles,
        segments=_document_segments(review),
        categories=get_args(Category),
        notice=notice,
        error=error,
        draft_edit=draft_edit,
        draft_problems=problems,
    )


@router.get("/{case_id}")
def case_page(request: Request, viewer: Viewer, case_id: str) -> HTMLResponse:
    """The case: event, classification, timeline, proposals, draft, precedents, chain."""
    need_role(viewer[0], *READERS)
    notice = {"decided": "Your decision was recorded."}.get(request.query_params.get("done", ""))
    return _render(request, viewer, case_id, notice=notice)


def _edited_proposal(
    approval: Approval,
    verb: Verb,
    subject: str | None,
    body: str | None,
    category: str | None,
    option: int | None,
) -> dict[str, Any] | None:
    """The replacement proposal an edit form describes, by the approval's kind."""
    if verb != "edit":
        return None
    if approval.kind == "customer_message" and isinstance(approval.proposal, CustomerDraft):
        return approval.proposal.model_copy(
            update={"subject": (subject or "").strip(), "body": (body or "").strip()}
        ).model_dump(mode="json")
    if approval.kind == "classification":
        return {"category": (category or "").strip()}
    if approval.kind == "remediation" and isinstance(approval.proposal, FulfillmentRecommendation):
        options = approval.proposal.options
        if option is None or not 0 <= option < len(options):
            raise InputError("choose one of the options", location="option")
        return options[option].model_dump(mode="json")
    raise InputError(f"a {approval.kind} proposal is not edited here", location="decision")


@router.post("/{case_id}/decide")
def decide(
    request: Request,
    viewer: Viewer,
    case_id: str,
    csrf_token: Annotated[str, Form(max_length=200)],
    approval_id: Annotated[str, Form(max_length=100)],
    decision: Annotated[Verb, Form()],
    comment: Annotated[str | None, Form(max_length=2000)] = None,
    subject: Annotated[str | None, Form(max_length=300)] = None,
    body: Annotated[str | None, Form(max_length=20_000)] = None,
    category: Annotated[str | None, Form(max_length=40)] = None,
    option: Annotated[int | None, Form(ge=0, le=100)] = None,
) -> Response:
    """Decide the approval this page showed. Another person's decision in between makes
    this one a conflict: nothing is done, and the page says who decided."""
    session, _ = viewer
    check_csrf(session, csrf_token)
    desk = desk_of(request)
    comment = (comment or "").strip() or None
    draft_edit: CustomerDraft | None = None
    try:
        if decision == "reject" and comment is None:
            raise InputError("say why you reject it", location="comment")
        approval = next(
            (
                a
                for a in desk.case(session.tenant_id, case_id).approvals
                if a.approval_id == approval_id
            ),
            None,
        )
        if approval is None:
            raise InputError("this page showed an approval the case does not have")
        edited = _edited_proposal(approval, decision, subject, body, category, option)
        if edited is not None and approval.kind == "customer_message":
            draft_edit = CustomerDraft.model_validate(edited)
        desk.decide(
            session_principal(session),
            approval_id,
            decision,
            comment=comment,
            edited_proposal=edited,
            case_id=case_id,
        )
    except ConflictError as error:
        return _render(
            request,
            viewer,
            case_id,
            error=f"Nothing was done: {error.message}. The page now shows the case as it is.",
            status_code=409,
        )
    except (PermissionDeniedError, InputError) as error:
        code = 403 if isinstance(error, PermissionDeniedError) else 422
        return _render(
            request,
            viewer,
            case_id,
            error=f"Refused: {error.message}.",
            draft_edit=draft_edit,
            status_code=code,
        )
    except ExdeskError as error:
        return _render(request, viewer, case_id, error=error.message, status_code=400)
    return secured(RedirectResponse(f"/console/cases/{case_id}?done=decided", status_code=303))


@router.post("/{case_id}/check-draft")
def check_draft_fragment(
    request: Request,
    viewer: Viewer,
    case_id: str,
    csrf_token: Annotated[str, Form(max_length=200)],
    subject: Annotated[str, Form(max_length=300)] = "",
    body: Annotated[str, Form(max_length=20_000)] = "",
) -> HTMLResponse:
    """What the content rules and claim checker say of a draft being edited (a fragment)."""
    session, _ = viewer
    check_csrf(session, csrf_token)
    review = review_case(desk_of(request), session.tenant_id, case_id)
    problems: list[str] = []
    draft = review.case.draft
    if draft is not None and subject.strip() and body.strip():
        edited = draft.model_copy(update={"subject": subject.strip(), "body": body.strip()})
        problems = draft_problems(edited, review.request)
    return page("_draft_check.html", session, draft_problems=problems, checked=True)


@router.get("/{case_id}/verify")
def verify_fragment(request: Request, viewer: Viewer, case_id: str) -> HTMLResponse:
    """Whether this case's chain verifies (the tenant's ledger and every row it covers)."""
    session, _ = viewer
    need_role(session, *READERS)
    desk = desk_of(request)
    desk.case(session.tenant_id, case_id)  # 404 for a case that is not the tenant's
    report = desk.verify(session.tenant_id)
    problems = [str(p) for p in report.problems if p.case_id in (case_id, None)]
    return page(
        "_verify.html",
        session,
        problems=problems,
        in_progress=case_id in report.in_progress,
        records=len(desk.case(session.tenant_id, case_id).decisions),
    )
