"""Every form route of the app × hostile values: no 5xx, nothing stored when refused, bounded time and memory.

The routes come from the app's url_map (every POST route but the platform API, which has tests of its own); ROUTES
says who may reach each one and which demo subject it acts on (built by `world()`), with a valid submission where one
is needed to get past the first checks. The fields come from the code: the fields of the forms each view uses, plus
the names it reads from request.form, each with samples of its kind (huge, negative and exponent decimals, absurd
dates, long and odd Unicode strings, wrong types), one field at a time on top of the valid submission, then every
field at once, then JSON bodies, then files posted as text fields.

Each case runs in a savepoint rolled back after it, so cases do not see each other. After every case: no 5xx, the
request took less than CASE_SECONDS and CASE_MEGABYTES, the page is of a bounded size, and the stored data keeps its
invariants (no amount stored as 0 or below, no date before EARLIEST_YEAR, no flow-log remark beyond its column); when
the request was refused (4xx, a form shown again with errors, or a redirect with only an error message) not one row
of any table changed."""
import inspect
import io
import random
import resource
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import CodeType
from typing import Callable

from flask_wtf import FlaskForm
from sqlalchemy import select, text
from wtforms import BooleanField, DateField, DecimalField, FileField, HiddenField, IntegerField, RadioField, SelectField
from wtforms.fields.core import UnboundField

from models import (Department, Enrolment, Notification, Organisation, ProcessVersion, Registration, SupplementWindow,
                    WorkItem, db)
from webapp.catalogue import catalogue_for
from webapp.claims import operations as claims
from webapp.courses import demo_media, operations as courses, study
from webapp.dates import today
from webapp.enrolment import operations as enrolment
from webapp.forms import Form
from webapp.imports import operations as imports
from webapp.learning import operations as learning
from webapp.profile import operations as profile
from webapp.supplements import operations as supplements
from webapp.transfers import operations as transfers, superior
from webapp.unit import info_change
from webapp.workbench import catalogue_operations as catalogue_ops, operations as workbench
from webapp.workflow import catalog

from ..helpers import claim_form, claim_input
from ..people import CHEN_JING, DEMO_PASSWORD, LI_NA, WANG_QIANG, ZHANG_WEI, login, membership
from ..workflow.test_registration_process import new_id
from ..workflow.test_supplement_process import approved_claim_last_year, entry_input
from ..workflow.test_unit_info_change_process import code as uscc_code
from .test_claim_forms import png
from .test_registration_pages import learner_data

CASE_SECONDS = 3           # each request, measured
CASE_HARD_SECONDS = 20     # a request still running then is interrupted (the test fails instead of hanging)
CASE_MEGABYTES = 200       # growth of the process's peak memory during one request
ADDRESS_SPACE_GB = 2       # more than this on top of what the process holds fails the allocation (MemoryError)
PAGE_BYTES = 1_000_000
Y = today().year

DECIMALS = ['1e-999999999', '1e999999999', '1e-1000', '-1e-1000', '0.04', '1.25', '-5', '9' * 40, 'NaN',
            '-Infinity', '١٢', '１２', '0x10', '1_0', ' ']
DATES = ['0001-01-01', '9999-12-31', '1899-12-31', f'{Y}-02-30', '10000-01-01', '２０２６-０１-０１', '9' * 30]
INTEGERS = ['9' * 30, '-1', '0', '1e5', '²', '١', '1.5']
IDS = ['0', '-1', '9' * 30, 'abc', '²', '']
CHOICES = ['bogus', '0', 'x' * 300, '²']
TEXTS = ['x' * 5000, '𠀀' * 300, 'e\u0301' * 500, '\u202e\u200b\ufeff', '😀' * 100, '<script>alert(1)</script>',
         "'; drop table claim;--", '%(x)s %s {0}', '{{ 7*7 }}', '\r\nSet-Cookie: x=1', ' ']
BOOLEANS = ['n', 'false', 'x' * 300]
SAMPLES = {'decimal': DECIMALS, 'date': DATES, 'int': INTEGERS, 'id': IDS, 'choice': CHOICES, 'text': TEXTS,
           'bool': BOOLEANS, 'file': ['not a file']}
PER_FIELD = {'decimal': len(DECIMALS), 'date': len(DATES)}  # every sample; other kinds: PER_FIELD_DEFAULT of them
PER_FIELD_DEFAULT = 2
EVERYWHERE = ['1e-999999999', '9' * 30, 'x' * 5000, '²']  # every field at once
JSON_BODIES = [{'*': 1}, {'*': [1, {'a': None}]}, [1, 2]]


@dataclass(frozen=True, eq=False)
class Route:
    actor: str | None                                   # who posts (None: anonymous; 'nb_admin': 王强 as unit admin)
    url: Callable[[dict], str]                          # from the demo subjects of world()
    base: Callable[[dict], dict] = lambda w: {}         # a valid (or at least plausible) submission
    fields: dict = field(default_factory=dict)          # field name -> kind, besides what the view's code names
    fresh: bool = False                                 # the route changes the session: a new login per case


