"""The running app in a real browser: Debian's Chromium driven by Selenium + chromedriver.

Starts `python -m app` (what scripts/dashboard.sh runs) on a free port against the synced
warehouse, checks the six KPI cards and the Traffic & conversions page's leads against SQL,
switches the trend resolution and compares the 7-day buckets with SQL, filters the Medias
page's content inventory to the medias without captions, opens the Webinars page (its
funnel and audience download against SQL), downloads the
24-column CSV and compares it with the database, and saves a screenshot of every page in
the test's temporary folder. .ci/run installs chromium and chromium-driver when missing.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app import exports, metrics, ui
from app.metrics import Period
from app.warehouse import Warehouse, WarehouseConfig
from tests.app.conftest import SyncedProject
from tests.app.test_metrics import raw_kpis
from tests.app.two_accounts import FIRST, SECOND, plays
from tests.pipeline.conftest import free_port

WAIT = 60  # seconds for a page to render on a busy machine
ACCOUNT = "Account"  # the sidebar's account filter (a combo box with this label)


def _browser_binaries() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail(
            "Chromium or chromedriver is missing: `apt-get install -y chromium "
            "chromium-driver` (.ci/run does this)."
        )
    return chromium, driver


@pytest.fixture
def app_url(app_env: SyncedProject) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # The README's own command (quickstart step 3), on a free port.
    dashboard = Path(__file__).resolve().parents[2] / "scripts" / "dashboard.sh"
    server = subprocess.Popen(
        ["bash", str(dashboard), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        seen = []
        for line in server.stdout:  # Streamlit prints the URL once it serves
            seen.append(line)
            if "URL: http://127.0.0.1:" in line:
                break
        else:
            pytest.fail("the app did not start:\n" + "".join(seen))
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout is not None:
            server.stdout.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    chromium, driver_path = _browser_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1440,1000",
        "--disable-gpu",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(tmp_path / "downloads")}
    )
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior",
        {"behavior": "allow", "downloadPath": str(tmp_path / "downloads")},
    )
    try:
        yield driver
    finally:
        driver.quit()


def open_page(browser: webdriver.Chrome, url: str, title: str) -> None:
    browser.get(url)
    WebDriverWait(browser, WAIT).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, "h1"), title)
    )
    # Streamlit shows a "running" widget while the script runs; wait until it is done.
    WebDriverWait(browser, WAIT).until_not(
        ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))
    )


def metric_cards(browser: webdriver.Chrome) -> dict[str, str]:
    """Each metric card's label -> shown value."""
    labels = [
        e.text for e in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]')
    ]
    values = [
        e.text for e in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')
    ]
    return dict(zip(labels, values, strict=True))


def sidebar_text(browser: webdriver.Chrome) -> str:
    return browser.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"]').text


def test_account_filter_in_chromium(two_account_warehouse: Path, app_url: str, browser):
    """Two accounts (the `two_account_warehouse` fixture, set before `app_url` starts the app): the
    sidebar's Account filter switches the KPI cards to the chosen account's figures."""
    wh = Warehouse(WarehouseConfig(duckdb_path=two_account_warehouse))
    _first, last = metrics.data_days(wh)
    start = last - dt.timedelta(days=29)
    open_page(browser, app_url, "Overview")
    WebDriverWait(browser, WAIT).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')) == 6
    )
    labels = metrics.accounts(wh)  # 'Account <id>', or '<name> (<id>)' with the account stream
    picker = browser.find_element(By.CSS_SELECTOR, f'input[aria-label="{ACCOUNT}"]')
    assert picker.get_attribute("value") == labels[FIRST]
    assert metric_cards(browser)["Plays"] == f"{plays(two_account_warehouse, FIRST, start, last):,}"
    picker.click()
    options = (By.CSS_SELECTOR, "[role='option']")
    WebDriverWait(browser, WAIT).until(ec.presence_of_element_located(options))
    assert [o.text for o in browser.find_elements(*options)] == [labels[FIRST], labels[SECOND]]
    browser.find_element(
        By.XPATH, f"//*[@role='option'][normalize-space()='{labels[SECOND]}']"
    ).click()
    second = f"{plays(two_account_warehouse, SECOND, start, last):,}"
    assert second != metric_cards(browser)["Plays"]
    WebDriverWait(browser, WAIT).until(lambda b: metric_cards(b).get("Plays") == second)
    picker = browser.find_element(By.CSS_SELECTOR, f'input[aria-label="{ACCOUNT}"]')
    assert picker.get_attribute("value") == labels[SECOND]


