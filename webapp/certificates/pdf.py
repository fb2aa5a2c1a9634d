"""PDF rendering with reportlab: the certificate (《继续教育合格证书》) and the yearly 学时记录表.

Chinese text uses reportlab's built-in CID font STSong-Light (Adobe-GB1), so no font file has to ship: PDF readers
bring the glyphs. The QR code is reportlab's own widget."""
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..catalogue import CATEGORY_LABELS, catalogue_of, pathway_name
from ..formatting import format_hours, format_local_time

FONT = 'STSong-Light'
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle('body', fontName=FONT, fontSize=11, leading=18)
SMALL = ParagraphStyle('small', parent=BODY, fontSize=9, leading=13)
TITLE = ParagraphStyle('title', parent=BODY, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6)
SUBTITLE = ParagraphStyle('subtitle', parent=BODY, fontSize=12, alignment=TA_CENTER)
CERT_TITLE = ParagraphStyle('cert_title', parent=BODY, fontSize=30, leading=40, alignment=TA_CENTER,
                            textColor=colors.HexColor('#8b0000'))
CERT_BODY = ParagraphStyle('cert_body', parent=BODY, fontSize=15, leading=28, firstLineIndent=30)
H2 = ParagraphStyle('h2', parent=BODY, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


SHADE = colors.HexColor('#e9ecef')


def _grid(rows, widths, shaded=(('header',),)):
    """A bordered table; *shaded*: ('header',) shades the first row, ('columns', i, j, ...) those label columns."""
    style = [('FONT', (0, 0), (-1, -1), FONT, 10), ('GRID', (0, 0), (-1, -1), 0.5, colors.grey),
             ('VALIGN', (0, 0), (-1, -1), 'MIDDLE')]
    for kind, *columns in shaded:
        if kind == 'header':
            style.append(('BACKGROUND', (0, 0), (-1, 0), SHADE))
        else:
            style += [('BACKGROUND', (c, 0), (c, -1), SHADE) for c in columns]
    table = Table(rows, colWidths=widths, repeatRows=1 if ('header',) in shaded else 0)
    table.setStyle(TableStyle(style))
    return table


def _item_kind(claim) -> str:
    """认定类型 of a professional claim; 公需 hours (not self-claimed) show their sub-type."""
    pathway = catalogue_of(claim).pathway(claim.pathway) if claim.category == 'professional' else None
    return pathway.label if pathway else claim.sub_type


def certificate_pdf(cert, verify_url: str) -> bytes:
    """One landscape A4 page: title, text, number (for reference), issuer, date, and a QR code of the verification URL,
    which carries the certificate's random verification code (the number does not open the public page)."""
    buffer = BytesIO()
    page = landscape(A4)

    def frame(canvas, doc):
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor('#8b0000'))
        canvas.setLineWidth(3)
        canvas.rect(12 * mm, 12 * mm, page[0] - 24 * mm, page[1] - 24 * mm)
        canvas.setLineWidth(0.8)
        canvas.rect(15 * mm, 15 * mm, page[0] - 30 * mm, page[1] - 30 * mm)
        qr_size = 32 * mm
        renderPDF.draw(_qr(verify_url, qr_size), canvas, page[0] - 30 * mm - qr_size, 24 * mm)
        canvas.setFont(FONT, 8)
        canvas.drawRightString(page[0] - 30 * mm, 20 * mm, f'扫码或访问 {verify_url} 核验（核验码 {cert.verification_code}）')
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=32 * mm, rightMargin=32 * mm, topMargin=28 * mm,
                            bottomMargin=28 * mm, title=f'继续教育合格证书 {cert.number}', author=cert.issuer_name)
    text = (f'<b>{escape(cert.learner_name)}</b>（身份证号：{cert.id_number or "—"}，{escape(cert.unit_name)}）'
            f'于 {cert.year} 年度参加专业技术人员继续教育，累计获得 <b>{format_hours(cert.total_hours)}</b> 学时，其中专业科目 '
            f'{format_hours(cert.professional_hours)} 学时、公需科目 {format_hours(cert.public_hours)} 学时，'
            f'达到年度继续教育学时要求，经审核合格，特发此证。')
    story = [
        Paragraph('继续教育合格证书', CERT_TITLE), Spacer(1, 6 * mm),
        Paragraph(f'证书编号：{cert.number}', SUBTITLE), Spacer(1, 10 * mm),
        Paragraph(text, CERT_BODY), Spacer(1, 14 * mm),
        Paragraph(f'发证单位：{escape(cert.issuer_name)}', BODY),
        Paragraph(f'发证日期：{format_local_time(cert.issued_at, "%Y年%m月%d日")}', BODY),
    ]
    doc.build(story, onFirstPage=frame)
    return buffer.getvalue()


