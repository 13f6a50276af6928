"""Write the 2023 template set (templates/nd91_2017_huyen/*.docx) in the Decree 30/2020 format.

Run once by a developer (``python tools/make_templates.py``); the .docx files it writes are the
templates office staff then edit in Word or LibreOffice. The pipeline never builds layout in code:
it only fills these files with docxtpl. Tags are plain Jinja in Vietnamese-ish names
(``{{ don_vi.ten }}``), one tag per run so that Word keeps them intact.

Decree 30/2020 facts used here (SPEC §2): A4 portrait; margins top/bottom 20 mm, left 30 mm,
right 15 mm; Times New Roman; agency name upper bold 13 pt with the parent agency not bold; Quốc
hiệu upper bold 12 pt on one line; Tiêu ngữ bold 13 pt with a rule as long as itself; date line
italic 14 pt; document type bold 14 pt; body 14 pt justified with a 1.27 cm first-line indent and
6 pt after; "Nơi nhận:" bold italic 12 pt, its list 11 pt; page numbers centred in the top
margin from page 2.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from pipeline.bundle import normalize_zip

OUT = Path(__file__).resolve().parent.parent / "templates" / "nd91_2017_huyen"
FONT = "Times New Roman"
LEFT_COL = Cm(7.5)
RIGHT_COL = Cm(9.0)

C = WD_ALIGN_PARAGRAPH.CENTER
J = WD_ALIGN_PARAGRAPH.JUSTIFY
L = WD_ALIGN_PARAGRAPH.LEFT


def new_document(landscape: bool = False) -> Document:
    doc = Document()
    s = doc.sections[0]
    if landscape:
        s.orientation = WD_ORIENT.LANDSCAPE
        s.page_width, s.page_height = Mm(297), Mm(210)
        s.left_margin, s.right_margin = Mm(20), Mm(20)
        s.top_margin, s.bottom_margin = Mm(30), Mm(20)
    else:
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin = Mm(20), Mm(20)
        s.left_margin, s.right_margin = Mm(30), Mm(15)
    s.header_distance = Mm(10)
    s.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(6)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.widow_control = True
    # Page numbers: centred in the top margin, none on the first page.
    s.different_first_page_header_footer = True
    header_p = s.header.paragraphs[0]
    header_p.alignment = C
    _field(header_p, "PAGE", Pt(13))
    s.first_page_header.paragraphs[0].text = ""
    props = doc.core_properties
    props.author = "dossiers"
    props.title = ""
    props.comments = ""
    return doc


def _field(p, code: str, size: Pt) -> None:
    def run_with(child) -> None:
        r = p.add_run()
        r.font.size = size
        r._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(instr)
    run_with(sep)
    r = p.add_run("2")
    r.font.size = size
    run_with(end)


def para(container, *runs, align=J, size: float = 14, bold=False, italic=False, indent: float | None = None,
         after: float = 6, before: float = 0, keep_next=False, line: float | None = None):
    """A paragraph of runs; a run is a string or (text, {"b":…, "i":…, "size":…})."""
    p = container.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.space_after = Pt(after)
    pf.space_before = Pt(before)
    if indent is not None:
        pf.first_line_indent = Cm(indent)
    if keep_next:
        pf.keep_with_next = True
    if line is not None:
        pf.line_spacing = line
    for run in runs:
        text, style = (run, {}) if isinstance(run, str) else run
        r = p.add_run(text)
        r.font.size = Pt(style.get("size", size))
        r.bold = style.get("b", bold)
        r.italic = style.get("i", italic)
    return p


def body(container, *runs, **kw):
    """A body paragraph: 14 pt, justified, first line indented 1.27 cm."""
    kw.setdefault("indent", 1.27)
    return para(container, *runs, **kw)


def tag(container, text: str):
    """A paragraph holding only a docxtpl block tag ({%p …%}); it disappears when rendered."""
    return para(container, text, after=0, align=L, size=14)


def rule(container, width_cm: float, cell_cm: float):
    """A centred horizontal rule of ``width_cm`` inside a cell ``cell_cm`` wide (paragraph border)."""
    side = max((cell_cm - width_cm) / 2, 0)
    p = para(container, "", align=C, after=0, size=2)
    pf = p.paragraph_format
    pf.left_indent = Cm(side)
    pf.right_indent = Cm(side)
    pf.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")
    return p


def no_borders(table) -> None:
    """No borders and no cell padding: header and signature columns use the full text width."""
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:w"), "0")
        e.set(qn("w:type"), "dxa")
        mar.append(e)
    tbl_pr.append(mar)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    tbl_pr.append(borders)


def fixed_table(doc, rows: int, widths: list, borders: bool):
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if borders:
        table.style = doc.styles["Table Grid"]
    else:
        no_borders(table)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = w
    # LibreOffice lays out by the grid, not the cell widths: set both.
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(w.twips)))
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        table._tbl.tblPr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(sum(w.twips for w in widths))))
    return table


def loop_table(doc, widths: list, heads: list[str], loop: str, size: float = 12):
    """A bordered table: a bold heading row that repeats on each page, then the row that opens
    the docxtpl row loop ``{%tr for … %}``; the caller fills row 2 and closes the loop in row 3."""
    t = fixed_table(doc, 4, widths, borders=True)
    repeat_header(t.rows[0])
    for cell, text in zip(t.rows[0].cells, heads, strict=True):
        clear(cell)
        para(cell, text, align=C, size=size, bold=True, after=0)
    clear(t.rows[1].cells[0])
    para(t.rows[1].cells[0], loop, align=L, size=size, after=0)
    return t


def repeat_header(row) -> None:
    """The row repeats at the top of each page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    e = OxmlElement("w:cantSplit")
    tr_pr.append(e)


