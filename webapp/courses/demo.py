"""Demo courses (`flask demo`, `bash bin/run`): two 公需 and two 专业 courses of a few short generated videos (and one
document), published for this year and the next; one 专业 course ends with a two-question quiz."""
from decimal import Decimal

from models import Membership

from ..dates import today
from . import demo_media, operations as ops

COURSES = (  # i18n: data - demo courses: title, area path, hours, lessons (title, seconds or 'pdf'), quiz
    ('推动实现“十四五”发展目标的重大战略性举措', ('行业公需科目',), '1.5', (('第一讲', 8), ('第二讲', 6)), False),
    ('交通运输行业安全生产法规解读', ('行业公需科目',), '1.0', (('安全生产法规', 10), ('学习资料', 'pdf')), False),
    ('城市交通规划1', ('交通运输', '规划与设计'), '1.5', (('城市交通规划概论', 12),), True),
    ('地铁建设与综合开发', ('轨道交通', '建设与监理'), '2.0', (('地铁建设', 8), ('综合开发', 8)), False),
)
QUIZ = (  # i18n: data - demo quiz
    ('城市交通规划首先要考虑什么？', ['出行需求', '车辆颜色', '广告收入'], 1),
    ('综合交通枢纽的作用是？', ['换乘衔接', '仅停车'], 1))


def seed_demo_courses(staff: Membership) -> None:
    tree = ops.areas(staff.org_id)
    year = today().year
    for title, path, hours, lessons, quiz in COURSES:
        parent = next(a for a in tree if a.name == path[0] and a.parent_id is None)
        area = parent if len(path) == 1 else next(a for a in tree if a.parent_id == parent.id and a.name == path[1])
        course = ops.create_course(staff, ops.CourseInput(title, area.id, Decimal(hours), year, year + 1,
                                                          80 if quiz else None))
        for name, seconds in lessons:
            if seconds == 'pdf':
                ops.add_lesson(staff, course, name, demo_media.pdf('CreditFlow demo reading'), 10)
            else:
                ops.add_lesson(staff, course, name, demo_media.mp4(seconds), seconds)
        if quiz:
            for text, options, answer in QUIZ:
                ops.add_question(staff, course, text, options, answer)
        ops.publish(staff, course)
