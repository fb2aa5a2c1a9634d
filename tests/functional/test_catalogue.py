"""The province catalogue (认定类型目录, issue 14 items 1 and 4) through the real pages: province staff add a pathway
in the workbench and publish it, a learner files a claim on it and sees its rule, cap and evidence; claims keep the
version they were filed under; another province's catalogue is neither shown nor editable."""
import re

from sqlalchemy import func, select

from models import CatalogueVersion, Claim, Department, FlowLog, Membership, Organisation, User, db
from models.org import PROVINCE, UNIT
from models.people import LEARNER, PROVINCE_ADMIN
from webapp.catalogue import catalogue_for, catalogue_of, load_catalogue, shipped

from ..helpers import claim_form, year
from .test_i18n_templates import _data, chinese_words
from ..people import DEMO_PASSWORD, ZHANG_WEI, login, membership

NEW_PATHWAY = dict(code='mentoring', label='指导青年专业技术人员', category='professional', unit='半天',
                   sub_types='带教\n师徒结对', levels=['national', 'provincial'], max_rank='', cap='24',
                   rule='指导青年专业技术人员，每半天可认定登记4个学时，每年度最多24个学时。', evidence='带教协议、考核记录')


def _base_sha(page: str) -> str:
    return re.search(r'name="base_sha" type="hidden" value="([0-9a-f]*)"', page).group(1)


def _province_id():
    return membership('shengji').org_id


def add_pathway(client, **overrides) -> None:
    page = client.get('/workbench/catalogue/pathways/new').get_data(as_text=True)
    response = client.post('/workbench/catalogue/pathways/new',
                           data={**NEW_PATHWAY, **overrides, 'base_sha': _base_sha(page)})
    assert response.status_code == 302, response.get_data(as_text=True)


def publish(client, comment='新增指导青年专业技术人员') -> None:
    page = client.get('/workbench/catalogue/').get_data(as_text=True)
    response = client.post('/workbench/catalogue/publish',
                           data={'base_sha': _base_sha(page), 'comment': comment, 'confirm': 'y'})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_staff_add_a_pathway_publish_it_and_a_learner_files_a_claim_on_it(ctx, client):
    login(client, 'shengji')
    before = catalogue_for(_province_id())
    add_pathway(client)
    page = client.get('/workbench/catalogue/').get_data(as_text=True)
    assert '指导青年专业技术人员' in page and '草稿' in page
    assert 'mentoring' not in catalogue_for(_province_id()).pathways  # a draft: learners do not see it yet
    publish(client)
    current = catalogue_for(_province_id())
    assert current.version == before.version + 1 and current.pathway('mentoring').cap == 24
    assert list(current.pathways)[:len(before.pathways)] == list(before.pathways)  # the others stay as they were
    assert db.session.scalar(select(func.count()).select_from(FlowLog).where(
        FlowLog.subject_type == 'catalogue', FlowLog.action == '发布认定类型目录')) == 1

    learner = client.application.test_client()
    login(learner, ZHANG_WEI)
    form = learner.get('/claims/new').get_data(as_text=True)
    assert '指导青年专业技术人员' in form and '每半天可认定登记4个学时' in form and '带教协议、考核记录' in form
    assert '每年度最多可计 24 学时' in form
    y = year()
    response = learner.post('/claims/new', data=claim_form(
        pathway='mentoring', sub_type='师徒结对', level='provincial', title='青年工程师带教（省级）',
        start_date=f'{y}-04-01', end_date=f'{y}-04-02', applied_hours='16'))
    assert response.status_code == 302, response.get_data(as_text=True)
    claim = db.session.scalar(select(Claim).where(Claim.title == '青年工程师带教（省级）'))
    assert claim.catalogue_version_id == current.id
    assert claim.quantity == 4  # two days, counted in half-days
    detail = learner.get(f'/claims/{claim.id}').get_data(as_text=True)
    assert '指导青年专业技术人员' in detail and '半天' in detail and '每半天可认定登记4个学时' in detail
    # over the pathway's cap: refused next to the field, nothing stored
    response = learner.post('/claims/new', data=claim_form(
        pathway='mentoring', sub_type='带教', level='national', title='超上限', start_date=f'{y}-05-01',
        end_date=f'{y}-05-01', applied_hours='30'))
    assert response.status_code == 422 and '申请学时应大于 0 且不超过 24' in response.get_data(as_text=True)


def test_a_claim_keeps_the_catalogue_version_it_was_filed_under(ctx, client):
    learner = client.application.test_client()
    login(learner, ZHANG_WEI)
    response = learner.post('/claims/new', data=claim_form(title='旧版本下的培训'))
    assert response.status_code == 302
    claim = db.session.scalar(select(Claim).where(Claim.title == '旧版本下的培训'))
    filed_under = claim.catalogue_version_id
    login(client, 'shengji')
    page = client.get('/workbench/catalogue/pathways/training/edit').get_data(as_text=True)
    response = client.post('/workbench/catalogue/pathways/training/edit', data={
        **NEW_PATHWAY, 'code': '', 'label': '参加培训进修（新名称）', 'sub_types': '培训班', 'unit': '天', 'levels': [],
        'cap': '30', 'base_sha': _base_sha(page)})
    assert response.status_code == 302, response.get_data(as_text=True)
    publish(client, '培训进修改名')
    db.session.refresh(claim)
    assert claim.catalogue_version_id == filed_under
    assert catalogue_of(claim).pathway('training').label == '参加培训进修'
    assert catalogue_for(claim.province_id).pathway('training').label == '参加培训进修（新名称）'
    detail = learner.get(f'/claims/{claim.id}').get_data(as_text=True)
    assert '参加培训进修' in detail and '参加培训进修（新名称）' not in detail
    # editing the old claim still offers its own version's sub-types (进修 was dropped from the new one)
    response = learner.post(f'/claims/{claim.id}/edit', data=claim_form(title='旧版本下的培训', sub_type='进修'))
    assert response.status_code == 302, response.get_data(as_text=True)