def decision(item_key, outcome='approve'):
    return lambda w: {'work_item_id': str(w[item_key]), 'decision': outcome, 'comment': ''}


def xlsx_upload(w):
    province_id = db.session.scalar(select(Organisation.id).where(Organisation.kind == 'province'))
    return {'file': (io.BytesIO(imports.template(catalogue_for(province_id))), 'import.xlsx'), 'pledge': 'y'}


def csv_upload(w):
    body = f'身份证号,课程名称,科目类别,学时,完成日期,记录编号\n{LI_NA},课程,general,2,{Y}-01-02,F-1\n'
    return {'file': (io.BytesIO(body.encode('utf-8')), 'records.csv')}


def entry_path(w, rest: str) -> str:
    return f"/supplements/{w['filling']}/entries/{w['filling_entry']}/{rest}"


ROUTES = {
    'auth.login': Route(None, lambda w: '/login',
                        lambda w: {'username': ZHANG_WEI, 'password': DEMO_PASSWORD, 'captcha': 'TEST'}, fresh=True),
    'auth.logout': Route(ZHANG_WEI, lambda w: '/logout', fresh=True),
    'auth.switch_role': Route(WANG_QIANG, lambda w: '/switch-role', lambda w: {'membership_id': w['nb_admin']},
                              {'membership_id': 'id'}, fresh=True),
    'auth.change_password': Route(ZHANG_WEI, lambda w: '/account/password', lambda w: {
        'current': DEMO_PASSWORD, 'new': 'Fuzz@2026pass', 'confirm': 'Fuzz@2026pass'}, fresh=True),
    'auth.forgot_password': Route(None, lambda w: '/password/forgot',
                                  lambda w: {'username': ZHANG_WEI, 'email': 'zhangwei@example.com'}, fresh=True),
    'auth.reset_password': Route(None, lambda w: '/password/reset', lambda w: {
        'username': ZHANG_WEI, 'code': '123456', 'new': 'Fuzz@2026pass', 'confirm': 'Fuzz@2026pass'}, fresh=True),
    'certificates.issue': Route(ZHANG_WEI, lambda w: '/certificates/issue', lambda w: {'year': str(Y)}),
    'certificates.confirm': Route(ZHANG_WEI, lambda w: '/certificates/record/confirm', lambda w: {'year': str(Y)}),
    'certificates.print_record': Route(ZHANG_WEI, lambda w: '/certificates/record/print',
                                       lambda w: {'year': str(Y)}),
    'claims.new_claim': Route(ZHANG_WEI, lambda w: '/claims/new', lambda w: claim_form()),
    'claims.edit_claim': Route(ZHANG_WEI, lambda w: f"/claims/{w['draft']}/edit", lambda w: claim_form()),
    'claims.upload_evidence': Route(ZHANG_WEI, lambda w: f"/claims/{w['draft']}/evidence",
                                    lambda w: {'file': (io.BytesIO(png()), 'a.png'), 'caption': '结业证书'}),
    'claims.delete_evidence': Route(ZHANG_WEI, lambda w: f"/claims/{w['draft']}/evidence/{w['evidence']}/delete"),
    'claims.delete': Route(ZHANG_WEI, lambda w: f"/claims/{w['draft']}/delete"),
    'claims.delete_approved': Route('jtjt_admin', lambda w: f"/claims/{w['approved']}/delete-approved",
                                    lambda w: {'reason': '录入错误', 'confirmed': '1'}),
    'claims.submit': Route(ZHANG_WEI, lambda w: f"/claims/{w['draft']}/submit", lambda w: {'target': 'unit'}),
    'claims.withdraw': Route(ZHANG_WEI, lambda w: f"/claims/{w['submitted']}/withdraw", lambda w: {'confirmed': '1'}),
    'claims.batch': Route(ZHANG_WEI, lambda w: '/claims/batch',
                          lambda w: {'action': 'submit', 'target': 'unit', 'claim_ids': [str(w['draft'])],
                                     'confirmed': '1'},
                          {'claim_ids': 'id'}),
    'claims.review': Route('jtjt_admin', lambda w: f"/claims/{w['submitted']}/review",
                           lambda w: {**decision('review_item')(w), 'hours': '9'}),
    'claims.batch_review': Route('jtjt_admin', lambda w: '/claims/review/batch',
                                 lambda w: {'decision': 'approve', 'item_ids': [str(w['review_item'])],
                                            'confirmed': '1'},
                                 {'item_ids': 'id'}),
    'enrolment.mine': Route(ZHANG_WEI, lambda w: '/enrolment/', lambda w: {
        'identity': '国有企业', 'political_status': '中共党员', 'education': '硕士研究生', 'title': '工程师',
        'title_date': '2019-07-01', 'specialty': '桥梁隧道工程'}),
    'enrolment.detail': Route('hzcj_admin', lambda w: f"/enrolment/{w['enrolment']}", decision('enrolment_item')),
    'imports.index': Route('jtjt_admin', lambda w: '/imports/', xlsx_upload),
    'notifications.open_': Route(ZHANG_WEI, lambda w: f"/notifications/{w['notification']}"),
    'notifications.read_all': Route(ZHANG_WEI, lambda w: '/notifications/read-all'),
    'profile.mine': Route(ZHANG_WEI, lambda w: '/profile/', lambda w: {
        'what': 'title', 'title-title': '高级工程师', 'title-title_date': f'{Y - 1}-06-01'},
        {'what': 'choice', 'basic-phone': 'text', 'basic-email': 'text', 'title-title': 'choice',
         'title-title_date': 'date'}),
    'profile.people': Route('shengji', lambda w: '/profile/people', lambda w: {
        'q': LI_NA, 'name': '李娜', 'id_number': LI_NA, 'reason': '户籍信息更正'}, {'q': 'text'}),
    'profile.reset_password': Route('shengji', lambda w: '/profile/people/reset-password', lambda w: {'q': LI_NA},
                                    {'q': 'text'}),
    'profile.title_change': Route('jtjt_admin', lambda w: f"/profile/title-change/{w['title_change']}",
                                  decision('title_item')),
    'profile.withdraw_title_change': Route(LI_NA, lambda w: f"/profile/title-change/{w['title_change']}/withdraw",
                                           lambda w: {'confirmed': '1'}),
    'learning.platforms': Route('shengji', lambda w: '/province/platforms', lambda w: {'name': '模糊测试平台'}),
    'learning.set_active': Route('shengji', lambda w: f"/province/platforms/{w['platform']}/deactivate"),
    'learning.upload': Route('shengji', lambda w: f"/province/platforms/{w['platform']}/upload", csv_upload),
    'province.supplement_window': Route('shengji', lambda w: '/province/supplement-window', lambda w: {
        'year': str(Y - 1), 'opens_on': f'{Y}-01-01', 'closes_on': f'{Y}-01-20'}),
    'province.window': Route('shengji', lambda w: '/province/window', lambda w: {
        'year': str(Y), 'opens_on': f'{Y}-01-01', 'closes_on': f'{Y}-12-31'}),
    'registration.register': Route(None, lambda w: '/register/learner',
                                   lambda w: learner_data(id_number=new_id(7), name='模糊')),
    'registration.progress': Route(None, lambda w: '/register/progress', lambda w: {
        'username': new_id(3), 'password': 'Fuzz@2026x', 'captcha': 'TEST'}),
    'registration.propose': Route(None, lambda w: '/register/propose', lambda w: {'captcha': 'TEST'}),
    'registration.withdraw': Route(None, lambda w: '/register/withdraw', lambda w: {
        'username': new_id(3), 'password': 'Fuzz@2026x', 'registration_id': str(w['registration']),
        'confirmed': '1'},
        {'registration_id': 'id'}),
    'registration.decide': Route('jtjt_admin', lambda w: f"/registrations/{w['registration']}/decide",
                                 decision('registration_item')),
    'rollout.migrate': Route('shengji', lambda w: '/rollout/migrate', lambda w: {
        'source': str(w['claim_version']), 'target': str(w['claim_version']), 'instance_id': ['1']},
        {'source': 'id', 'target': 'id', 'instance_id': 'id'}),
    'supplements.request_': Route(LI_NA, lambda w: '/supplements/request', lambda w: {'pathway': 'training'}),
    'supplements.cancel': Route(ZHANG_WEI, lambda w: f"/supplements/{w['filling']}/cancel"),
    'supplements.send': Route(ZHANG_WEI, lambda w: f"/supplements/{w['filling']}/send"),
    'supplements.new_entry': Route(ZHANG_WEI, lambda w: f"/supplements/{w['filling']}/entries/new",
                                   lambda w: claim_form(year=str(Y - 1), start_date=f'{Y - 1}-09-01',
                                                        end_date=f'{Y - 1}-09-02', applied_hours='12')),
    'supplements.upload_evidence': Route(ZHANG_WEI, lambda w: entry_path(w, 'evidence'),
                                         lambda w: {'file': (io.BytesIO(png()), 'a.png'), 'caption': '结业证书'}),
    'supplements.delete_evidence': Route(ZHANG_WEI, lambda w: entry_path(w, f"evidence/{w['entry_evidence']}/delete")),
    'supplements.submit': Route(ZHANG_WEI, lambda w: f"/supplements/{w['filling']}/submit"),
    'supplements.agree': Route('jtjt_admin', lambda w: f"/supplements/{w['asked']}/agree",
                               decision('asked_item', 'agree')),
    'supplements.review': Route('hzcj_admin', lambda w: f"/supplements/{w['reported']}/review",
                                lambda w: {**decision('reported_item')(w), f"hours-{w['entry']}": '10'}),
    'transfers.index': Route(CHEN_JING, lambda w: '/transfers/', lambda w: {
        'to_unit_id': str(w['jt']), 'reason': '工作调动'}),
    'transfers.decide': Route('nb_admin', lambda w: f"/transfers/{w['transfer']}/decide", decision('transfer_item')),
    'transfers.withdraw': Route(WANG_QIANG, lambda w: f"/transfers/{w['transfer']}/withdraw",
                                lambda w: {'confirmed': '1'}),
    'transfers.send_out': Route('jtjt_admin', lambda w: '/transfers/send-out', lambda w: {
        'member_id': str(w['li_na']), 'to_unit_id': str(w['hz']), 'reason': '工作调动'}),
    'transfers.superior_index': Route('hzcj_admin', lambda w: '/transfers/superior', lambda w: {
        'new_parent_id': str(w['transport']), 'reason': '业务划转'}),
    'transfers.change_decide': Route('jiaotong', lambda w: f"/transfers/superior/{w['change']}/decide",
                                     decision('change_item')),
    'unit.admins': Route('jtjt_admin', lambda w: '/unit/admins', lambda w: {
        'action': 'add', 'name': '新管理员', 'id_number': new_id(5), 'department_id': str(w['design']),
        'login_allowed': 'y'}, {'action': 'choice', 'name': 'text', 'id_number': 'text', 'department_id': 'id',
                                'membership_id': 'id', 'login_allowed': 'bool'}),
    'unit.departments': Route('jtjt_admin', lambda w: '/unit/departments', lambda w: {
        'action': 'rename', 'department_id': str(w['design']), 'name': '设计一院'},
        {'action': 'choice', 'department_id': 'id', 'name': 'text'}),
    'unit.info': Route('jtjt_admin', lambda w: '/unit/info', lambda w: {
        'phone': '0571-87654321', 'address': '杭州市文三路 1 号', 'locality': '杭州市', 'nature': '国有企业',
        'level': '省级', 'industry': '交通运输'},
        {'phone': 'text', 'address': 'text', 'locality': 'text', 'nature': 'choice', 'level': 'choice',
         'industry': 'choice'}),
    'unit.info_change': Route('hzcj_admin', lambda w: '/unit/info/change', lambda w: {
        'name': '杭州市城建设计研究院有限公司', 'credit_code': uscc_code(41), 'reason': '改制更名',
        'licence': (io.BytesIO(png()), 'licence.png')}),
    'unit.info_change_decide': Route('jiaotong', lambda w: f"/unit/info-changes/{w['info_change']}/decide",
                                     decision('info_change_item')),
    'unit.info_change_withdraw': Route('jtjt_admin', lambda w: f"/unit/info-changes/{w['info_change']}/withdraw",
                                       lambda w: {'confirmed': '1'}),
    'oversight.admins': Route('shengji', lambda w: f"/oversight/orgs/{w['transport']}/admins", lambda w: {
        'action': 'add', 'name': '新管理员', 'id_number': new_id(7)},
        {'action': 'choice', 'membership_id': 'id', 'name': 'text', 'id_number': 'text'}),
    'unit.my_department': Route(ZHANG_WEI, lambda w: '/unit/my-department',
                                lambda w: {'department_id': str(w['design'])}, {'department_id': 'id'}),
    'unit.assign_department': Route('jtjt_admin', lambda w: f"/unit/staff/{w['li_na']}/department",
                                    lambda w: {'department_id': str(w['engineering'])}, {'department_id': 'id'}),
    'unit.reset_password': Route('jtjt_admin', lambda w: f"/unit/staff/{w['li_na']}/reset-password"),
    'workbench.edit': Route('shengji', lambda w: '/workbench/dmn/credit_hours/edit', lambda w: {
        'xml': w['dmn_xml'], 'base_version_id': str(w['dmn_version']), 'base_sha': w['dmn_sha']}),
    'workbench.publish': Route('shengji', lambda w: '/workbench/dmn/credit_hours/publish',
                               lambda w: {'comment': '模糊测试', 'draft_sha': w['dmn_sha'], 'confirmed': '1'}),
    'workbench.discard': Route('shengji', lambda w: '/workbench/dmn/credit_hours/discard'),
    'workbench.bench': Route('shengji', lambda w: '/workbench/dmn/credit_hours/bench', lambda w: {
        'pathway': 'training', 'level': '', 'rank': '', 'quantity': '3'}),
    'workbench.add_case': Route('shengji', lambda w: '/workbench/dmn/credit_hours/cases', lambda w: {
        'case-name': '用例', 'case-expect-hours_per_unit': '6', 'case-pathway': 'training',
        'case-quantity': '1'}, {'case-name': 'text', 'case-expect-hours_per_unit': 'decimal', 'case-pathway': 'text',
                                'case-level': 'text', 'case-rank': 'text', 'case-quantity': 'text'}),
    'workbench.delete_case': Route('shengji', lambda w: f"/workbench/dmn/credit_hours/cases/{w['case']}/delete"),
    'workbench.catalogue_pathway': Route('shengji', lambda w: '/workbench/catalogue/pathways/new', lambda w: {
        'code': 'fuzz_new', 'label': '模糊测试新类型', 'category': 'professional', 'unit': '天', 'sub_types': '甲\n乙',
        'levels': 'provincial', 'max_rank': '', 'cap': '12', 'rule': '规则', 'evidence': '材料',
        'base_sha': w['catalogue_sha']}, {'levels': 'choice'}),
    'workbench.catalogue_pathway_delete': Route('shengji', lambda w: '/workbench/catalogue/pathways/fuzz_draft/delete',
                                                lambda w: {'base_sha': w['catalogue_sha']}),
    'workbench.catalogue_levels': Route('shengji', lambda w: '/workbench/catalogue/levels', lambda w: {
        'levels': w['catalogue_levels'], 'base_sha': w['catalogue_sha']}),
    'workbench.catalogue_publish': Route('shengji', lambda w: '/workbench/catalogue/publish', lambda w: {
        'comment': '模糊测试', 'confirm': 'y', 'base_sha': w['catalogue_sha']}),
    'workbench.catalogue_discard': Route('shengji', lambda w: '/workbench/catalogue/discard',
                                         lambda w: {'base_sha': w['catalogue_sha']}),
}
ROUTES.update({
    'courses.manage': Route('shengji', lambda w: '/province/courses', lambda w: {
        'title': '模糊测试课程', 'area_id': str(w['area']), 'hours': '1.5', 'first_year': str(Y), 'last_year': str(Y),
        'pass_mark': ''}),
    'courses.edit': Route('shengji', lambda w: f"/province/courses/{w['draft_course']}", lambda w: {
        'what': 'lesson', 'lesson-title': '第二讲', 'lesson-seconds': '30',
        'lesson-file': (io.BytesIO(demo_media.mp4(1)), 'a.mp4')},
        {'what': 'choice', 'lesson-title': 'text', 'lesson-seconds': 'int', 'lesson-file': 'file',
         'question-text': 'text', 'question-options': 'text', 'question-answer': 'int'}),
    'courses.add': Route(ZHANG_WEI, lambda w: '/learning/courses/add',
                         lambda w: {'course_id': [str(w['other_course'])]}, {'course_id': 'id'}),
    'courses.remove': Route(ZHANG_WEI, lambda w: f"/learning/study/{w['course_enrolment']}/remove"),
    'courses.start': Route(ZHANG_WEI, lambda w: f"/learning/study/{w['course_enrolment']}/lessons/{w['lesson']}/start"),
    'courses.beat': Route(ZHANG_WEI, lambda w: '/learning/study/beat',
                          lambda w: {'window': w['window'], 'position': '1.0'}),
    'courses.confirm': Route(ZHANG_WEI, lambda w: '/learning/study/continue', lambda w: {'window': w['window']}),
    'courses.quiz': Route(ZHANG_WEI, lambda w: f"/learning/study/{w['course_enrolment']}/quiz",
                          lambda w: {f"q{w['question']}": '1'}),
})
NOT_FORMS = {'learning_api.learning_records'}  # JSON by design: tests/functional/test_learning_api.py
# Failed logins are counted and a captcha, once checked, is used up (webapp/security.py), refused or not.
RECORDED_WHEN_REFUSED = {'login_attempt', 'used_captcha'}


