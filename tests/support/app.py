"""What the web app's offline API tests (tests/zkaigc/app/test_app_api.py, test_app_uploads.py, test_app_limits.py)
share besides fixtures: a prompt micro previews, and the check that the app still serves after a refusal."""

MICRO_PROMPT = "0x9c3f07e1"


def assert_still_serves(client):
    """After a refused request the app answers a good one as before."""
    reply = client.post("/api/preview", json={"prompt": MICRO_PROMPT})
    assert reply.status_code == 200
    assert reply.json()["results"][0]["ok"] is True