def test_bad_pathway_input_is_refused_and_the_draft_is_unchanged(ctx, client):
    login(client, 'shengji')
    page = client.get('/workbench/catalogue/pathways/new').get_data(as_text=True)
    base = _base_sha(page)
    for overrides, message in (({'code': 'Bad Code'}, '无效'), ({'code': 'training'}, '已存在'),
                               ({'sub_types': ''}, '此项为必填项'), ({'unit': '小时'}, '不是有效的选择'),
                               ({'cap': '5000'}, '年度上限应为'), ({'label': '参加培训进修'}, '重复'),
                               ({'levels': ['nowhere']}, '不在级别列表中')):
        response = client.post('/workbench/catalogue/pathways/new', data={**NEW_PATHWAY, **overrides, 'base_sha': base})
        assert response.status_code == 422 and message in response.get_data(as_text=True), overrides
    assert db.session.scalar(select(func.count()).select_from(CatalogueVersion).where(
        CatalogueVersion.status == 'draft')) == 0
    # someone else saved meanwhile: the stale form is refused instead of overwriting
    add_pathway(client)
    response = client.post('/workbench/catalogue/pathways/new',
                           data={**NEW_PATHWAY, 'code': 'other', 'label': '另一个', 'base_sha': base})
    assert response.status_code == 422 and '已被他人修改或发布' in response.get_data(as_text=True)


def test_only_province_staff_edit_and_only_their_own_province(ctx, client):
    login(client, ZHANG_WEI)
    assert client.get('/workbench/catalogue/').status_code in (302, 403)
    other = Organisation(kind=PROVINCE, name='广西壮族自治区专业技术人员继续教育学时办')
    unit = Organisation(kind=UNIT, name='南宁测试单位', parent=other)
    staff = User(name='广西学时办', account_name='gx_test')
    staff.set_password(DEMO_PASSWORD)
    learner = User(name='广西学员', id_number='450103199001010015')
    learner.set_password(DEMO_PASSWORD)
    db.session.add_all([other, unit, staff, learner, Membership(user=staff, role=PROVINCE_ADMIN, org=other),
                        Membership(user=learner, role=LEARNER, org=unit)])
    db.session.flush()
    guangxi = load_catalogue(other, shipped('guangxi'))
    db.session.commit()
    gx = client.application.test_client()
    login(gx, 'gx_test')
    page = gx.get('/workbench/catalogue/').get_data(as_text=True)
    assert '培训进修类' in page and '参加培训进修' not in page
    zhejiang_version = catalogue_for(_province_id()).id
    assert gx.get(f'/workbench/catalogue/versions/{zhejiang_version}').status_code == 404
    assert gx.get(f'/workbench/catalogue/versions/{guangxi.id}').status_code == 200
    gx_learner = client.application.test_client()
    login(gx_learner, '450103199001010015')
    form = gx_learner.get('/claims/new').get_data(as_text=True)
    assert '培训进修类' in form and '每半天按4学时计算' in form and '参加培训进修' not in form


def test_progress_shows_how_the_professional_part_is_met_by_pathway(ctx, client):
    login(client, ZHANG_WEI)
    page = client.get('/certificates/progress').get_data(as_text=True)
    assert 'id="by-pathway"' in page
    for p in catalogue_for(_province_id()).pathways.values():
        assert p.label in page


def test_the_catalogue_pages_read_in_english(app):
    """In English the editor and the claim form show no Chinese but data: the shipped pathways' names, sub-types,
    rules and evidence are translated; the levels' names (typed as `code = 名称`) and release notes stay data."""
    client = login(app.test_client(), 'shengji')
    client.get('/lang/en')
    with app.app_context():
        data = (_data(app) | {'初始版本'} | set(catalogue_for(_province_id()).level_labels.values())
                | set(db.session.scalars(select(Department.name))))
        version_id = catalogue_for(_province_id()).id
    for url in ('/workbench/catalogue/', '/workbench/catalogue/pathways/new',
                '/workbench/catalogue/pathways/seminar/edit', f'/workbench/catalogue/versions/{version_id}'):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and chinese_words(page, data) == [], url
    assert 'Pathway catalogue' in client.get('/workbench/catalogue/').get_data(as_text=True)
    learner = login(app.test_client(), ZHANG_WEI)
    learner.get('/lang/en')
    page = learner.get('/claims/new').get_data(as_text=True)
    assert chinese_words(page, data) == [] and 'Transport training, further study and academic seminars' in page