def org(name) -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def open_item(subject_type: str, subject_id: int) -> int:
    return db.session.scalar(select(WorkItem.id).where(WorkItem.subject_type == subject_type,
                                                       WorkItem.subject_id == subject_id,
                                                       WorkItem.completed_at.is_(None)))


def world() -> dict:
    """One demo subject in each state a form route acts on (committed: the cases roll back to it)."""
    learner = {key: membership(key, 'learner') for key in (ZHANG_WEI, LI_NA, CHEN_JING, WANG_QIANG)}
    zhang, li_na, chen, wang = learner.values()
    db.session.add(SupplementWindow(province_id=zhang.org.province.id, opens_on=today() - timedelta(days=1),
                                    closes_on=today() + timedelta(days=30), year=Y - 1))
    approved = approved_claim_last_year(ZHANG_WEI)
    for key in (LI_NA, CHEN_JING):
        approved_claim_last_year(key)
    w = {'approved': approved.id, 'li_na': li_na.id, 'nb_admin': membership(WANG_QIANG, 'unit_admin').id,
         'jt': org('浙江交通工程建设集团有限公司'), 'hz': org('杭州市城建设计研究院'), 'transport': org('浙江省交通运输厅'),
         'design': db.session.scalar(select(Department.id).where(Department.name == '设计院')),
         'engineering': db.session.scalar(select(Department.id).where(Department.name == '工程部'))}

    draft = claims.create_claim(zhang, claim_input(title='草稿'))
    w['draft'], w['evidence'] = draft.id, claims.add_evidence(zhang, draft, 'a.png', png(), '结业证书').id
    submitted = claims.create_claim(zhang, claim_input(title='待审'))
    claims.submit_claim(zhang, submitted, 'unit')
    w['submitted'], w['review_item'] = submitted.id, claims.open_item(submitted).id

    filling = supplements.request_supplement(zhang, 'training')  # 同意: the learner adds entries
    supplements.send_request(zhang, filling)
    supplements.decide_request(membership('jtjt_admin'), supplements.open_item(filling).id, 'agree', None)
    filling_entry = supplements.add_entry(zhang, filling, entry_input())
    w['filling_entry'] = filling_entry.id
    w['entry_evidence'] = claims.add_evidence(zhang, filling_entry, 'b.png', png(), '结业证书').id
    asked = supplements.request_supplement(li_na, 'training')  # 个人申请中: the unit agrees or not
    supplements.send_request(li_na, asked)
    reported = supplements.request_supplement(chen, 'training')  # 个人上报: the unit reviews the hours
    supplements.send_request(chen, reported)
    supplements.decide_request(membership('hzcj_admin'), supplements.open_item(reported).id, 'agree', None)
    entry = supplements.add_entry(chen, reported, entry_input())
    supplements.submit_entries(chen, reported)
    w.update(filling=filling.id, asked=asked.id, asked_item=supplements.open_item(asked).id, reported=reported.id,
             reported_item=supplements.open_item(reported).id, entry=entry.id)

    transfer = transfers.request_transfer(wang, w['hz'], '工作调动')
    w['transfer'], w['transfer_item'] = transfer.id, transfers.open_item(transfer).id
    change = superior.request_change(membership('jtjt_admin'), org('浙江省住房和城乡建设厅'), '业务划转')
    w['change'], w['change_item'] = change.id, superior.open_item(change).id
    info = info_change.request_change(membership('jtjt_admin'), '浙江交通工程集团有限公司', uscc_code(42), png(),
                                      '集团更名')
    w['info_change'], w['info_change_item'] = info.id, info_change.open_item(info).id
    title_change = profile.request_title_change(li_na, '高级工程师', date(Y - 1, 6, 1))
    w['title_change'], w['title_item'] = title_change.id, open_item('title_change', title_change.id)
    e = enrolment.enrol(chen, enrolment.EnrolmentInput('国有企业', '中共党员', '硕士研究生', '工程师', date(2019, 7, 1),
                                                       '桥梁隧道工程'))
    w['enrolment'], w['enrolment_item'] = e.id, enrolment.open_review(e).id
    note = Notification(user_id=zhang.user_id, text='提醒')
    db.session.add(note)
    platform, _token = learning.create_platform(membership('shengji'), '模糊测试来源平台')
    province = membership('shengji')
    w['case'] = workbench.add_case('credit_hours', '已有用例', {'pathway': 'training', 'quantity': 1},
                                   {'hours_per_unit': 6}, province).id
    dmn = db.session.scalar(select(ProcessVersion).where(ProcessVersion.key == 'credit_hours',
                                                         ProcessVersion.status == 'published'))
    claim_version = db.session.scalar(select(ProcessVersion).where(ProcessVersion.key == 'claim',
                                                                   ProcessVersion.status == 'published'))
    published = catalogue_for(province.org_id)
    draft = catalogue_ops.save_pathway(province, published.sha256, catalogue_ops.PathwayInput(
        'fuzz_draft', '模糊测试草稿类型', 'professional', '项', ['一项'], [], None, None, '', ''), None)
    w.update(catalogue_sha=draft.sha256, catalogue_levels=catalogue_ops.levels_text(draft.content))
    w.update(online_courses(zhang))
    db.session.flush()
    w.update(notification=note.id, platform=platform.id, dmn_version=dmn.id, dmn_sha=dmn.sha256,
             dmn_xml=dmn.content, claim_version=claim_version.id)
    db.session.commit()
    return w


