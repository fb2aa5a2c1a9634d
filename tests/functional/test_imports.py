"""【导入学员培训信息】 and Excel exports through the real pages: per-row reasons, nothing stored from a bad row,
scope, whole-file refusals, progress, and an export that imports again."""
import io
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from models import Claim, ImportJob, Organisation, db, utcnow
from webapp.claims import operations as claims
from webapp.claims.sheets import COLUMNS
from webapp import audit, hours, timers
from webapp.imports import operations as imports
from webapp.transfers import operations as transfers

from ..helpers import claim_input
from ..people import CHEN_JING, LI_NA, ZHANG_WEI, login, membership

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
    (row(身份证号='11010519491231002X'), '身份证号 11010519491231002X 不是本单位的专技人员（或尚未注册）'),
    (row(身份证号='330106198503120010'), '身份证号“330106198503120010”无效'),
    (row(身份证号=CHEN_JING, 姓名='陈静'), '身份证号 330105199202150045 不是本单位的专技人员（或尚未注册）'),
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
    assert not hours.disagreements(db.session)  # drafts carry no hours
    progress = client.get(f'/imports/{job.id}/progress').get_json()
    assert progress == {'status': 'done', 'total': 13, 'done': 13, 'ok': 2, 'failed': 11, 'error': None}

    # ready for batch submission from 我发起的
    page = client.get('/inbox/mine?status=待提交').get_data(as_text=True)
    assert page.count('class="pick"') == 2
    client.post('/claims/batch', data={'action': 'submit', 'target': 'unit', 'confirmed': '1',
                                       'claim_ids': [c.id for c in drafts]})
    assert {c.status_label for c in db.session.scalars(select(Claim))} == {'待初审'}


@pytest.mark.parametrize('admin, scope', [('jtjt_admin', '本单位'), ('jtjt_gcb', '本单位本部门')])
def test_the_result_does_not_reveal_who_is_behind_an_id_number_outside_the_admins_scope(client, ctx, admin, scope):
    """Another unit's professional (陈静 of 杭州市城建设计研究院), a colleague of another department (for a department
    admin) and an ID number nobody registered get the same words: no name, no unit, not whether the number exists."""
    unknown = '11010519491231002X'
    outside = [CHEN_JING, unknown] + ([LI_NA] if scope == '本单位本部门' else [])
    login(client, admin)
    upload(client, xlsx([row(身份证号=number, 姓名='') for number in outside]))
    imports.run_pending()
    job = db.session.scalar(select(ImportJob))
    assert [r['message'] for r in job.results] == [f'身份证号 {n} 不是{scope}的专技人员（或尚未注册）' for n in outside]
    page = client.get(f'/imports/{job.id}').get_data(as_text=True)
    for revealing in ('陈静', '杭州市城建设计研究院', '李娜'):
        assert revealing not in page


def test_a_department_admin_imports_only_her_department(client, ctx):
    login(client, 'jtjt_gcb')  # 工程部: 张伟 yes, 李娜 (设计院) no
    upload(client, xlsx([row(), row(身份证号=LI_NA, 姓名='李娜')]))
    imports.run_pending()
    job = db.session.scalar(select(ImportJob))
    assert job.ok_rows == 1
    assert job.results[1]['message'] == '身份证号 33010219900708002X 不是本单位本部门的专技人员（或尚未注册）'
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
    lease = timers.Lease(job)  # taken by a worker …
    imports._work_off(job, job.membership, imports._read_rows(job.content)[:2], lease)  # … one chunk, then it died
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


DATE_ROWS = [
    (row(开始时间=date(2015, 4, 1), 结束时间=date(2015, 4, 3)), f'结束时间 2015-04-03 不在计入年度 {Y} 年内'),
    (row(开始时间=date(Y - 1, 12, 30), 结束时间=date(Y, 1, 1)), f'开始时间 {Y - 1}-12-30 不在计入年度 {Y} 年内'),
    (row(开始时间='0001-01-01', 结束时间='9999-12-31', 申请学时=18), '开始时间 0001-01-01：日期应在 2000 年至'),
    (row(认定类型='发表论文著作', 二级类型='论文', 级别='核心期刊', 排名=1, 数量=10 ** 9, 申请学时=24), '数量应在 0.1 到 1000 之间'),
]


def test_training_dates_outside_the_year_are_refused_on_their_row(client, ctx):
    """A 2015 training cannot count for this year, and 0001-01-01 → 9999-12-31 (3,652,059 days, more than the
    quantity column holds) is refused on its row instead of failing the whole file."""
    login(client, 'jtjt_admin')
    upload(client, xlsx([r for r, _ in DATE_ROWS] + [row()]))
    assert imports.run_pending() == 1
    job = db.session.scalar(select(ImportJob))
    assert (job.status, job.ok_rows, job.failed_rows) == ('done', 1, len(DATE_ROWS))
    for result, (_row, reason) in zip(job.results, DATE_ROWS):
        assert result['message'].startswith(reason), result
    assert claims_count() == 1


