"""Disputes: a person questions one of their entries; a manager upholds or reverses it."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app import nudges
from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import required_text
from app.extensions import db
from app.org.authz import can_manage_person
from app.org.models import Person
from app.points import ledger
from app.points.models import DisputeStatus, EntryKind, PointDispute, PointEntry

MAX_COMMENT = 500


def _clean(text: str, what: str) -> str:
    return required_text(text, max_length=MAX_COMMENT, field="comment",
                         required_message=_("Write a short %(what)s.", what=what),
                         too_long_message=_("Keep it under %(n)d characters.", n=MAX_COMMENT))


def open_dispute(person: Person, entry: PointEntry, comment: str) -> PointDispute:
    if entry.person_id != person.id:
        raise ServiceError(_("You can only question your own points."))
    if entry.kind == EntryKind.REVERSAL:
        raise ServiceError(_("This entry is already a correction."))
    if db.session.scalar(sa.select(PointDispute.id).where(PointDispute.entry_id == entry.id,
                                                          PointDispute.status == DisputeStatus.OPEN)):
        raise ServiceError(_("You already asked about this entry; your manager will answer."))
    dispute = PointDispute(entry_id=entry.id, person_id=person.id, comment=_clean(comment, _("comment")))
    db.session.add(dispute)
    db.session.flush()
    return dispute


def resolve(manager: Person, dispute: PointDispute, *, reverse_entry: bool, note: str) -> PointDispute:
    if dispute.status != DisputeStatus.OPEN:
        raise ServiceError(_("This question was already answered."))
    if not can_manage_person(manager, dispute.person):
        raise ServiceError(_("Only %(name)s's managers can answer this.", name=dispute.person.first_name))
    note = _clean(note, _("answer"))
    if reverse_entry:
        ledger.reverse(dispute.entry, reason=note, reversed_by=manager)
    dispute.status = DisputeStatus.REVERSED if reverse_entry else DisputeStatus.UPHELD
    dispute.resolution = note
    dispute.resolved_by_id = manager.id
    dispute.resolved_at = utcnow()
    audit.record("points.dispute_resolved", actor_id=manager.id, target_type="person",
                 target_id=dispute.person_id, dispute_id=dispute.id, outcome=dispute.status)
    nudges.send(dispute.person_id, "dispute_resolved", nudges.path_for("points.mine"),
                dedupe_key=f"dispute_resolved:{dispute.id}", answer=note, dispute_id=dispute.id)
    return dispute
