"""API tokens in Chromium at tablet size: a facilitator makes a token on the profile page by
clicking, copies it with the page's Copy button, an integration (a request context with no
cookies, only the bearer header) reads their trainings with it; revoking it on the page makes
the same request 401. Clicking only after the login form."""

import pytest
from playwright.sync_api import expect

from tests.browser import axe
from tests.browser.login import sign_in
from tests.factories import UserFactory
from tests.trainings.factories import MembershipFactory, TrainingFactory
from trainings.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accessible(page, where):
    found = axe.blocking(axe.violations(page) + axe.small_targets(page))
    assert found == [], "\n".join(axe.report(where, found))


def test_a_token_made_on_the_profile_page_reads_the_api_until_revoked(browser, live_server):
    training = TrainingFactory(title="Integration training")
    TrainingFactory(title="Someone else's training", country="UG", city="Kampala",
                    time_zone="Africa/Kampala")
    user = UserFactory(full_name="Ines Integrator")
    MembershipFactory(training=training, user=user, role=Role.FACILITATOR)

    context = browser.new_context(viewport={"width": 768, "height": 1024},
                                  base_url=live_server.url,
                                  permissions=["clipboard-read", "clipboard-write"])
    integration = browser.new_context(base_url=live_server.url)   # no session: a program
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, user)
        page.get_by_role("button", name="Toggle navigation").click()
        page.get_by_role("link", name="Ines", exact=True).click()
        tokens = page.get_by_role("region", name="API tokens")
        expect(tokens).to_contain_text("You have no API tokens.")
        expect(tokens.get_by_label("Access")).to_have_value("read")   # read-only by default
        tokens.get_by_label("Name", exact=True).fill("Power BI report")
        tokens.get_by_label("Expires after").select_option(label="30 days")
        tokens.get_by_role("button", name="Make token").click()

        expect(page.get_by_role("heading", name="Your new token “Power BI report”")).to_be_visible()
        page.get_by_role("button", name="Copy").click()
        expect(page.get_by_role("status").filter(has_text="Copied")).to_have_text(
            "Copied to the clipboard.")
        token = page.evaluate("navigator.clipboard.readText()")
        assert token.startswith("unct_")
        expect(page.get_by_label("Token", exact=True)).to_have_value(token)
        row = page.get_by_role("row", name="Power BI report")
        expect(row).to_contain_text(token[:16] + "…")   # "unct_<prefix>_…"
        expect(row).to_contain_text("Read only")
        expect(row).to_contain_text("Never")
        accessible(page, "profile page with a new API token")

        headers = {"Authorization": f"Bearer {token}"}
        response = integration.request.get("/api/v1/trainings", headers=headers)
        assert response.status == 200
        assert [t["title"] for t in response.json()] == ["Integration training"]

        row.get_by_role("button", name="Revoke “Power BI report”").click()
        expect(page.get_by_text("The token “Power BI report” was revoked")).to_be_visible()
        row = page.get_by_role("row", name="Power BI report")
        expect(row).to_contain_text("Revoked")
        expect(row.get_by_role("button")).to_have_count(0)
        expect(page.get_by_label("Token", exact=True)).to_have_count(0)   # shown only once
        assert token not in page.content()

        refused = integration.request.get("/api/v1/trainings", headers=headers)
        assert refused.status == 401
        assert refused.json() == {"detail": "This API token was revoked."}
        assert errors == []
    finally:
        integration.close()
        context.close()
