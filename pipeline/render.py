"""Render stage: fills the year's DOCX templates with docxtpl.

Takes a ``Prepared`` year; gives DOCX files (one Tờ trình and one Form 07 report per proposal,
one set of council minutes shared by all dossiers, one ranking summary). One sandboxed Jinja
environment with StrictUndefined, the project's filters and autoescaping renders everything;
``check_templates`` renders every template once in memory first, so a template error names the
template and the variable before anything is written.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from pipeline.bundle import FIXED_TIME
from pipeline.config import Period, Proposer
from pipeline.errors import TemplateError
from pipeline.model import AWARD_NAMES, CRITERIA, FIELD_NAMES, GROUPS, Commune, Proposal, Team

if TYPE_CHECKING:
    from pipeline.run import Prepared
from pipeline.score import display, rate_display, score_commune

logger = logging.getLogger(__name__)

TEMPLATES_ROOT = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_NAMES = ("to_trinh", "bao_cao_thanh_tich", "bien_ban", "bang_tong_hop")

CRITERION_NAMES = {
    "1": "Dịch vụ công trực tuyến",
    "1.1": "Tỷ lệ nộp hồ sơ trực tuyến",
    "1.2": "Kết quả xử lý hồ sơ nộp trực tuyến với hồ sơ đang xử lý",
    "2": "Thanh toán trực tuyến",
    "2.1": "Tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia",
    "2.2": "Tỷ lệ TTHC có yêu cầu nghĩa vụ tài chính được cung cấp trên Cổng DVC Quốc gia",
    "3": "Số hoá hồ sơ, kết quả giải quyết TTHC",
    "3.1": "Tỷ lệ hồ sơ cấp kết quả điện tử",
    "3.2": "Tỷ lệ TTHC số hoá kết quả giải quyết",
    "3.3": "Tỷ lệ khai thác sử dụng lại tài liệu",
}
TEAM_DUTIES = {
    "to_cnscd": "Tổ công nghệ số cộng đồng tuyên truyền chủ trương, chính sách về chuyển đổi số đến từng hộ gia đình; "
                "hướng dẫn người dân sử dụng dịch vụ công trực tuyến, mua sắm trực tuyến, thanh toán trực tuyến, "
                "tự bảo vệ mình trên không gian mạng và sử dụng các nền tảng số (VssID, VNeID).",
    "to_de_an_06": "Tổ Đề án 06 hỗ trợ triển khai Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực "
                   "điện tử (Đề án 06) tại thôn, tổ dân phố: thu nhận hồ sơ định danh điện tử, làm sạch dữ liệu dân cư, "
                   "hướng dẫn người dân sử dụng VNeID và dịch vụ công trực tuyến.",
}
AWARD_SHORT = {"bang_khen_tinh": "Bằng khen tỉnh", "giay_khen_huyen": "Giấy khen huyện"}
FIELD_SHORT = {"chuyen_doi_so": "CĐS cấp xã", "to_cnscd": "Tổ CNSCĐ", "to_de_an_06": "Tổ Đề án 06"}
NBSP_BLANK = "\u00a0" * 8


def vn_date(d: dt.date) -> str:
    """Decree 30 date words: 'ngày 05 tháng 9 năm 2023' (days < 10 and months 1–2 zero-padded)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def short_date(d: dt.date) -> str:
    """'01/01/2023', '31/8/2023': the seed's style, padded like the date line."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{d.day:02d}/{month}/{d.year}"


def period_text(p: Period) -> str:
    """A results period in words."""
    end = f"trước ngày {short_date(p.end)}" if p.exclusive_end else short_date(p.end)
    return f"{short_date(p.start)} đến {end}"


def _diem(value: Decimal | int | None) -> str:
    return display(Decimal(value)) if value is not None else ""


def _ty_le(value: Decimal | None) -> str:
    return rate_display(value) if value is not None else ""


class _Environment(SandboxedEnvironment):
    """docxtpl compiles a template's XML on every render; the XML of one template never changes,
    so compile it once (half of the render time otherwise)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = self._compiled[source] = super().from_string(source)
        return template


