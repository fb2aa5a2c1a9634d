"""Two provinces, nothing shared: a person of 广西 never sees 浙江's data, diagrams, rule tables, test cases, jobs,
timers or staff, and the reverse. Every GET page of the app is walked as each province's staff (province, supervising
department, unit admin) and learner — lists, searches, exports (.xlsx read back) and the workbench — and also with the
other province's ids in the address; no page may show anything of the other province."""
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models import Claim, LearningPlatform, ProcessFailure, ProcessVersion, RolloutJob, db, utcnow
from models.imports import PENDING
from models.people import LEARNER, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN
from models.workbench import DecisionTestCase, IMPACT
from models.workflow import BPMN, DMN, DRAFT, WorkflowInstance
from webapp import catalogue
from webapp.claims import operations as ops
from webapp.unit import info_change
from webapp.workflow import versions

from ..helpers import claim_form, claim_input, year
from ..people import GUANGXI, ZHANG_WEI, ZHEJIANG, ActorClient, login, membership, province_id
from ..workflow.test_unit_info_change_process import code as uscc_code
from .test_claim_forms import png

HUANG_QIUMENG = '450102199003150024'  # 广西 learner, 广西大学 · 土木建筑工程学院 (webapp/cli.py)

# Who acts in each province: (account, role).
STAFF = {
    ZHEJIANG: [('shengji', PROVINCE_ADMIN), ('jiaotong', SUPERVISOR_ADMIN), ('jtjt_admin', UNIT_ADMIN),
               (ZHANG_WEI, LEARNER)],
    GUANGXI: [('gx_shengji', PROVINCE_ADMIN), ('gx_jiaoyu', SUPERVISOR_ADMIN), ('gxu_admin', UNIT_ADMIN),
              (HUANG_QIUMENG, LEARNER)],
}
# What of a province must never show in the other's pages: its people, organisations and what the test adds.
MARKERS = {
    ZHEJIANG: ['张伟', '李娜', '王强', '陈静', '浙江交通工程建设集团', '杭州市城建设计研究院', '宁波港航',
               '浙江省交通运输厅', '浙江省住房和城乡建设厅', 'ZJ范围标记'],
    GUANGXI: ['黄秋梦', '韦海燕', '覃志强', '农丽', '广西大学', '南宁市教育局', '福建工程设计有限公司',
              '广西壮族自治区教育厅', '广西壮族自治区交通运输厅', 'GX范围标记'],
}
TAG = {ZHEJIANG: 'ZJ范围标记', GUANGXI: 'GX范围标记'}
# Each province's own catalogue: 广西's 培训进修类 counts half-days at 4 学时
TRAINING = {ZHEJIANG: dict(pathway='training', sub_type='培训班'),
            GUANGXI: dict(pathway='gx_training', sub_type='培训')}
PER_UNIT = {ZHEJIANG: 6, GUANGXI: 4}
SKIPPED = {
    'static', 'vendor.static', 'workbench.static', 'auth.captcha', 'auth.set_language', 'verify.verify',
    'verify.verify_form', 'learning_api.openapi',
    # public (the login page's): registering under any province's unit, and following one's own registration
    'registration.search', 'registration.choose', 'registration.register', 'registration.progress',
    'registration.propose',
    'imports.template',  # a fixed sample file, the same for every unit
}


