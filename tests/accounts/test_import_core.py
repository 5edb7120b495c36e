"""The core of the spreadsheet import (issue 8): reading files, guessing the column mapping and
the dry run's per-row plan. Nothing here writes; the files are made in the tests."""

import codecs
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.imports.dry_run import plan_import
from accounts.imports.fields import guess_mapping
from accounts.imports.reading import Table, read_table
from accounts.imports.upload_limits import ImportFileError
from tests.factories import (
    AccountFactory,
    StakeholderFactory,
    TransactionFactory,
    tier,
)
from tests.spreadsheets import xlsx_bytes

TODAY = date(2026, 11, 28)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def plan(kind, headers, rows, user):
    table = Table(headers=headers, rows=[list(row) for row in rows])
    return plan_import(kind, table, guess_mapping(headers, kind), user=user, today=TODAY)


def errors_of(row) -> dict:
    return dict(row.errors)


# --- Reading files -------------------------------------------------------------------------------


def test_xlsx_is_read_from_the_first_sheet_skipping_empty_rows_and_stripping_text():
    content = xlsx_bytes(
        [
            [" Name ", "Industry", "Order date", "Employees"],
            ["  Huawei  ", "Manufacturing", datetime(2026, 3, 1), 1200],
            [None, None, None, None],
            ["ZTE", "制造业", None, 800],
        ]
    )

    table = read_table(content, "accounts.XLSX")

    assert table.headers == ["Name", "Industry", "Order date", "Employees"]
    assert table.rows[0] == ["Huawei", "Manufacturing", datetime(2026, 3, 1), 1200]
    assert table.rows[1] == ["ZTE", "制造业", None, 800]
    assert table.line_numbers == [2, 4]


def test_an_uploaded_file_object_is_read_like_bytes():
    upload = SimpleUploadedFile("a.csv", b"name,industry\nHuawei,Manufacturing\n")

    assert read_table(upload, upload.name).rows == [["Huawei", "Manufacturing"]]


def test_csv_in_utf8_with_a_byte_order_mark_has_a_clean_first_header():
    content = codecs.BOM_UTF8 + "客户名称,行业\n华为,制造业\n".encode()

    table = read_table(content, "accounts.csv")

    assert table.headers == ["客户名称", "行业"]
    assert table.rows == [["华为", "制造业"]]


def test_csv_in_utf8_without_a_byte_order_mark_keeps_quoted_commas():
    content = b'name,legal name\n"Haier, Qingdao",  Haier Group  \n'

    assert read_table(content, "a.csv").rows == [["Haier, Qingdao", "Haier Group"]]


def test_csv_in_gbk_with_semicolons_is_decoded_and_split():
    table = read_table("客户名称;行业\n华为;制造业\n".encode("gbk"), "客户.csv")

    assert table.headers == ["客户名称", "行业"]
    assert table.rows == [["华为", "制造业"]]


@pytest.mark.parametrize(
    ("content", "filename", "words"),
    [
        (PNG, "photo.xlsx", "Excel workbook"),
        (PNG + b"\xff\xfe" * 10, "photo.csv", "NUL bytes"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "Excel workbook"),
        (b"name\nHuawei\n", "accounts.xls", ".xlsx or .csv"),
        (b"", "empty.csv", "empty"),
        (b"  \n\n", "blank.csv", "empty"),
        (b"name,industry\n", "headers-only.csv", "no rows"),
        (b"1,2\n3,4\n", "numbers.csv", "column names"),
    ],
)
def test_a_file_that_is_not_a_usable_table_gives_a_clear_error(content, filename, words):
    with pytest.raises(ImportFileError) as raised:
        read_table(content, filename)

    assert words in raised.value.message


def test_more_rows_than_the_limit_are_refused():
    content = b"name\n" + b"".join(f"Customer {n}\n".encode() for n in range(5))

    with pytest.raises(ImportFileError, match="more than 4 rows"):
        read_table(content, "big.csv", limit=4)
    assert len(read_table(content, "big.csv", limit=5).rows) == 5


# --- Guessing the mapping ------------------------------------------------------------------------


def test_export_headers_in_english_map_to_the_account_fields():
    headers = [
        "Name",
        "Legal name",
        "External ID",
        "Category",
        "Tier",
        "Industry",
        "Region",
        "Account manager",
        "Employees",
        "Annual revenue",
        "Listed company",
        "Website",
    ]

    mapping = guess_mapping(headers, "accounts")

    assert [mapping[index] for index in range(len(headers))] == [
        "name",
        "legal_name",
        "external_id",
        "category",
        "tier",
        "industry",
        "region",
        None,
        "employees",
        "annual_revenue",
        "listed",
        "website",
    ]