def clear(cell):
    """An empty cell ready for paragraphs (python-docx leaves one empty paragraph)."""
    cell._tc.remove(cell.paragraphs[0]._p)
    return cell


def header_block(doc, number: bool = True, date: bool = True, agency: str = "co_quan") -> None:
    """Two-column header: agency | Quốc hiệu, Tiêu ngữ, place/date line."""
    t = fixed_table(doc, 1, [LEFT_COL, RIGHT_COL], borders=False)
    left, right = (clear(c) for c in t.rows[0].cells)
    para(left, "{{ " + agency + ".cap_tren }}", align=C, size=13, after=0)
    para(left, "{{ " + agency + ".ten }}", align=C, size=13, bold=True, after=0)
    rule(left, 2.5, 7.5)
    if number:
        para(left, "Số: {{ so_ky_hieu }}", align=C, size=13, before=6, after=0)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align=C, size=12, bold=True, after=0)
    para(right, "Độc lập - Tự do - Hạnh phúc", align=C, size=13, bold=True, after=0)
    rule(right, 5.6, 9.0)
    if date:
        para(right, "{{ dia_danh }}, {{ ngay|ngay_thang }}", align=C, size=14, italic=True, before=6, after=0)
    para(doc, "", after=6)


def title(doc, kind: str, *subject: str) -> None:
    para(doc, kind, align=C, size=14, bold=True, after=0, before=6, keep_next=True)
    for i, line in enumerate(subject):
        para(doc, line, align=C, size=14, bold=True, after=12 if i == len(subject) - 1 else 0, keep_next=True)


def signature(doc, left_title: str | None, right_lines: tuple[str, ...], name: str, left_name: str | None = None,
              noi_nhan: bool = False) -> None:
    """Signature block in a borderless table whose row never splits across pages."""
    para(doc, "", after=0, keep_next=True)
    t = fixed_table(doc, 1, [Cm(8.0), Cm(8.5)], borders=False)
    cant_split(t.rows[0])
    left, right = (clear(c) for c in t.rows[0].cells)
    if noi_nhan:
        para(left, "Nơi nhận:", align=L, size=12, bold=True, italic=True, after=0)
        tag(left, "{%p for dong in noi_nhan %}")
        para(left, "- {{ dong }}{% if loop.last %}.{% else %};{% endif %}", align=L, size=11, after=0)
        tag(left, "{%p endfor %}")
    elif left_title:
        # Both columns get as many title lines, so that the two names stand on one line.
        lines = left_title.split("\n")
        for line in lines + [""] * (len(right_lines) - len(lines)):
            para(left, line, align=C, size=14, bold=True, after=0)
        for _ in range(4):
            para(left, "", align=C, after=0)
        para(left, left_name or "", align=C, size=14, bold=True, after=0)
        right_lines = right_lines + ("",) * (len(lines) - len(right_lines))
    for line in right_lines:
        para(right, line, align=C, size=14, bold=True, after=0)
    for _ in range(4):
        para(right, "", align=C, after=0)
    para(right, name, align=C, size=14, bold=True, after=0)


