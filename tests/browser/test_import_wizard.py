"""The import wizard in a real browser (issue 8): upload a spreadsheet from the account list, map a
column KAM did not recognise, read the dry run's report, confirm, and find the accounts in the
list; a file with a bad row needs the "only the valid rows" box ticked; the pages in Chinese; and
the progress bar that turns into the report by itself when the check finishes; and an import whose
worker died, retried from its page with the keyboard.

Tasks run in process in these tests, so the check is done by the time the mapping form redirects.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from accounts.models import Account, ImportJob, ImportStatus
from tests.browser.conftest import log_in
from tests.factories import AccountFactory
from tests.spreadsheets import xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
NOT_TRANSLATED = (
    f"no Chinese label: are the import's strings translated and compiled? ({CATALOGUE})"
)

HEADERS = ["Firmenname", "Industry", "Region", "Employees"]


def xlsx_file(tmp_path: Path, rows, name="kunden.xlsx", headers=HEADERS) -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes([headers, *rows]))
    return path


def open_upload_page(page: Page) -> None:
    """From the account list, the Import button."""
    page.goto("/accounts/")
    page.get_by_test_id("import-link").click()
    expect(page).to_have_url(re.compile(r"/accounts/import/$"))


def send_file(page: Page, path: Path, kind_label: str = "Accounts") -> None:
    """On the upload page: the kind, the file → the mapping page."""
    form = page.get_by_test_id("import-upload")
    form.get_by_label(kind_label, exact=True).check()
    form.locator("input[type=file]").set_input_files(path)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/import/\d+/mapping/$"))


def upload(page: Page, path: Path) -> None:
    open_upload_page(page)
    send_file(page, path)


def map_name_and_check(page: Page) -> None:
    """Give the unrecognised first column to the Name field and run the dry run."""
    mapping = page.get_by_test_id("import-mapping")
    select = mapping.locator("select[name=column_0]")
    expect(select).to_have_value("")  # "Firmenname" is not a header KAM knows
    expect(mapping.locator("select[name=column_1]")).to_have_value("industry")
    select.select_option("name")
    mapping.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/import/\d+/$"))
    # The check ran in process; should the page still show the bar, it reloads itself.
    expect(page.get_by_test_id("import-progress")).to_have_count(0)


def test_a_manager_imports_accounts_from_a_spreadsheet_with_an_unrecognised_column(
    page: Page, owner, tmp_path
):
    AccountFactory(name="Already Here Ltd", owner=owner, employees=10)
    path = xlsx_file(
        tmp_path,
        [
            ["Haier Smart Home", "Manufacturing", "East China", 98000],
            ["China Mobile Jiangsu", "telecom", "east", 2500],
            ["Already Here Ltd", "Manufacturing", "North China", 12],
        ],
    )
    log_in(page, owner)
    upload(page, path)
    map_name_and_check(page)

    expect(page.get_by_test_id("import-status")).to_have_text("Checked, waiting for confirmation")
    expect(page.get_by_test_id("count-create").locator(".fs-4")).to_have_text("2")
    expect(page.get_by_test_id("count-update").locator(".fs-4")).to_have_text("1")
    expect(page.get_by_test_id("count-reject").locator(".fs-4")).to_have_text("0")
    report = page.get_by_test_id("import-report")
    expect(report.locator("tbody tr")).to_have_count(3)
    expect(report.locator("tr[data-line='2']")).to_have_attribute("data-action", "create")
    expect(report.locator("tr[data-line='4']")).to_have_attribute("data-action", "update")
    expect(report.locator("tr[data-line='4']")).to_contain_text("Employees")
    assert not Account.objects.filter(name="Haier Smart Home").exists()  # a dry run

    page.get_by_test_id("confirm-import").click()
    done = page.get_by_test_id("import-done")
    expect(done).to_be_visible()
    expect(done).to_contain_text("2 created, 1 updated, 0 unchanged")

    page.get_by_test_id("see-accounts").click()
    expect(page).to_have_url(re.compile(r"/accounts/\?sort=-updated"))
    results = page.locator("#account-results")
    for name in ("Haier Smart Home", "China Mobile Jiangsu", "Already Here Ltd"):
        expect(results.get_by_role("link", name=name, exact=True)).to_be_visible()
    haier = Account.objects.get(name="Haier Smart Home")
    assert (haier.owner, haier.industry, haier.region, haier.employees) == (
        owner,
        "manufacturing",
        "east",
        98000,
    )
    assert Account.objects.get(name="Already Here Ltd").employees == 12


def test_a_file_with_a_bad_row_imports_only_once_the_valid_rows_are_chosen(
    page: Page, owner, tmp_path
):
    path = xlsx_file(
        tmp_path,
        [
            ["Sinopec Shanghai", "Energy", "East China", 5000],
            ["Moon Mining", "Aerospace", "East China", 40],
        ],
    )
    log_in(page, owner)
    upload(page, path)
    map_name_and_check(page)

    expect(page.get_by_test_id("count-create").locator(".fs-4")).to_have_text("1")
    expect(page.get_by_test_id("count-reject").locator(".fs-4")).to_have_text("1")
    rejected = page.get_by_test_id("import-report").locator("tr[data-line='3']")
    expect(rejected).to_have_attribute("data-action", "reject")
    expect(rejected).to_contain_text("Industry")
    expect(rejected).to_contain_text("Unknown industry “Aerospace”")

    # Without the box ticked the browser refuses to send the form.
    posted = []

    def record(request):
        if request.method == "POST" and "/confirm/" in request.url:
            posted.append(request.url)

    page.on("request", record)
    detail_url = page.url
    page.get_by_test_id("confirm-import").click()
    only_valid = page.locator("#id_only_valid_rows")
    assert only_valid.evaluate("box => box.matches(':invalid') && box.validity.valueMissing")
    page.wait_for_timeout(500)
    assert posted == []
    expect(page).to_have_url(detail_url)
    assert not Account.objects.filter(name="Sinopec Shanghai").exists()
    assert ImportJob.objects.get().status == ImportStatus.CHECKED

    only_valid.check()
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("import-done")).to_contain_text("1 rejected rows left out")
    assert len(posted) == 1
    assert list(Account.objects.filter(owner=owner).values_list("name", flat=True)) == [
        "Sinopec Shanghai"
    ]
    job = ImportJob.objects.get()
    assert job.only_valid_rows
    assert job.written == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 1}


def test_in_chinese_the_upload_page_and_the_report_are_in_chinese(page: Page, owner, tmp_path):
    owner.language = "zh-hans"
    owner.save(update_fields=["language"])
    path = xlsx_file(tmp_path, [["海尔智家", "制造业", "华东", 98000]], name="客户.xlsx")
    log_in(page, owner)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.goto("/accounts/")
    expect(page.get_by_test_id("import-link"), NOT_TRANSLATED).to_have_text("导入")
    open_upload_page(page)
    expect(page.get_by_role("heading", level=1), NOT_TRANSLATED).to_have_text("从电子表格导入")
    form = page.get_by_test_id("import-upload")
    expect(form, NOT_TRANSLATED).to_contain_text("文件内容")
    expect(form.locator("button[type=submit]"), NOT_TRANSLATED).to_have_text("上传并对应列")
    send_file(page, path, kind_label="客户")
    expect(page.locator(".breadcrumb")).to_contain_text("客户")
    expect(page.get_by_test_id("import-mapping").locator("button[type=submit]")).to_have_text(
        "检查各行"
    )
    map_name_and_check(page)

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".breadcrumb"), NOT_TRANSLATED).to_contain_text("导入")
    expect(page.get_by_test_id("import-status"), NOT_TRANSLATED).to_have_text("已检查，待确认")
    expect(page.get_by_test_id("count-create"), NOT_TRANSLATED).to_contain_text("将新建")
    expect(page.get_by_test_id("count-create").locator(".fs-4")).to_have_text("1")
    expect(page.get_by_role("heading", name="逐行结果")).to_be_visible()
    created = page.get_by_test_id("import-report").locator("tr[data-line='2']")
    expect(created).to_have_attribute("data-action", "create")
    expect(created, NOT_TRANSLATED).to_contain_text("新建")
    job = ImportJob.objects.get()
    assert job.language == "zh-hans"
    assert job.planned["create"] == 1  # 制造业 and 华东 were read as choices


def test_the_progress_bar_turns_into_the_report_when_the_check_finishes(page: Page, owner):
    job = ImportJob.objects.create(
        user=owner,
        kind="accounts",
        file_name="big.xlsx",
        content=b"",
        language="en",
        headers=["Name"],
        row_count=1,
        mapping={"0": "name"},
        status=ImportStatus.CHECKING,
    )
    log_in(page, owner)
    page.goto(f"/accounts/import/{job.pk}/")
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_be_visible()
    expect(progress).to_contain_text("Checking every row")
    expect(page.get_by_test_id("import-report")).to_have_count(0)
    # A poll or two while it still runs: the bar stays.
    with page.expect_response(re.compile(rf"/accounts/import/{job.pk}/progress/")):
        pass
    expect(progress).to_be_visible()

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKED,
        planned={"create": 1, "update": 0, "unchanged": 0, "reject": 0},
        report=[[2, "create", [], []]],
    )
    # No reload by the test: the next poll answers HX-Refresh and the page reloads itself.
    expect(page.get_by_test_id("import-progress")).to_have_count(0, timeout=5000)
    expect(page.get_by_test_id("import-status")).to_have_text("Checked, waiting for confirmation")
    expect(page.get_by_test_id("count-create").locator(".fs-4")).to_have_text("1")
    expect(page.get_by_test_id("import-report").locator("tr[data-line='2']")).to_have_attribute(
        "data-action", "create"
    )
    expect(page.get_by_test_id("confirm-import")).to_be_visible()


def test_an_interrupted_import_is_retried_with_the_keyboard(page: Page, owner, tmp_path):
    """A worker died while writing: the page says nothing was written, and the owner reaches
    Retry with Tab and presses Enter; the import runs again and is written."""
    path = xlsx_file(tmp_path, [["Haier Smart Home", "Manufacturing", "East China", 98000]])
    log_in(page, owner)
    upload(page, path)
    map_name_and_check(page)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.INTERRUPTED,
        interrupted_in=ImportStatus.IMPORTING,
        attempt=job.attempt + 1,
        heartbeat_at=job.checked_at,
    )

    page.goto(f"/accounts/import/{job.pk}/")
    interrupted = page.get_by_test_id("import-interrupted")
    expect(interrupted).to_contain_text("The import was interrupted")
    expect(interrupted).to_contain_text("Nothing was written")
    expect(page.get_by_test_id("import-status")).to_have_text("Interrupted")
    retry = page.get_by_test_id("retry-import")
    expect(retry).to_have_text(re.compile("Retry the import"))

    for _ in range(80):  # from the top of the page, as a keyboard user gets there
        page.keyboard.press("Tab")
        if retry.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Retry button")
    expect(retry).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("import-done")).to_contain_text("1 created")
    expect(page.get_by_test_id("import-interrupted")).to_have_count(0)
    assert Account.objects.filter(name="Haier Smart Home", owner=owner).exists()
    assert ImportJob.objects.get().status == ImportStatus.DONE