def make_environment() -> SandboxedEnvironment:
    """The one Jinja environment: sandboxed, strict, autoescaping, with the project's filters."""
    env = _Environment(undefined=StrictUndefined, autoescape=True)
    env.filters["ngay_thang"] = vn_date
    env.filters["diem"] = _diem
    env.filters["ty_le"] = _ty_le
    return env


def number_symbol(number: str, symbol: str) -> str:
    """'05/TTr-VP', or a blank to be filled by hand when the number is not yet issued."""
    return f"{number or NBSP_BLANK}/{symbol}"


def _agency(p: Proposer) -> dict[str, str]:
    return {"cap_tren": p.parent, "ten": p.agency, "ten_thuong": p.name}


def _paragraphs(text: str) -> list[str]:
    lines = [line for line in text.split("\n") if line]
    return lines or ["……………………………………………………………………………………"]


def base_context(prepared: Prepared) -> dict[str, Any]:
    """What every document of the year shares."""
    c = prepared.config
    council = c.council
    return {
        "nam": c.year,
        "dia_danh": c.place,
        "huyen": c.district,
        "ngay": c.document_date,
        "ngay_hop": c.meeting_date,
        "can_cu": list(c.legal_bases),
        "huong_dan": c.guidance,
        "mau_bao_cao": c.form,
        "thoi_gian": period_text(c.periods["chuyen_doi_so"]),
        "tong_toi_da": sum(c.weights.values(), Decimal(0)),
        "thang_diem": "; ".join(f"{code}: {_diem(c.weights[code])}" for code in CRITERIA),
        "hoi_dong": {
            "ten": council.name, "dia_diem": council.place, "bat_dau": council.start, "ket_thuc": council.end,
            "chu_toa": {"ten": council.chair.name, "chuc_vu": council.chair.title},
            "thu_ky": {"ten": council.secretary.name, "chuc_vu": council.secretary.title},
            "thanh_vien": [{"ten": m.name, "chuc_vu": m.title} for m in council.members],
            "so_thanh_vien": council.size, "so_phieu_dat": council.min_votes,
        },
        "du_thao": prepared.selection.drafts,
    }


def _reason(p: Proposal, proposer: Proposer) -> str:
    if isinstance(p.candidate, Commune):
        if p.basis == "province_mark":
            return ("Được Sở Thông tin và Truyền thông lựa chọn đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh "
                    "trong số các tập thể cấp xã có thành tích tiêu biểu trên địa bàn tỉnh.")
        if p.basis == "score":
            return ("Có tổng điểm 03 tiêu chí cao nhất trong các xã, thị trấn đủ điều kiện "
                    "(không xét tập thể đã đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh).")
        return "Được Hội đồng lựa chọn trong các xã, thị trấn đủ điều kiện theo tiêu chuẩn quy định."
    team = p.candidate
    assert isinstance(team, Team)
    scope = "toàn huyện" if p.award == "bang_khen_tinh" else f"xã {team.commune}"
    if p.basis == "score":
        return f"Là tổ có điểm đánh giá cao nhất {scope} ({_diem(team.score)} điểm), có thành tích xuất sắc, tiêu biểu."
    return f"Được lựa chọn là tổ xuất sắc, tiêu biểu nhất {scope}."


