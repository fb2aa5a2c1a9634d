"""The 学习成绩 panel of seed 003 (学习首页 and the course pages): 考核总学时, 在线学习 per category, 学时登记, 总计获得,
学习时间, 截止时间 and whether the year's requirement is met."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models import Membership
from models.learning import GENERAL, INDUSTRY, PROFESSIONAL

from ..certificates import operations as certificates_ops
from ..claims import operations as claims_ops
from . import queries


@dataclass(frozen=True)
class ScorePanel:
    required: Decimal | None    # 考核总学时 (None: the requirement table is not available)
    online: dict                # category -> hours (行业公需科目, 一般公需科目, 专业科目)
    registered: Decimal         # 学时登记: approved claims
    total: Decimal              # 总计获得
    study_seconds: float        # 学习时间
    closes_on: date | None      # 截止时间
    met: bool

    @property
    def study_time(self) -> str:
        seconds = int(self.study_seconds)
        return f'{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}'


def score_panel(m: Membership, year: int) -> ScorePanel:
    online = queries.online_hours(m.user_id, year)
    online = {key: online.get(key, Decimal(0)) for key in (INDUSTRY, GENERAL, PROFESSIONAL)}
    try:
        progress = certificates_ops.progress(m.user_id, year)
    except certificates_ops.CertificateError:
        progress = None
    totals = next((t for t in claims_ops.yearly_totals(m.user_id) if t['year'] == year), {})
    total = Decimal(totals.get('total') or 0)
    window = claims_ops.window_for(m.org.province.id)
    return ScorePanel(required=progress.part('total').required if progress else None, online=online,
                      registered=total - sum(online.values(), Decimal(0)), total=total,
                      study_seconds=queries.study_seconds(m.user_id, year),
                      closes_on=window.closes_on if window is not None and window.year == year else None,
                      met=progress.met if progress else False)