def test_chinese_and_full_width_headers_are_recognised():
    headers = [
        "客户名称",
        "客户编号",
        "行业",
        "\uff21\uff2e\uff2e\uff35\uff21\uff2c\u3000Revenue",
        "是否上市",
        "名称",
        "备注",
    ]

    mapping = guess_mapping(headers, "accounts")

    assert mapping == {
        0: "name",
        1: "external_id",
        2: "industry",
        3: "annual_revenue",
        4: "listed",
        5: None,
        6: None,
    }


def test_transaction_headers_from_the_export_in_chinese_map_to_their_fields():
    with translation.override("zh-hans"):
        from accounts.list_exports import transactions_table
        from accounts.models import Account

        headers = [
            str(column.header) for column in transactions_table(Account.objects.none()).columns
        ]

    mapping = guess_mapping(headers, "transactions")

    assert list(mapping.values()) == [
        "account",
        "account_external_id",
        "date",
        "reference",
        "amount",
        "gross_margin",
        "returned_amount",
        "invoice_due",
        "paid_on",
    ]


# --- Planning accounts ---------------------------------------------------------------------------

ACCOUNT_HEADERS = [
    "External ID",
    "Name",
    "行业",
    "Region",
    "Tier",
    "Employees",
    "Annual revenue",
    "Listed company",
]


def account_rows(count: int, start: int = 0):
    return [
        [
            f"ERP-{n:05d}",
            f"Customer {n}",
            "制造业",
            "East China",
            "黄金",
            100 + n,
            "1,000,000",
            "否",
        ]
        for n in range(start, start + count)
    ]


def test_a_clean_file_plans_creates_owned_by_the_importing_manager(owner):
    tier("gold")

    result = plan("accounts", ACCOUNT_HEADERS, account_rows(2), owner)

    assert result.counts == {"create": 2, "update": 0, "unchanged": 0, "reject": 0}
    first = result.rows[0]
    assert first.values == {
        "external_id": "ERP-00000",
        "name": "Customer 0",
        "industry": "manufacturing",
        "region": "east",
        "tier_id": tier("gold").pk,
        "employees": 100,
        "annual_revenue": Decimal("1000000.00"),
        "is_listed": False,
        "owner_id": owner.pk,
    }


def test_the_same_rows_against_the_database_plan_unchanged_and_a_changed_value_an_update(owner):
    gold = tier("gold")
    for n in range(3):
        AccountFactory(
            external_id=f"ERP-{n:05d}",
            name=f"Customer {n}",
            region="east",
            tier=gold,
            employees=100 + n,
            annual_revenue=Decimal(1_000_000),
            owner=owner,
        )
    rows = account_rows(3)
    rows[1][5] = 999

    result = plan("accounts", ACCOUNT_HEADERS, rows, owner)

    assert [row.action for row in result.rows] == ["unchanged", "update", "unchanged"]
    assert result.rows[1].changed == ["employees"]
    assert result.rows[1].pk is not None
    assert result.counts["create"] == 0


def test_accounts_without_an_external_id_match_by_exact_name(owner):
    existing = AccountFactory(name="Haier", owner=owner, region="east")

    rows = [["Haier", "制造业", "华东"], ["haier", "制造业", "华东"]]
    result = plan("accounts", ["Name", "Industry", "Region"], rows, owner)

    assert result.rows[0].action == "unchanged"
    assert result.rows[0].pk == existing.pk
    assert result.rows[1].action == "create"


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (["ERP-1", None, "Manufacturing", "East China"], "name", "Name is required"),
        (["ERP-1", "Acme", "Widgets", "East China"], "industry", "Unknown industry “Widgets”"),
        (["ERP-1", "Acme", None, "East China"], "industry", "required for a new record"),
        (["ERP-1", "Acme", "Manufacturing", "Atlantis"], "region", "use one of: North China"),
    ],
)
def test_bad_account_rows_are_rejected_naming_the_field(owner, row, field, words):
    result = plan("accounts", ["External ID", "Name", "Industry", "Region"], [row], owner)

    assert result.rows[0].action == "reject"
    assert words in errors_of(result.rows[0])[field]
    assert result.counts["reject"] == 1


