import pytest


@pytest.fixture(autouse=True)
def _demo_plugins(settings):
    settings.PLUGINS = {
        **settings.PLUGINS,
        "sms_sender": "demo-outbox",
        "registry_check": "demo-registry",
        "face_verifier": "demo-face",
    }
    settings.DEMO_MODE = True
