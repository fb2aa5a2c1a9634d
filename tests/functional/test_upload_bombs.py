"""Upload bombs (tests/bombs.py: generated here, no binary fixtures) on every upload path: each is refused within a
second, without raising the process's peak memory by 100 MB, with a Chinese message naming the limit, and nothing is
stored. Paths: claim evidence, the licence of an anonymous unit registration, the unit import (the upload's check in
the request, and `flask worker` for a file already queued), a province's upload of a learning platform's export.

Before the fix (one process each): the dimension bomb ran ~15 min in the import's check (56 s in the platform upload,
which stopped at 100,000 rows), the 200 MB zip bomb over a minute, the row bomb 11 s and 190 MB, the entity bomb
3.5 s and 120 MB, a 9 MB CSV of blank lines 39 s and 1.6 GB, an 11000×11000 JPEG 1 s and 930 MB."""
import functools
import io

import pytest
from sqlalchemy import func, select

from models import Claim, Evidence, ImportJob, LearningRecord, Registration, db
from models.imports import PENDING
from webapp.claims.sheets import COLUMNS, SHEET
from webapp.imports import operations as imports
from webapp.learning import operations as learning

from .. import bombs
from ..helpers import claim_form
from ..people import ZHANG_WEI, login, membership
from .test_registration_pages import post as post_registration, unit_data

PLATFORM_COLUMNS = ('身份证号', '课程名称', '科目类别', '学时', '完成日期', '记录编号')
SPREADSHEET_BOMBS = {'dimension': bombs.dimension_bomb, 'zip': bombs.zip_bomb, 'lying': bombs.lying_zip,
                     'rows': bombs.row_bomb, 'entities': bombs.entity_bomb}
IMAGE_BOMBS = {'jpeg': bombs.huge_jpeg, 'png': bombs.huge_png}
UNPACKED = '文件解压后超过 64 MB'
TOO_MUCH = '超出读取限制（最多 %s 行数据）'


@functools.cache
def spreadsheet(kind: str, columns: tuple, title: str) -> bytes:
    return SPREADSHEET_BOMBS[kind](columns, title=title)


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


# -- the unit import ---------------------------------------------------------------------------------------------

IMPORT_UNREADABLE = '无法读取文件：请上传由导入模板填写的 .xlsx 文件'
IMPORT_REFUSALS = {'dimension': '一次最多导入 20000 行，请拆分文件', 'zip': UNPACKED, 'lying': IMPORT_UNREADABLE,
                   'rows': TOO_MUCH % 20000, 'entities': IMPORT_UNREADABLE}


@pytest.mark.parametrize('kind', SPREADSHEET_BOMBS)
def test_import_upload_refuses_a_spreadsheet_bomb_at_once(client, ctx, kind):
    content = spreadsheet(kind, tuple(COLUMNS), SHEET)
    login(client, 'jtjt_admin')
    with bombs.bounded():
        response = client.post('/imports/', data={'file': (io.BytesIO(content), 'staff.xlsx'), 'pledge': 'y'},
                               content_type='multipart/form-data')
    assert response.status_code == 422
    assert IMPORT_REFUSALS[kind] in response.get_data(as_text=True)
    assert count(ImportJob) == 0


@pytest.mark.parametrize('kind', SPREADSHEET_BOMBS)
def test_worker_refuses_a_queued_spreadsheet_bomb_at_once(ctx, kind):
    """A file that reached the queue (queued before these checks, or with other limits) fails its job with the
    message; the worker goes on."""
    job = ImportJob(kind='claims', membership_id=membership('jtjt_admin').id, filename='staff.xlsx',
                    content=spreadsheet(kind, tuple(COLUMNS), SHEET), total_rows=1, status=PENDING, results=[])
    db.session.add(job)
    db.session.commit()
    with bombs.bounded():
        assert imports.run_pending() == 1
    job = db.session.get(ImportJob, job.id)
    assert job.status == 'failed' and IMPORT_REFUSALS[kind] in job.error
    assert count(Claim) == 0


def test_import_reads_the_rows_as_written_not_as_declared(client, ctx):
    """The sheet's declared dimension is ignored both ways: a file declaring only its header row is read whole."""
    content = bombs.xlsx(COLUMNS, [[ZHANG_WEI, '张伟', '参加培训进修', '培训班', '', '', 1, '桥梁养护培训班（省级）',
                                    f'{imports.today().year}-04-01', f'{imports.today().year}-04-03', 18,
                                    imports.today().year, '', '']], title=SHEET)
    content = bombs.with_sheet(content, lambda xml: xml.replace(b'<dimension ref="A1:N2"/>',
                                                                b'<dimension ref="A1:N1"/>'))
    login(client, 'jtjt_admin')
    page = client.post('/imports/', data={'file': (io.BytesIO(content), 'staff.xlsx'), 'pledge': 'y'},
                       content_type='multipart/form-data', follow_redirects=True).get_data(as_text=True)
    assert '共 1 行' in page