def _province_data(name: str, learner_key: str, unit_admin: str, supervisor: str, staff: str) -> dict:
    """A claim waiting for review (浙江: for the supervising department; 广西, one tier: for the unit) and one
    approved, a newer claim process and a draft credit
    table, a test case, a run-time failure, a failing timer, an impact job and a learning platform — all tagged."""
    tag, province = TAG[name], province_id(name)
    learner = membership(learner_key, LEARNER)
    claims = []
    for n in (1, 2):
        claim = ops.create_claim(learner, claim_input(title=f'{tag}培训班{n}', **TRAINING[name]))
        ops.submit_claim(learner, claim, 'unit')
        claims.append(claim)
    ops.review(membership(unit_admin, UNIT_ADMIN), ops.open_item(claims[1]).id, 'approve', Decimal(18), None)
    if ops.open_item(claims[1]) is not None:  # two tiers (浙江): the first waits for the supervising department
        ops.review(membership(supervisor, SUPERVISOR_ADMIN), ops.open_item(claims[1]).id, 'approve', Decimal(18),
                   None)
        ops.review(membership(unit_admin, UNIT_ADMIN), ops.open_item(claims[0]).id, 'approve', None, None)
    process_v1 = versions.published(BPMN, 'claim', province)
    process_v2 = versions.add_version(BPMN, process_v1.content, province, comment=f'{tag}发布说明')
    table = versions.published(DMN, 'credit_hours', province)
    draft = versions.add_version(DMN, table.content, province, comment=f'{tag}草稿', status=DRAFT)
    db.session.add(DecisionTestCase(province_id=province, key='credit_hours', name=f'{tag}用例',
                                    inputs={'pathway': TRAINING[name]['pathway'], 'level': None, 'rank': None,
                                            'quantity': 1},
                                    expected={'hours_per_unit': PER_UNIT[name]}))
    db.session.add(ProcessFailure(kind=BPMN, key='claim', version_id=process_v1.id, element=f'{tag}元素',
                                  error=f'{tag}错误'))
    instance = db.session.get(WorkflowInstance, claims[0].instance_id)
    instance.timer_failures, instance.timer_error, instance.timer_retry_at = 1, f'{tag}定时错误', utcnow()
    job = RolloutJob(kind=IMPACT, membership_id=membership(staff, PROVINCE_ADMIN).id, status=PENDING,
                     params={'version_id': draft.id, 'year': year()})
    db.session.add_all([job, LearningPlatform(name=f'{tag}学习平台', province_id=province, token_sha256=tag * 4,
                                              active=True)])
    principal = 'jtjt_admin' if name == ZHEJIANG else 'gxu_admin'  # 修改单位信息 is the principal admin's
    change = info_change.request_change(membership(principal, UNIT_ADMIN), f'{tag}单位新名称',
                                        uscc_code(51 if name == ZHEJIANG else 52), png(), f'{tag}更名')
    db.session.commit()
    return {'claim_id': claims[0].id, 'info_change_id': change.id, 'instance_id': instance.id, 'job_id': job.id,
            'learner_id': learner.user_id, 'membership_id': learner.id,
            'platform_id': db.session.scalar(db.select(LearningPlatform.id).where(
                LearningPlatform.province_id == province)),
            'versions': (process_v1.id, process_v2.id, table.id, draft.id),
            'catalogue_version_id': catalogue.published_of(province).id, 'pathway': TRAINING[name]['pathway'],
            'unit_id': learner.org_id}


@pytest.fixture
def provinces(ctx):
    return {ZHEJIANG: _province_data(ZHEJIANG, ZHANG_WEI, 'jtjt_admin', 'jiaotong', 'shengji'),
            GUANGXI: _province_data(GUANGXI, HUANG_QIUMENG, 'gxu_tmxy', 'gx_jiaoyu', 'gx_shengji')}


def _text(response) -> str:
    if response.mimetype.endswith('spreadsheetml.sheet'):
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        return '\n'.join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
                         if cell is not None)
    return response.get_data(as_text=True)


