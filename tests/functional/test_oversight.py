"""下属机构管理 (issue 16): a supervising department, the province and a parent unit see the organisations below
their own — and only those — with staff, admins, waiting items and completion; a unit's page lists its staff's
progress read-only; the exports hold what the pages show."""
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from models import Membership, Organisation, db
from models.org import UNIT
from models.people import LEARNER
from webapp.oversight import operations as ops

from ..certificates.helpers import meet_requirement, public_hours
from ..helpers import submitted_claim
from ..people import login


def org(name) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def rows(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith('spreadsheetml.sheet')
    return [list(r) for r in load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True)]


def test_a_supervising_department_sees_its_units_with_their_figures(client, ctx):
    submitted_claim('33010619850312001X')  # 张伟's claim waits at 交工集团
    login(client, 'jiaotong')
    page = client.get('/oversight/units').get_data(as_text=True)
    assert '浙江交通工程建设集团有限公司' in page and '宁波港航工程有限公司' in page
    assert '杭州市城建设计研究院' not in page and '其他单位' not in page
    assert '交工集团管理员' in page and '王强' in page            # the units' admins
    jt = org('浙江交通工程建设集团有限公司')
    assert f'data-org="{jt.id}"' in page
    row = page.split(f'data-org="{jt.id}"')[1].split('</tr>')[0]
    assert '<td class="text-end staff-count">2</td>' in row       # 张伟, 李娜
    assert '<td class="text-end pending-count">1</td>' in row
    sheet = rows(client.get('/oversight/units?export=xlsx'))
    assert sheet[0][0] == '单位名称'
    assert {r[0] for r in sheet[1:]} == {'浙江交通工程建设集团有限公司', '宁波港航工程有限公司'}
    by_name = {r[0]: r for r in sheet[1:]}
    assert by_name['浙江交通工程建设集团有限公司'][5] == 2 and by_name['浙江交通工程建设集团有限公司'][7] == 1


def test_the_unit_page_lists_its_staff_progress(client, ctx):
    login(client, 'jiaotong')
    jt = org('浙江交通工程建设集团有限公司')
    page = client.get(f'/oversight/units/{jt.id}').get_data(as_text=True)
    assert '张伟' in page and '李娜' in page and '陈静' not in page
    assert '未达标 <strong id="unmet-count">2</strong>' in page
    assert 'reset-password' not in page and '<form method="post"' not in page.split('</nav>', 1)[1]  # read-only
    sheet = rows(client.get(f'/oversight/units/{jt.id}?export=xlsx'))
    assert sorted(r[0] for r in sheet[1:]) == sorted(['张伟', '李娜'])


def test_nothing_outside_the_sub_tree(client, ctx):
    login(client, 'jiaotong')
    for name in ('杭州市城建设计研究院', '其他单位', '浙江省住房和城乡建设厅', '浙江省专业技术人员继续教育学时办'):
        other = org(name)
        assert client.get(f'/oversight/units/{other.id}').status_code == 404, name
        assert client.get(f'/oversight/units?parent={other.id}').status_code == 404, name
        assert client.get(f'/oversight/units/{other.id}?export=xlsx').status_code == 404, name
        assert client.get(f'/oversight/units?parent={other.id}&export=xlsx').status_code == 404, name
    own = org('浙江省交通运输厅')
    assert client.get(f'/oversight/units/{own.id}').status_code == 404   # its own page is not a unit's
    assert '宁波港航工程有限公司' in client.get(f'/oversight/units?parent={own.id}').get_data(as_text=True)
    search = client.get('/oversight/units?q=杭州').get_data(as_text=True)
    assert '杭州市城建设计研究院' not in search
    sheet = rows(client.get('/oversight/units?q=城建&export=xlsx'))
    assert sheet[1:] == []