def test_an_unknown_industry_lists_the_choices_and_accepts_the_code(owner):
    headers = ["Name", "Industry", "Region"]
    result = plan("accounts", headers, [["A", "Widgets", "east"], ["B", "telecom", "east"]], owner)

    message = errors_of(result.rows[0])["industry"]
    assert "Manufacturing" in message and "Telecommunications" in message
    assert result.rows[1].values["industry"] == "telecom"


def test_duplicate_keys_in_the_file_reject_the_later_rows(owner):
    rows = [
        ["ERP-7", "Acme", "Manufacturing", "East China"],
        ["ERP-7", "Acme again", "Manufacturing", "East China"],
        [None, "Beta", "Manufacturing", "East China"],
        [None, "Beta", "Manufacturing", "East China"],
    ]

    result = plan("accounts", ["External ID", "Name", "Industry", "Region"], rows, owner)

    assert [row.action for row in result.rows] == ["create", "reject", "create", "reject"]
    assert "Line 2 already has “ERP-7”" in errors_of(result.rows[1])["external_id"]
    assert "Line 4 already has “Beta”" in errors_of(result.rows[3])["name"]


def test_a_manager_cannot_match_another_managers_account(owner, outsider):
    AccountFactory(external_id="ERP-9", name="Secret Co.", owner=outsider)
    rows = [
        ["ERP-9", "Renamed", "Manufacturing", "East China"],
        [None, "Secret Co.", "Manufacturing", "East China"],
    ]

    result = plan("accounts", ["External ID", "Name", "Industry", "Region"], rows, owner)

    # Their external ID is the one thing the dry run cannot hide (creating the row would break
    # its unique key); their account's name matches nothing, as a name nobody uses: a new one.
    assert [row.action for row in result.rows] == ["reject", "create"]
    assert errors_of(result.rows[0]) == {"external_id": "This external ID is already in use."}
    every_message = " ".join(message for row in result.rows for _field, message in row.errors)
    assert "Jun" not in every_message and "outsider" not in every_message
    assert result.rows[0].pk is None and not result.rows[0].values
    assert result.rows[1].pk is None and result.rows[1].values["owner_id"] == owner.pk


def test_an_admin_may_import_into_any_account_and_creates_without_an_owner(admin_user, outsider):
    theirs = AccountFactory(external_id="ERP-9", name="Secret Co.", owner=outsider)
    rows = [
        ["ERP-9", "Renamed", "Manufacturing", "East China"],
        ["ERP-10", "New Co.", "Manufacturing", "East China"],
    ]

    result = plan("accounts", ["External ID", "Name", "Industry", "Region"], rows, admin_user)

    assert result.rows[0].action == "update" and result.rows[0].pk == theirs.pk
    assert result.rows[0].changed == ["name"]
    assert result.rows[1].action == "create" and result.rows[1].values["owner_id"] is None


def test_a_key_account_without_an_account_manager_is_rejected(admin_user):
    headers = ["Name", "Industry", "Region", "Category"]
    result = plan("accounts", headers, [["Acme", "制造业", "华东", "大客户"]], admin_user)

    assert "must have an account manager" in errors_of(result.rows[0])["category"]


def test_a_director_may_not_import(director):
    with pytest.raises(PermissionDenied):
        plan("accounts", ["Name"], [["Acme"]], director)


# --- Planning stakeholders and transactions ------------------------------------------------------


def test_stakeholders_match_by_account_and_name(owner, outsider):
    mine = AccountFactory(name="Haier", external_id="ERP-1", owner=owner)
    StakeholderFactory(account=mine, name="Li Lei", title="CFO", buying_role="decision_maker")
    AccountFactory(name="Theirs", owner=outsider)
    headers = ["客户编号", "姓名", "职务", "采购角色", "影响力"]
    rows = [
        ["ERP-1", "Li Lei", "CFO", "决策人", None],
        ["ERP-1", "Han Meimei", "Buyer", "Gatekeeper", 4],
        ["ERP-1", "Wang Wu", "Buyer", "Gatekeeper", 6],
        ["ERP-404", "Zhao Liu", "CEO", "决策人", None],
    ]

    result = plan("stakeholders", headers, rows, owner)

    assert [row.action for row in result.rows] == ["unchanged", "create", "reject", "reject"]
    assert result.rows[1].values["account_id"] == mine.pk
    assert result.rows[1].values["buying_role"] == "gatekeeper"
    assert "between 1 and 5" in errors_of(result.rows[2])["influence"]
    assert errors_of(result.rows[3])["account_external_id"] == (
        "“ERP-404” is not found among the accounts you may edit."
    )

    by_name = plan("stakeholders", ["Account", "Name", "Role"], [["Theirs", "X", "user"]], owner)
    assert errors_of(by_name.rows[0])["account"] == (
        "“Theirs” is not found among the accounts you may edit."
    )


