"""The CLI's edges: ids beyond the columns' range, control characters and search values out of range are
refused in one line with a non-zero exit, before anything reaches the database (issue 17 §2)."""

from __future__ import annotations

import pytest

from api.cli import app
from tests.api.test_cli_access import _one_line, company, env  # noqa: F401 - fixtures

TOO_BIG = str(2**31)


@pytest.mark.parametrize(
    "query", ["amount:99999999999999999999999", "金额:1..99999999999999999万", "date:2023-02-30"]
)
def test_search_values_out_of_range_are_one_line_and_exit_non_zero(company, env, query):  # noqa: F811
    result = env.invoke(app, ["search", query, "--user", "alice"])
    assert result.exit_code == 2 and result.stdout == ""
    line = _one_line(result)
    assert "查询语句有误" in line and "Malformed query" in line
    assert ("超出可检索的范围" in line) or ("不存在" in line)


@pytest.mark.parametrize(
    "args",
    [
        ["show", TOO_BIG],
        ["show", str(2**63)],
        ["customers", "show", TOO_BIG],
        ["retention", "batch", "show", TOO_BIG],
        ["retention", "batch", "create", "1", TOO_BIG],
        ["retention", "due", "--customer-id", TOO_BIG],
        ["access", "request", "--document", f"1,{TOO_BIG}", "--reason", "r", "--days", "3"],
        ["access", "request", "--customer", TOO_BIG, "--reason", "r"],
        ["access", "request", "--customer", "1", "--reason", "r", "--days", str(10**12)],
        ["search", "合同", "--offset", str(2**63)],
    ],
)
def test_ids_beyond_the_columns_range_are_usage_errors(company, env, args):  # noqa: F811
    result = env.invoke(app, [*args, "--user", "alice"] if args[0] == "access" else args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "OverflowError" not in result.output
    assert any(limit in result.output for limit in ("2147483647", "3650", "10000")), (
        result.output
    )  # the range


@pytest.mark.parametrize(
    "args",
    [
        ["search", "合同\x01"],
        ["users", "add", "new\x1b", "--role", "staff"],
        ["search", "合同", "--user", "ali\x7fce"],
    ],
)
def test_control_characters_in_arguments_are_refused_in_one_line(company, env, args):  # noqa: F811
    result = env.invoke(app, args)
    assert result.exit_code == 2 and result.stdout == ""
    line = _one_line(result)
    assert "控制字符" in line and "control character" in line
