"""province catalogue

Revision ID: 7c3e9a41d2f6
Revises: c5a1f0e2b7d4
Create Date: 2026-12-03 17:10:00

The province catalogue (认定类型目录) moves from Python (webapp/claims/catalog.py) into the database: one
catalogue_version table, and claim.catalogue_version_id, the version each claim was filed under. Every province that
exists gets the Zhejiang pathways the code had until now as its first published version (rules/catalogues/
zhejiang.json, frozen here as it was on the day of this migration), and its claims point to it.

"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e9a41d2f6'
down_revision = 'c5a1f0e2b7d4'
branch_labels = None
depends_on = None

ZHEJIANG = json.loads(r"""{
 "levels": [
  {
   "code": "national",
   "label": "国家级"
  },
  {
   "code": "provincial",
   "label": "省级"
  },
  {
   "code": "municipal",
   "label": "市级"
  },
  {
   "code": "county",
   "label": "县级"
  },
  {
   "code": "core",
   "label": "核心期刊"
  },
  {
   "code": "other",
   "label": "其他期刊/正式论文集"
  }
 ],
 "pathways": [
  {
   "code": "exam",
   "label": "参加资格证书考试",
   "category": "professional",
   "sub_types": [
    "交通运输类执（职）业资格考试"
   ],
   "unit": "科",
   "levels": [],
   "max_rank": null,
   "cap": 36,
   "rule": "参加交通运输类执（职）业资格证书考试，每个合格科目可认定登记8个学时。",
   "evidence": "考试成绩合格证明"
  },
  {
   "code": "seminar",
   "label": "参加高研班",
   "category": "professional",
   "sub_types": [
    "高级研修班"
   ],
   "unit": "期",
   "levels": [
    "national",
    "provincial",
    "municipal"
   ],
   "max_rank": null,
   "cap": 36,
   "rule": "参加人力资源社会保障部门批准的交通运输类高研班，学时按照高研班确定的进行学时登记；未明确的，按国家级、省级、市级分别认定登记36个、36个、24个学时。",
   "evidence": "高研班通知、结业证书"
  },
  {
   "code": "training",
   "label": "参加培训进修",
   "category": "professional",
   "sub_types": [
    "培训班",
    "进修",
    "学术研讨",
    "远程教育"
   ],
   "unit": "天",
   "levels": [],
   "max_rank": null,
   "cap": 36,
   "rule": "参加国内外有关部门、行业组织举办的交通运输类培训进修、学术研讨活动，每天可认定登记6个学时。",
   "evidence": "举办方的培训文件通知、人员名单、日程安排表、考试考核合格证等相关材料"
  },
  {
   "code": "research",
   "label": "参与立法/课题研究/标准制定",
   "category": "professional",
   "sub_types": [
    "立法",
    "课题研究",
    "标准制定"
   ],
   "unit": "项",
   "levels": [
    "national",
    "provincial",
    "municipal",
    "county"
   ],
   "max_rank": 5,
   "cap": 36,
   "rule": "参与交通运输类立法工作、课题研究、工程建设标准制定，排名前5的，每项按国家级、省级、市、县级可分别认定登记24个、18个、12个、6个学时。",
   "evidence": "立项文件、课题结题报告、验收报告等相关材料"
  },
  {
   "code": "publication",
   "label": "发表论文著作",
   "category": "professional",
   "sub_types": [
    "论文",
    "著作（每万字）"
   ],
   "unit": "篇",
   "levels": [
    "national",
    "provincial",
    "core",
    "other"
   ],
   "max_rank": 3,
   "cap": 36,
   "rule": "发表交通运输类论文（译文）、著作（译作），排名前3的，按发表在核心刊物、全国性刊物、省级刊物、其他期刊或正式出版的论文集，每篇论文（译文）、每万字著作（译作）可分别认定登记24个、18个、12个、6个学时。著作的数量填万字数。",
   "evidence": "公开发行的刊物（封面、目录、正文、首页）"
  },
  {
   "code": "degree_course",
   "label": "参加在职教育",
   "category": "professional",
   "sub_types": [
    "在职学历教育课程"
   ],
   "unit": "门",
   "levels": [],
   "max_rank": null,
   "cap": 36,
   "rule": "参加交通运输类相关专业在职学历（学位）教育，每门课程考试合格可认定登记3个学时。",
   "evidence": "教育机构出具的合格证等证件"
  }
 ]
}""")


def _digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def upgrade():
    op.create_table('catalogue_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_catalogue_version_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['province_id'], ['organisation.id'],
                            name=op.f('fk_catalogue_version_province_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_version')),
    sa.UniqueConstraint('province_id', 'version', name='uq_catalogue_version_province_id_version')
    )
    with op.batch_alter_table('catalogue_version', schema=None) as batch_op:
        batch_op.create_index('ix_catalogue_version_province_status', ['province_id', 'status', 'version'],
                              unique=False)
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('catalogue_version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_claim_catalogue_version_id_catalogue_version'),
                                    'catalogue_version', ['catalogue_version_id'], ['id'])

    bind = op.get_bind()
    versions = sa.table('catalogue_version', sa.column('id', sa.Integer), sa.column('province_id', sa.Integer),
                        sa.column('version', sa.Integer), sa.column('content', sa.JSON),
                        sa.column('sha256', sa.String), sa.column('status', sa.String),
                        sa.column('comment', sa.String), sa.column('created_at', sa.DateTime),
                        sa.column('published_at', sa.DateTime))
    claims = sa.table('claim', sa.column('province_id', sa.Integer), sa.column('catalogue_version_id', sa.Integer))
    now = bind.execute(sa.select(sa.func.current_timestamp())).scalar()
    provinces = bind.execute(sa.text("SELECT id FROM organisation WHERE kind = 'province' ORDER BY id")).scalars()
    for province_id in list(provinces):
        version_id = bind.execute(versions.insert().values(
            province_id=province_id, version=1, content=ZHEJIANG, sha256=_digest(ZHEJIANG), status='published',
            comment='初始版本（原程序内置的认定类型）', created_at=now, published_at=now)
            .returning(versions.c.id)).scalar_one()
        bind.execute(claims.update().where(claims.c.province_id == province_id)
                     .values(catalogue_version_id=version_id))
    if bind.dialect.name == 'postgresql':
        op.execute('ANALYZE claim')  # every row rewritten: plan with fresh statistics


def downgrade():
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_claim_catalogue_version_id_catalogue_version'), type_='foreignkey')
        batch_op.drop_column('catalogue_version_id')
    with op.batch_alter_table('catalogue_version', schema=None) as batch_op:
        batch_op.drop_index('ix_catalogue_version_province_status')
    op.drop_table('catalogue_version')
