"""Claims as spreadsheet rows. The first columns are those of the import template (【导入学员培训信息】), so an
exported list opens in Excel and can be imported again.

The sheet is that file format whatever language the pages are read in: the import matches the column headers and
the sheet name, and the rows hold the Chinese values it accepts (pathway and level labels, sub-types, status labels).
So the headers and the sheet name stay Chinese (`# i18n: data`); only the download's file name is the page's."""

from models import Claim

from ..exports import xlsx_response
from ..formatting import format_local_time
from ..catalogue import catalogue_of

SHEET = '学员培训信息'  # i18n: data - the sheet the import reads
COLUMNS = ['身份证号', '姓名', '认定类型', '二级类型', '级别', '排名', '数量', '认定内容', '开始时间', '结束时间',  # i18n: data
           '申请学时', '计入年度', '认定内容说明', '证书编号']
EXTRA = ['单位', '部门', '审核状态', '审核学时', '登记学时', '提交时间']  # i18n: data - the same file, one language


def template_row(c: Claim) -> list:
    """Pathway and level by their names in the catalogue version the claim was filed under (parsed once per
    version and request)."""
    catalogue = catalogue_of(c)
    pathway = catalogue.pathway(c.pathway)
    return [c.learner.id_number, c.learner.name, pathway.label if pathway else c.pathway, c.sub_type,
            catalogue.level_label(c.level) if c.level else '', c.rank or '', c.quantity, c.title, c.start_date,
            c.end_date, c.applied_hours, c.year, c.description or '', c.certificate_no or '']


def export_claims(claims, filename: str):
    """The claims of a list, filters applied, as an .xlsx download named *filename*."""
    rows = (template_row(c) + [c.unit.name, c.department.name if c.department else '', c.status_label,
                               c.reviewed_hours if c.reviewed_hours is not None else '',
                               c.registered_hours if c.registered_hours is not None else '',
                               format_local_time(c.submitted_at) if c.submitted_at else ''] for c in claims)
    return xlsx_response(filename, COLUMNS + EXTRA, rows, sheet=SHEET)