def dossier_context(prepared: Prepared, p: Proposal, base: dict[str, Any]) -> dict[str, Any]:
    """The context of one proposal's Tờ trình and Form 07 report."""
    c = prepared.config
    cand = p.candidate
    commune = next((x for x in prepared.workbook.communes if x.name == p.commune), None)
    commune_unit = commune.unit if commune else f"UBND xã {p.commune}"
    proposer = c.proposer(p.field, p.award, p.commune, commune_unit)
    ctx = dict(base)
    ctx.update({
        "so_ky_hieu": number_symbol(proposer.number, proposer.symbol),
        "co_quan": _agency(proposer),
        "kinh_gui": proposer.recipient,
        "noi_nhan": list(proposer.cc),
        "ky": {"quyen": proposer.capacity, "chuc_vu": proposer.title, "ten": proposer.signer},
        "hinh_thuc": AWARD_NAMES[p.award],
        "linh_vuc": FIELD_NAMES[p.field],
        "thoi_gian": period_text(c.periods[p.field]),
        "ly_do": _reason(p, proposer),
        "la_xa": isinstance(cand, Commune),
        "la_to": isinstance(cand, Team),
        "diem": p.score,
        "hang": p.rank,
        "so_xa_xet": sum(1 for s in prepared.scores if s.eligible),
        "chuc_nang_to": TEAM_DUTIES.get(p.field, ""),
    })
    if isinstance(cand, Commune):
        prof = cand.profile
        ctx["don_vi"] = {"ten": cand.unit, "thon": "", "ten_xa": cand.unit, "dia_chi": prof.address,
                         "dien_thoai": prof.phone, "email": prof.email, "nguoi_dung_dau": prof.head,
                         "thanh_tich": _paragraphs(prof.achievements)}
        criteria, groups, total = score_commune(cand, c)
        rows = []
        for g, codes in GROUPS.items():
            rows.append({"ma": g, "ten": CRITERION_NAMES[g], "ty_le": None, "nhom": True,
                         "toi_da": sum((c.weights[k] for k in codes), Decimal(0)), "diem": groups[g]})
            rows += [{"ma": k, "ten": CRITERION_NAMES[k], "ty_le": cand.rates[k], "nhom": False,
                      "toi_da": c.weights[k], "diem": criteria[k]} for k in codes]
        ctx["don_vi_bao_cao"] = {"cap_tren": c.district_agency, "ten": cand.unit.upper()}
        ctx.update({"bang": rows, "tong": total,
                    "nhom": [{"diem": groups[g], "toi_da": rows_max} for g, rows_max in
                             ((g, sum((c.weights[k] for k in codes), Decimal(0))) for g, codes in GROUPS.items())],
                    "thu_truong": {"quyen": "CHỦ TỊCH", "ten": prof.head}})
    else:
        assert isinstance(cand, Team)
        ctx["don_vi"] = {"ten": cand.name, "thon": cand.village, "ten_xa": commune_unit.removeprefix("UBND "),
                         "dia_chi": f"{cand.village}, {commune_unit.removeprefix('UBND ')}", "dien_thoai": "",
                         "email": "", "nguoi_dung_dau": "", "thanh_tich": _paragraphs(cand.achievements)}
        ctx["don_vi_bao_cao"] = {"cap_tren": commune_unit.upper(), "ten": cand.name.upper()}
        ctx.update({"bang": [], "tong": None, "nhom": [], "thu_truong": {"quyen": "TỔ TRƯỞNG", "ten": ""}})
    return ctx


def minutes_context(prepared: Prepared, base: dict[str, Any]) -> dict[str, Any]:
    """The council meeting's minutes: every candidate considered, with votes and result."""
    c = prepared.config
    considered = sorted(prepared.selection.proposals + prepared.selection.rejected,
                        key=lambda p: (("chuyen_doi_so", "to_cnscd", "to_de_an_06").index(p.field),
                                       ("bang_khen_tinh", "giay_khen_huyen").index(p.award), p.commune, p.unit))
    ctx = dict(base)
    ctx.update({
        "so_ky_hieu": number_symbol(c.council.number, c.council.symbol),
        "co_quan": {"cap_tren": c.district_agency, "ten": c.council.agency, "ten_thuong": c.council.name},
        "ung_vien": [{"ten": p.unit if isinstance(p.candidate, Commune) else f"{p.unit} ({p.candidate.village}, xã {p.commune})",
                      "hinh_thuc": f"{AWARD_SHORT[p.award]} ({FIELD_SHORT[p.field]})",
                      "diem": p.score, "phieu": p.votes, "dat": p.passed} for p in considered],
        "khong_dat": "; ".join(p.unit for p in prepared.selection.rejected),
    })
    return ctx


