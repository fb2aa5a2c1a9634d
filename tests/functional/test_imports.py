"""【导入学员培训信息】 and Excel exports through the real pages: per-row reasons, nothing stored from a bad row,
scope, whole-file refusals, progress, and an export that imports again."""
import io
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from models import Claim, ImportJob, db, utcnow
from webapp.claims import operations as claims
from webapp.claims.sheets import COLUMNS
from webapp.imports import operations as imports

from ..conftest import CHEN_JING, LI_NA, ZHANG_WEI, login, membership
from ..helpers import claim_input

Y = claims.today().year


def row(**values) -> list:
    base = {'身份证号': ZHANG_WEI, '姓名': '张伟', '认定类型': '参加培训进修', '二级类型': '培训班', '级别': '', '排名': '',
            '数量': 1, '认定内容': '桥梁养护培训班（省级）', '开始时间': date(Y, 4, 1), '结束时间': date(Y, 4, 3),
            '申请学时': 18, '计入年度': Y, '认定内容说明': '', '证书编号': ''}
    base.update(values)
    return [base[c] for c in COLUMNS]


def xlsx(rows, header=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = '学员培训信息'
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, content, pledge=True, name='staff.xlsx'):
    data = {'file': (io.BytesIO(content), name)}
    if pledge:
        data['pledge'] = 'y'
    return client.post('/imports/', data=data, content_type='multipart/form-data', follow_redirects=True)


def claims_count() -> int:
    return db.session.scalar(select(func.count(Claim.id)))


BAD_ROWS = [
    (row(身份证号='11010519491231002X'), '身份证号 11010519491231002X 尚未注册'),
    (row(身份证号='330106198503120010'), '身份证号“330106198503120010”无效'),
    (row(身份证号=CHEN_JING, 姓名='陈静'), '陈静（330105199202150045）不是本单位的专技人员'),
    (row(姓名='李四'), '姓名“李四”与身份证号 33010619850312001X 不符'),
    (row(开始时间='2026-13-01'), '开始时间“2026-13-01”不是有效日期'),
    (row(认定类型='出国考察'), '认定类型“出国考察”不存在'),
    (row(申请学时=30), '申请学时 30 超过折算表的 18'),
    (row(结束时间=date(Y, 3, 1)), '结束时间不能早于开始时间'),
    (row(认定内容=''), '“认定内容”为必填项'),
    (row(计入年度=Y - 3), f'计入年度只能是当前登记年度 {Y} 年'),
    (row(认定类型='参加高研班', 二级类型='高级研修班'), '“参加高研班”须填写级别'),
]


def test_good_rows_become_drafts_and_each_bad_row_says_why(client, ctx):
    login(client, 'jtjt_admin')
    good = [row(), row(身份证号=LI_NA, 姓名='李娜', 认定内容='设计规范培训', 开始时间=f'{Y}-05-06', 结束时间=f'{Y}/05/06',
                       申请学时=6)]
    html = upload(client, xlsx(good + [r for r, _ in BAD_ROWS])).get_data(as_text=True)
    assert f'共 {2 + len(BAD_ROWS)} 行' in html and '正在导入' in html
    assert claims_count() == 0  # nothing until the worker works it off
    assert imports.run_pending() == 1 and imports.run_pending() == 0
    job = db.session.scalar(select(ImportJob))
    assert (job.status, job.ok_rows, job.failed_rows) == ('done', 2, len(BAD_ROWS))
    html = client.get(f'/imports/{job.id}').get_data(as_text=True)
    assert 'id="ok-rows">2<' in html
    for number, (_row, reason) in enumerate(BAD_ROWS, start=4):
        assert f'<tr><td>{number}</td><td>{reason}' in html, reason
    drafts = db.session.scalars(select(Claim).order_by(Claim.id)).all()
    assert [(c.learner.name, c.status_label, c.applied_hours) for c in drafts] == [('张伟', '待提交', 18),
                                                                                   ('李娜', '待提交', 6)]
    assert all(c.created_by_id == membership('jtjt_admin').user_id for c in drafts)
    progress = client.get(f'/imports/{job.id}/progress').get_json()
    assert progress == {'status': 'done', 'total': 13, 'done': 13, 'ok': 2, 'failed': 11, 'error': None}

    # ready for batch submission from 我发起的
    page = client.get('/inbox/mine?status=待提交').get_data(as_text=True)
    assert page.count('class="pick"') == 2
    client.post('/claims/batch', data={'action': 'submit', 'target': 'unit',
                                       'claim_ids': [c.id for c in drafts]})
    assert {c.status_label for c in db.session.scalars(select(Claim))} == {'待初审'}


