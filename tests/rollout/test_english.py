"""Rolling out changes in English: refusals, the impact export and migration outcomes follow the reader's language."""
import io

from openpyxl import load_workbook

from models import db
from models.workflow import BPMN
from webapp.workflow.versions import published

from ..helpers import year
from ..people import login, zj
from .test_impact import small_year


def test_migration_refusal_in_english_and_chinese_by_default(ctx, client):
    source = published(BPMN, 'claim', zj()).id
    login(client, 'shengji')
    url = f'/rollout/migrate?source={source}&target={source}'
    assert '原版本与目标版本相同' in client.get(url).get_data(as_text=True)
    client.get('/lang/en')
    page = client.get(url).get_data(as_text=True)
    assert 'The source and target versions are the same' in page and '原版本与目标版本相同' not in page


def test_impact_export_in_english(ctx, client):
    _claims, draft = small_year()
    y, draft_id, version = year(), draft.id, draft.version
    db.session.commit()
    login(client, 'shengji')
    client.get('/lang/en')
    response = client.get(f'/rollout/impact?version={draft_id}&year={y}&export=xlsx')
    assert f'rule-impact-preview-{y}-v{version}.xlsx' in response.headers['Content-Disposition']
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == 'Hour changes'
    header = next(sheet.iter_rows(values_only=True))
    assert header[:4] == ('Claim no.', 'Name', 'Unit', 'Pathway') and header[-1] == 'Difference'
