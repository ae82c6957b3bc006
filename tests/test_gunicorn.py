"""gunicorn.conf.py: read by gunicorn wherever it starts in the project's directory (the image's
WORKDIR, the benchmarks), and each worker freezes what Django loaded."""

import gc
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_started_in_the_project_reads_its_settings():
    gunicorn = Path(sys.executable).parent / "gunicorn"

    printed = subprocess.run(
        [gunicorn, "--print-config", "petition_desk.wsgi:application"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert any(line.split() == ["config", "=", "./gunicorn.conf.py"] for line in printed.splitlines())


def test_a_worker_that_has_loaded_the_site_freezes_it_out_of_the_collectors_reach():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    settings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(settings)
    gc.unfreeze()
    try:
        settings.post_worker_init(worker=None)

        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