def test_app_in_chromium(app_env: SyncedProject, app_url: str, browser, tmp_path: Path):
    wh = Warehouse(WarehouseConfig(duckdb_path=app_env.duckdb_path))
    _first, last = metrics.data_days(wh)
    period = Period(last - dt.timedelta(days=29), last)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    # Overview: the six KPI cards show the figures SQL gives for the default period.
    open_page(browser, app_url, "Overview")
    WebDriverWait(browser, WAIT).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')) == 6
    )
    shown = metric_cards(browser)
    # One account in the warehouse: no account filter in the sidebar.
    assert "Project" in sidebar_text(browser) and ACCOUNT not in sidebar_text(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, f'input[aria-label="{ACCOUNT}"]')
    raw = raw_kpis(app_env, period, None)  # independent SQL over the tap's raw tables
    assert raw["plays"] > 0
    assert shown == {
        "Plays": f"{raw['plays']:,}",
        "Play rate": ui.percent(raw["plays"] / raw["loads"]),
        "Unique visitors": f"{raw['visitors']:,}",
        "Hours watched": f"{raw['hours']:,.1f}",
        "Avg. percent viewed": ui.percent(raw["avg_viewed"]),
        "Identified viewers": f"{raw['identified']:,}",
    }
    browser.save_screenshot(str(shots / "overview.png"))

    # Play trends: switching the resolution re-draws the chart with other buckets.
    open_page(browser, f"{app_url}/trends", "Play trends")
    WebDriverWait(browser, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]'))
    )
    assert "buckets of 1 day" in browser.find_element(By.TAG_NAME, "body").text
    browser.find_element(By.XPATH, "//button[normalize-space()='7 days']").click()
    WebDriverWait(browser, WAIT).until(
        ec.text_to_be_present_in_element((By.TAG_NAME, "body"), "buckets of 7 days")
    )
    browser.save_screenshot(str(shots / "trends.png"))
    # The 7-day buckets on screen (the table's download) are the mart's, by SQL.
    browser.find_element(
        By.XPATH, "//button[normalize-space()='Download this table (CSV)']"
    ).click()
    weekly = tmp_path / "downloads" / exports.file_name("play-trends-7d", period, "all-medias")
    WebDriverWait(browser, WAIT).until(lambda _b: weekly.exists())
    with weekly.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    week_rows = app_env.query(
        "select bucket_start, plays from analytics.play_trends_account where resolution = '7d'"
        f" and bucket_start < '{period.end + dt.timedelta(days=1)}'"
        f" and bucket_start + interval 7 day > '{period.start}' and plays > 0"
    )
    assert 4 <= len(week_rows) <= 6
    assert {(row["bucket_start"], int(row["plays"])) for row in table if int(row["plays"])} == {
        (exports.format_cell(start), plays) for start, plays in week_rows
    }

    # Traffic & conversions: the leads of the default period equal SQL over the mart.
    open_page(browser, f"{app_url}/traffic", "Traffic & conversions")
    WebDriverWait(browser, WAIT).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')) == 4
    )
    ((leads,),) = app_env.query(
        "select count(*) from analytics.media_conversions where converted_at >= "
        f"'{period.start}' and converted_at < '{period.end + dt.timedelta(days=1)}'"
    )
    assert metric_cards(browser)["Leads in the period"] == f"{leads:,}" != "0"
    # Traffic names the months of the period it covers.
    assert ", which overlap" in browser.find_element(By.TAG_NAME, "body").text
    browser.save_screenshot(str(shots / "traffic.png"))

    # Medias: the content inventory, then only the medias without captions (as SQL says).
    open_page(browser, f"{app_url}/medias", "Medias")
    ((medias, uncaptioned),) = app_env.query(
        "select count(*), count(*) filter (where not has_captions) from analytics.content_inventory"
    )
    assert 0 < uncaptioned < medias
    WebDriverWait(browser, WAIT).until(
        lambda b: metric_cards(b).get("Medias listed") == f"{medias:,}"
    )
    browser.find_element(By.XPATH, "//label[.//p[normalize-space()='Without captions']]").click()
    WebDriverWait(browser, WAIT).until(
        lambda b: metric_cards(b).get("Medias listed") == f"{uncaptioned:,}"
    )
    browser.save_screenshot(str(shots / "medias.png"))

    # Webinars: the funnel's registrants and the audience download equal SQL (the page's
    # empty state on a sandbox without webinars).
    open_page(browser, f"{app_url}/webinars", "Webinars")
    ((registrants,),) = app_env.query(
        "select coalesce(sum(registrants), 0) from analytics.webinar_attendance"
    )
    body = browser.find_element(By.TAG_NAME, "body").text
    if registrants:
        assert metric_cards(browser)["Registrants"] == f"{registrants:,}"
        browser.find_element(
            By.XPATH, "//button[normalize-space()='Download the audience (CSV)']"
        ).click()
        audience = (
            tmp_path / "downloads" / exports.file_name("webinar-audience", None, "all-webinars")
        )
        WebDriverWait(browser, WAIT).until(lambda _b: audience.exists())
        with audience.open(encoding="utf-8", newline="") as handle:
            assert len(list(csv.DictReader(handle))) == registrants
    else:
        assert "No webinars in the warehouse." in body
    browser.save_screenshot(str(shots / "webinars.png"))

    for path, title in (
        ("audience", "Audience"),
        ("leads", "Leads"),
        ("data_status", "Data status"),
    ):
        open_page(browser, f"{app_url}/{path}", title)
        browser.save_screenshot(str(shots / f"{path}.png"))
    assert "success" in browser.find_element(By.TAG_NAME, "body").text

    # Downloads: the 24-column CSV for the default period equals the mart's rows.
    open_page(browser, f"{app_url}/downloads", "Downloads")
    browser.save_screenshot(str(shots / "downloads.png"))
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "wistia_views-24col")
    browser.get(link.get_attribute("href"))
    name = f"wistia_views-24col_all-medias_{period.start}_to_{period.end}.csv"
    target = tmp_path / "downloads" / name
    WebDriverWait(browser, WAIT).until(lambda _b: target.exists())
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == exports.VIEWS_HEADER
    mart = app_env.query(
        'select * from analytics.wistia_views where "Date" >= '
        f"'{period.start}' and \"Date\" < '{period.end + dt.timedelta(days=1)}'"
    )
    assert sorted(rows[1:]) == sorted([exports.format_cell(v) for v in row] for row in mart)
    assert len(rows) - 1 == len(mart) > 0
    assert sorted(p.name for p in shots.iterdir()) == [
        "audience.png",
        "data_status.png",
        "downloads.png",
        "leads.png",
        "medias.png",
        "overview.png",
        "traffic.png",
        "trends.png",
        "webinars.png",
    ]