def hour_record_pdf(*, year, profile, progress, claims, print_row, issuer: str, registered_by_pathway,
                    records=(), online_subtotals=()) -> bytes:
    """学时记录表 of one year (seed 003 §5): learner data (the confirmed snapshot), hours per category against the
    requirement, online learning (the platforms' records and this system's courses) per category, registered hours
    per pathway, the items (learning records and approved claims), and the print number and date."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f'继续教育学时记录表（{year}年）{print_row.number}',
                            author=issuer)
    width = A4[0] - 36 * mm
    story = [Paragraph('专业技术人员继续教育学时记录表', TITLE), Paragraph(f'（{year}年）', SUBTITLE), Spacer(1, 4 * mm)]
    printed_on = format_local_time(print_row.printed_at, '%Y-%m-%d')
    story.append(Paragraph(f'打印编号：{print_row.number}&nbsp;&nbsp;&nbsp;&nbsp;打印日期：{printed_on}', SMALL))
    story.append(Paragraph('学员信息', H2))
    unit = profile.unit_name + (f' · {profile.department_name}' if profile.department_name else '')
    learner = _grid([['姓名', profile.name, '身份证号', profile.id_number or ''],
                     ['手机号码', profile.phone or '', '单位名称', Paragraph(escape(unit), SMALL)],
                     ['所属对象', profile.identity or '', '现从事专业', profile.specialty or ''],
                     [Paragraph('专业技术职务任职资格', SMALL), profile.title or '', '', '']],
                    [width * 0.15, width * 0.3, width * 0.15, width * 0.4], shaded=(('columns', 0, 2),))
    learner.setStyle(TableStyle([('SPAN', (1, 3), (3, 3)), ('BACKGROUND', (1, 3), (3, 3), colors.white)]))
    story.append(learner)
    story.append(Paragraph('学时汇总', H2))
    rows = [['科目', '年度要求（不少于）', '已获得学时', '是否达标']]
    for part in progress.parts:
        rows.append([part.label, format_hours(part.required), format_hours(part.done), '已达标' if part.met else '未达标'])
    story.append(_grid(rows, [width * 0.25] * 4))
    status = '已达标' if progress.met else '未达标'
    story.append(Paragraph(f'培训状态：{status}（适用要求：{escape(progress.jurisdiction or "默认")}）', SMALL))
    story.append(Paragraph('在线学习（学习平台报送与本平台在线课程）', H2))
    online_total = sum((hours for _, hours in online_subtotals), Decimal(0))
    registered_total = sum((hours for _, hours in registered_by_pathway), Decimal(0))
    rows = [[label for label, _ in online_subtotals] + ['在线学习小计', '学时登记', '学时合计'],
            [format_hours(h) for h in [hours for _, hours in online_subtotals]
             + [online_total, registered_total, online_total + registered_total]]]
    story.append(_grid(rows, [width / len(rows[0])] * len(rows[0])))
    story.append(Paragraph('学时登记（专业科目，按认定类型）', H2))
    rows = [['认定类型', '登记学时']]
    province_id = claims[0].province_id if claims else None  # the learner's claims are of her province
    rows += [[pathway_name(province_id, code), format_hours(hours)] for code, hours in registered_by_pathway]
    if len(rows) == 1:
        rows.append(['无', '0'])
    story.append(_grid(rows, [width * 0.6, width * 0.4]))
    story.append(Paragraph('学时清单（在线学习）', H2))
    rows = [['序号', '课程', '科目类别', '完成日期', '学时', '学习平台']]
    for i, r in enumerate(records, 1):
        rows.append([str(i), Paragraph(escape(r.course), SMALL), r.category_label, f'{r.completed_on:%Y-%m-%d}',
                     format_hours(r.hours), Paragraph(escape(r.platform.name), SMALL)])
    if len(rows) == 1:
        rows.append(['', '暂无在线学习记录', '', '', '', ''])
    story.append(_grid(rows, [width * w for w in (0.07, 0.32, 0.14, 0.13, 0.08, 0.26)]))
    story.append(Paragraph('学时清单（学时登记，已认定）', H2))
    rows = [['序号', '科目', '认定类型', '名称', '日期', '学时']]
    for i, c in enumerate(claims, 1):
        rows.append([str(i), CATEGORY_LABELS.get(c.category, c.category),
                     Paragraph(escape(_item_kind(c)), SMALL),
                     Paragraph(escape(c.title), SMALL), f'{c.start_date:%Y-%m-%d}', format_hours(c.registered_hours)])
    if len(rows) == 1:
        rows.append(['', '', '', '暂无已认定学时', '', ''])
    story.append(_grid(rows, [width * w for w in (0.07, 0.12, 0.2, 0.35, 0.14, 0.12)]))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(f'出具单位：{escape(issuer)}', BODY))
    doc.build(story)
    return buffer.getvalue()
