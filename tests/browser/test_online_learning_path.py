"""In a real browser (seed 003 §3): a learner enrols (报名), adds a course, plays its lesson in the player, tries to
skip ahead and earns nothing for it, opens a second study window and the first stops, finishes the course and finds
its hours in 培训总体查询, 年度进度 and the 学时记录表 PDF. Lessons last a few seconds here, heartbeats every second."""
from decimal import Decimal

import pytest

from models import Enrolment, db
from webapp.courses import demo_media, operations as ops
from webapp.enrolment import operations as enrolment_ops

from ..apps import copy_sqlite, make_app
from ..certificates.pdfs import pdf_text
from ..helpers import year
from ..people import ZHANG_WEI, membership
from .helpers import serving
from .test_claim_path import log_in, pytestmark, shot  # noqa: F401 (the marks apply here too)

LESSON = 6  # seconds


@pytest.fixture
def course_app(sqlite_template, tmp_path):
    app = make_app(copy_sqlite(sqlite_template, tmp_path / 'browser.db'), tmp_path, WTF_CSRF_ENABLED=True,
                   STUDY_HEARTBEAT_SECONDS=1, STUDY_MAX_STEP_SECONDS=2.0)
    with app.app_context():
        staff = membership('shengji')
        area = next(a for a in ops.areas(staff.org_id) if a.name == '规划与设计')
        course = ops.create_course(staff, ops.CourseInput('城市交通规划', area.id, Decimal('1.5'), year(), year(),
                                                          None))
        ops.add_lesson(staff, course, '城市交通规划概论', demo_media.mp4(LESSON), LESSON)
        ops.publish(staff, course)
        db.session.commit()
    return app


def fits(page, width=390) -> bool:
    return page.evaluate('document.documentElement.scrollWidth') <= width


def credited(page) -> float:
    return float(page.locator('#study').get_attribute('data-credited') or 0)


def test_enrol_choose_study_honestly_and_see_the_hours(course_app, page, tmp_path):
    with serving(course_app) as base:
        log_in(page, base, ZHANG_WEI)
        page.click('nav >> text=在线学习')
        page.wait_for_url('**/enrolment/')  # enrol first
        assert '请先完成本年度报名' in page.content()
        page.check('input[name=identity][value="国有企业"]')
        page.select_option('#political_status', '群众')
        page.select_option('#education', '大学本科')
        page.select_option('#specialty', '公路工程')
        page.check('input[name=title][value="工程师"]')
        page.fill('#title_date', '2019-07-01')
        page.click('text=确认报名')
        page.wait_for_selector('#enrolment-status')
        with course_app.app_context():
            e = db.session.scalar(db.select(Enrolment))
            enrolment_ops.review(membership('jtjt_admin', 'unit_admin'), enrolment_ops.open_review(e).id, 'approve',
                                 None)
            db.session.commit()

        page.set_viewport_size({'width': 390, 'height': 800})
        page.goto(base + '/learning/courses')
        assert fits(page)
        shot(page, 'online-choose-390')
        page.check('#catalogue input.pick')
        page.click('#add-many')
        page.wait_for_url('**/learning/study')
        assert '城市交通规划' in page.locator('#my-courses').inner_text() and fits(page)
        assert '考核总学时' in page.locator('#score-panel').inner_text()
        shot(page, 'online-home-390')
        page.click('.study-link')
        page.click('#lessons >> text=学习')
        page.wait_for_selector('#study[data-window]')
        assert fits(page)
        page.evaluate("const v = document.getElementById('player'); v.muted = true; v.play()")
        for _ in range(150):  # (wait_for_function evaluates a string: the page's CSP forbids it)
            if credited(page) >= 2:
                break
            page.wait_for_timeout(100)
        assert credited(page) >= 2

        # Seeking ahead: the player goes back, and a heartbeat claiming the end earns nothing.
        before = credited(page)
        page.evaluate("document.getElementById('player').currentTime = 5.9")
        page.wait_for_timeout(300)
        assert page.evaluate("document.getElementById('player').currentTime") < before + 2
        forged = page.evaluate("""async () => {
            const box = document.getElementById('study'), body = new FormData();
            body.append('csrf_token', box.dataset.csrf); body.append('window', box.dataset.window);
            body.append('position', '5.9');
            return (await fetch(box.dataset.beatUrl, {method: 'POST', body})).json(); }""")
        assert forged['state'] == 'seek' and forged['credited'] < LESSON - 1
        shot(page, 'online-player-390')

        # A second window takes over; the first is told and stops.
        second = page.context.new_page()
        second.goto(page.url)
        second.wait_for_selector('#study[data-window]')
        page.wait_for_selector('#study-alert:not(.d-none)', timeout=10000)
        assert '系统检测到您打开了新的学习窗口' in page.locator('#study-message').inner_text()
        assert page.evaluate("document.getElementById('player').paused")
        shot(page, 'online-replaced')
        second.close()

        # 点击继续学习 takes it back; the lesson runs to its end and the course completes.
        page.click('#study-continue')
        page.wait_for_selector('#study-alert', state='hidden')
        page.evaluate("const v = document.getElementById('player'); v.muted = true; v.play()")
        page.wait_for_selector('#study[data-done=course]', state='attached', timeout=30000)
        assert '课程已完成' in page.locator('#study-state').inner_text()

        page.set_viewport_size({'width': 1400, 'height': 1000})
        page.click('nav >> text=培训总体查询')
        assert '城市交通规划' in page.locator('#learning-records').inner_text()
        row = page.locator(f'#totals tr[data-year="{year()}"]')
        assert row.locator('.professional').inner_text() == '1.5'
        page.click('nav >> text=年度进度')
        assert '1.5' in page.locator('#progress').inner_text()
        page.click('#record-link')
        page.click('#confirm')
        with page.expect_download() as download:
            page.click('#print')
        text = pdf_text(download.value.path().read_bytes())
        assert '城市交通规划' in text and '专业科目' in text
        shot(page, 'online-record')
