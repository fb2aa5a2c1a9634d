"""Annual requirement per jurisdiction (rules/annual_requirement.dmn), progress per part, the learner's and the
unit admin's progress pages."""
from decimal import Decimal

from models import Membership, Organisation, User, db
from models.org import PROVINCE, UNIT
from models.workflow import DMN
from webapp.certificates import operations as certs
from webapp.workflow.versions import add_version, load_defaults

from ..helpers import year
from ..people import CHEN_JING, GUANGXI, LI_NA, ZHANG_WEI, login, membership, province_id, zj
from .helpers import approved, meet_requirement, public_hours

ZJ = '浙江省专业技术人员继续教育学时办'
JS = '江苏省专业技术人员继续教育学时办'


def _province(name: str) -> Organisation:
    """A province of its own, with the shipped processes and tables loaded as its version 1."""
    province = Organisation(kind=PROVINCE, name=name)
    db.session.add(province)
    db.session.flush()
    load_defaults(province.id)
    return province


def test_requirement_is_evaluated_per_jurisdiction(ctx):
    zhejiang, guangxi = db.session.get(Organisation, zj()), db.session.get(Organisation, province_id(GUANGXI))
    assert certs.requirement(zhejiang) == certs.Requirement(Decimal(90), Decimal(60), Decimal(18))
    assert certs.requirement(guangxi) == certs.Requirement(Decimal(90), Decimal(60), Decimal(15))
    assert certs.requirement(_province(JS)) == certs.Requirement(Decimal(72), Decimal(48), Decimal(24))
    assert certs.requirement(_province('某省继续教育办')) == certs.Requirement(Decimal(90), Decimal(60), Decimal(18))


def test_a_newly_published_table_version_changes_the_requirement_of_its_province_only(ctx):
    from pathlib import Path
    content = (Path(__file__).resolve().parents[2] / 'rules' / 'annual_requirement.dmn').read_text(encoding='utf-8')
    guangxi = db.session.get(Organisation, province_id(GUANGXI))
    add_version(DMN, content.replace('<text>15</text>', '<text>20</text>'), province_id=guangxi.id)
    assert certs.requirement(guangxi).public == Decimal(20)
    assert certs.requirement(db.session.get(Organisation, zj())).public == Decimal(18)


def test_learner_of_another_province_gets_that_provinces_requirement(ctx):
    province = _province(JS)
    unit = Organisation(kind=UNIT, name='南京交通建设有限公司', parent=province)
    user = User(name='周敏', id_number='320102199001010011', password_hash='x')
    db.session.add_all([unit, user, Membership(user=user, role='learner', org=unit)])
    db.session.flush()
    p = certs.progress(user.id, year())
    assert p.jurisdiction == JS
    assert [(part.key, part.required) for part in p.parts] == [('total', 72), ('professional', 48), ('public', 24)]


def test_progress_counts_approved_hours_per_part(ctx):
    learner_id = membership(ZHANG_WEI, 'learner').user_id
    p = certs.progress(learner_id, year())
    assert [(x.required, x.done, x.met) for x in p.parts] == [(90, 0, False), (60, 0, False), (18, 0, False)]
    approved(ZHANG_WEI, applied_hours=Decimal(18))
    public_hours(ZHANG_WEI, 20)
    p = certs.progress(learner_id, year())
    assert (p.part('total').done, p.part('professional').done, p.part('public').done) == (38, 18, 20)
    assert p.part('public').met and not p.part('professional').met and not p.met
    assert p.part('professional').missing == 42 and p.part('total').percent == 42
    assert certs.progress(learner_id, year() - 1).part('total').done == 0  # per year
    approved(ZHANG_WEI, pathway='seminar', sub_type='高级研修班', level='provincial', applied_hours=Decimal(36))
    approved(ZHANG_WEI, pathway='exam', sub_type='交通运输类执（职）业资格考试', quantity=Decimal(2),
             applied_hours=Decimal(16))
    p = certs.progress(learner_id, year())
    assert (p.part('total').done, p.part('professional').done) == (90, 70) and p.met


def test_learner_page_shows_the_parts_as_a_chart_and_numbers(client, ctx):
    approved(ZHANG_WEI, applied_hours=Decimal(18))
    db.session.commit()
    login(client, ZHANG_WEI)
    assert '/certificates/progress' in client.get('/claims/totals').get_data(as_text=True)
    page = client.get(f'/certificates/progress?year={year()}').get_data(as_text=True)
    assert '<svg class="progress-chart"' in page and 'data-met="no"' in page and '未达标' in page
    assert '18 / 60' in page and '18 / 90' in page and '0 / 18' in page
    assert 'id="issue-certificate"' not in page and '达到本年度学时要求后可生成合格证书' in page