TRANSACTION_HEADERS = [
    "Account",
    "Order date",
    "Order / invoice no.",
    "Amount",
    "Gross margin",
    "Returned amount",
    "Paid on",
]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (["Haier", "2026-03-01", "SO-1", "-100", "10", None, None], "amount", "negative"),
        (["Haier", "2027-01-01", "SO-1", "100", "10", None, None], "date", "in the future"),
        (["Haier", "2026-03-01", "SO-1", "100", "150", None, None], "gross_margin", "more than"),
        (["Haier", "2026-03-01", "SO-1", "100", "10", "120", None], "returned_amount", "more"),
        (["Haier", "2026-03-01", "SO-1", "100", "10", None, "2026-02-01"], "paid_on", "before"),
        (["Haier", "01/03/2026", "SO-1", "100", "10", None, None], "date", "not a date"),
        (["Haier", None, "SO-1", "100", "10", None, None], "date", "Order date is required"),
    ],
)
def test_bad_transaction_rows_are_rejected_naming_the_field(owner, row, field, words):
    AccountFactory(name="Haier", owner=owner)

    result = plan("transactions", TRANSACTION_HEADERS, [row], owner)

    assert result.rows[0].action == "reject"
    assert words in errors_of(result.rows[0])[field]


def test_transactions_re_imported_are_unchanged_by_reference_or_by_date_and_amount(owner):
    haier = AccountFactory(name="Haier", owner=owner)
    TransactionFactory(
        account=haier,
        date=date(2026, 3, 1),
        reference="SO-1",
        amount=Decimal(100),
        gross_margin=Decimal(10),
    )
    TransactionFactory(
        account=haier,
        date=date(2026, 4, 1),
        reference="",
        amount=Decimal(200),
        gross_margin=Decimal(20),
    )
    rows = [
        ["Haier", datetime(2026, 3, 1), "SO-1", 100, 10, None, None],
        ["Haier", "2026/04/01", None, "200.00", "20", None, None],
        ["Haier", "2026-03-01", "SO-1", 100, 12, None, None],
        ["Haier", "2026-05-01", "SO-2", "¥1,500", 300, None, None],
    ]

    result = plan("transactions", TRANSACTION_HEADERS, rows, owner)

    assert [row.action for row in result.rows] == ["unchanged", "unchanged", "reject", "create"]
    assert "Line 2 already has “SO-1”" in errors_of(result.rows[2])["reference"]
    assert result.rows[3].values["amount"] == Decimal("1500.00")
    assert result.rows[3].values["account_id"] == haier.pk


# --- Queries -------------------------------------------------------------------------------------


def count_queries(kind, headers, rows, user) -> int:
    user = type(user).objects.get(pk=user.pk)  # a fresh user: its roles are read again
    with CaptureQueriesContext(connection) as queries:
        result = plan(kind, headers, rows, user)
    assert result.counts["reject"] == 0, result.rows[0].errors
    return len(queries)


def test_account_planning_queries_do_not_grow_with_rows(owner):
    tier("gold")
    for n in range(0, 300, 2):
        AccountFactory(external_id=f"ERP-{n:05d}", name=f"Customer {n}", owner=owner)

    few = count_queries("accounts", ACCOUNT_HEADERS, account_rows(3), owner)
    many = count_queries("accounts", ACCOUNT_HEADERS, account_rows(300), owner)

    # Up to 6 to plan the rows, and up to 4 more where a tier column meets the tier rules (the
    # tiers, their rules, the policy, the accounts' values).
    assert few == many <= 10


def test_transaction_planning_queries_do_not_grow_with_rows(owner):
    AccountFactory(name="Haier", owner=owner)
    day = TODAY - timedelta(days=400)

    def rows(count):
        return [
            ["Haier", day + timedelta(days=n), f"SO-{n}", 100, 10, None, None] for n in range(count)
        ]

    few = count_queries("transactions", TRANSACTION_HEADERS, rows(3), owner)
    many = count_queries("transactions", TRANSACTION_HEADERS, rows(300), owner)

    assert few == many <= 6