def test_the_claim_form_refuses_a_training_of_another_year(client, ctx):
    from ..helpers import claim_form
    login(client, ZHANG_WEI)
    response = client.post('/claims/new', data=claim_form(start_date='2015-04-01', end_date='2015-04-03'))
    assert response.status_code == 422 and f'不在计入年度 {Y} 年内' in response.get_data(as_text=True)
    assert claims_count() == 0


def test_a_row_the_database_refuses_fails_alone(client, ctx, monkeypatch):
    """Should a value pass the checks and still be refused by the database (a constraint, a column too small),
    only that row fails, with its sheet row number; the rows around it, in the same batch, are imported whole:
    each with its process, its inbox row, its flow log entry."""
    check = claims.check_input

    def checked_but_refused_by_database(inp, *args, **kwargs):
        inp = check(inp, *args, **kwargs)
        if inp.title == '数据库拒绝':
            return replace(inp, sub_type=None)  # NOT NULL: IntegrityError on every database
        if inp.title == '数量溢出':
            return replace(inp, quantity=Decimal(3652059))  # Numeric(6, 1): DataError on PostgreSQL
        return inp
    monkeypatch.setattr(claims, 'check_input', checked_but_refused_by_database)
    login(client, 'jtjt_admin')
    upload(client, xlsx([row(认定内容='之前'), row(认定内容='数据库拒绝'), row(认定内容='数量溢出'), row(认定内容='之后'),
                         row(认定内容='再之后', 申请学时=30)]))
    assert imports.run_pending() == 1
    job = db.session.scalar(select(ImportJob))
    assert job.status == 'done'
    assert job.results[1] == {'row': 3, 'ok': False, 'message': '第 3 行：数据超出范围或不符合数据库约束，本行未导入'}
    assert job.results[4]['message'] == '申请学时 30 超过折算表的 18'
    titles = set(db.session.scalars(select(Claim.title)))
    assert {'之前', '之后'} <= titles and '数据库拒绝' not in titles
    if db.engine.dialect.name == 'postgresql':
        assert job.results[2]['message'].startswith('第 4 行：数据超出范围') and '数量溢出' not in titles
    for claim in db.session.scalars(select(Claim)):
        assert claim.status_label == '待提交' and claims.open_item(claim).form_key == 'claim_edit'
        assert [log.action for log in audit.flow_log('claim', claim.id)] == ['新增登记']


def test_result_rows_are_the_sheet_rows_when_blank_rows_are_left_between(client, ctx):
    login(client, 'jtjt_admin')
    upload(client, xlsx([row(), [None] * len(COLUMNS), [], row(认定内容=''), row(申请学时=30)]))
    imports.run_pending()
    job = db.session.scalar(select(ImportJob))
    assert [(r['row'], r['ok']) for r in job.results] == [(2, True), (5, False), (6, False)]
    html = client.get(f'/imports/{job.id}').get_data(as_text=True)
    assert '<tr><td>5</td><td>“认定内容”为必填项' in html and '<tr><td>6</td><td>申请学时 30 超过折算表的 18' in html


def test_text_dates_with_slashes_and_one_digit_months_import(client, ctx):
    login(client, 'jtjt_admin')
    upload(client, xlsx([row(开始时间=f'{Y}-4-1', 结束时间=f'{Y}/4/3'), row(开始时间=f'{Y}/04/1', 结束时间=f'{Y}-04-03'),
                         row(开始时间=f'{Y}-4/1')]))
    imports.run_pending()
    job = db.session.scalar(select(ImportJob))
    assert [r['ok'] for r in job.results] == [True, True, False]
    assert job.results[2]['message'] == f'开始时间“{Y}-4/1”不是有效日期（例如 2026-03-01 或 2026/3/1）'
    assert {(c.start_date, c.end_date) for c in db.session.scalars(select(Claim))} == {(date(Y, 4, 1), date(Y, 4, 3))}


FORMULA_TITLES = ['=HYPERLINK("http://example.com","点击")', '+86 交通培训', '-桥梁养护-', '@培训']


