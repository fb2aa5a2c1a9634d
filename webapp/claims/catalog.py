"""Pathways (认定类型), their sub-types (二级类型), levels and the unit each pathway counts in (seed 003 §4.2)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Pathway:
    code: str
    label: str
    sub_types: tuple[str, ...]
    unit: str                       # what 数量 counts
    levels: tuple[str, ...] = ()    # empty: no level asked
    max_rank: int | None = None     # rank asked when set


LEVEL_LABELS = {'national': '国家级', 'provincial': '省级', 'municipal': '市级', 'county': '县级',
                'core': '核心期刊', 'other': '其他期刊/正式论文集'}

PATHWAYS = {p.code: p for p in (
    Pathway('exam', '参加资格证书考试', ('交通运输类执（职）业资格考试',), '通过科目数'),
    Pathway('seminar', '参加高研班', ('高级研修班',), '期数', ('national', 'provincial', 'municipal')),
    Pathway('training', '参加培训进修', ('培训班', '进修', '学术研讨', '远程教育'), '天数'),
    Pathway('research', '参与立法/课题研究/标准制定', ('立法', '课题研究', '标准制定'), '项数',
            ('national', 'provincial', 'municipal', 'county'), 5),
    Pathway('publication', '发表论文著作', ('论文', '著作（每万字）'), '篇数/万字',
            ('core', 'national', 'provincial', 'other'), 3),
    Pathway('degree_course', '参加在职教育', ('在职学历教育课程',), '通过课程数'),
)}

CATEGORY_LABELS = {'public': '公需科目', 'professional': '专业科目'}

MAX_QUANTITY = 1000  # days, subjects, papers … of one claim; the column holds at most 99999.9