def online_courses(zhang) -> dict:
    """张伟 enrolled for the year, studying a published course with a quiz; another published course to add, and an
    unpublished one to edit."""
    staff = membership('shengji')
    db.session.add(Enrolment(learner_id=zhang.user_id, year=Y, unit_id=zhang.org_id, identity='国有企业',
                             political_status='群众', education='大学本科', title='工程师', specialty='公路工程',
                             status_label='已报名', outcome=catalog.APPROVED))
    area = next(a for a in courses.areas(staff.org_id) if a.name == '规划与设计')

    def course(title, publish=True, pass_mark=None):
        c = courses.create_course(staff, courses.CourseInput(title, area.id, Decimal('1.5'), Y, Y, pass_mark))
        courses.add_lesson(staff, c, '第一讲', demo_media.mp4(1), 30)
        if pass_mark:
            courses.add_question(staff, c, '一加一等于几？', ['一', '二'], 2)
        if publish:
            courses.publish(staff, c)
        return c

    studied, other, draft = course('模糊测试在学课程', pass_mark=60), course('模糊测试可选课程'), course('草稿课程', False)
    [e] = courses.add_courses(zhang, [studied.id])
    window, _beat = study.start(e, studied.lessons[0])
    return {'area': area.id, 'draft_course': draft.id, 'other_course': other.id, 'course_enrolment': e.id,
            'lesson': studied.lessons[0].id, 'window': window, 'question': studied.questions[0].id}