def test_a_department_admin_imports_only_her_department(client, ctx):
    login(client, 'jtjt_gcb')  # 工程部: 张伟 yes, 李娜 (设计院) no
    upload(client, xlsx([row(), row(身份证号=LI_NA, 姓名='李娜')]))
    imports.run_pending()
    job = db.session.scalar(select(ImportJob))
    assert job.ok_rows == 1
    assert job.results[1]['message'] == '李娜（33010219900708002X）不是本单位本部门的专技人员'
    other = client.application.test_client()
    login(other, 'hzcj_admin')
    assert other.get(f'/imports/{job.id}').status_code == 404
    assert other.get(f'/imports/{job.id}/progress').status_code == 404
    assert 'staff.xlsx' not in other.get('/imports/').get_data(as_text=True)


def test_whole_file_refusals_store_nothing(client, ctx):
    login(client, 'jtjt_admin')
    assert '无法读取文件' in upload(client, b'not a spreadsheet').get_data(as_text=True)
    wrong = xlsx([row()], header=['姓名', '课程'])
    assert '表头不正确，缺少列：身份证号' in upload(client, wrong).get_data(as_text=True)
    assert '请勾选“本单位承诺导入信息属实”' in upload(client, xlsx([row()]), pledge=False).get_data(as_text=True)
    assert '文件中没有数据行' in upload(client, xlsx([])).get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0


def test_the_template_downloads_with_the_columns_and_the_allowed_values(client):
    login(client, 'jtjt_admin')
    response = client.get('/imports/template.xlsx')
    assert response.status_code == 200 and response.mimetype.endswith('spreadsheetml.sheet')
    wb = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in wb['学员培训信息'][1]] == COLUMNS
    assert '参加培训进修' in [c.value for c in wb['填写说明']['A']]


def test_only_unit_admins_import(client):
    for who in (ZHANG_WEI, 'jiaotong', 'shengji'):
        other = client.application.test_client()
        login(other, who)
        assert other.get('/imports/').status_code == 403
        assert other.get('/imports/template.xlsx').status_code == 403


def test_an_exported_list_keeps_its_filters_and_imports_again(client, ctx):
    zhang, li = membership(ZHANG_WEI, 'learner'), membership(LI_NA, 'learner')
    for m, title in ((zhang, '张伟的培训'), (li, '李娜的培训')):
        claims.submit_claim(m, claims.create_claim(m, claim_input(title=title)), 'unit')
    db.session.commit()
    login(client, 'jtjt_admin')
    response = client.get('/inbox/?q=李娜&export=xlsx')
    assert response.status_code == 200 and '.xlsx' in response.headers['Content-Disposition']
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:len(COLUMNS)] == tuple(COLUMNS) and rows[0][-6:-3] == ('单位', '部门', '审核状态')
    assert [r[7] for r in rows[1:]] == ['李娜的培训'] and rows[1][0] == LI_NA

    exported = client.get('/claims/manage?export=xlsx').data
    assert len(list(load_workbook(io.BytesIO(exported)).active.iter_rows())) == 3
    upload(client, exported, name='导出.xlsx')
    imports.run_pending()
    job = db.session.scalar(select(ImportJob))
    assert (job.ok_rows, job.failed_rows) == (2, 0)
    copies = db.session.scalars(select(Claim).where(Claim.status_label == '待提交').order_by(Claim.id)).all()
    assert sorted(c.title for c in copies) == ['张伟的培训', '李娜的培训']
    assert all(c.applied_hours == 18 and c.start_date == date(Y, 3, 1) for c in copies)


def test_learner_exports_her_claims_and_totals(client, ctx):
    m = membership(ZHANG_WEI, 'learner')
    claims.create_claim(m, claim_input(title='草稿一'))
    db.session.commit()
    login(client, ZHANG_WEI)
    rows = list(load_workbook(io.BytesIO(client.get('/claims/?export=xlsx').data)).active.iter_rows(values_only=True))
    assert [r[7] for r in rows[1:]] == ['草稿一']
    totals = load_workbook(io.BytesIO(client.get('/claims/totals?export=xlsx').data)).active
    assert [c.value for c in totals[1]] == ['年度', '公需科目学时', '专业科目学时', '总学时']


def test_an_import_whose_worker_died_is_taken_over_where_it_stopped(client, ctx, monkeypatch):
    """The worker committed the first chunk and died: after JOB_LEASE another worker finishes the file, and no row is
    imported twice."""
    monkeypatch.setattr(imports, 'CHUNK', 2)
    login(client, 'jtjt_admin')
    upload(client, xlsx([row(认定内容=f'培训 {n}') for n in range(5)]))
    job = db.session.scalar(select(ImportJob))
    job.status = 'running'
    imports._work_off(job, job.membership, imports._read_rows(job.content)[:2])  # one chunk, then the worker died
    assert (job.done_rows, claims_count()) == (2, 2)
    job.heartbeat_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert imports.run_pending() == 0  # still within the lease: its worker may only be slow
    job.heartbeat_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert imports.run_pending() == 1
    db.session.refresh(job)
    assert (job.status, job.done_rows, job.ok_rows) == ('done', 5, 5)
    assert sorted(db.session.scalars(select(Claim.title))) == [f'培训 {n}' for n in range(5)]