def _addresses(app, other: dict) -> list[str]:
    """Every GET page: plain, exported, searched for the other province's people; pages of one object with the other
    province's objects in the address."""
    fill = {'claim_id': other['claim_id'], 'instance_id': other['instance_id'], 'job_id': other['job_id'],
            'learner_id': other['learner_id'], 'membership_id': other['membership_id'],
            'platform_id': other['platform_id'], 'supplement_id': 1, 'registration_id': 1, 'transfer_id': 1,
            'change_id': 1, 'certificate_id': 1, 'evidence_id': 1, 'notification_id': 1, 'enrolment_id': 1,
            'action': 'activate', 'version_id': other['catalogue_version_id'], 'code': other['pathway'],
            'org_id': other['unit_id'], 'course_id': 1, 'lesson_id': 1,  # the demo's courses are 浙江's
            'info_change_id': other['info_change_id']}
    p1, p2, t1, t2 = other['versions']
    found = []
    for rule in app.url_map.iter_rules():
        if 'GET' not in rule.methods or rule.endpoint in SKIPPED:
            continue
        args = set(rule.arguments)
        if args == {'kind', 'key'}:
            pages = [rule.rule.replace('<kind>', kind).replace('<key>', key)
                     for kind, key in ((BPMN, 'claim'), (DMN, 'credit_hours'))]
        elif args - set(fill):
            raise AssertionError(f'no value to try for {rule.rule}')
        else:
            page = rule.rule
            for name in args:
                page = page.replace(f'<int:{name}>', str(fill[name])).replace(f'<{name}>', str(fill[name]))
            page = page.replace('<any(deactivate, activate):action>', 'activate')
            pages = [page]
        found += pages
        if not args:  # a list: exported, and searched for part of a name of each province (not echoing a marker)
            found += [f'{page}?export=xlsx', f'{page}?q=伟', f'{page}?q=秋梦&year={year()}']
    found += [f'/workbench/bpmn/claim/diff?a={p1}&b={p2}', f'/workbench/dmn/credit_hours/diff?a={t1}&b={t2}',
              f'/rollout/impact?version={t1}&year={year()}', f'/rollout/impact?version={t2}&year={year()}',
              f'/rollout/migrate?source={p1}&target={p2}', '/transfers/units.json?q=单位',
              '/transfers/units.json?q=厅', '/claims/supervisors?q=厅', '/transfers/superior?q=厅',
              '/transfers/superior?kind=hr&q=人力资源',
              '/transfers/?q=单位', '/transfers/send-out?q=单位']
    return found


@pytest.mark.parametrize('mine, theirs', [(GUANGXI, ZHEJIANG), (ZHEJIANG, GUANGXI)], ids=['as-guangxi', 'as-zhejiang'])
def test_no_page_of_one_province_shows_anything_of_the_other(app, provinces, mine, theirs):
    addresses = _addresses(app, provinces[theirs])
    leaks, seen_own = [], set()
    for account, _role in STAFF[mine]:
        client = app.test_client()
        client.__class__ = ActorClient
        login(client, account)
        for address in addresses:
            response = client.get(address)
            assert response.status_code < 500, (account, address)
            text = _text(response)
            leaks += [(account, address, marker) for marker in MARKERS[theirs] if marker in text]
            if TAG[mine] in text:
                seen_own.add(account)
    assert leaks == [], '\n'.join(map(str, leaks))
    assert seen_own == {account for account, _role in STAFF[mine]}  # the pages did list this province's own data


@pytest.mark.parametrize('mine, theirs', [(GUANGXI, ZHEJIANG), (ZHEJIANG, GUANGXI)], ids=['as-guangxi', 'as-zhejiang'])
def test_the_other_provinces_objects_are_not_found(app, provinces, mine, theirs):
    other = provinces[theirs]
    p1, p2, t1, t2 = other['versions']
    client = app.test_client()
    login(client, STAFF[mine][0][0])
    for address in (f'/claims/{other["claim_id"]}', f'/rollout/instances/{other["instance_id"]}',
                    f'/rollout/jobs/{other["job_id"]}', f'/rollout/jobs/{other["job_id"]}/progress',
                    f'/rollout/migrate?source={p1}&target={p2}', f'/rollout/impact?version={t2}&year={year()}',
                    f'/unit/info-changes/{other["info_change_id"]}'):
        assert client.get(address).status_code == 404, address
    page = client.get(f'/workbench/bpmn/claim/diff?a={p1}&b={p2}', follow_redirects=True).get_data(as_text=True)
    assert '没有这个版本' in page
    # the workbench lists, opens and publishes its own province's versions only
    history = client.get('/workbench/bpmn/claim/').get_data(as_text=True)
    assert f'{TAG[mine]}发布说明' in history and TAG[theirs] not in history
    assert TAG[mine] in client.get('/workbench/dmn/credit_hours/edit').get_data(as_text=True)  # its test case