def test_unit_admin_sees_her_staff_with_counts_and_unmet_filter(client, ctx):
    meet_requirement(ZHANG_WEI)
    db.session.commit()
    zhang, li = membership(ZHANG_WEI, 'learner').user_id, membership(LI_NA, 'learner').user_id
    chen = membership(CHEN_JING, 'learner').user_id
    login(client, 'jtjt_admin')
    page = client.get(f'/certificates/staff?year={year()}').get_data(as_text=True)
    assert f'data-learner="{zhang}"' in page and f'data-learner="{li}"' in page and f'data-learner="{chen}"' not in page
    assert '<strong id="met-count">1</strong>' in page and '<strong id="unmet-count">1</strong>' in page
    assert '<svg class="count-chart"' in page
    page = client.get(f'/certificates/staff?year={year()}&unmet=1').get_data(as_text=True)
    assert f'data-learner="{zhang}"' not in page and f'data-learner="{li}"' in page
    detail = client.get(f'/certificates/staff/{zhang}?year={year()}')
    assert detail.status_code == 200 and 'data-met="yes"' in detail.get_data(as_text=True)


def test_the_completion_list_pages_with_the_counts_of_everyone(client, ctx):
    """A page of the list shows some of the staff; the counts (and the unmet filter) are over all of them."""
    meet_requirement(ZHANG_WEI)
    db.session.commit()
    ctx.config['PAGE_SIZE'] = 1
    zhang, li = membership(ZHANG_WEI, 'learner').user_id, membership(LI_NA, 'learner').user_id
    login(client, 'jtjt_admin')
    pages = [client.get(f'/certificates/staff?year={year()}&page={n}').get_data(as_text=True) for n in (1, 2)]
    shown = [{who for who in (zhang, li) if f'data-learner="{who}"' in p} for p in pages]
    assert sorted(map(len, shown)) == [1, 1] and shown[0] | shown[1] == {zhang, li}  # one each, by name
    assert all('<strong id="met-count">1</strong>' in p and '<strong id="unmet-count">1</strong>' in p for p in pages)
    assert '1 / 2' in pages[0] and '2 / 2' in pages[1]
    unmet = client.get(f'/certificates/staff?year={year()}&unmet=1').get_data(as_text=True)
    assert f'data-learner="{li}"' in unmet and f'data-learner="{zhang}"' not in unmet and '共 1 条' in unmet
    assert '已达标' in pages[0] + pages[1] and '100%' in pages[0] + pages[1]


def test_secondary_admin_sees_only_her_department(client, ctx):
    login(client, 'jtjt_gcb')  # 工程部: 张伟, not 李娜 (设计院)
    page = client.get('/certificates/staff').get_data(as_text=True)
    zhang, li = membership(ZHANG_WEI, 'learner').user_id, membership(LI_NA, 'learner').user_id
    assert f'data-learner="{zhang}"' in page and f'data-learner="{li}"' not in page
    assert client.get(f'/certificates/staff/{li}').status_code == 404


def test_admin_of_another_unit_and_learners_cannot_see_someones_progress(client, ctx):
    zhang = membership(ZHANG_WEI, 'learner').user_id
    login(client, 'hzcj_admin')
    assert client.get(f'/certificates/staff/{zhang}').status_code == 404
    assert f'data-learner="{zhang}"' not in client.get('/certificates/staff').get_data(as_text=True)
    assert client.get('/certificates/staff/999999999').status_code == 404
    learner = login(ctx.test_client(), LI_NA)
    assert learner.get(f'/certificates/staff/{zhang}').status_code == 403
    assert learner.get('/certificates/staff').status_code == 403


def test_bad_year_input_never_fails(client, ctx):
    login(client, ZHANG_WEI)
    for value in ('abc', '-1', '99999999999999999999', '١٢', '0'):
        assert client.get(f'/certificates/progress?year={value}').status_code == 200
        assert client.post('/certificates/issue', data={'year': value}).status_code == 302
        assert client.post('/certificates/record/confirm', data={'year': value}).status_code == 302
        assert client.post('/certificates/record/print', data={'year': value}).status_code == 302


def test_the_completion_list_exports_with_its_filter(client, ctx):
    import io

    from openpyxl import load_workbook

    meet_requirement(ZHANG_WEI)
    db.session.commit()
    login(client, 'jtjt_admin')
    rows = list(load_workbook(io.BytesIO(client.get(f'/certificates/staff?year={year()}&export=xlsx').data))
                .active.iter_rows(values_only=True))
    assert rows[0] == ('姓名', '身份证号', '部门', '总学时', '专业科目', '公需科目', '是否达标')
    assert {r[0]: r[-1] for r in rows[1:]} == {'张伟': '达标', '李娜': '未达标'}
    rows = list(load_workbook(io.BytesIO(client.get(f'/certificates/staff?year={year()}&unmet=1&export=xlsx').data))
                .active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ['李娜']