def test_the_province_browses_level_by_level_and_searches_the_whole_tree(client, ctx):
    login(client, 'shengji')
    top = client.get('/oversight/units').get_data(as_text=True)
    assert '浙江省交通运输厅' in top and '其他单位' in top
    assert '宁波港航工程有限公司' not in top                      # one level at a time
    transport = org('浙江省交通运输厅')
    level = client.get(f'/oversight/units?parent={transport.id}').get_data(as_text=True)
    assert '宁波港航工程有限公司' in level and '杭州市城建设计研究院' not in level
    found = client.get('/oversight/units?q=宁波').get_data(as_text=True)
    assert '宁波港航工程有限公司' in found and '浙江省交通运输厅' not in found.split('id="units"')[1]
    hz = org('杭州市城建设计研究院')
    assert '陈静' in client.get(f'/oversight/units/{hz.id}').get_data(as_text=True)


def test_a_search_finds_names_at_any_depth_below_and_nothing_else(client, ctx):
    jt = org('浙江交通工程建设集团有限公司')
    branch = Organisation(kind=UNIT, name='交通分公司甲', parent=jt)
    db.session.add_all([branch, Organisation(kind=UNIT, name='交通分公司乙', parent=branch),
                        Organisation(kind=UNIT, name='交通分公司丙', parent=org('其他单位'))])
    db.session.commit()
    login(client, 'jiaotong')
    found = client.get('/oversight/units?q=交通').get_data(as_text=True).split('id="units"')[1]
    assert '浙江交通工程建设集团有限公司' in found and '交通分公司甲' in found and '交通分公司乙' in found
    assert '交通分公司丙' not in found and '浙江省交通运输厅' not in found   # outside; the root itself


def test_a_parent_unit_sees_its_sub_units_only(client, ctx):
    jt = org('浙江交通工程建设集团有限公司')
    branch = Organisation(kind=UNIT, name='交工集团第一分公司', parent=jt)
    db.session.add(branch)
    db.session.commit()
    login(client, 'jtjt_admin')
    page = client.get('/oversight/units').get_data(as_text=True)
    assert '交工集团第一分公司' in page and '宁波港航工程有限公司' not in page
    assert client.get(f'/oversight/units/{branch.id}').status_code == 200
    assert client.get(f'/oversight/units/{jt.id}').status_code == 404     # her own unit has its own pages
    assert client.get(f'/oversight/units/{org("宁波港航工程有限公司").id}').status_code == 404


def test_who_may_not_oversee(client, ctx):
    login(client, 'jtjt_gcb')                                              # a secondary admin
    assert client.get('/oversight/units').status_code == 403
    client.post('/logout')
    login(client, '33010619850312001X')                                    # a learner
    assert client.get('/oversight/units').status_code == 403
    assert db.session.scalar(select(Membership).where(Membership.role == LEARNER)) is not None


def test_completion_counts_each_part(client, ctx):
    """张伟 met everything; 李娜 only 公需: the unit row counts each part and the rate counts those who met all."""
    meet_requirement('33010619850312001X')
    public_hours('33010219900708002X', 18)
    db.session.commit()
    login(client, 'jiaotong')
    sheet = rows(client.get('/oversight/units?export=xlsx'))
    jt = next(r for r in sheet[1:] if r[0] == '浙江交通工程建设集团有限公司')
    assert jt[5:6] + jt[9:] == [2, 1, 1, 2, 1, '50.0%']
    page = client.get(f'/oversight/units/{org("浙江交通工程建设集团有限公司").id}?unmet=1').get_data(as_text=True)
    assert '李娜' in page and '张伟' not in page


def test_renshe_sees_its_province_read_only(client, ctx):
    login(client, 'renshe')
    page = client.get('/oversight/units').get_data(as_text=True)
    assert '浙江省交通运输厅' in page and '其他单位' in page
    jt = org('浙江交通工程建设集团有限公司')
    assert '张伟' in client.get(f'/oversight/units/{jt.id}').get_data(as_text=True)
    assert client.get('/oversight/dashboard').status_code == 200
    transport = org('浙江省交通运输厅')
    admins = client.get(f'/oversight/orgs/{transport.id}/admins').get_data(as_text=True)
    assert '交通厅审核员' in admins and 'id="add-admin"' not in admins
    assert client.post(f'/oversight/orgs/{transport.id}/admins', data={
        'action': 'add', 'name': '赵敏', 'id_number': '110105198001010032'}, follow_redirects=True).status_code == 200
    assert [a.user.name for a in ops.admins(transport)] == ['交通厅审核员']
    assert client.get('/claims/manage').status_code == 200
