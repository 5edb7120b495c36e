"""Peak memory of an upload (make bench; issue 16): the web process's upload check of a
50,000-row transactions file and of a zip bomb, each in a fresh Python (peak RSS, VmHWM, before
and after), and the worker's dry run and import of the same file (the growth of this process's
peak RSS while run_step runs them)."""

import time

import pytest

from accounts.imports import services
from accounts.models import ImportStatus
from tests.accounts.test_import_uploads import measured
from tests.perf.test_import import ROWS, csv_upload, manager  # noqa: F401 (a fixture)
from tests.spreadsheets import zip_bomb

pytestmark = pytest.mark.django_db


def peak_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def test_peak_memory_of_an_upload_and_its_worker(manager, tmp_path):  # noqa: F811
    upload = csv_upload()
    path = tmp_path / "orders.csv"
    path.write_bytes(upload.read())
    upload.seek(0)
    web = measured(path, "orders.csv")
    assert web["message"] is None

    bomb = tmp_path / "bomb.xlsx"
    zip_bomb(bomb)
    refused = measured(bomb, "bomb.xlsx")
    assert "unpacks to more than" in refused["message"]

    job = services.start_import(user=manager, kind="transactions", upload=upload)
    services.check_import(user=manager, job=job, mapping=job.mapping)
    before, started = peak_mb(), time.perf_counter()
    assert services.run_step(job.pk) == ImportStatus.CHECKED
    check_s = time.perf_counter() - started
    job.refresh_from_db()
    services.confirm_import(user=manager, job=job, only_valid_rows=False)
    started = time.perf_counter()
    assert services.run_step(job.pk) == ImportStatus.DONE
    import_s = time.perf_counter() - started
    worker_mb = peak_mb() - before

    print(
        f"\n\nUpload of {ROWS:,} transactions ({path.stat().st_size / 2**20:.1f} MB CSV):\n"
        f"  web, upload check (fresh process):    +{web['grew_mb']:6.1f} MB peak RSS "
        f"{web['seconds']:6.2f} s\n"
        f"  web, refusing a 1 GB zip bomb ({bomb.stat().st_size / 2**20:.1f} MB): "
        f"+{refused['grew_mb']:6.1f} MB peak RSS {refused['seconds']:6.2f} s\n"
        f"  worker, dry run + import (run_step):  +{worker_mb:6.1f} MB peak RSS "
        f"{check_s:6.2f} s + {import_s:.2f} s"
    )
    assert web["grew_mb"] < 50 and refused["grew_mb"] < 50