# -- a learning platform's export ------------------------------------------------------------------------------

LEARNING_UNREADABLE = '无法读取该 Excel 文件，请确认是 .xlsx 格式'
LEARNING_REFUSALS = {'dimension': '一个文件最多 5000 条记录，请分批上传', 'zip': UNPACKED, 'lying': LEARNING_UNREADABLE,
                     'rows': TOO_MUCH % 5000, 'entities': LEARNING_UNREADABLE}
CSV_BOMBS = {
    'blank lines': (lambda: ','.join(PLATFORM_COLUMNS).encode() + b'\n' * (9 * 1024 * 1024),
                    '一个文件最多 5000 条记录，请分批上传'),
    'one long line': (lambda: ','.join(PLATFORM_COLUMNS).encode() + b'\n' + b',' * (9 * 1024 * 1024),
                      '文件第 2 行超过 10000 个字符'),
    'too large': (lambda: b' ' * (10 * 1024 * 1024 + 1), '文件超过 10 MB，请拆分后上传'),
}


@pytest.fixture
def platform_id(ctx):
    created, _token = learning.create_platform(membership('shengji'), '浙江学习平台')
    db.session.commit()
    return created.id


def upload_export(client, platform_id, content, filename):
    return client.post(f'/province/platforms/{platform_id}/upload', data={'file': (io.BytesIO(content), filename)},
                       content_type='multipart/form-data')


@pytest.mark.parametrize('kind', SPREADSHEET_BOMBS)
def test_platform_upload_refuses_a_spreadsheet_bomb_at_once(client, platform_id, kind):
    content = spreadsheet(kind, PLATFORM_COLUMNS, 'Sheet')
    login(client, 'shengji')
    with bombs.bounded():
        response = upload_export(client, platform_id, content, 'records.xlsx')
    assert response.status_code == 422
    assert LEARNING_REFUSALS[kind] in response.get_data(as_text=True)
    assert count(LearningRecord) == 0


@pytest.mark.parametrize('kind', CSV_BOMBS)
def test_platform_upload_refuses_a_csv_bomb_at_once(client, platform_id, kind):
    make, message = CSV_BOMBS[kind]
    content = make()
    login(client, 'shengji')
    with bombs.bounded():
        response = upload_export(client, platform_id, content, 'records.csv')
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(LearningRecord) == 0


# -- images: claim evidence and the licence of a unit registration ------------------------------------------------

PIXELS = '图片像素过多（宽×高不能超过 40,000,000）'


@pytest.mark.parametrize('kind', IMAGE_BOMBS)
def test_claim_evidence_refuses_an_image_bomb_by_its_declared_size(client, ctx, kind):
    login(client, ZHANG_WEI)
    response = client.post('/claims/new', data=claim_form())
    claim_id = int(response.location.rsplit('/', 1)[1])
    content = IMAGE_BOMBS[kind]()
    with bombs.bounded():
        response = client.post(f'/claims/{claim_id}/evidence', data={'file': (io.BytesIO(content), f'证书.{kind}'),
                                                                     'caption': '结业证书'},
                               content_type='multipart/form-data', follow_redirects=True)
    assert PIXELS in response.get_data(as_text=True)
    assert count(Evidence) == 0


@pytest.mark.parametrize('kind', IMAGE_BOMBS)
def test_unit_registration_refuses_an_image_bomb_as_licence(client, ctx, kind):
    data = unit_data(licence=(io.BytesIO(IMAGE_BOMBS[kind]()), f'licence.{kind}'))
    with bombs.bounded():
        response = post_registration(client, '/register/unit', data)
    assert response.status_code == 422 and PIXELS in response.get_data(as_text=True)
    assert count(Registration) == 0


@pytest.mark.app_config(EVIDENCE_MAX_PIXELS=1000)
def test_the_pixel_limit_is_a_setting(client, ctx):
    login(client, ZHANG_WEI)
    claim_id = int(client.post('/claims/new', data=claim_form()).location.rsplit('/', 1)[1])
    response = client.post(f'/claims/{claim_id}/evidence', data={'file': (io.BytesIO(bombs.huge_png(40, 30)), 'a.png'),
                                                                 'caption': '结业证书'},
                           content_type='multipart/form-data', follow_redirects=True)
    assert '图片像素过多（宽×高不能超过 1,000）' in response.get_data(as_text=True)
    assert count(Evidence) == 0
