"""The dashboard in real headless Chromium (Debian's), signed in, every page screenshotted.

Selenium drives /usr/bin/chromium through /usr/bin/chromedriver (both from
`scripts/install-chromium.sh`, which `make test` runs); nothing is downloaded.
Selenium's calls block, so they run in a thread while the event loop serves
the app on 127.0.0.1. Screenshots land in artifacts/ (gitignored) for people
to look at.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.bootstrap import bootstrap
from tests.admin.conftest import TOKEN, serve, with_token
from tests.admin.seed import seed
from tests.conftest import sqlite_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PAGES = ("overview", "topics", "people", "pairing", "network")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)
COUNT_MARKS = """
const svgs = [...document.querySelectorAll('svg.chart')];
return svgs.map(svg => ({
  id: svg.id,
  marks: svg.querySelectorAll('rect, circle, path').length,
  width: svg.getBoundingClientRect().width,
  height: svg.getBoundingClientRect().height,
}));
"""

selenium = pytest.importorskip(
    "selenium", reason="selenium is not installed (pip install -e .[dev])"
)
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "Debian chromium/chromium-driver are not installed: run scripts/install-chromium.sh "
        "(as root, with apt-get)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def start_browser(profile: str) -> Any:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    return driver


def sign_in(driver: Any, base: str, token: str) -> None:
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "button.primary").click()


def browse(base: str) -> dict[str, Any]:
    """Everything the browser saw, gathered in the thread and asserted on afterwards."""
    seen: dict[str, Any] = {"pages": {}}
    profile = tempfile.mkdtemp(prefix="learnlink-chromium-")
    driver = start_browser(profile)
    try:
        driver.get(f"{base}/admin/overview")
        seen["refused_title"] = driver.title
        seen["refused_charts"] = len(driver.find_elements(By.CSS_SELECTOR, "svg"))
        sign_in(driver, base, "not-the-token")
        wait = WebDriverWait(driver, 10)
        seen["wrong_token_text"] = wait.until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".error"))
        ).text
        sign_in(driver, base, TOKEN)
        wait.until(expected_conditions.url_contains("/admin/overview"))
        seen["after_sign_in"] = driver.current_url
        seen["script_cookie"] = driver.execute_script("return document.cookie")
        ARTIFACTS.mkdir(exist_ok=True)
        for slug in PAGES:
            driver.set_window_size(1280, 900)  # measure each page from the same viewport
            driver.get(f"{base}/admin/{slug}")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1280, min(int(height) + 40, 4000))
            driver.save_screenshot(str(ARTIFACTS / f"admin-{slug}.png"))
            seen["pages"][slug] = {
                "title": driver.title,
                "charts": driver.execute_script(COUNT_MARKS),
                "heading": driver.find_element(By.TAG_NAME, "h1").text,
            }
        seen["console"] = [entry["message"] for entry in driver.get_log("browser")]
        driver.find_element(By.CSS_SELECTOR, "header form button").click()
        wait.until(expected_conditions.url_contains("/admin/login"))
        driver.get(f"{base}/admin/network")
        seen["after_sign_out_title"] = driver.title
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return seen


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """One database is enough here: the figures are checked on both in test_dashboard."""
    services = await bootstrap(with_token(sqlite_settings(tmp_path / "browser.db")))
    await seed(services)
    http = await serve(services)
    yield http
    await http.close()
    await services.close()


async def test_dashboard_in_headless_chromium(
    client: TestClient[web.Request, web.Application],
) -> None:
    base = str(client.make_url("")).rstrip("/")
    refused = await client.get("/admin/overview")
    assert refused.status == 401

    seen = await asyncio.wait_for(asyncio.to_thread(browse, base), timeout=60)

    assert seen["refused_title"].startswith("Sign in") and seen["refused_charts"] == 0
    assert "not right" in seen["wrong_token_text"]
    assert seen["after_sign_in"].endswith("/admin/overview")
    assert "learnlink_admin" not in seen["script_cookie"]  # HttpOnly: scripts cannot read it
    for slug in PAGES:
        page = seen["pages"][slug]
        assert page["charts"], f"{slug}: no SVG chart"
        for chart in page["charts"]:
            assert chart["marks"] > 0, f"{slug}: empty chart {chart['id']}"
            assert chart["width"] > 200 and chart["height"] > 20, f"{slug}: {chart}"
        assert (ARTIFACTS / f"admin-{slug}.png").stat().st_size > 10_000
    assert seen["pages"]["network"]["heading"] == "Learning network"
    assert not [m for m in seen["console"] if "Content Security Policy" in m]
    assert seen["after_sign_out_title"].startswith("Sign in")
