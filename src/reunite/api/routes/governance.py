"""Consent withdrawal and expungement, retention, audit verification."""

from __future__ import annotations

from fastapi import APIRouter

from reunite.api.deps import ActorDep, SessionDep, WorkspaceDep
from reunite.api.schemas import AuditVerifyOut, ExpungeIn, WithdrawalIn, WithdrawalOut
from reunite.services import audit_service, withdrawal

router = APIRouter(tags=["governance"])


@router.post("/bases/{basis_id}/withdrawal")
def withdraw(basis_id: str, body: WithdrawalIn, actor: ActorDep,
             workspace: WorkspaceDep) -> WithdrawalOut:
    """Withdraw a consent (or revoke an order): its profiles are crypto-shredded."""
    removed = withdrawal.withdraw(workspace, actor, basis_id=basis_id, reason=body.reason)
    return WithdrawalOut(basis_id=basis_id, expunged_profiles=removed)


@router.post("/retention/expire")
def expire(actor: ActorDep, workspace: WorkspaceDep) -> WithdrawalOut:
    """Expunge profiles past their basis's retention or their closed case's."""
    removed = withdrawal.expire_retention(workspace.store, actor,
                                          hooks=[workspace.index.forget])
    return WithdrawalOut(basis_id="", expunged_profiles=removed)


@router.post("/profiles/expunge")
def expunge(body: ExpungeIn, actor: ActorDep, workspace: WorkspaceDep) -> WithdrawalOut:
    """Expunge named profiles because a legal order requires it (crypto-shredding)."""
    removed = withdrawal.expunge_by_legal_order(
        workspace.store, actor, profile_ids=body.profile_ids, authority=body.authority,
        reference=body.reference, hooks=[workspace.index.forget])
    return WithdrawalOut(basis_id="", expunged_profiles=removed)


@router.post("/audit/verify")
def verify_audit(actor: ActorDep, store: SessionDep) -> AuditVerifyOut:
    """Verify the hash-chained audit log (an altered or truncated chain is a 500 problem)."""
    return AuditVerifyOut(events=audit_service.verify_audit(store, actor), valid=True)
