"""Pathways (认定类型), their sub-types (二级类型), levels and the unit each pathway counts in (seed 003 §4.2).

Every text here is data as well as shown: sub-types are stored in claim.sub_type, pathway and level labels are what
the import template lists and the import matches, and the printed 学时记录表 shows them in Chinese. So they are
marked with N_() and translated where a page shows them (`_l(pathway.label)`, `_(claim.sub_type)` …)."""
from dataclasses import dataclass

from ..i18n import N_


@dataclass(frozen=True)
class Pathway:
    code: str
    label: str
    sub_types: tuple[str, ...]
    unit: str                       # what 数量 counts
    levels: tuple[str, ...] = ()    # empty: no level asked
    max_rank: int | None = None     # rank asked when set


LEVEL_LABELS = {'national': N_('国家级'), 'provincial': N_('省级'), 'municipal': N_('市级'), 'county': N_('县级'),
                'core': N_('核心期刊'), 'other': N_('其他期刊/正式论文集')}

PATHWAYS = {p.code: p for p in (
    Pathway('exam', N_('参加资格证书考试'), (N_('交通运输类执（职）业资格考试'),), N_('通过科目数')),
    Pathway('seminar', N_('参加高研班'), (N_('高级研修班'),), N_('期数'), ('national', 'provincial', 'municipal')),
    Pathway('training', N_('参加培训进修'), (N_('培训班'), N_('进修'), N_('学术研讨'), N_('远程教育')), N_('天数')),
    Pathway('research', N_('参与立法/课题研究/标准制定'), (N_('立法'), N_('课题研究'), N_('标准制定')), N_('项数'),
            ('national', 'provincial', 'municipal', 'county'), 5),
    Pathway('publication', N_('发表论文著作'), (N_('论文'), N_('著作（每万字）')), N_('篇数/万字'),
            ('core', 'national', 'provincial', 'other'), 3),
    Pathway('degree_course', N_('参加在职教育'), (N_('在职学历教育课程'),), N_('通过课程数')),
)}

CATEGORY_LABELS = {'public': N_('公需科目'), 'professional': N_('专业科目')}

MAX_QUANTITY = 1000  # days, subjects, papers … of one claim; the column holds at most 99999.9