def to_trinh() -> Document:
    doc = new_document()
    header_block(doc)
    title(doc, "TỜ TRÌNH", "Về việc đề nghị tặng {{ hinh_thuc }}",
          "cho tập thể có thành tích trong {{ linh_vuc }} năm {{ nam }}")
    para(doc, "Kính gửi: {{ kinh_gui }}.", align=C, size=14, after=12)
    tag(doc, "{%p for cc in can_cu %}")
    body(doc, ("Căn cứ {{ cc }};", {"i": True}))
    tag(doc, "{%p endfor %}")
    body(doc, ("Thực hiện {{ huong_dan }},", {"i": True}))
    body(doc, "{{ co_quan.ten_thuong }} trình {{ kinh_gui }} xem xét, đề nghị tặng {{ hinh_thuc }} "
              "cho tập thể có thành tích xuất sắc, tiêu biểu trong {{ linh_vuc }} năm {{ nam }}, cụ thể như sau:")
    body(doc, ("1. Tập thể được đề nghị: ", {"b": True}), ("{{ don_vi.ten }}", {"b": True}),
         "{% if don_vi.thon %}, {{ don_vi.thon }}{% endif %}{% if la_to %}, {{ don_vi.ten_xa }}{% endif %}.")
    body(doc, ("2. Thành tích: ", {"b": True}), "{{ ly_do }}")
    tag(doc, "{%p if la_xa %}")
    body(doc, "Kết quả chấm điểm theo 03 tiêu chí (thời gian xét từ {{ thoi_gian }}): dịch vụ công trực tuyến "
              "{{ nhom[0].diem|diem }}/{{ nhom[0].toi_da|diem }} điểm; thanh toán trực tuyến "
              "{{ nhom[1].diem|diem }}/{{ nhom[1].toi_da|diem }} điểm; số hóa hồ sơ, kết quả giải quyết TTHC "
              "{{ nhom[2].diem|diem }}/{{ nhom[2].toi_da|diem }} điểm; tổng điểm {{ tong|diem }}/{{ tong_toi_da|diem }} điểm"
              "{% if hang %}, xếp thứ {{ hang }}/{{ so_xa_xet }} xã, thị trấn đủ điều kiện{% endif %}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for doan in don_vi.thanh_tich %}")
    body(doc, "{{ doan }}")
    tag(doc, "{%p endfor %}")
    body(doc, "Tập thể gương mẫu chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; không thuộc "
              "đối tượng xem xét thi hành kỷ luật hoặc điều tra, thanh tra, kiểm tra, không có đơn thư khiếu nại, "
              "tố cáo đang được xác minh làm rõ.")
    body(doc, ("3. Hồ sơ kèm theo: ", {"b": True}), "Báo cáo thành tích của tập thể; Biên bản họp xét khen thưởng.")
    body(doc, "{{ co_quan.ten_thuong }} kính trình {{ kinh_gui }} xem xét, quyết định./.", keep_next=True)
    signature(doc, None, ("{{ ky.quyen }}", "{% if ky.chuc_vu %}{{ ky.chuc_vu }}{% endif %}"), "{{ ky.ten }}", noi_nhan=True)
    return doc


