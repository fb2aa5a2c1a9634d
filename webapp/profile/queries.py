"""个人信息 lists: a person's title change requests (职称变更), newest first."""
from sqlalchemy import select

from models import TitleChange, db


def title_changes_of(user_id: int) -> list[TitleChange]:
    return db.session.scalars(select(TitleChange).where(TitleChange.learner_id == user_id)
                              .order_by(TitleChange.id.desc())).all()
