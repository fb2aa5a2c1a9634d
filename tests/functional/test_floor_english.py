"""What every feature shares, in English: error pages, the login prompt, file refusals and the joined details of a
refusal; Chinese stays the default."""
import io

import pytest
from flask_babel import force_locale, lazy_gettext as _l

from webapp.refusals import Refused

from ..helpers import claim_form
from ..people import ZHANG_WEI, login


def test_error_page_in_english_and_chinese_by_default(client):
    assert '页面不存在' in client.get('/no-such-page').get_data(as_text=True)
    client.get('/lang/en')
    response = client.get('/no-such-page')
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and 'Page not found' in page and '页面不存在' not in page


def test_login_prompt_in_english(client):
    assert '请先登录' in client.get('/claims/', follow_redirects=True).get_data(as_text=True)
    client.get('/lang/en')
    page = client.get('/claims/', follow_redirects=True).get_data(as_text=True)
    assert 'Please log in first' in page and '请先登录' not in page


def test_evidence_refusal_in_english(ctx, client):
    learner = login(client, ZHANG_WEI)
    claim_id = int(learner.post('/claims/new', data=claim_form()).location.rsplit('/', 1)[1])
    learner.get('/lang/en')
    response = learner.post(f'/claims/{claim_id}/evidence', content_type='multipart/form-data', follow_redirects=True,
                            data={'file': (io.BytesIO(b'#!/bin/sh\n'), 'photo.jpg'), 'caption': 'photo'})
    page = response.get_data(as_text=True)
    assert 'Only jpg, png or pdf files can be uploaded' in page and '只能上传' not in page


@pytest.mark.parametrize('locale,expected', [('zh_CN', '草稿未保存：元素 a；元素 b'),
                                             ('en', 'The draft was not saved: 元素 a; 元素 b')])
def test_a_refusal_reads_in_the_language_it_is_read_in(app, locale, expected):
    exc = Refused(_l('草稿未保存'), details=['元素 a', '元素 b'])  # raised once, read in either language
    with app.test_request_context(), force_locale(locale):
        assert str(exc) == expected