def bao_cao() -> Document:
    doc = new_document()
    header_block(doc, number=False, agency="don_vi_bao_cao")
    title(doc, "BÁO CÁO THÀNH TÍCH", "ĐỀ NGHỊ TẶNG {{ hinh_thuc|upper }}",
          "Thành tích trong {{ linh_vuc }} năm {{ nam }}")
    para(doc, ("Tên tập thể đề nghị khen thưởng: ", {"b": False}), ("{{ don_vi.ten }}", {"b": True}),
         "{% if la_to %} ({{ don_vi.thon }}, {{ don_vi.ten_xa }}){% endif %}", align=C, after=12)
    body(doc, ("I. THÔNG TIN CHUNG", {"b": True}), indent=0)
    body(doc, "1. Đặc điểm, tình hình", bold=True)
    body(doc, "- Địa chỉ trụ sở: {{ don_vi.dia_chi or '……………………' }}.")
    body(doc, "- Điện thoại: {{ don_vi.dien_thoai or '……………' }}; E-mail: {{ don_vi.email or '……………' }}.")
    body(doc, "- Người đứng đầu: {{ don_vi.nguoi_dung_dau or '……………………' }}.")
    body(doc, "2. Chức năng, nhiệm vụ", bold=True)
    tag(doc, "{%p if la_xa %}")
    body(doc, "Ủy ban nhân dân cấp xã thực hiện chức năng quản lý nhà nước trên địa bàn; tổ chức tiếp nhận, giải quyết "
              "thủ tục hành chính tại Bộ phận Một cửa, triển khai dịch vụ công trực tuyến, thanh toán trực tuyến "
              "và số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo chỉ đạo của cấp trên.")
    tag(doc, "{%p else %}")
    body(doc, "{{ chuc_nang_to }}")
    tag(doc, "{%p endif %}")
    body(doc, ("II. THÀNH TÍCH ĐẠT ĐƯỢC", {"b": True}), indent=0, keep_next=True)
    body(doc, "1. Kết quả thực hiện các chỉ tiêu (từ {{ thoi_gian }})", bold=True, keep_next=True)
    tag(doc, "{%p if la_xa %}")
    widths = [Cm(1.3), Cm(8.4), Cm(2.2), Cm(2.2), Cm(2.4)]
    t = fixed_table(doc, 4, widths, borders=True)
    heads = ["STT", "Tiêu chí", "Tỷ lệ (%)", "Thang điểm", "Điểm đạt"]
    repeat_header(t.rows[0])
    for cell, text in zip(t.rows[0].cells, heads, strict=True):
        clear(cell)
        para(cell, text, align=C, size=13, bold=True, after=0)
    # Row 1 repeats for each criterion or group; row 2 is the total.
    loop, row, total = t.rows[1], t.rows[2], t.rows[3]
    clear(loop.cells[0])
    para(loop.cells[0], "{%tr for r in bang %}", align=L, size=13, after=0)
    cells = ["{{ r.ma }}", "{{ r.ten }}", "{{ r.ty_le|ty_le }}", "{{ r.toi_da|diem }}", "{{ r.diem|diem }}"]
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        clear(cell)
        p = para(cell, "", align=L if i == 1 else C, size=13, after=0)
        # Group rows in bold: a run-level condition keeps the tag inside one run.
        r1 = p.add_run("{%r if r.nhom %}")
        r1.font.size = Pt(13)
        rb = p.add_run(text)
        rb.font.size = Pt(13)
        rb.bold = True
        r2 = p.add_run("{%r else %}")
        r2.font.size = Pt(13)
        rn = p.add_run(text)
        rn.font.size = Pt(13)
        r3 = p.add_run("{%r endif %}")
        r3.font.size = Pt(13)
    # The closing tag row.
    end_row = t.add_row()
    clear(end_row.cells[0])
    para(end_row.cells[0], "{%tr endfor %}", align=L, size=13, after=0)
    # Move the total row after the closing tag.
    t._tbl.remove(total._tr)
    t._tbl.append(total._tr)
    a = total.cells[0].merge(total.cells[1])
    clear(a)
    para(a, "Tổng điểm", align=C, size=13, bold=True, after=0)
    for cell, text in zip(total.cells[2:], ["", "{{ tong_toi_da|diem }}", "{{ tong|diem }}"], strict=True):
        clear(cell)
        para(cell, text, align=C, size=13, bold=True, after=0)
    para(doc, "", after=0)
    body(doc, "Tổng điểm đạt {{ tong|diem }}/{{ tong_toi_da|diem }} điểm"
              "{% if hang %}, xếp thứ {{ hang }}/{{ so_xa_xet }} xã, thị trấn đủ điều kiện của {{ huyen }}{% endif %}.")
    tag(doc, "{%p else %}")
    body(doc, "{% if diem is not none %}Điểm đánh giá của tổ: {{ diem|diem }} điểm. {% endif %}"
              "Tổ hoạt động trên địa bàn {{ don_vi.thon }}, {{ don_vi.ten_xa }}.")
    tag(doc, "{%p endif %}")
    body(doc, "2. Các biện pháp, giải pháp và kết quả nổi bật", bold=True, keep_next=True)
    tag(doc, "{%p for doan in don_vi.thanh_tich %}")
    body(doc, "{{ doan }}")
    tag(doc, "{%p endfor %}")
    body(doc, ("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", {"b": True}), indent=0)
    body(doc, "……………………………………………………………………")
    body(doc, "Tập thể cam kết gương mẫu chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; "
              "không thuộc đối tượng xem xét thi hành kỷ luật hoặc điều tra, thanh tra, kiểm tra, không có đơn thư "
              "khiếu nại, tố cáo đang được xác minh làm rõ. Báo cáo theo {{ mau_bao_cao }}./.", keep_next=True)
    signature(doc, "XÁC NHẬN CỦA CẤP TRÌNH\nKHEN THƯỞNG", ("{{ thu_truong.quyen }}",), "{{ thu_truong.ten }}",
              left_name="{{ ky.ten }}")
    return doc


