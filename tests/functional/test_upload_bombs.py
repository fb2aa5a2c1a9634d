"""Image bombs (tests/bombs.py: generated here, no binary fixtures): an image whose header declares 11000×11000
pixels is refused by that size before it is decoded, within a second, without raising the process's peak memory by
100 MB, with a Chinese message naming the limit, and nothing is stored: as claim evidence and as the licence of an
anonymous unit registration. Before: 1 s and 930 MB for an 11000×11000 JPEG."""
import io

import pytest
from sqlalchemy import func, select

from models import Evidence, Registration, db

from .. import bombs
from ..helpers import claim_form
from ..people import ZHANG_WEI, login
from .test_registration_pages import post as post_registration, unit_data

IMAGE_BOMBS = {'jpeg': bombs.huge_jpeg, 'png': bombs.huge_png}


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


# -- images: claim evidence and the licence of a unit registration ------------------------------------------------

PIXELS = '图片像素过多（宽×高不能超过 40,000,000）'


@pytest.mark.parametrize('kind', IMAGE_BOMBS)
def test_claim_evidence_refuses_an_image_bomb_by_its_declared_size(client, ctx, kind):
    login(client, ZHANG_WEI)
    response = client.post('/claims/new', data=claim_form())
    claim_id = int(response.location.rsplit('/', 1)[1])
    content = IMAGE_BOMBS[kind]()
    with bombs.bounded():
        response = client.post(f'/claims/{claim_id}/evidence', data={'file': (io.BytesIO(content), f'证书.{kind}'),
                                                                     'caption': '结业证书'},
                               content_type='multipart/form-data', follow_redirects=True)
    assert PIXELS in response.get_data(as_text=True)
    assert count(Evidence) == 0


@pytest.mark.parametrize('kind', IMAGE_BOMBS)
def test_unit_registration_refuses_an_image_bomb_as_licence(client, ctx, kind):
    data = unit_data(licence=(io.BytesIO(IMAGE_BOMBS[kind]()), f'licence.{kind}'))
    with bombs.bounded():
        response = post_registration(client, '/register/unit', data)
    assert response.status_code == 422 and PIXELS in response.get_data(as_text=True)
    assert count(Registration) == 0


@pytest.mark.app_config(EVIDENCE_MAX_PIXELS=1000)
def test_the_pixel_limit_is_a_setting(client, ctx):
    login(client, ZHANG_WEI)
    claim_id = int(client.post('/claims/new', data=claim_form()).location.rsplit('/', 1)[1])
    response = client.post(f'/claims/{claim_id}/evidence', data={'file': (io.BytesIO(bombs.huge_png(40, 30)), 'a.png'),
                                                                 'caption': '结业证书'},
                           content_type='multipart/form-data', follow_redirects=True)
    assert '图片像素过多（宽×高不能超过 1,000）' in response.get_data(as_text=True)
    assert count(Evidence) == 0
