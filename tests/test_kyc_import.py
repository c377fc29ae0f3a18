"""``coinsole users kyc-import``: the CSV is checked whole before anything is sent (every
bad line named, the file refused), each row previewed against the user's KYC now, and the
rows that change sent in one journaled batch after one confirmation."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.sandbox.bhex_org import OrgDirectory
from tui.sandbox.profiles import DEFAULT_SEED
from tui.support.kyc_csv import KycCsvError, parse_kyc_csv, read_kyc_csv

DEMO = ["--demo", "--profile", "bhex-demo"]
ORG = OrgDirectory(20_000, DEFAULT_SEED)
HEADER = "user_id,country_code,first_name,last_name,card_type,card_no,verify_status\n"


def _users(predicate, n: int, start: int = 200):
    found = []
    for position in range(start, 19_000):
        user = ORG.user(position)
        if predicate(user):
            found.append(user)
            if len(found) == n:
                return found
    raise AssertionError("not enough users")


def test_rows_parse_with_bom_crlf_quotes_and_any_column_order() -> None:
    text = ("\ufeffcard_no,user_id,verify_status,country_code,first_name,card_type\r\n"
            '"A,1",123,2,cn,"Zhang\nSan",1\r\n'
            "\r\n"
            "B2,456,0,US,Ann,\r\n")
    rows = parse_kyc_csv(text.removeprefix("\ufeff"))
    assert [r.user_id for r in rows] == ["123", "456"]
    assert rows[0].fields["card_no"] == "A,1" and rows[0].fields["country_code"] == "CN"
    assert rows[0].fields["first_name"] == "Zhang\nSan" and rows[1].fields["card_type"] is None
    assert rows[1].line == 5  # the quoted newline makes row one span lines 2-3; line 4 blank


def test_bom_is_read_from_a_file(tmp_path) -> None:
    path = tmp_path / "kyc.csv"
    path.write_bytes(("\ufeff" + HEADER + "1,CN,张,三,1,X1,2\n").encode("utf-8"))
    assert read_kyc_csv(path)[0].fields["first_name"] == "张"


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    (HEADER, "no rows after the header"),
    ("user_id,country_code,first_name,card_no\n", "missing column verify_status"),
    (HEADER.replace("card_no", "card_number"), "unknown column 'card_number'"),
    ("user_id,user_id,country_code,first_name,card_no,verify_status\n", "appears twice"),
    (HEADER + "1,CN,A,,1,X,2,extra\n", "line 2: 8 cells, the header has 7"),
    (HEADER + "12a,CN,A,,1,X,2\n", "line 2: user_id must be a BHEX user id"),
    (HEADER + "1,CHN,A,,1,X,2\n", "line 2: country_code is an ISO 3166-1"),
    (HEADER + "1,CN,,,1,X,2\n", "line 2: first_name is required"),
    (HEADER + "1,CN,A,,4,X,2\n", "line 2: card_type must be one of 1, 2, 3, 5"),
    (HEADER + "1,CN,A,,1,X,7\n", "line 2: verify_status must be one of 0, 1, 2, 3"),
    (HEADER + "1,CN,A,,1,X,\n", "line 2: verify_status is required"),
    (HEADER + "1,CN,A,,x,X,2\n", "line 2: card_type must be a whole number"),
    (HEADER + "1,CN,A,,1,X,2\n1,CN,B,,1,Y,2\n", "line 3: user 1 again (first on line 2)"),
    (HEADER + '1,CN,"A,,1,X,2\n', "line 2"),
])
def test_an_invalid_row_refuses_the_file(text: str, message: str) -> None:
    with pytest.raises(KycCsvError) as caught:
        parse_kyc_csv(text)
    assert message in str(caught.value)


def test_every_bad_line_is_named_and_good_rows_do_not_save_the_file() -> None:
    text = HEADER + "1,CN,A,,1,X,2\n2,CN,,,1,X,2\n3,CN,C,,1,X,2\n4,ZZZ,D,,1,X,2\n"
    with pytest.raises(KycCsvError) as caught:
        parse_kyc_csv(text)
    assert str(caught.value).startswith("2 invalid row(s), the file is refused: line 3:")
    assert "line 5: country_code" in str(caught.value)


def test_not_utf8_is_refused(tmp_path) -> None:
    path = tmp_path / "kyc.csv"
    path.write_bytes(HEADER.encode() + "1,CN,\xe9,,1,X,2\n".encode("latin-1"))
    with pytest.raises(KycCsvError, match="not UTF-8"):
        read_kyc_csv(path)


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def _csv(tmp_path, users, status: int = 2) -> str:
    lines = [f"{u.user_id},SG,Mei,Tan,1,S{u.user_id[-7:]},{status}" for u in users]
    path = tmp_path / "kyc.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_dry_run_previews_the_diff_and_sends_nothing(tmp_path) -> None:
    users = _users(lambda u: u.verify_status in (0, 1), 3)
    path = _csv(tmp_path, users)
    result = run("users", "kyc-import", path, *DEMO, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count("line ") == 3 and "dry run: nothing was sent" in result.output
    assert f"line 2     user {users[0].user_id}" in result.output
    assert "-> 2 (approved)" in result.output and "3 rows: 3 change" in result.output


def test_import_sends_one_batch_after_one_confirmation(tmp_path) -> None:
    users = _users(lambda u: u.verify_status == 1, 2, start=1000)
    path = _csv(tmp_path, users)
    declined = run("users", "kyc-import", path, *DEMO, input="n\n")
    assert declined.exit_code == 1 and "nothing was sent" in declined.output
    assert re.search(r"users\s+2 from kyc.csv", declined.output)
    assert re.search(r"verify_status\s+changes for 2 user\(s\)", declined.output)
    done = run("users", "kyc-import", path, *DEMO, input="y\n")
    assert done.exit_code == 0, done.output
    assert done.output.count("Send it?") == 1 and "accepted (2 of 2 updated)" in done.output
    # (each --demo command has a fresh sandbox: the change itself is read back in
    # tests/test_support_user_writes.py)


def test_a_user_the_org_lacks_refuses_the_file(tmp_path) -> None:
    users = _users(lambda u: True, 1)
    path = tmp_path / "kyc.csv"
    path.write_text(HEADER + f"{users[0].user_id},SG,Mei,,1,S1,2\n"
                    "999999999999999999,SG,Ghost,,1,S2,2\n", encoding="utf-8")
    result = run("users", "kyc-import", str(path), *DEMO, "--yes")
    assert result.exit_code == 2
    assert "line 3: no such user 999999999999999999" in result.output
    assert "nothing was sent" in result.output


def test_bad_file_is_refused_with_its_line(tmp_path) -> None:
    path = tmp_path / "kyc.csv"
    path.write_text(HEADER + "1,CN,A,,1,X,9\n", encoding="utf-8")
    result = run("users", "kyc-import", str(path), *DEMO, "--dry-run")
    assert result.exit_code == 2 and "kyc.csv: 1 invalid row(s)" in result.output
    assert "line 2: verify_status" in result.output