def bien_ban() -> Document:
    doc = new_document()
    header_block(doc, date=False)
    title(doc, "BIÊN BẢN", "Họp xét khen thưởng thành tích trong công tác chuyển đổi số năm {{ nam }}")
    body(doc, "Vào hồi {{ hoi_dong.bat_dau }}, {{ ngay_hop|ngay_thang }}, tại {{ hoi_dong.dia_diem }}, "
              "{{ hoi_dong.ten }} họp xét khen thưởng thành tích trong công tác chuyển đổi số năm {{ nam }}.")
    body(doc, ("I. THÀNH PHẦN", {"b": True}), indent=0, keep_next=True)
    body(doc, "- Chủ trì: Ông (bà) {{ hoi_dong.chu_toa.ten }}, {{ hoi_dong.chu_toa.chuc_vu }}.")
    body(doc, "- Thư ký: Ông (bà) {{ hoi_dong.thu_ky.ten }}, {{ hoi_dong.thu_ky.chuc_vu }}.")
    body(doc, "- Các thành viên Hội đồng:")
    tag(doc, "{%p for tv in hoi_dong.thanh_vien %}")
    body(doc, "+ Ông (bà) {{ tv.ten }}, {{ tv.chuc_vu }};")
    tag(doc, "{%p endfor %}")
    body(doc, "Có mặt {% if du_thao %}……{% else %}{{ hoi_dong.so_thanh_vien }}{% endif %}/{{ hoi_dong.so_thanh_vien }} "
              "thành viên Hội đồng.")
    body(doc, ("II. NỘI DUNG", {"b": True}), indent=0, keep_next=True)
    body(doc, "Căn cứ {{ huong_dan }}, Hội đồng đã xem xét kết quả chấm điểm và thành tích của các tập thể được đề "
              "nghị (thời gian xét từ {{ thoi_gian }}). Kết quả biểu quyết (Hội đồng có {{ hoi_dong.so_thanh_vien }} "
              "thành viên; đạt khi có từ {{ hoi_dong.so_phieu_dat }} phiếu đồng ý trở lên):", keep_next=True)
    widths = [Cm(1.3), Cm(6.0), Cm(3.6), Cm(1.9), Cm(1.9), Cm(1.8)]
    t = loop_table(doc, widths, ["STT", "Tập thể", "Hình thức đề nghị", "Điểm", "Phiếu đồng ý", "Kết quả"],
                   "{%tr for u in ung_vien %}")
    cells = ["{{ loop.index }}", "{{ u.ten }}", "{{ u.hinh_thuc }}", "{{ u.diem|diem }}",
             "{% if u.phieu is not none %}{{ u.phieu }}/{{ hoi_dong.so_thanh_vien }}{% else %}……/{{ hoi_dong.so_thanh_vien }}{% endif %}",
             "{% if u.dat is none %}……{% elif u.dat %}Đạt{% else %}Không đạt{% endif %}"]
    for i, (cell, text) in enumerate(zip(t.rows[2].cells, cells, strict=True)):
        clear(cell)
        para(cell, text, align=L if i in (1, 2) else C, size=12, after=0)
    clear(t.rows[3].cells[0])
    para(t.rows[3].cells[0], "{%tr endfor %}", align=L, size=12, after=0)
    para(doc, "", after=0)
    tag(doc, "{%p if khong_dat %}")
    body(doc, "Các tập thể không đạt số phiếu đồng ý cần thiết, không đề nghị khen thưởng: {{ khong_dat }}.")
    tag(doc, "{%p endif %}")
    body(doc, "Hội đồng thống nhất đề nghị khen thưởng các tập thể đạt số phiếu đồng ý theo quy định nêu trên.")
    body(doc, "Cuộc họp kết thúc vào {{ hoi_dong.ket_thuc }} cùng ngày. Biên bản đã được thông qua trước các "
              "thành viên dự họp./.", keep_next=True)
    signature(doc, "THƯ KÝ", ("CHỦ TỌA",), "{{ hoi_dong.chu_toa.ten }}", left_name="{{ hoi_dong.thu_ky.ten }}")
    return doc


