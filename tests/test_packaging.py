"""The wheel carries the default catalogue, and the installed package finds it."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(done.stderr)
    return next(out.glob("mediatool-*.whl"))


def test_wheel_contains_the_catalogue(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("procedures.yaml", "organisations.yaml", "skills.yaml", "team.yaml"):
        assert f"mediatool/_catalogue/{name}" in names


def test_installed_wheel_inits_from_its_own_catalogue(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("MEDIATOOL_DATA", None)
    code = ("import mediatool.host.environment as p; print(p.default_catalogue())")
    where = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(target))
    done = subprocess.run([sys.executable, "-m", "mediatool", "init", str(tmp_path / "x")],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "x" / "catalogue" / "procedures.yaml").read_bytes() == \
        (ROOT / "catalogue" / "procedures.yaml").read_bytes()