def registration_pending(client, w) -> None:
    """A learner's registration waiting for 交工集团 (posted as the public form does)."""
    client.get('/captcha.png')
    response = client.post('/register/learner', data=learner_data(id_number=new_id(3), password='Fuzz@2026x',
                                                                  confirm='Fuzz@2026x'),
                           content_type='multipart/form-data')
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    reg = db.session.scalar(select(Registration).order_by(Registration.id.desc()))
    w['registration'], w['registration_item'] = reg.id, open_item('registration', reg.id)
    db.session.commit()


# What a route's view reads ------------------------------------------------------------------------------------------

def kind_of(field_class) -> str:
    for classes, kind in (((DecimalField,), 'decimal'), ((DateField,), 'date'), ((IntegerField,), 'int'),
                          ((FileField,), 'file'), ((BooleanField,), 'bool'), ((SelectField, RadioField), 'choice'),
                          ((HiddenField,), 'id')):
        if issubclass(field_class, classes):
            return kind
    return 'text'


def _code_objects(code: CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _code_objects(const)


def view_fields(app, endpoint: str) -> dict[str, str]:
    """The fields of every form class the view (and the lambdas in it) names, by kind."""
    view = inspect.unwrap(app.view_functions[endpoint])
    found = {}
    for code in _code_objects(view.__code__):
        for name in code.co_names:
            cls = view.__globals__.get(name)
            if isinstance(cls, type) and issubclass(cls, FlaskForm):
                for attr in dir(cls):
                    unbound = getattr(cls, attr, None)
                    if isinstance(unbound, UnboundField) and attr != 'csrf_token':
                        found[attr] = kind_of(unbound.field_class)
    return found


# Running one case ---------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    status: int
    seconds: float
    megabytes: float
    size: int
    refused: bool
    problems: list


class CaseTimeout(Exception):
    pass


@contextmanager
def bounded_address_space():
    """An allocation of gigabytes (what 1e-999999999 used to cost) fails with MemoryError instead of taking the
    machine's memory."""
    with open('/proc/self/statm') as statm:
        held = int(statm.read().split()[0]) * resource.getpagesize()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = held + ADDRESS_SPACE_GB * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _interrupt(signum, frame):
    raise CaseTimeout(f'request still running after {CASE_HARD_SECONDS} s')


class Fuzzer:
    def __init__(self, app, w):
        self.app, self.w, self.clients, self.before = app, w, {}, {}
        self.connection = db.session.get_bind()
        tables = [t.name for t in db.metadata.sorted_tables]
        counts = ', '.join(f'(SELECT count(*) FROM "{name}")' for name in tables)
        earliest, latest = f"'{app.config['EARLIEST_YEAR']}-01-01'", f"'{Y + app.config['LATEST_YEARS_AHEAD']}-12-31'"
        # Invariants of what may be stored at all, refused or not.
        self.invariants = [
            ('claim amounts of 0 or below', 'SELECT count(*) FROM claim WHERE applied_hours <= 0 OR quantity <= 0 '
                                            'OR reviewed_hours <= 0'),
            ('claim dates out of range', f'SELECT count(*) FROM claim WHERE start_date < {earliest} '
                                         f'OR end_date > {latest}'),
            ('learning records out of range', f'SELECT count(*) FROM learning_record WHERE hours <= 0 '
                                              f'OR completed_on < {earliest}'),
            ('windows out of range', f'SELECT count(*) FROM registration_window WHERE opens_on < {earliest} '
                                     f'OR closes_on > {latest}'),
            ('flow-log remarks beyond their column', 'SELECT count(*) FROM flow_log WHERE length(remark) > 1000'),
        ]
        self.tables, self.count_sql = tables, text(f'SELECT {counts}')
        self.invariant_sql = text('SELECT ' + ', '.join(f'({sql})' for _name, sql in self.invariants))

    def client(self, actor, fresh=False):
        if fresh or actor not in self.clients:
            client = self.app.test_client()
            if actor == 'nb_admin':
                login(client, WANG_QIANG)
                client.post('/switch-role', data={'membership_id': str(self.w['nb_admin'])})
            elif actor is not None:
                login(client, actor)
            if fresh:
                return client
            self.clients[actor] = client
        return self.clients[actor]

    def counts(self) -> tuple:
        return tuple(self.connection.execute(self.count_sql).one())

    def broken_invariants(self) -> list[str]:
        values = self.connection.execute(self.invariant_sql).one()
        return [name for (name, _sql), value in zip(self.invariants, values) if value]

    def run(self, route: Route, request: dict) -> Outcome:
        client = self.client(route.actor, route.fresh)
        if route.actor is None:
            client.get('/captcha.png')  # the captcha cookie, as the page's image sets it
        db.session.rollback()
        if route.fresh or route not in self.before:  # a new login adds rows; otherwise each case starts the same
            self.before[route] = self.counts()
        before = self.before[route]
        self.connection.exec_driver_sql('SAVEPOINT fuzz_case')
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        signal.signal(signal.SIGALRM, _interrupt)
        signal.setitimer(signal.ITIMER_REAL, CASE_HARD_SECONDS)
        start = time.perf_counter()
        try:
            response = client.post(route.url(self.w), **request)
        finally:
            seconds = time.perf_counter() - start
            signal.setitimer(signal.ITIMER_REAL, 0)
            db.session.rollback()
        megabytes = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
        with client.session_transaction() as session:
            flashes = [category for category, _message in session.pop('_flashes', [])]
        body = response.get_data()
        refused = (response.status_code >= 400 or b'is-invalid' in body
                   or (bool(flashes) and 'success' not in flashes))
        try:
            after, broken = self.counts(), self.broken_invariants()
        finally:
            self.connection.exec_driver_sql('ROLLBACK TO SAVEPOINT fuzz_case')
            db.session.expire_all()
        changed = [f'{t} {b} → {a}' for t, b, a in zip(self.tables, before, after)
                   if a != b and t not in RECORDED_WHEN_REFUSED]
        return Outcome(response.status_code, seconds, megabytes, len(body), refused,
                       [f'stored {name}' for name in broken]
                       + ([f'refused, but rows changed: {", ".join(changed)}'] if refused and changed else []))


def cases(endpoint: str, route: Route, fields: dict, w: dict):
    """(label, request kwargs) of one route: sampled per field kind, not the full cross product."""
    rng = random.Random(endpoint)
    base = route.base
    multipart = any(kind == 'file' for kind in fields.values())

    def post(data):
        return {'data': data, 'content_type': 'multipart/form-data'} if multipart else {'data': data}

    yield 'valid', post(base(w))
    yield 'empty', post({})
    for name, kind in fields.items():
        samples = SAMPLES[kind]
        for value in rng.sample(samples, min(len(samples), PER_FIELD.get(kind, PER_FIELD_DEFAULT))):
            yield f'{name}={value[:20]!r}', post({**base(w), name: value})
    for value in EVERYWHERE:
        yield f'everything={value[:20]!r}', post({**base(w), **{name: value for name in fields}})
    yield 'missing each', post({name: value for name, value in base(w).items() if rng.random() < 0.5})
    for body in JSON_BODIES:
        if isinstance(body, dict):
            body = {name: body['*'] for name in fields} or {'title': body['*']}
        yield f'json {str(body)[:30]}', {'json': body}
    text_fields = [name for name, kind in fields.items() if kind != 'file']
    if text_fields:
        files = {name: (io.BytesIO(b'%PDF-1.4 not text'), 'x.pdf') for name in text_fields}
        yield 'files as text', {'data': {**base(w), **files}, 'content_type': 'multipart/form-data'}


def test_every_post_route_is_fuzzed(app):
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if 'POST' in rule.methods}
    assert posted - NOT_FORMS == set(ROUTES), ('routes without a fuzz entry (who may post, which subject): '
                                               f'{sorted(posted - NOT_FORMS - set(ROUTES))}; '
                                               f'entries without a route: {sorted(set(ROUTES) - posted)}')


