"""Write the fictional sample workbook of input/2023 (run: python tools/make_sample.py).

Communes are real place names of Lạng Giang; every figure, team and person is invented.
The sheets look like official ones: a merged title above the table, rates in the forms Excel
users produce (percent-formatted cells, plain numbers, text with a decimal comma).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

OUT = Path(__file__).resolve().parent.parent / "input" / "2023" / "danh_sach_2023.xlsx"

COMMUNES = [
    # name, unit, rates 1.1..3.3, discipline, province, votes, address, head, achievements
    ("Tân Dĩnh", "", (98.5, 99.2, 95.0, 100, 97.5, 96, 92.4), "", "x", 7,
     "Thôn Hạ, xã Tân Dĩnh", "Nguyễn Văn M", "Dẫn đầu huyện về dịch vụ công trực tuyến toàn trình."),
    ("Vôi", "UBND thị trấn Vôi", (97.1, 98.0, 90.5, 95, 93.0, 88, 85.0), "", "", 6,
     "Tổ dân phố 3, thị trấn Vôi", "Trần Văn N", "Số hóa 100% hồ sơ một cửa từ tháng 5/2023."),
    ("Nghĩa Hòa", "", (96.0, 97.5, 92.0, 90, 95.0, 90, 88.0), "", "", 7,
     "Thôn Tân Lập, xã Nghĩa Hòa", "Lê Thị P", "Triển khai thanh toán không dùng tiền mặt tại chợ xã."),
    ("Tân Thanh", "", (95.5, 96.0, 89.0, 92, 91.0, 87, 80.0), "", "", 5,
     "Thôn Trung, xã Tân Thanh", "Phạm Văn Q", ""),
    ("Hương Sơn", "", (94.0, 95.5, 85.0, 88, 90.0, 85, 82.5), "Đang thanh tra dấu hiệu vi phạm trong quản lý đất đai", "", None,
     "Thôn Bằng, xã Hương Sơn", "Hoàng Văn R", ""),
    ("Xương Lâm", "", (93.2, 94.0, 88.0, 86, 89.0, 84, 78.0), "", "", 6,
     "Thôn Đồng Lạc, xã Xương Lâm", "Vũ Thị S", ""),
    ("Đào Mỹ", "", (92.0, 93.5, 80.0, 85, 88.0, 80, 75.0), "", "", 5,
     "Thôn Đồng Mai, xã Đào Mỹ", "Đặng Văn T", ""),
    ("Tiên Lục", "", (90.5, 92.0, 78.5, 84, 86.0, 82, 70.0), "", "", 5,
     "Thôn Chùa, xã Tiên Lục", "Bùi Văn U", ""),
    ("Mỹ Thái", "", (89.0, 91.0, 82.0, 80, 85.0, 78, 72.0), "", "", 4,
     "Thôn Mỹ Thái, xã Mỹ Thái", "Đỗ Thị V", ""),
    ("Dương Đức", "", (88.0, 90.0, 75.0, 78, 84.0, 76, 70.0), "Không", "", 5,
     "Thôn Bãi Cả, xã Dương Đức", "Ngô Văn X", ""),
    ("Yên Mỹ", "", (86.5, 89.0, 70.0, 75, 80.0, 74, 65.0), "", "", 4,
     "Thôn Yên Thịnh, xã Yên Mỹ", "Dương Văn Y", ""),
    ("Quang Thịnh", "", (85.0, 88.5, 68.0, 70, 79.0, 70, 60.0), "", "", 4,
     "Thôn Quang Hiển, xã Quang Thịnh", "Lý Thị Z", ""),
    ("An Hà", "", (83.0, 87.0, 65.0, 72, 77.0, 68, 58.0), "", "", 4,
     "Thôn Ruồng, xã An Hà", "Mai Văn A1", ""),
    ("Xuân Hương", "", (80.5, 85.0, 60.0, 65, 75.0, 65, 55.0), "", "", 3,
     "Thôn Tân Lập, xã Xuân Hương", "Chu Văn B1", ""),
]

CNSCD = [
    # team, village, commune, proposal, score, discipline, votes, achievements
    ("Tổ CNSCĐ thôn Hạ", "Thôn Hạ", "Tân Dĩnh", "tỉnh", None, "", 7,
     "Hướng dẫn 1.250 lượt người dân cài đặt và kích hoạt VNeID mức 2; tổ chức 12 buổi phổ biến kỹ năng số."),
    ("Tổ CNSCĐ thôn Trại", "Thôn Trại", "Tân Dĩnh", "huyện", None, "", 6,
     "Hỗ trợ 430 hồ sơ dịch vụ công trực tuyến."),
    ("Tổ CNSCĐ TDP 3", "Tổ dân phố 3", "Vôi", "", 92, "", 6, "Lập nhóm Zalo hướng dẫn thanh toán trực tuyến cho 300 hộ."),
    ("Tổ CNSCĐ TDP 5", "Tổ dân phố 5", "Vôi", "", 88.5, "", 5, ""),
    ("Tổ CNSCĐ thôn Tân Lập", "Thôn Tân Lập", "Nghĩa Hòa", "", 90, "", 6, "Mở lớp kỹ năng số cho người cao tuổi."),
    ("Tổ CNSCĐ thôn Đồng", "Thôn Đồng", "Nghĩa Hòa", "", 85, "", 5, ""),
    ("Tổ CNSCĐ thôn Trung", "Thôn Trung", "Tân Thanh", "huyện", None, "", 5, "Hỗ trợ bà con bán nông sản trên sàn thương mại điện tử."),
    ("Tổ CNSCĐ thôn Đồng Lạc", "Thôn Đồng Lạc", "Xương Lâm", "", 87, "", 6, ""),
    ("Tổ CNSCĐ thôn Chùa", "Thôn Chùa", "Tiên Lục", "", 84, "Đang xác minh đơn tố cáo", None, ""),
    ("Tổ CNSCĐ thôn Bến", "Thôn Bến", "Tiên Lục", "", 80, "", 5, ""),
]

DA06 = [
    ("Tổ Đề án 06 thôn Hạ", "Thôn Hạ", "Tân Dĩnh", "", 95, "", 7, "Thu nhận 2.100 hồ sơ định danh điện tử mức 2."),
    ("Tổ Đề án 06 TDP 3", "Tổ dân phố 3", "Vôi", "tỉnh", None, "", 7, "Làm sạch dữ liệu dân cư cho 1.800 nhân khẩu."),
    ("Tổ Đề án 06 TDP 1", "Tổ dân phố 1", "Vôi", "", 91, "", 6, ""),
    ("Tổ Đề án 06 thôn Tân Lập", "Thôn Tân Lập", "Nghĩa Hòa", "huyện", None, "", 6, ""),
    ("Tổ Đề án 06 thôn Mỹ Thái", "Thôn Mỹ Thái", "Mỹ Thái", "", 86, "", 5, ""),
    ("Tổ Đề án 06 thôn Bãi Cả", "Thôn Bãi Cả", "Dương Đức", "", 83.5, "", 5, ""),
    ("Tổ Đề án 06 thôn Yên Thịnh", "Thôn Yên Thịnh", "Yên Mỹ", "", 79, "", 4, ""),
]


def _title(ws, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["(Số liệu từ 01/01/2023 đến 31/8/2023)"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws["A2"].alignment = Alignment(horizontal="center")


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Xa"
    header = ["STT", "Xã", "Đơn vị", "1.1. Tỷ lệ nộp hồ sơ trực tuyến (%)",
              "1.2. Kết quả xử lý hồ sơ nộp trực tuyến với hồ sơ đang xử lý (%)",
              "2.1. Tỷ lệ thanh toán trực tuyến trên Cổng DVC quốc gia (%)",
              "2.2. Tỷ lệ TTHC có yêu cầu nghĩa vụ tài chính được cung cấp trên Cổng DVC quốc gia (%)",
              "3.1. Tỷ lệ hồ sơ cấp kết quả điện tử (%)", "3.2. Tỷ lệ TTHC số hoá kết quả giải quyết (%)",
              "3.3. Tỷ lệ khai thác sử dụng lại tài liệu (%)", "Kỷ luật", "Đề nghị tỉnh", "Phiếu đồng ý",
              "Địa chỉ", "Người đứng đầu", "Điện thoại", "Email", "Thành tích"]
    _title(ws, "KẾT QUẢ CHUYỂN ĐỔI SỐ CỦA CÁC XÃ, THỊ TRẤN NĂM 2023", len(header))
    ws.append(header)
    for font_cell in ws[3]:
        font_cell.font = Font(bold=True)
    for i, (name, unit, rates, discipline, province, votes, address, head, story) in enumerate(COMMUNES, start=1):
        row = [i, name, unit or None]
        for j, rate in enumerate(rates):
            # Mixed forms, as offices produce them: every third commune keeps text with a comma.
            if i % 3 == 0 and j % 2 == 0:
                row.append(f"{rate:g}".replace(".", ",") + "%")
            else:
                row.append(rate)
        row += [discipline or None, province or None, votes, address, head, f"0204.3878.{100 + i:03d}",
                f"ubnd.{i:02d}@langgiang.example.vn", story or None]
        ws.append(row)
        # Every fourth commune stores rates as fractions in percent-formatted cells.
        if i % 4 == 0:
            for col in range(4, 11):
                cell = ws.cell(row=ws.max_row, column=col)
                if isinstance(cell.value, (int, float)):
                    cell.value = round(cell.value / 100, 6)
                    cell.number_format = "0.0%"
    for name, rows, sheet in (("To_CNSCD", CNSCD, "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"), ("To_DA06", DA06, "TỔ ĐỀ ÁN 06")):
        ws = wb.create_sheet(name)
        header = ["STT", "Tổ", "Thôn/TDP", "Xã", "Đề xuất", "Điểm", "Kỷ luật", "Phiếu đồng ý", "Thành tích"]
        _title(ws, f"DANH SÁCH {sheet} ĐỀ NGHỊ KHEN THƯỞNG NĂM 2023", len(header))
        ws.append(header)
        for i, (team, village, commune, choice, score, discipline, votes, story) in enumerate(rows, start=1):
            ws.append([i, team, village, commune, choice or None, score, discipline or None, votes, story or None])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