def bang_tong_hop() -> Document:
    doc = new_document(landscape=True)
    t = fixed_table(doc, 1, [Cm(9.0), Cm(16.7)], borders=False)
    left, right = (clear(c) for c in t.rows[0].cells)
    para(left, "{{ co_quan.cap_tren }}", align=C, size=13, after=0)
    para(left, "{{ co_quan.ten }}", align=C, size=13, bold=True, after=0)
    rule(left, 2.5, 9.0)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align=C, size=12, bold=True, after=0)
    para(right, "Độc lập - Tự do - Hạnh phúc", align=C, size=13, bold=True, after=0)
    rule(right, 5.6, 16.7)
    para(right, "{{ dia_danh }}, {{ ngay|ngay_thang }}", align=C, size=14, italic=True, before=6, after=0)
    para(doc, "", after=6)
    title(doc, "BẢNG TỔNG HỢP ĐIỂM", "Khen thưởng thành tích trong công tác chuyển đổi số năm {{ nam }}")
    para(doc, "(Thời gian xét kết quả từ {{ thoi_gian }})", align=C, italic=True, after=6)
    widths = [Cm(1.5), Cm(5.9)] + [Cm(1.7)] * 7 + [Cm(1.8), Cm(4.5)]
    t = loop_table(doc, widths, ["Hạng", "Đơn vị", "1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "Tổng điểm", "Ghi chú"],
                   "{%tr for x in xep_hang %}")
    cells = ["{{ x.hang or '-' }}", "{{ x.ten }}"] + [f"{{{{ x.diem[{i}]|diem }}}}" for i in range(7)] + [
        "{{ x.tong|diem }}", "{{ x.ghi_chu }}"]
    for i, (cell, text) in enumerate(zip(t.rows[2].cells, cells, strict=True)):
        clear(cell)
        para(cell, text, align=L if i in (1, 10) else C, size=12, bold=(i == 9), after=0)
    clear(t.rows[3].cells[0])
    para(t.rows[3].cells[0], "{%tr endfor %}", align=L, size=12, after=0)
    para(doc, "", after=0)
    para(doc, "Điểm tiêu chí = tỷ lệ % × thang điểm của tiêu chí ({{ thang_diem }}); tổng tối đa "
              "{{ tong_toi_da|diem }} điểm. Đơn vị không đủ điều kiện không xếp hạng.", align=L, size=12, italic=True)
    return doc


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def slim_package(data: bytes) -> bytes:
    """Drop what python-docx's default template carries and these documents never use: the
    ~160 unused style definitions, the latent-style table and stylesWithEffects.xml. LibreOffice
    imports every style of a .docx on each load; this halves the time it takes to open one."""
    from lxml import etree

    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    used: set[str] = set()
    for name, blob in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
            used |= set(re.findall(rb'w:(?:pStyle|rStyle|tblStyle|numStyle) w:val="([^"]+)"', blob))
    styles = etree.fromstring(parts["word/styles.xml"])
    by_id = {s.get(f"{W}styleId").encode(): s for s in styles.iter(f"{W}style")}
    keep = {k for k, s in by_id.items() if s.get(f"{W}default") == "1"} | (used & by_id.keys())
    todo = list(keep)
    while todo:  # styles the kept ones are based on or linked to
        style = by_id[todo.pop()]
        for ref in ("basedOn", "link", "next"):
            e = style.find(f"{W}{ref}")
            if e is not None and e.get(f"{W}val").encode() in by_id and e.get(f"{W}val").encode() not in keep:
                keep.add(e.get(f"{W}val").encode())
                todo.append(e.get(f"{W}val").encode())
    for k, style in by_id.items():
        if k not in keep:
            styles.remove(style)
    for latent in styles.findall(f"{W}latentStyles"):
        styles.remove(latent)
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts.pop("word/stylesWithEffects.xml", None)
    parts["word/_rels/document.xml.rels"] = re.sub(
        rb'<Relationship [^>]*Target="stylesWithEffects.xml"[^>]*/>', b"", parts["word/_rels/document.xml.rels"])
    parts["[Content_Types].xml"] = re.sub(
        rb'<Override [^>]*PartName="/word/stylesWithEffects.xml"[^>]*/>', b"", parts["[Content_Types].xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    return out.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (("to_trinh", to_trinh), ("bao_cao_thanh_tich", bao_cao), ("bien_ban", bien_ban),
                        ("bang_tong_hop", bang_tong_hop)):
        path = OUT / f"{name}.docx"
        buffer = io.BytesIO()
        build().save(buffer)
        path.write_bytes(normalize_zip(slim_package(buffer.getvalue())))  # same script, same bytes
        print(path)


if __name__ == "__main__":
    main()