def summary_context(prepared: Prepared, base: dict[str, Any]) -> dict[str, Any]:
    """The ranking summary (Bảng tổng hợp điểm) for the council."""
    c = prepared.config
    ctx = dict(base)
    rows = []
    for s in prepared.scores:
        if not s.eligible:
            note = f"Không đủ điều kiện: {s.reason}"
        elif s.commune.province_mark:
            note = "Đề nghị Bằng khen tỉnh"
        else:
            note = next((f"Đề nghị {AWARD_NAMES[p.award]}" for p in prepared.selection.proposals
                         if p.field == "chuyen_doi_so" and p.commune == s.commune.name), "")
        rows.append({"hang": s.rank, "ten": s.commune.unit, "diem": [s.criteria[k] for k in CRITERIA],
                     "tong": s.total, "ghi_chu": note})
    ctx.update({"co_quan": {"cap_tren": c.district_agency, "ten": c.council.agency, "ten_thuong": c.council.name},
                "xep_hang": rows})
    return ctx


_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_HEADER_FOOTER = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/header",
                  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer")


class _CompiledTemplate:
    """A docxtpl template prepared once per build.

    docxtpl re-reads the .docx, re-patches its XML and re-writes every part of the package on
    each render. Here docxtpl's own steps (``patch_xml``, ``render_xml_part``, ``fix_tables``,
    ``fix_docpr_ids``) run per document only on the parts that hold tags — the body, headers and
    footers — and the package's other parts are copied as they are. The result is the DOCX
    ``DocxTemplate.render`` + ``save`` would write, at a third of the cost.
    """

    def __init__(self, path: Path) -> None:
        from docxtpl import DocxTemplate

        self.tpl = DocxTemplate(path)
        self.tpl.render_init()
        listing = self.tpl.resolve_listing
        # docxtpl rewrites every paragraph looking for tab, bell, newline and form-feed characters
        # in the text; XML with none of them comes out unchanged, so skip the rewrite then.
        self.tpl.resolve_listing = lambda xml: listing(xml) if any(c in xml for c in "\t\a\n\f") else xml
        with zipfile.ZipFile(path) as z:
            self.entries = [(info.filename, z.read(info)) for info in z.infolist()]
        document = dict(self.entries)["word/document.xml"].decode("utf-8")
        span = re.search(r"<w:body\b.*</w:body>", document, re.S)
        if span is None:
            raise TemplateError(f"Mẫu {path.name}: tệp .docx không có phần nội dung (w:body).")
        self.prefix, self.suffix = document[:span.start()], document[span.end():]
        self.body = self.tpl.patch_xml(self.tpl.get_xml())
        self.parts = []
        for rel in self.tpl.docx._part.rels.values():
            if rel.reltype in _HEADER_FOOTER and not rel.is_external and rel.target_part.blob:
                part = rel.target_part
                self.parts.append((str(part.partname).lstrip("/"), part, self.tpl.patch_xml(self.tpl.get_part_xml(part))))

    def render(self, context: dict[str, Any], env: SandboxedEnvironment) -> bytes:
        from lxml import etree

        tpl = self.tpl
        tpl.docx_ids_index = 1000
        body = tpl.render_xml_part(self.body, tpl.docx._part, context, env)
        # fix_tables mends grids after column loops ({%tc %}), fix_docpr_ids renumbers pictures:
        # both are no-ops without them, and parsing the document for nothing costs a third.
        if "%tc " in self.body or "docPr" in body:
            tree = tpl.fix_tables(body)
            tpl.fix_docpr_ids(tree)
            body = etree.tostring(tree, encoding="unicode")
        rendered = {"word/document.xml": (self.prefix + body + self.suffix).encode()}
        for name, part, source in self.parts:
            rendered[name] = (_XML_DECLARATION + tpl.render_xml_part(source, part, context, env)).encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.entries:
                info = zipfile.ZipInfo(name, date_time=FIXED_TIME)  # fixed: the same input, the same bytes
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, rendered.get(name, data), compresslevel=1)
        return out.getvalue()


