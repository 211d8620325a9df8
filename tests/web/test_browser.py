"""Browser tests: Debian's Chromium driven by Playwright over a real uvicorn server.

The whole lawful workflow as the people who use it would click through it: a case worker
opens a case, draws the family by clicking the chart and records consents (the consent
form refuses to submit incomplete, in the browser and on the server); a lab analyst
imports a lab file after its dry-run check and runs the family screen; two reviewers
confirm the identification; the PDF report is downloaded and read; the data-protection
officer verifies the audit chain. Screenshots of every page go to ``build/screenshots/``
(1280×800 and a 768×1024 tablet).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from support.live_server import served
from support.web_setup import PASSWORD, REMAINS_LABEL, lab_file, prepare

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Chromium not found at /usr/bin/chromium (make browser-deps)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, remains person id) of a fresh installation served by ``reunite serve``."""
    tmp = tmp_path_factory.mktemp("web-server")
    data_dir = tmp / "data"
    remains = prepare(data_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
    env["REUNITE_DATA_DIR"] = str(data_dir)
    log_path = tmp / "server.log"
    with served(env, log_path, ready_path="/ui/login") as url:
        yield url, remains


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _shot(page: Any, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def _login(browser: Any, url: str, user: str, *, viewport: dict[str, int] = DESKTOP,
           shot: str | None = None) -> Any:
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{url}/ui/")
    if shot:
        _shot(page, shot)
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}/ui/")
    return page


def _chart_person(page: Any, label: str) -> Any:
    return page.locator(f'.chart g.person[data-person-label="{label}"]')


def _add_person(page: Any, label: str, *, relation: str = "founder",
                missing: bool = False) -> None:
    page.fill("#label", label)
    if missing:
        page.check("input[name=role][value=missing]")
    page.select_option("#relation", relation)
    page.click("#add-person button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".alert").count() == 0, page.locator(".alert").inner_text()


def _consent(page: Any, url: str, label: str) -> None:
    page.goto(url)
    page.locator("tr", has_text=label).get_by_role("link", name="Enrol with consent").click()
    page.fill("#signed_by", f"{label} (form CF-{label[:2].upper()})")
    page.fill("#signed_on", "2026-11-01")
    page.fill("#retention_until", "2036-11-01")
    page.fill("#review_on", "2031-11-01")
    page.check("input[name=scope]")
    page.check("input[name=international_sharing][value=no]")
    page.check("input[name=donor_confirmed]")
    page.click("#consent-form button[type=submit]")
    page.wait_for_url(lambda u: "/consent" not in u)


def test_workflow_in_the_browser(server: tuple[str, str], browser: Any) -> None:
    url, remains = server
    case_url = f"{url}/ui/cases/MP-2026-001"

    # --- the case worker: case, family tree by clicking the chart, consents -------------
    carla = _login(browser, url, "carla", shot="01-login")
    _shot(carla, "02-dashboard-empty")
    carla.fill("#reference", "MP-2026-001")
    carla.fill("#description", "Li Wei, missing since 2019")
    carla.click("form[action$='/cases'] button[type=submit]")
    carla.wait_for_url(case_url)
    _add_person(carla, "Father")
    _add_person(carla, "Mother")
    _chart_person(carla, "Father").click()  # JS: chooses Father, switches to "child"
    assert carla.locator("#anchor").input_value() != ""
    assert carla.locator("#relation").input_value() == "child"
    carla.check("input[name=anchor_is][value=father]")
    carla.select_option("#partner", label="Mother")
    _add_person(carla, "Li Wei", relation="child", missing=True)
    _chart_person(carla, "Li Wei").focus()  # keyboard: Enter on a focused person
    carla.keyboard.press("Enter")
    _add_person(carla, "Sister", relation="sibling")
    assert _chart_person(carla, "Sister").count() == 1
    assert carla.locator(".chart g.person.missing").count() == 1
    _shot(carla, "03-case-pedigree")

    carla.locator("tr", has_text="Father").get_by_role("link", name="Enrol with consent").click()
    form_url = carla.url
    carla.fill("#signed_by", "Wang Jun (form CF-0001)")
    carla.click("#consent-form button[type=submit]")  # the browser refuses: fields missing
    assert carla.url == form_url
    assert carla.evaluate("document.getElementById('consent-form').checkValidity()") is False
    assert carla.locator("#consent-form :invalid").count() >= 5
    # Without the browser's checks the server still refuses.
    carla.evaluate("document.getElementById('consent-form').noValidate = true")
    carla.click("#consent-form button[type=submit]")
    carla.wait_for_selector("#consent-errors")
    assert "The consent form is incomplete" in carla.locator("#consent-errors").inner_text()
    _shot(carla, "04-consent-refused")
    _consent(carla, case_url, "Father")
    _consent(carla, case_url, "Mother")
    carla.goto(case_url)
    assert carla.locator("td", has_text="valid until 2036-11-01").count() == 2
    _shot(carla, "05-case-consents")

    # --- the lab analyst: dry run, commit, family screen ---------------------------------
    lars = _login(browser, url, "lars")
    lars.goto(f"{url}/ui/import")
    lars.set_input_files("#file", files=[{"name": "batch-17.txt", "mimeType": "text/plain",
                                          "buffer": lab_file("MP-2026-001", remains).encode()}])
    lars.fill("#kit", "GlobalFiler")
    lars.fill("#lab", "Central lab")
    lars.click("form[action$='/import/check'] button[type=submit]")
    lars.wait_for_selector("table.qc")
    assert "3 samples, 0 problems." in lars.content()
    _shot(lars, "06-import-dry-run")
    lars.click("#commit-import")
    lars.wait_for_selector("#import-count")
    assert "3 profiles from batch-17.txt" in lars.locator("#import-count").inner_text()
    _shot(lars, "07-import-done")
    lars.goto(case_url)
    lars.click("#run-screen")
    lars.wait_for_selector("#job-status[data-status=done]", timeout=90_000)
    assert lars.locator("#job-stored").inner_text() == "1"
    _shot(lars, "08-screen-done")

    # --- two reviewers -------------------------------------------------------------------
    rita = _login(browser, url, "rita")
    rita.goto(f"{url}/ui/reviews")
    _shot(rita, "09-reviews")
    rita.locator("table a").first.click()
    rita.wait_for_selector("#total-lr")
    assert rita.locator("#verbal").inner_text() == "extremely strong support"
    _shot(rita, "10-candidate")
    candidate_url = rita.url
    rita.check("input[name=decision][value=confirm]")
    rita.fill("#reason", "All 15 markers consistent with the parents.")
    rita.click("#decision-form button[type=submit]")
    rita.wait_for_selector("#cand-status")
    assert rita.locator("#cand-status").inner_text() == "needs a second reviewer"
    rita.check("input[name=decision][value=confirm]")
    rita.fill("#reason", "Again.")
    rita.click("#decision-form button[type=submit]")
    assert "a second, different reviewer must confirm" in rita.locator(".alert").inner_text()

    rob = _login(browser, url, "rob")
    rob.goto(candidate_url)
    rob.check("input[name=decision][value=confirm]")
    rob.fill("#reason", "Agree: LR well above the threshold, no exclusion.")
    rob.click("#decision-form button[type=submit]")
    rob.wait_for_selector("#cand-status")
    assert rob.locator("#cand-status").inner_text() == "confirmed"
    _shot(rob, "11-candidate-confirmed")
    with rob.expect_download() as download:
        rob.click("#report-pdf")
    pdf = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for needle in ("Identification report", "MP-2026-001", "Li Wei", REMAINS_LABEL,
                   "extremely strong support", "Identification confirmed by two reviewers",
                   "rita", "rob", "web-test table", "D3S1358"):
        assert needle in text, needle
    (SCREENSHOTS.parent / "identification-report.pdf").write_bytes(pdf)
    rob.goto(f"{candidate_url}/report.html")
    _shot(rob, "12-report-html")

    # --- a tablet, and the Chinese interface ----------------------------------------------
    tablet = _login(browser, url, "rita", viewport=TABLET)
    tablet.goto(case_url)
    _shot(tablet, "15-tablet-case")
    tablet.goto(candidate_url)
    assert tablet.locator("#cand-status").inner_text() == "confirmed"
    _shot(tablet, "16-tablet-candidate")
    tablet.goto(f"{candidate_url}?lang=zh_CN")
    assert tablet.locator("html").get_attribute("lang") == "zh-CN"
    assert "极强支持" in tablet.locator("#verbal").inner_text()
    _shot(tablet, "17-tablet-candidate-zh")
    tablet.goto(case_url)  # the language choice is remembered
    assert tablet.locator("h1").inner_text() == "案件 MP-2026-001"
    _shot(tablet, "18-tablet-case-zh")

    # --- the data-protection officer ------------------------------------------------------
    dora = _login(browser, url, "dora")
    dora.goto(f"{url}/ui/protection")
    dora.click("form[action$='/protection/verify'] button[type=submit]")
    dora.wait_for_selector("#chain-result")
    assert "The audit chain is intact" in dora.locator("#chain-result").inner_text()
    _shot(dora, "13-data-protection")
    mother = dora.locator("tr", has_text="Mother")
    mother.locator("input[name=reason]").fill("The mother withdrew her consent.")
    mother.get_by_role("button", name="Withdraw and delete").click()
    dora.wait_for_selector("[role=status]:has-text('keys destroyed: 1')")
    expunged = dora.locator("section[aria-labelledby=h-expunged]").inner_text()
    assert "ciphertext and data key deleted" in expunged
    assert "The mother withdrew her consent." in dora.locator(
        "section[aria-labelledby=h-withdrawals]").inner_text()
    _shot(dora, "14-data-protection-withdrawn")
