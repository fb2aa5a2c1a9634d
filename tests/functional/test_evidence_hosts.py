"""Evidence files when several hosts serve: one EVIDENCE_DIR that every host sees (a network mount)."""
import io
import threading
from pathlib import Path

import pytest

from models import Evidence, db
from webapp import evidence

from ..apps import dispose, make_app
from ..helpers import claim_form
from ..people import ZHANG_WEI, login
from .test_claim_forms import png

pytestmark = pytest.mark.committing  # two apps (two hosts) on one database


def upload(client, claim_id: int, data: bytes, caption: str) -> None:
    response = client.post(f'/claims/{claim_id}/evidence', data={'file': (io.BytesIO(data), 'a.png'),
                                                                 'caption': caption},
                           content_type='multipart/form-data', follow_redirects=True)
    assert '附件已上传' in response.get_data(as_text=True)


def test_two_hosts_with_one_evidence_dir_serve_each_others_uploads(app, db_url, tmp_path):
    other = make_app(db_url, tmp_path)  # a second host: the same database and the same EVIDENCE_DIR
    try:
        here, there = login(app.test_client(), ZHANG_WEI), login(other.test_client(), ZHANG_WEI)
        response = here.post('/claims/new', data=claim_form())
        claim_id = int(response.location.rsplit('/', 1)[1])
        upload(here, claim_id, png(color='red'), '第一页')
        upload(there, claim_id, png(color='blue'), '第二页')
        with app.app_context():
            first, second = db.session.scalars(db.select(Evidence).order_by(Evidence.id)).all()
        for client, item in ((there, first), (here, second)):  # each host serves what the other stored
            response = client.get(f'/claims/{claim_id}/evidence/{item.id}')
            assert response.status_code == 200 and response.data[:8] == b'\x89PNG\r\n\x1a\n'
    finally:
        dispose(other)


def test_the_same_file_stored_at_once_by_many_is_whole_and_leaves_nothing_behind(app):
    data = png(color='green')
    digests, failures = [], []

    def store():
        with app.app_context():
            try:
                digests.append(evidence.store(data))
            except Exception as exc:  # pragma: no cover - reported below
                failures.append(repr(exc))

    writers = [threading.Thread(target=store) for _ in range(8)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(10)
    assert not failures and len(set(digests)) == 1
    with app.app_context():
        path = evidence.file_path(digests[0])
    assert path.read_bytes() == data
    assert [p.name for p in Path(path.parent).iterdir()] == [path.name]  # no temporary file left