def test_text_that_looks_like_a_formula_is_exported_as_text_and_imports_again(client, ctx):
    m = membership(ZHANG_WEI, 'learner')
    for title in FORMULA_TITLES:
        claims.submit_claim(m, claims.create_claim(m, claim_input(title=title, description='=1+1')), 'unit')
    db.session.commit()
    login(client, 'jtjt_admin')
    exported = client.get('/claims/manage?export=xlsx').data
    sheet = load_workbook(io.BytesIO(exported)).active
    cells = [r[7] for r in list(sheet.iter_rows(min_row=2))]
    assert sorted(c.value for c in cells) == sorted(FORMULA_TITLES)
    assert all(c.data_type == 's' and c.quotePrefix for c in cells)  # shown as typed, never evaluated
    upload(client, exported, name='导出.xlsx')
    imports.run_pending()
    job = db.session.scalar(select(ImportJob))
    assert (job.ok_rows, job.failed_rows) == (4, 0), job.results
    copies = db.session.scalars(select(Claim).where(Claim.status_label == '待提交')).all()
    assert sorted(c.title for c in copies) == sorted(FORMULA_TITLES)
    assert {c.description for c in copies} == {'=1+1'}


def export_href(html: str) -> str:
    found = re.search(r'class="[^"]*export-link" href="([^"]+)"', html)
    assert found, 'no 导出 Excel button'
    return unescape(found[1])


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200 and response.mimetype.endswith('spreadsheetml.sheet')
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


def test_totals_page_has_an_export_button(client, ctx):
    m = membership(ZHANG_WEI, 'learner')
    claim = claims.create_claim(m, claim_input())
    claims.submit_claim(m, claim, 'unit')
    claims.review(membership('jtjt_admin'), claims.open_item(claim).id, 'approve', None, None)
    claims.review(membership('jiaotong'), claims.open_item(claim).id, 'approve', 18, None)
    db.session.commit()
    login(client, ZHANG_WEI)
    href = export_href(client.get(f'/claims/totals?year={Y}').get_data(as_text=True))
    rows = sheet_rows(client.get(href))
    assert rows[0] == ('年度', '公需科目学时', '专业科目学时', '总学时') and rows[1][0] == Y and rows[1][3] == 18


def test_my_claims_export_keeps_every_filter(client, ctx):
    m = membership(ZHANG_WEI, 'learner')
    claims.create_claim(m, claim_input(title='培训一'))
    claims.create_claim(m, claim_input(title='考试一', pathway='exam', sub_type='交通运输类执（职）业资格考试', applied_hours=8))
    db.session.commit()
    login(client, ZHANG_WEI)
    html = client.get('/claims/?status=待提交&pathway=exam&year=' + str(Y)).get_data(as_text=True)
    assert '考试一' in html and '培训一' not in html
    href = export_href(html)
    assert 'pathway=exam' in href and f'year={Y}' in href and 'status=' in href
    assert [r[7] for r in sheet_rows(client.get(href))[1:]] == ['考试一']


def test_other_inbox_tabs_export_the_columns_they_show(client, ctx):
    nb = db.session.scalar(select(Organisation.id).where(Organisation.name == '宁波港航工程有限公司'))
    transfers.request_transfer(membership(ZHANG_WEI, 'learner'), nb, '工作调动')
    db.session.commit()
    login(client, 'jtjt_admin')
    html = client.get('/inbox/?kind=transfer').get_data(as_text=True)
    href = export_href(html)
    assert 'kind=transfer' in href and 'export=xlsx' in href
    rows = sheet_rows(client.get(href))
    assert rows[0] == ('环节', '事项', '姓名', '身份证号', '说明', '状态', '超期', '到达时间')
    assert len(rows) == 2 and rows[1][1] == '单位调转 · 浙江交通工程建设集团有限公司 → 宁波港航工程有限公司'
    assert rows[1][2] == '张伟' and rows[1][3] in html  # masked as on the page
    assert sheet_rows(client.get('/inbox/done?kind=transfer&export=xlsx'))[0][-2:] == ('处理结果', '处理时间')


def test_a_learner_with_a_transfer_open_is_refused_on_her_rows_and_her_colleagues_are_imported(client, ctx):
    """The batch's check for open transfers (one query for all its learners) refuses exactly her rows, with the words
    of the claim form."""
    nb = db.session.scalar(select(Organisation.id).where(Organisation.name == '宁波港航工程有限公司'))
    transfers.request_transfer(membership(ZHANG_WEI, 'learner'), nb, '工作调动')
    db.session.commit()
    login(client, 'jtjt_admin')
    upload(client, xlsx([row(认定内容='张伟的'), row(身份证号=LI_NA, 姓名='李娜', 认定内容='李娜的'), row(认定内容='张伟的二')]))
    assert imports.run_pending() == 1
    job = db.session.scalar(select(ImportJob))
    assert [r['ok'] for r in job.results] == [False, True, False]
    assert job.results[0]['message'].startswith('张伟有单位调转申请正在办理中（调往“宁波港航工程有限公司”')
    assert job.results[0]['message'].endswith('办结或撤回后才能新增学时登记')
    assert list(db.session.scalars(select(Claim.title))) == ['李娜的']
