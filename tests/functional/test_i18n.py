"""Chinese by default, English available."""
from ..people import ZHANG_WEI, login


def test_chinese_by_default_and_english_on_request(client):
    login(client, ZHANG_WEI)
    page = client.get('/claims/').get_data(as_text=True)
    assert '培训登记详情' in page and 'lang="zh-CN"' in page
    client.get('/lang/en')
    page = client.get('/claims/').get_data(as_text=True)
    assert 'lang="en"' in page and 'My claims' in page and 'New claim' in page
    response = client.post('/claims/new', data={'title': ''})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'This field is required' in page and 'Title' in page
    client.get('/lang/zh_CN')
    assert '新登记培训' in client.get('/claims/').get_data(as_text=True)


def _english_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    assert 'lang="en"' in page
    return page


def test_recent_pages_in_english(app):
    learner = login(app.test_client(), ZHANG_WEI)
    learner.get('/lang/en')
    page = _english_page(learner, '/supplements/')
    assert 'Supplement requests' in page and 'Supplement window' in page and 'Unit decision' in page
    assert '增补申请' not in page and '增补开放日期' not in page
    page = _english_page(learner, '/notifications/')
    assert 'Notifications' in page and 'No notifications' in page
    assert '暂无通知' not in page
    page = _english_page(learner, '/certificates/progress')
    assert 'Yearly progress' in page and 'Continuing-education certificates' in page
    assert 'Print credit-hour record' in page
    assert '年度学时进度' not in page and '继续教育合格证书' not in page and '学时记录表' not in page

    admin = login(app.test_client(), 'jtjt_admin')
    admin.get('/lang/en')
    page = _english_page(admin, '/unit/staff')
    assert 'Staff' in page and 'Reset password' in page and 'Department' in page and 'Export to Excel' in page
    assert '人员管理' not in page and '重置密码' not in page
    page = _english_page(admin, '/imports/')
    assert 'Import training records' in page and 'Download the import template' in page and 'Upload and import' in page
    assert '导入学员培训信息' not in page and '下载导入模板' not in page
    assert 'Bulk import' in page and 'Departments and admins' in page  # the admin's navigation


def test_registration_and_login_pages_in_english(app):
    visitor = app.test_client()
    visitor.get('/lang/en')
    page = _english_page(visitor, '/login')
    links = page.split('id="register-links"', 1)[1].split('</p>', 1)[0]
    assert 'Register' in links and 'Registration progress' in links
    assert '注册' not in links and '注册审核进度查询' not in page
    page = _english_page(visitor, '/register')  # the registration start page: choose what to register as
    assert 'Professional registration' in page and 'Employer registration' in page
    assert 'Supervising department registration' in page and 'Registration order' in page and 'Back to login' in page
    assert '专业技术人员注册' not in page and '用人单位注册' not in page and '注册顺序' not in page
    page = _english_page(visitor, '/register/learner')
    assert 'Professional registration' in page and 'Your unit' in page and 'Applicant' in page
    assert '所在单位' not in page and '申请人信息' not in page and '提交注册' not in page

    visitor.get('/captcha.png')  # a problem the code passes to gettext as a variable
    response = visitor.post('/login', data={'username': 'jtjt_admin', 'password': 'x', 'captcha': 'WRONG'})
    page = response.get_data(as_text=True)
    assert 'Wrong captcha' in page and '验证码错误' not in page


def test_enrolment_profile_and_departments_in_english(app):
    learner = login(app.test_client(), ZHANG_WEI)
    learner.get('/lang/en')
    page = _english_page(learner, '/enrolment/')
    assert 'continuing-education enrolment' in page and 'Political affiliation' in page
    assert 'Highest education' in page and 'Confirm enrolment' in page and 'Enrolment' in page  # the navigation
    assert '年度继续教育报名' not in page and '政治面貌' not in page and '确认报名' not in page
    page = _english_page(learner, '/profile/')
    assert 'Profile' in page and 'Professional title' in page and 'Request change' in page
    assert 'A title change takes effect once your unit approves it.' in page and 'Mobile phone' in page
    assert '个人信息' not in page and '专业技术职称' not in page and '申请变更' not in page and '手机号' not in page

    admin = login(app.test_client(), 'jtjt_admin')
    admin.get('/lang/en')
    page = _english_page(admin, '/unit/departments')
    assert 'Departments' in page and 'New department name' in page and 'Add department' in page
    assert 'Staff transfers' in page  # the admin's navigation
    assert '部门管理' not in page and '新增部门' not in page and '人员调转' not in page
