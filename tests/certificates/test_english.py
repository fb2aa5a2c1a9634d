"""An English reader of the certificate pages: refusals, labels and the staff export come in English; the printed
学时记录表 stays the province's Chinese document; Chinese stays the default."""
import io

from flask import g
from openpyxl import load_workbook

from models import db

from ..helpers import year
from ..people import ZHANG_WEI, login
from .helpers import enrolled, meet_requirement, public_hours
from .pdfs import pdf_text


def english(client):
    client.get('/lang/en')
    g.pop('_flask_babel', None)  # the test's app context is every request's: forget the locale it cached
    return client


def test_the_refused_certificate_and_the_parts_read_in_english(client, ctx):
    public_hours(ZHANG_WEI, 6)
    db.session.commit()
    login(client, ZHANG_WEI)
    page = client.post('/certificates/issue', data={'year': year()}, follow_redirects=True).get_data(as_text=True)
    assert f'{year()} 年度尚未达到继续教育学时要求（总学时还差 84 学时；专业科目还差 60 学时；公需科目还差 12 学时）' in page

    english(client)
    page = client.post('/certificates/issue', data={'year': year()}, follow_redirects=True).get_data(as_text=True)
    assert (f'The continuing-education requirement for {year()} is not met yet (Total hours: 84 hours short; '
            'Professional: 60 hours short; Public: 12 hours short): the certificate cannot be produced') in page
    assert '尚未达到' not in page and '总学时' not in page
    assert '<tr data-part="total"><td>Total hours</td>' in page


def test_the_record_refusal_is_english_and_the_printed_record_stays_chinese(client, ctx):
    meet_requirement(ZHANG_WEI)
    enrolled(ZHANG_WEI)
    db.session.commit()
    english(login(client, ZHANG_WEI))
    page = client.post('/certificates/record/print', data={'year': year()}, follow_redirects=True)
    assert (f'You have not confirmed your personal details (name, ID number, unit) for {year()}: confirm them to '
            'print the credit-hour record') in page.get_data(as_text=True)
    client.post('/certificates/record/confirm', data={'year': year()})
    text = pdf_text(client.post('/certificates/record/print', data={'year': year()}).data).replace('\n', '')
    assert '总学时' in text and '专业科目' in text and '公需科目' in text
    assert 'Total hours' not in text and 'Professional' not in text


def test_the_staff_export_has_english_headers_for_an_english_reader(client, ctx):
    meet_requirement(ZHANG_WEI)
    db.session.commit()
    english(login(client, 'jtjt_admin'))
    response = client.get(f'/certificates/staff?year={year()}&export=xlsx')
    assert f'filename="Staff credit hours {year()}.xlsx"' in response.headers['Content-Disposition']
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0] == ('Name', 'ID number', 'Department', 'Total hours', 'Professional', 'Public', 'Requirement met')
    assert {r[0]: r[-1] for r in rows[1:]} == {'张伟': 'Met', '李娜': 'Not met'}