def test_stakeholder_planning_queries_do_not_grow_with_rows(owner):
    account = AccountFactory(name="Haier", external_id="ERP-1", owner=owner)
    for n in range(0, 300, 3):
        StakeholderFactory(account=account, name=f"Person {n}")
    headers = ["Account external ID", "Name", "Buying role"]

    def rows(count):
        return [["ERP-1", f"Person {n}", "Influencer"] for n in range(count)]

    few = count_queries("stakeholders", headers, rows(3), owner)
    many = count_queries("stakeholders", headers, rows(300), owner)

    assert few == many <= 6


def test_a_workbook_over_the_row_limit_is_refused():
    content = xlsx_bytes([["Name"], *[[f"Customer {n}"] for n in range(6)]])

    with pytest.raises(ImportFileError, match="more than 5 rows"):
        read_table(content, "big.xlsx", limit=5)


# --- Round trip with the export ------------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_re_importing_the_account_export_changes_nothing(owner, export_format):
    from accounts.exports import response
    from accounts.list_exports import accounts_table
    from accounts.models import Account

    gold = tier("gold")
    AccountFactory(
        name="Haier",
        external_id="ERP-1",
        owner=owner,
        tier=gold,
        employees=9000,
        annual_revenue=Decimal("123456.78"),
        is_listed=True,
        website="https://www.haier.com",
    )
    AccountFactory(name="=Formula Co.", owner=owner, region="south", category="key")
    with translation.override("zh-hans"):
        exported = response(accounts_table(Account.objects.all()), export_format)
        content = b"".join(exported.streaming_content)

    table = read_table(content, f"export.{export_format}")
    result = plan_import(
        "accounts", table, guess_mapping(table.headers, "accounts"), user=owner, today=TODAY
    )

    assert result.counts == {"create": 0, "update": 0, "unchanged": 2, "reject": 0}, [
        row.errors for row in result.rows
    ]


@pytest.mark.parametrize("kind", ["stakeholders", "transactions"])
def test_re_importing_the_stakeholder_and_transaction_exports_changes_nothing(owner, kind):
    from accounts.exports import response
    from accounts.list_exports import EXPORTS
    from accounts.models import Account

    haier = AccountFactory(name="Haier", external_id="ERP-1", owner=owner)
    zte = AccountFactory(name="ZTE", owner=owner)
    for account in (haier, zte):
        StakeholderFactory(account=account, name="Li Lei", social_style="driver", email="l@x.cn")
        TransactionFactory(account=account, date=date(2026, 5, 1), paid_on=date(2026, 6, 1))
        TransactionFactory(
            account=account, date=date(2026, 7, 1), reference="", returned_amount=Decimal("10.50")
        )
    exported = response(EXPORTS[kind](Account.objects.all()), "xlsx")
    table = read_table(b"".join(exported.streaming_content), "export.xlsx")

    result = plan_import(kind, table, guess_mapping(table.headers, kind), user=owner, today=TODAY)

    assert result.counts["unchanged"] == len(table.rows) >= 2, [row.errors for row in result.rows]


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1,234.56", Decimal("1234.56")),
        ("1.234,56", Decimal("1234.56")),
        ("12,5", Decimal("12.50")),
        ("1,234,567", Decimal("1234567.00")),
        ("￥ 2 000", Decimal("2000.00")),
        (99.999, Decimal("100.00")),
    ],
)
def test_amounts_are_read_with_either_decimal_mark_and_rounded_to_cents(owner, written, amount):
    AccountFactory(name="Haier", owner=owner)
    rows = [["Haier", "2026-03-01", "SO-1", written, 0, None, None]]

    result = plan("transactions", TRANSACTION_HEADERS, rows, owner)

    assert result.rows[0].values["amount"] == amount


def test_a_mapping_from_a_form_and_a_missing_required_column_is_reported_on_the_row(owner):
    AccountFactory(name="Haier", external_id="ERP-1", owner=owner)
    table = Table(headers=["x", "Title"], rows=[["ERP-1", "CFO"]])

    result = plan_import("stakeholders", table, {"0": "account", "1": "title"}, user=owner)

    assert errors_of(result.rows[0]) == {"name": "Name is required."}
