"""The flow log (登记流程日志): every save, submit, withdraw and decision leaves one row."""
from sqlalchemy import insert, select

from models import FlowLog, Membership, db


def actor_label(m: Membership | None) -> str:
    return f'{m.user.name}（{m.label}）' if m is not None else '系统'  # i18n: data - stored in the flow log


def log(subject_type: str, subject_id: int, action: str, m: Membership | None, remark: str | None = None) -> None:
    # A row nobody reads back in the request that writes it: inserted as it is, without an ORM object, and without
    # flushing what the caller has not finished yet.
    with db.session.no_autoflush:
        db.session.execute(insert(FlowLog).values(subject_type=subject_type, subject_id=subject_id, action=action,
                                                  actor_id=m.user_id if m else None, actor_label=actor_label(m),
                                                  remark=remark))


def log_many(subject_type: str, entries: list[tuple[int, str, str | None]], m: Membership | None) -> None:
    """`log` for many subjects at once (a batch of imported rows): (subject id, action, remark) each, one insert."""
    if entries:
        label = actor_label(m)
        db.session.execute(insert(FlowLog), [
            {'subject_type': subject_type, 'subject_id': subject_id, 'action': action, 'remark': remark,
             'actor_id': m.user_id if m else None, 'actor_label': label} for subject_id, action, remark in entries])


def flow_log(subject_type: str, subject_id: int) -> list[FlowLog]:
    """A subject's flow log, oldest first (as its detail page shows it)."""
    return db.session.scalars(select(FlowLog).where(FlowLog.subject_type == subject_type,
                                                    FlowLog.subject_id == subject_id)
                              .order_by(FlowLog.at, FlowLog.id)).all()
