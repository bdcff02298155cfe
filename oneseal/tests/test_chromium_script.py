"""scripts/chromium.sh installs only what is missing: Chromium with its Chinese locale, and the
CJK font without which every Chinese character of a screenshot is a box. Run against stand-ins
for dpkg-query, apt-get and id on PATH, so nothing is installed."""

import os
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "chromium.sh"


def _tool(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def machine(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    log = tmp_path / "apt.log"
    _tool(tools / "apt-get", f'echo "$@" >> {log}')
    _tool(tools / "id", "echo 0")
    chromium = tmp_path / "chromium"
    locales = tmp_path / "locales"

    def run(*, browser: bool, fonts: bool) -> tuple[str, list[str]]:
        status = "install ok installed" if fonts else ""
        _tool(tools / "dpkg-query", f'printf "{status}"; [ -n "{status}" ]')
        if browser:
            _tool(chromium, "exit 0")
            locales.mkdir(exist_ok=True)
            (locales / "zh-CN.pak").write_bytes(b"")
        env = {
            **os.environ,
            "PATH": f"{tools}:{os.environ['PATH']}",
            "CHROMIUM": str(chromium),
            "CHROMIUM_LOCALES": str(locales),
        }
        done = subprocess.run(
            ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, check=True
        )
        calls = log.read_text().splitlines() if log.exists() else []
        return done.stdout.strip(), calls

    return run


def test_nothing_is_installed_when_everything_is_there(machine):
    path, calls = machine(browser=True, fonts=True)
    assert path.endswith("chromium") and calls == []


def test_the_cjk_font_is_installed_when_missing(machine):
    _path, calls = machine(browser=True, fonts=False)
    assert len(calls) == 1 and "fonts-noto-cjk" in calls[0].split()
    assert "chromium" not in calls[0].split()


def test_a_missing_browser_is_installed_with_its_locale_and_the_font(machine):
    _path, calls = machine(browser=False, fonts=False)
    assert set(calls[0].split()) >= {"chromium", "chromium-l10n", "fonts-noto-cjk"}
