"""One submission creates one thing, however often it is posted.

A form that creates something (a claim, a supplement request, a transfer, a registration …) carries a token drawn
when the form is rendered (webapp/forms.py: IdempotentForm). The first POST with it stores the token — in the same
transaction as what it creates, so both are saved or neither — with the page it sent its author to. A POST repeated
with the same token (its response was lost and the person tried again, a double click) finds it and is sent to that
page instead of creating the thing a second time. Two copies at the same moment: on PostgreSQL the second waits at
the unique token until the first commits, then finds it; SQLite runs one writer at a time."""
import re
import secrets
from typing import Optional

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import IdempotencyKey, db, utcnow

TOKEN = re.compile(r'[A-Za-z0-9_-]{16,64}')


def new_token() -> str:
    return secrets.token_urlsafe(24)


def take(token: str) -> tuple[Optional[int], Optional[IdempotencyKey]]:
    """(the id of this request's key, None) when *token* is new: it is held in this transaction, rolled back with
    it; or (None, the key of its first use) when it was posted before. A token that is not one of ours is no token."""
    if not TOKEN.fullmatch(token or ''):
        return None, None
    user_id = current_user.id if current_user.is_authenticated else None
    endpoint = (request.endpoint or '')[:100]
    # One statement, no savepoint: a token taken already (committed, or by a transaction still open, which the
    # insert waits for) inserts nothing and returns no row.
    insert = (postgresql_insert if db.session.get_bind().dialect.name == 'postgresql' else sqlite_insert)
    key_id = db.session.scalar(insert(IdempotencyKey).values(token=token, user_id=user_id, endpoint=endpoint,
                                                             created_at=utcnow())
                               .on_conflict_do_nothing(index_elements=[IdempotencyKey.token])
                               .returning(IdempotencyKey.id))
    if key_id is None:
        earlier = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.token == token))
        if earlier is None or earlier.user_id != user_id or earlier.endpoint != endpoint:
            abort(400)  # someone else's token, or another form's: not a repeat of this submission
        return None, earlier
    return key_id, None


def remember(key_id: Optional[int], location: str, subject=None) -> str:
    """What this request created (*subject*, a model row) and where it sends its author; returns *location*. After
    a refusal rolled the request back, the key is gone with it and nothing is written."""
    if key_id is not None:
        values = {'location': location[:500]}
        if subject is not None:
            values.update(subject_type=type(subject).__tablename__, subject_id=subject.id)
        db.session.execute(update(IdempotencyKey).where(IdempotencyKey.id == key_id).values(**values))
    return location