def template_folder(prepared: Prepared) -> Path:
    """The year's template set: a folder of that name in the input folder (a district's own
    edited set) if there is one, else the set shipped in ``templates/``."""
    name = prepared.config.template_set
    local = prepared.folder / name
    return local if local.is_dir() else TEMPLATES_ROOT / name


class Renderer:
    """Renders the templates of one template set."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._templates: dict[str, _CompiledTemplate] = {}
        template_set = folder.name
        self.env = make_environment()
        missing = [n for n in TEMPLATE_NAMES if not (self.folder / f"{n}.docx").is_file()]
        if missing:
            raise TemplateError(
                f"Bộ mẫu '{template_set}' ({self.folder}) thiếu tệp: {', '.join(f'{n}.docx' for n in missing)}; "
                "kiểm tra khóa template_set trong config.toml.")

    def _compiled(self, name: str) -> _CompiledTemplate:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = _CompiledTemplate(self.folder / f"{name}.docx")
        return template

    def render(self, name: str, context: dict[str, Any], target: Path | io.BytesIO) -> None:
        """Fill template ``name`` with ``context`` and save the DOCX to ``target``."""
        path = self.folder / f"{name}.docx"
        try:
            data = self._compiled(name).render(context, self.env)
        except UndefinedError as e:
            raise TemplateError(f"Mẫu {path.name}: dùng biến không có trong dữ liệu ({e.message}). "
                                f"Các biến có sẵn: {', '.join(sorted(context))}.") from e
        except TemplateSyntaxError as e:
            raise TemplateError(f"Mẫu {path.name}: sai cú pháp thẻ Jinja ở dòng {e.lineno}: {e.message}.") from e
        except Exception as e:  # a damaged .docx or a sandbox violation
            raise TemplateError(f"Mẫu {path.name}: không điền được ({type(e).__name__}: {e}).") from e
        if isinstance(target, Path):
            target.write_bytes(data)
        else:
            target.write(data)

    def check(self, jobs: list[tuple[str, dict[str, Any]]]) -> None:
        """Render each (template, context) once in memory; every problem is reported together."""
        from jinja2 import meta

        problems: list[str] = []
        for name, ctx in jobs:
            path = self.folder / f"{name}.docx"
            try:
                compiled = self._compiled(name)
                sources = [compiled.body, *(source for _, _, source in compiled.parts)]
                undeclared = set().union(*(meta.find_undeclared_variables(self.env.parse(s)) for s in sources))
            except TemplateSyntaxError as e:
                problems.append(f"Mẫu {path.name}: sai cú pháp thẻ Jinja ở dòng {e.lineno}: {e.message}")
                continue
            except TemplateError as e:
                problems.append(e.message)
                continue
            except Exception as e:
                problems.append(f"Mẫu {path.name}: không mở được ({type(e).__name__}: {e})")
                continue
            unknown = sorted(undeclared - set(ctx))
            if unknown:
                problems.append(f"Mẫu {path.name}: biến không có trong dữ liệu: {', '.join(unknown)}")
                continue
            try:
                self.render(name, ctx, io.BytesIO())
            except TemplateError as e:
                problems.append(e.message)
        problems = list(dict.fromkeys(problems))  # a template checked with two contexts reports once
        if problems:
            raise TemplateError("Mẫu văn bản có lỗi, chưa tạo hồ sơ nào:", problems)


def check_templates(prepared: Prepared, renderer: Renderer | None = None) -> None:
    """Render every template once in memory against real contexts: the minutes, the summary,
    and the dossier of the first commune and of the first team proposed (their tags differ)."""
    renderer = renderer or Renderer(template_folder(prepared))
    base = base_context(prepared)
    jobs = [("bien_ban", minutes_context(prepared, base)), ("bang_tong_hop", summary_context(prepared, base))]
    first: dict[bool, Proposal] = {}
    for p in prepared.selection.proposals:
        first.setdefault(isinstance(p.candidate, Commune), p)
    for p in first.values():
        ctx = dossier_context(prepared, p, base)
        jobs += [("to_trinh", ctx), ("bao_cao_thanh_tich", ctx)]
    renderer.check(jobs)
