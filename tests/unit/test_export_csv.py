"""The exports' CSV (adapters/export_files.py): RFC 4180 as the csv module writes it, and text cells
neutralised against formula injection as OWASP advises (a leading `'`)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from scorecard.adapters.export_files import FORMULA_LEADS, cell_text, encode_rows
from scorecard.schemas.exports import COLUMNS, JOB_COLUMNS, PARTNER_COLUMNS, ROSTER_COLUMNS


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))


def test_a_hostile_partner_name_is_quoted_and_neutralised() -> None:
    hostile = "=cmd|' /C calc'!A0,\"Acme\" \r\nLtd"
    data = encode_rows([["acme-01", hostile, True, None, Decimal("1234.50")]])
    # RFC 4180 2.6/2.7: the field holds a comma, quotes and a line break, so it is enclosed in double
    # quotes and each inner quote is doubled; the leading "=" gets "'" first (OWASP); CRLF ends the row.
    assert data == b'acme-01,"\'=cmd|\' /C calc\'!A0,""Acme"" \r\nLtd",true,,1234.50\r\n'
    assert parse(data) == [["acme-01", "'" + hostile, "true", "", "1234.50"]]


def test_every_formula_lead_gets_a_quote_and_nothing_else_does() -> None:
    leads = ["=1+2", "+1", "-2+3", "@SUM(A1:A9)", "\tx", "\rx", "\nx", "\0x", "＝1", "＋1", "－1", "＠x"]
    for text in leads:
        assert cell_text(text) == "'" + text
    for text in ("Acme", "", " =1", "a=b", "'quoted", "1-2", "名前"):
        assert cell_text(text) == text


def test_numbers_dates_and_booleans_are_written_as_they_are() -> None:
    # A negative number is a number the export wrote, not a formula: never prefixed.
    assert [cell_text(v) for v in (-3, Decimal("-1.50"), -0.5, 0, False, None)] == [
        "-3",
        "-1.50",
        "-0.5",
        "0",
        "false",
        "",
    ]
    assert cell_text(date(2026, 10, 31)) == "2026-10-31"
    assert cell_text(datetime(2026, 10, 31, 15, 0, tzinfo=UTC)) == "2026-10-31T15:00:00+00:00"


def test_only_fields_that_need_it_are_quoted() -> None:
    data = encode_rows([["plain", "a,b", 'say "hi"', "two\nlines", "tab\there"]])
    assert data == b'plain,"a,b","say ""hi""","two\nlines",tab\there\r\n'


def test_utf8_and_an_empty_page() -> None:
    assert encode_rows([["Zürich Präzision", "東京"]]) == "Zürich Präzision,東京\r\n".encode()
    assert encode_rows([]) == b""


def test_the_roster_columns_are_the_contracts() -> None:
    assert ROSTER_COLUMNS == (
        "partner_id",
        "name",
        "tier_at_month_end",
        "bonus_eligible",
        "days_in_bonus_tier",
        "days_scored",
        "monthly_score",
        "grade",
        "value_accepted",
        "snapshot_revision",
    )
    assert {"score", "grade", "tier", "provisional", "percentile"} <= set(PARTNER_COLUMNS)
    assert COLUMNS == {"bonus_roster": ROSTER_COLUMNS, "partners": PARTNER_COLUMNS, "jobs": JOB_COLUMNS}


cells = st.one_of(
    st.text(), st.none(), st.booleans(), st.integers(), st.decimals(allow_nan=False, allow_infinity=False)
)


@given(st.lists(st.lists(cells, min_size=1, max_size=6), max_size=5))
def test_any_rows_parse_back_cell_for_cell_and_no_cell_starts_a_formula(rows: list[list[object]]) -> None:
    parsed = parse(encode_rows(rows))  # type: ignore[arg-type]
    assert parsed == [[cell_text(value) for value in row] for row in rows]  # type: ignore[arg-type]
    for row, original in zip(parsed, rows, strict=True):
        for text, value in zip(row, original, strict=True):
            if isinstance(value, str):
                assert not text.startswith(FORMULA_LEADS)