def test_new_instances_start_on_the_versions_of_the_subjects_province(ctx):
    """A claim of 广西 runs on 广西's claim process and credit table; publishing in 浙江 changes nothing for it."""
    zhejiang, guangxi = province_id(ZHEJIANG), province_id(GUANGXI)
    gx_process = versions.published(BPMN, 'claim', guangxi)  # 广西's own one-tier version 2
    versions.add_version(BPMN, versions.published(BPMN, 'claim', zhejiang).content.replace(
        'value="待初审"', 'value="等待单位审核"'), zhejiang, comment='浙江改名')
    gx_learner, zj_learner = membership(HUANG_QIUMENG, LEARNER), membership(ZHANG_WEI, LEARNER)
    gx_claim = ops.create_claim(gx_learner, claim_input(**TRAINING[GUANGXI]))
    zj_claim = ops.create_claim(zj_learner, claim_input())
    ops.submit_claim(gx_learner, gx_claim, 'unit')
    ops.submit_claim(zj_learner, zj_claim, 'unit')
    gx_instance = db.session.get(WorkflowInstance, gx_claim.instance_id)
    zj_instance = db.session.get(WorkflowInstance, zj_claim.instance_id)
    assert gx_instance.process_version == gx_process and gx_process.province_id == guangxi
    assert zj_instance.process_version.province_id == zhejiang and zj_instance.process_version.version == 2
    assert (gx_claim.status_label, zj_claim.status_label) == ('待初审', '等待单位审核')
    rules = [db.session.get(ProcessVersion, rule_id) for rule_id in gx_instance.rule_version_ids]
    assert rules and {rule.province_id for rule in rules} == {guangxi}


def test_guangxi_accounts_work_the_claim_path_through_the_pages(app):
    """广西 is one tier (seed 001): 黄秋梦 files and submits a claim, her college's 二级管理员 approves it and that
    registers the hours (no 教育厅 step); the approved hours show in her totals, and the province staff find it (only
    广西's) in 审核结果."""
    learner, unit, supervisor, province = (app.test_client() for _ in range(4))
    for client in (learner, unit, supervisor, province):
        client.__class__ = ActorClient
    with app.app_context():
        login(learner, HUANG_QIUMENG)
        response = learner.post('/claims/new', data=claim_form(title='GX路径培训班', **TRAINING[GUANGXI]))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        claim_id = int(response.headers['Location'].rstrip('/').split('/')[-1].split('?')[0])
        assert learner.post(f'/claims/{claim_id}/submit', data={'target': 'unit'}).status_code == 302
        login(unit, 'gxu_tmxy')
        assert 'GX路径培训班' in unit.get('/inbox/').get_data(as_text=True)
        assert unit.post(f'/claims/{claim_id}/review',
                         data=_review(claim_id, 'approve', hours='18')).status_code == 302
        assert '<td class="total">18</td>' in learner.get('/claims/totals').get_data(as_text=True)
        assert '通过认定' in learner.get(f'/claims/{claim_id}').get_data(as_text=True)
        login(supervisor, 'gx_jiaoyu')
        assert 'GX路径培训班' not in supervisor.get('/inbox/').get_data(as_text=True)  # nothing left for the 教育厅
        login(province, 'gx_shengji')
        page = province.get('/claims/manage').get_data(as_text=True)
        assert 'GX路径培训班' in page and '张伟' not in page


def _review(claim_id: int, decision: str, hours: str = '') -> dict:
    item = ops.open_item(db.session.get(Claim, claim_id))
    return {'work_item_id': str(item.id), 'decision': decision, 'hours': hours, 'comment': ''}
