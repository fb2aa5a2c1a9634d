"""The templates' own words read in English (/lang/en) and stay Chinese by default; what people typed or the diagrams
name is data, shown as it is and escaped: the |translated filter escapes a user's text, where Jinja's _() would not.

The pages are requested through clients outside the test's app context (see test_i18n_claims.py)."""
import re
from html.parser import HTMLParser

from sqlalchemy import select

from models import Organisation, ProcessVersion, User, db
from models.workbench import DecisionTestCase
from webapp.catalogue import load_catalogue, shipped
from models.workflow import DMN
from webapp.workbench.operations import table_outputs

from ..helpers import submitted_claim
from ..people import ZHANG_WEI, login, membership

CJK = re.compile(r'[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+')
SCRIPT = '<script>alert(1)</script>'


class VisibleText(HTMLParser):
    """The text a person reads on a page: text nodes and the titles, placeholders and labels of elements; not
    scripts, styles, the hidden XML of the editor, nor <code> (keys, JSON, FEEL: data)."""
    HIDDEN = {'script', 'style', 'textarea', 'code'}

    def __init__(self):
        super().__init__()
        self.hidden, self.texts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN
        self.texts += [value for name, value in attrs if name in ('title', 'placeholder', 'aria-label') and value]

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


def chinese_words(page: str, data: set[str]) -> list[str]:
    """The Chinese a page shows, less the data (names of people and units, test cases, release notes, credit-table
    column labels) and the language menu's 中文 (each language is named in its own)."""
    parser = VisibleText()
    parser.feed(page)
    texts = []
    for text in parser.texts:
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, '')
        texts += CJK.findall(text)
    return texts


def _data(app) -> set[str]:
    with app.app_context():
        columns = (User.name, Organisation.name, DecisionTestCase.name, ProcessVersion.comment)
        # a credit table's column labels are the province's words, shown as written (the test-case form's 期望 fields)
        outputs = {out['label'] for content in db.session.scalars(select(ProcessVersion.content).where(
            ProcessVersion.kind == DMN)) for out in table_outputs(content)}
        named = {value for column in columns for value in db.session.scalars(select(column)) if value}
        return {'中文'} | outputs | named


def test_the_workbench_pages_read_in_english(app):
    client = login(app.test_client(), 'shengji')
    data = _data(app)
    zh = {url: client.get(url).get_data(as_text=True)
          for url in ('/workbench/', '/workbench/dmn/credit_hours/edit', '/workbench/bpmn/claim/edit')}
    assert '修改流程图或学时折算表时先保存草稿' in zh['/workbench/'] and '第 1 版' in zh['/workbench/']
    assert '测试用例（发布前全部须通过）' in zh['/workbench/dmn/credit_hours/edit']
    assert '正在编辑：第 1 版（已发布）' in zh['/workbench/bpmn/claim/edit']

    client.get('/lang/en')
    for url in zh:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and chinese_words(page, data) == [], url
    page = client.get('/workbench/').get_data(as_text=True)
    assert 'Processes and rules' in page and 'Version 1' in page and 'Version history' in page
    page = client.get('/workbench/dmn/credit_hours/edit').get_data(as_text=True)
    assert 'Test cases (all must pass before publishing)' in page and 'Write cells in FEEL' in page
    assert 'Editing: version 1 (published)' in client.get('/workbench/bpmn/claim/edit').get_data(as_text=True)


def test_the_history_and_diff_pages_read_in_english(app):
    client = login(app.test_client(), 'shengji')
    client.get('/lang/en')
    page = client.get('/workbench/bpmn/claim/').get_data(as_text=True)
    assert 'Version history of Process <code>claim</code>' in page and 'Compare the two selected versions' in page
    assert chinese_words(page, _data(app)) == []


def test_a_typed_sub_type_is_shown_escaped(app):
    """Sub-types are what province staff type into the catalogue: shown escaped wherever a claim shows one."""
    with app.app_context():
        data = shipped('zhejiang')
        next(p for p in data['pathways'] if p['code'] == 'training')['sub_types'].append(SCRIPT)
        load_catalogue(db.session.get(Organisation, membership('shengji').org_id), data)
        claim_id, _item = submitted_claim(ZHANG_WEI, sub_type=SCRIPT)
    client = login(app.test_client(), ZHANG_WEI)
    for lang in ('zh_CN', 'en'):
        client.get(f'/lang/{lang}')
        for url in (f'/claims/{claim_id}', '/claims/'):
            page = client.get(url).get_data(as_text=True)
            assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page and SCRIPT not in page, (lang, url)


def test_values_in_a_translated_sentence_are_escaped(app):
    """Flask-Babel's Jinja _() is newstyle gettext: `_('… %(name)s', name=value)` escapes the value."""
    with app.test_request_context():
        template = app.jinja_env.from_string("{{ _('当前环节：%(step)s', step=step) }}")
        assert template.render(step=SCRIPT) == '当前环节：&lt;script&gt;alert(1)&lt;/script&gt;'
