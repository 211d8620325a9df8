"""Web pages in-process (TestClient): login, CSRF, the consent form's server-side checks,
the whole workflow through import, screen, two reviewers and the PDF, and languages."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

from pypdf import PdfReader

from reunite.genetics.profile import Genotype, Profile
from reunite.governance.roles import Actor
from reunite.io.formats import WRITE_FORMATS, write_profiles
from reunite.report.html import lr_html
from reunite.report.identification import format_lr
from reunite.services.reporting import identification_report
from reunite.services.review import get_candidate
from support.web_setup import REMAINS_LABEL, lab_file
from support.web_world import World, csrf_of

# Per marker, equal mutation model (rate r = 0.001, 6 alleles) as the search uses by default:
# a parent passes a given one of its alleles with (1 - r)/2 + (r/5)/2 = 0.4996 and the
# other parent's allele with r/5 = 0.0002, so P(10/12 | 10/11 x 12/13) = 0.4996² + 0.0002²
# against P(10/12) = 2 · 0.10 · 0.20; 15 markers.
TOTAL_LR = ((0.4996**2 + 0.0002**2) / 0.04) ** 15

CONSENT = {"signed_by": "Wang Fang, form CF-0001", "signed_on": "2026-11-01",
           "retention_until": "2036-11-01", "review_on": "2031-11-01",
           "scope": "identification", "international_sharing": "no",
           "donor_confirmed": "yes"}


def test_pages_need_a_login(world: World) -> None:
    client = world.client()

    r = client.get("/ui/cases/X", follow_redirects=False)

    assert r.status_code == 303
    assert r.headers["location"] == "/ui/login?next=/ui/cases/X"


def test_login__wrong_password_and_missing_csrf_are_refused(world: World) -> None:
    client = world.client()
    token = csrf_of(client.get("/ui/login").text)

    wrong = client.post("/ui/login", data={"username": "carla", "password": "nope-nope-nope",
                                           "csrf": token})
    forged = client.post("/ui/login", data={"username": "carla",
                                            "password": "correct horse battery"})

    assert wrong.status_code == 401
    assert "Unknown user or wrong password." in wrong.text
    assert forged.status_code == 401
    assert "reunite_session" not in forged.cookies


def test_state_changing_form_without_csrf_is_refused(world: World) -> None:
    client = world.client("carla")

    r = client.post("/ui/cases", data={"reference": "MP-X"})

    assert r.status_code == 401
    assert client.get("/ui/cases/MP-X").status_code == 404


def _open_family(client: object, reference: str = "MP-7") -> dict[str, str]:
    """Open a case with father, mother and their missing child; returns label -> id."""
    c = client
    token = csrf_of(c.get("/ui/").text)  # type: ignore[attr-defined]
    assert c.post("/ui/cases", data={"reference": reference, "csrf": token},  # type: ignore[attr-defined]
                  follow_redirects=False).status_code == 303
    for label in ("Father", "Mother"):
        r = c.post(f"/ui/cases/{reference}/people",  # type: ignore[attr-defined]
                   data={"label": label, "relation": "founder", "csrf": token},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
    page = c.get(f"/ui/cases/{reference}").text  # type: ignore[attr-defined]
    ids = {label: pid for pid, label in re.findall(
        r'data-person-id="([0-9a-f]+)" data-person-label="([^"]+)"', page)}
    r = c.post(f"/ui/cases/{reference}/people", data={  # type: ignore[attr-defined]
        "label": "Li Wei", "role": "missing", "relation": "child", "anchor": ids["Father"],
        "anchor_is": "father", "partner": ids["Mother"], "csrf": token},
        follow_redirects=False)
    assert r.status_code == 303, r.text
    page = c.get(f"/ui/cases/{reference}").text  # type: ignore[attr-defined]
    return {label: pid for pid, label in re.findall(
        r'data-person-id="([0-9a-f]+)" data-person-label="([^"]+)"', page)}


def test_consent_form__incomplete_is_refused_server_side(world: World) -> None:
    client = world.client("carla")
    people = _open_family(client)
    url = f"/ui/cases/MP-7/people/{people['Father']}/consent"
    token = csrf_of(client.get(url).text)

    for missing in ("signed_by", "scope", "international_sharing", "retention_until",
                    "donor_confirmed"):
        data = {k: v for k, v in CONSENT.items() if k != missing} | {"csrf": token}
        r = client.post(url, data=data, follow_redirects=False)

        assert r.status_code == 422, missing
        assert 'aria-invalid="true"' in r.text
    case_page = client.get("/ui/cases/MP-7").text
    assert case_page.count("no consent") == 3


def test_consent_form__has_required_fields_in_html(world: World) -> None:
    client = world.client("carla")
    people = _open_family(client)
    form = client.get(f"/ui/cases/MP-7/people/{people['Mother']}/consent").text

    for name in ("signed_by", "signed_on", "retention_until", "review_on", "scope",
                 "international_sharing", "donor_confirmed"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*required', form), name


def _consented_and_imported(world: World) -> None:
    """Case MP-7 with consents for both parents and the lab file imported."""
    carla = world.client("carla")
    people = _open_family(carla)
    for label in ("Father", "Mother"):
        url = f"/ui/cases/MP-7/people/{people[label]}/consent"
        r = carla.post(url, data=CONSENT | {"csrf": csrf_of(carla.get(url).text)},
                       follow_redirects=False)
        assert r.status_code == 303, r.text

    lars = world.client("lars")
    token = csrf_of(lars.get("/ui/import").text)
    upload = lab_file("MP-7", world.remains_id).encode()
    check = lars.post("/ui/import/check", data={"kit": "GlobalFiler", "lab": "Lab 1",
                                                "csrf": token},
                      files={"file": ("batch.txt", upload, "text/plain")})
    assert check.status_code == 200, check.text
    assert "3 samples, 0 problems." in check.text
    commit_token = re.search(r'name="token" value="([^"]+)"', check.text)
    assert commit_token is not None
    done = lars.post("/ui/import/commit", data={"token": commit_token.group(1),
                                                "csrf": token})
    assert "3 profiles from batch.txt were encrypted and stored." in done.text


def test_lab_upload__every_format_reunite_import_reads(world: World, tmp_path: Path) -> None:
    lars = world.client("lars")
    token = csrf_of(lars.get("/ui/import").text)
    remains = Profile(REMAINS_LABEL, {"TH01": Genotype("10", "12"),
                                      "vWA": Genotype("11", "13")})
    stored = {}

    for fmt in WRITE_FORMATS:
        path = tmp_path / f"upload.{fmt}"
        write_profiles([remains], path, format=fmt,  # type: ignore[arg-type]
                       cmf_header={"categories": "Unidentified Person", "source_lab": "LAB",
                                   "destination_ori": "ORI", "submitted_by": "lars"})
        check = lars.post("/ui/import/check", data={"kit": "GlobalFiler", "lab": "Lab 1",
                                                    "csrf": token},
                          files={"file": (path.name, path.read_bytes())})
        commit = re.search(r'name="token" value="([^"]+)"', check.text)
        assert check.status_code == 200, (fmt, check.text)
        assert commit is not None, (fmt, check.text)
        done = lars.post("/ui/import/commit", data={"token": commit.group(1), "csrf": token})
        stored[fmt] = f"1 profiles from {path.name} were encrypted and stored." in done.text

    assert stored == dict.fromkeys(WRITE_FORMATS, True)


def test_workflow__import_screen_two_reviewers_pdf(world: World) -> None:
    _consented_and_imported(world)
    lars = world.client("lars")
    token = csrf_of(lars.get("/ui/import").text)
    r = lars.post("/ui/cases/MP-7/search", data={"csrf": token}, follow_redirects=False)
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = world.workspace.jobs.wait(_actor("lars"), job_id, timeout=120)
    assert job.status == "done", job.error
    assert job.result is not None
    assert job.result["candidates_stored"] == 1
    job_page = lars.get(f"/ui/jobs/{job_id}").text
    assert 'id="job-stored">1<' in job_page

    rita, rob = world.client("rita"), world.client("rob")
    reviews = rita.get("/ui/reviews").text
    candidate = re.search(r'/ui/candidates/([0-9a-f]+)"', reviews)
    assert candidate is not None
    assert "extremely strong support" in reviews
    url = f"/ui/candidates/{candidate.group(1)}"
    page = rita.get(url).text
    assert lr_html(format_lr(TOTAL_LR)) in page
    # The report recomputes the LR exactly; it equals the screen's stored LR and the hand value.
    reviewer = Actor.of("rita", ["reviewer"])
    stored = get_candidate(world.workspace.store, reviewer, candidate.group(1)).candidate
    report = identification_report(world.workspace.store, world.workspace.master,
                                   world.workspace.index, reviewer, candidate.group(1))
    assert report.log10_total_lr is not None
    assert math.isclose(report.log10_total_lr, stored.log10_lr, rel_tol=1e-9)
    assert math.isclose(report.total_lr, TOTAL_LR, rel_tol=1e-9)
    assert ">6.24<" in page
    assert "extremely strong support" in page
    assert REMAINS_LABEL in page
    for who, client in (("rita", rita), ("rita", rita), ("rob", rob)):
        r = client.post(f"{url}/decision", data={"decision": "confirm",
                                                 "reason": f"{who}: all markers consistent",
                                                 "csrf": csrf_of(client.get(url).text)},
                        follow_redirects=False)
        if r.status_code != 303:
            assert r.status_code == 422
            assert "second, different reviewer" in r.text
    assert 'id="cand-status">confirmed<' in rob.get(url).text

    pdf = rob.get(f"{url}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for needle in ("Identification report", "MP-7", "Li Wei", REMAINS_LABEL,
                   "extremely strong support", format_lr(TOTAL_LR), "rita", "rob",
                   "Identification confirmed by two reviewers", "web-test table",
                   world.workspace.frequencies.content_hash):
        assert needle in text, needle


def _actor(name: str) -> Actor:
    return Actor.of(name, ["lab-analyst"])


def test_protection__withdrawal_expunges_and_is_listed(world: World) -> None:
    _consented_and_imported(world)
    dora = world.client("dora")
    page = dora.get("/ui/protection").text
    father_row = next(row for row in page.split("<tr") if "<td>Father</td>" in row)
    basis = re.search(r'name="basis_id" value="([0-9a-f]+)"', father_row)
    assert basis is not None

    done = dora.post("/ui/protection/withdraw", data={
        "basis_id": basis.group(1), "reason": "the father asked to withdraw",
        "csrf": csrf_of(page)})
    checked = dora.post("/ui/protection/verify", data={"csrf": csrf_of(done.text)})

    assert "profiles deleted and their keys destroyed: 1." in done.text
    assert "the father asked to withdraw" in done.text
    assert "ciphertext and data key deleted from reference-family" in done.text
    assert "The audit chain is intact" in checked.text
    assert "withdrawn" in dora.get("/ui/cases/MP-7").text


def test_pages_refuse_roles_without_permission(world: World) -> None:
    carla = world.client("carla")

    protection = carla.get("/ui/protection")
    commit = carla.post("/ui/import/commit", data={"token": "x", "csrf": csrf_of(
        carla.get("/ui/").text)})

    assert protection.status_code == 403
    assert commit.status_code == 422
    assert "Data protection" not in carla.get("/ui/").text


def test_language__query_cookie_and_accept_language(world: World) -> None:
    client = world.client()

    chinese = client.get("/ui/login?lang=zh_CN")
    remembered = client.get("/ui/login")
    header = world.client().get("/ui/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})

    assert '<html lang="zh-CN">' in chinese.text
    assert "用户名" in chinese.text
    assert "用户名" in remembered.text
    assert "用户名" in header.text


def test_case_page__no_script_fallback_preselects_the_person(world: World) -> None:
    client = world.client("carla")
    people = _open_family(client)

    page = client.get(f"/ui/cases/MP-7?person={people['Mother']}").text

    assert f'<option value="{people["Mother"]}" selected>Mother</option>' in page
    assert 'role="group"' in page
    assert page.count('role="button"') == 3


def test_protection__retention_due_is_marked(world: World) -> None:
    carla = world.client("carla")
    people = _open_family(carla)
    url = f"/ui/cases/MP-7/people/{people['Father']}/consent"
    expired = CONSENT | {"signed_on": "2020-01-01", "retention_until": "2021-01-01",
                         "review_on": "2020-06-01"}
    r = carla.post(url, data=expired | {"csrf": csrf_of(carla.get(url).text)},
                   follow_redirects=False)
    assert r.status_code == 303

    page = world.client("dora").get("/ui/protection").text
    row = next(row for row in page.split("<tr") if "<td>Father</td>" in row)

    assert "2021-01-01" in row
    assert "<strong>due</strong>" in row