def test_every_form_is_built_on_the_safe_base():
    """Every form refuses JSON bodies and keeps files out of its text fields (webapp.forms.Form); every decimal and
    date field is bounded."""
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    import webapp  # noqa: F401 - every feature's forms are imported with the app
    forms = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith('webapp.')]
    assert len(forms) > 20
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, Form)] == []
    for cls in forms:
        for attr in dir(cls):
            unbound = getattr(cls, attr, None)
            if isinstance(unbound, UnboundField) and issubclass(unbound.field_class, (DecimalField, DateField)):
                assert unbound.field_class.__module__ == 'webapp.forms', (cls.__qualname__, attr)


def test_hostile_values_in_every_form_route(app, ctx):
    w = world()
    registration_pending(app.test_client(), w)
    fuzzer = Fuzzer(app, w)
    assert not fuzzer.broken_invariants()
    failures, slowest, total = [], (0.0, ''), 0
    started = time.perf_counter()
    with bounded_address_space():
        for endpoint, route in ROUTES.items():
            fields = {**view_fields(app, endpoint), **route.fields}
            for label, request in cases(endpoint, route, fields, w):
                total += 1
                where = f'{endpoint} [{label}]'
                try:
                    outcome = fuzzer.run(route, request)
                except Exception as exc:  # a 500 in production: TESTING lets it through to here
                    failures.append(f'{where}: {type(exc).__name__}: {str(exc)[:300]}')
                    db.session.rollback()
                    fuzzer.connection.exec_driver_sql('ROLLBACK TO SAVEPOINT fuzz_case')
                    continue
                slowest = max(slowest, (outcome.seconds, where))
                problems = outcome.problems + [
                    f'status {outcome.status}' if outcome.status >= 500 else '',
                    f'{outcome.seconds:.1f} s' if outcome.seconds > CASE_SECONDS else '',
                    f'+{outcome.megabytes:.0f} MB' if outcome.megabytes > CASE_MEGABYTES else '',
                    f'{outcome.size} bytes' if outcome.size > PAGE_BYTES else '']
                if 'json' in label and fields and not 400 <= outcome.status < 500:
                    problems.append(f'JSON body answered {outcome.status}, not 4xx')
                if any(problems):
                    failures.append(f'{where}: ' + ', '.join(p for p in problems if p))
    elapsed = time.perf_counter() - started
    print(f'{total} cases in {elapsed:.1f} s; slowest {slowest[0]:.2f} s: {slowest[1]}')
    assert not failures, f'{len(failures)} of {total} cases failed:\n' + '\n'.join(failures[:80])
