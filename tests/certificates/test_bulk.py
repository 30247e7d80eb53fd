"""Employers' bulk verification page: pasted numbers or a CSV (Shift_JIS from Japanese Excel, UTF-8 with or without
BOM) → result table and an Excel-safe CSV."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates import messages
from certificates.bulk import numbers_from_csv, safe_cell
from tests.accounts.factories import UserFactory

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _csv_rows(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode())  # BOM: Excel opens UTF-8 correctly
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_shift_jis_csv_round_trip(client):
    """Issue 4 'done when': a CSV saved by Japanese Excel (CP932) goes in; the result CSV comes out in UTF-8 with BOM."""
    valid = CertificateFactory(holder=UserFactory(profile__full_name="髙橋 𠮷男", profile__furigana="たかはし よしお"))
    revoked = CertificateFactory(revoked=True)
    source = "氏名,修了証番号\r\n" + "\r\n".join(
        [
            f"鈴木 一郎,{valid.number.lower().replace('-', '')}",
            f"佐藤 花子,{revoked.number}",
            "田中 次郎,0000-0000-0000-0000-0",
            "=HYPERLINK(\"http://x\"),=1+1",
        ]
    ) + "\r\n"
    # 髙 and 𠮷 cannot be written in CP932, so the file itself only holds CP932 characters.
    upload = SimpleUploadedFile("staff.csv", source.encode("cp932"), content_type="text/csv")
    page = client.post("/verify/bulk/", {"file": upload})
    assert page.status_code == 200
    body = page.content.decode()
    assert "有効 1件・失効 1件・再発行済み 0件・見つからない番号 1件・入力ミスがあるようです 0件・番号の形式ではありません 1件" in body

    response = client.post(
        "/verify/bulk/", {"carried": page.context["carried"], "carried_kind": "csv", "format": "csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    # 行番号, the employer's own columns as given, then the result (氏名 is a name column: checked)
    assert rows[0][:6] == ["行番号", "氏名", "修了証番号", "修了証番号（正規化）", "結果", "要確認"]
    assert rows[0][6] == "氏名照合"
    assert [row[0] for row in rows[1:]] == ["2", "3", "4", "5"]
    assert [row[4] for row in rows[1:]] == ["有効", "失効", "見つかりません", "修了証番号の形式ではありません"]
    assert rows[1][1] == "鈴木 一郎" and rows[1][3] == valid.number
    assert rows[1][6] == "不一致"  # 鈴木 一郎 is not the name printed on the certificate
    assert rows[1][7] == "髙橋 𠮷男"  # characters outside CP932 survive in the UTF-8 output
    assert rows[4][1] == "'=HYPERLINK(\"http://x\")" and rows[4][2] == "'=1+1"  # neutralised: Excel shows text


def test_utf8_csv_with_and_without_bom_is_read():
    certificate_number = "7K3M-Q9RT-2VXB-H4ND-U"
    text = f"修了証番号\n{certificate_number}\n"
    assert numbers_from_csv(("\ufeff" + text).encode("utf-8")) == [certificate_number]
    assert numbers_from_csv(text.encode("utf-8")) == [certificate_number]


def test_first_column_is_used_without_a_known_header():
    assert numbers_from_csv(b"AAAA-BBBB\nCCCC,x\n") == ["AAAA-BBBB", "CCCC"]


def test_pasted_numbers_are_checked(client):
    certificate = CertificateFactory()
    response = client.post("/verify/bulk/", {"numbers": f"{certificate.number}\n\nbad number\n"})
    assert response.status_code == 200
    assert "有効 1件・失効 0件・再発行済み 0件・見つからない番号 0件・入力ミスがあるようです 0件・番号の形式ではありません 1件" in response.content.decode()
    assert "空行 1行" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"numbers": ""}, messages.BULK_EMPTY),
        ({"numbers": "\n".join(["0000-0000-0000-0000-0"] * 1001)}, messages.BULK_TOO_MANY),
        ({"file": SimpleUploadedFile("a.csv", b"x" * (1024 * 1024 + 1))}, messages.BULK_FILE_TOO_LARGE),
        ({"file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04")}, messages.BULK_FILE_NOT_CSV),
        ({"file": SimpleUploadedFile("a.csv", b"\x00\x01\x02binary")}, messages.BULK_FILE_UNREADABLE),
        ({"file": SimpleUploadedFile("a.csv", b"\xff\xfe\xfd\xfc\x81")}, messages.BULK_FILE_UNREADABLE),
    ],
)
def test_bad_input_gets_a_japanese_message_and_records_nothing(client, data, message):
    from certificates.models import CertificateVerification

    response = client.post("/verify/bulk/", data)
    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert not CertificateVerification.objects.exists()


def test_bulk_page_is_rate_limited(client, settings):
    settings.CERTIFICATE_BULK_RATE = "1/m"
    assert client.post("/verify/bulk/", {"numbers": "x"}).status_code == 200
    assert client.post("/verify/bulk/", {"numbers": "x"}).status_code == 429


@pytest.mark.parametrize(
    ("value", "expected"), [("=1+1", "'=1+1"), ("+81", "'+81"), ("-1", "'-1"), ("@SUM", "'@SUM"), ("山田", "山田")]
)
def test_cells_are_neutralised_for_excel(value, expected):
    assert safe_cell(value) == expected


def test_an_unknown_japanese_header_is_skipped():
    assert numbers_from_csv("番号一覧\nAAAA\n".encode("cp932")) == ["AAAA"]


# --- Issue 16 §3: employers can use the result ----------------------------------------------------------------


def _thousand_lines(valid, revoked):
    """1,000 lines as an employer pastes them: numbers, two blank lines, typos and unknown numbers."""
    lines = [valid.number] * 990 + ["", "0000-0000-0000-0000-0", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-Q", "社員一覧", revoked.number]
    lines += ["", valid.number, valid.number, valid.number, valid.number]
    assert len(lines) == 1000
    return lines


def test_every_pasted_line_keeps_its_row_and_line_number_blank_lines_included(client):
    valid, revoked = CertificateFactory(), CertificateFactory(revoked=True)
    lines = _thousand_lines(valid, revoked)
    page = client.post("/verify/bulk/", {"numbers": "\n".join(lines)})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == 1000
    assert sorted(r["line"] for r in rows) == list(range(1, 1001))
    # problem rows first (most serious first), each group in input order; blank lines last
    assert [(r["line"], r["outcome"]) for r in rows[:4]] == [(994, "malformed"), (993, "mistyped"), (992, "not_found"), (995, "revoked")]
    assert [r["line"] for r in rows[-2:]] == [991, 996] and rows[-1]["label"] == "（空行）"

    response = client.post("/verify/bulk/", {"carried": page.context["carried"], "carried_kind": "text", "format": "csv"})
    out = _csv_rows(response)
    assert out[0][:5] == ["行番号", "入力された番号", "修了証番号（正規化）", "結果", "要確認"]
    assert len(out) == 1001  # 1,000 in → 1,000 out, in input order
    assert [row[0] for row in out[1:]] == [str(n) for n in range(1, 1001)]
    assert out[991] == ["991", "", "", "（空行）", "", "", "", "", ""]
    assert out[993][3] == "番号に入力ミスがあるようです" and out[993][4] == "はい"
    assert out[1][4] == ""  # a valid row needs no attention


def test_the_employers_other_columns_are_carried_into_the_result_csv(client):
    valid = CertificateFactory()
    source = f"社員番号,氏名,所属,修了証番号,備考\r\nE001,山田 太郎,総務部,{valid.number},\r\n\r\nE003,,営業部,,未提出\r\n"
    upload = SimpleUploadedFile("staff.csv", source.encode("cp932"), content_type="text/csv")
    page = client.post("/verify/bulk/", {"file": upload})
    assert len(page.context["rows"]) == 3
    response = client.post("/verify/bulk/", {"carried": page.context["carried"], "carried_kind": "csv", "format": "csv"})
    out = _csv_rows(response)
    assert out[0][:6] == ["行番号", "社員番号", "氏名", "所属", "修了証番号", "備考"]
    assert [row[:6] for row in out[1:]] == [
        ["2", "E001", "山田 太郎", "総務部", valid.number, ""],
        ["3", "", "", "", "", ""],
        ["4", "E003", "", "営業部", "", "未提出"],
    ]
    assert [row[7] for row in out[1:]] == ["有効", "（空行）", "（空行）"]


def test_the_carrier_of_the_csv_download_is_a_hidden_input_not_a_textarea(client):
    valid = CertificateFactory()
    body = client.post("/verify/bulk/", {"numbers": f"{valid.number}\nfoo"}).content.decode()
    result = body[body.index('id="bulk-result-title"') : body.index('id="bulk-form-title"')]
    assert "<textarea" not in result
    assert re.search(r'<input type="hidden" name="carried" value="[^"]*foo', result)


def test_more_than_a_thousand_numbers_are_refused_but_blank_lines_do_not_count(client):
    number = CertificateFactory().number
    ok = client.post("/verify/bulk/", {"numbers": "\n".join([number] * 1000 + [""] * 5) + "\n"})
    assert ok.status_code == 200 and len(ok.context["rows"]) == 1005
    refused = client.post("/verify/bulk/", {"numbers": "\n".join([number] * 1001)})
    assert refused.status_code == 400
    assert str(messages.BULK_TOO_MANY) in refused.content.decode()
