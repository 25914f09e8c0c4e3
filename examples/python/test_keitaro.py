"""Your Keitaro client code, unchanged, pointed at the emulator."""

import json
import urllib.error
import urllib.request


class KeitaroClient:
    """Stands for your application's client of the Keitaro Admin API."""

    def __init__(self, base_url, api_key):
        self.base_url, self.api_key = base_url, api_key

    def request(self, method, path, body=None):
        req = urllib.request.Request(
            self.base_url + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Api-Key": self.api_key, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())


def client(emulator, key):
    return KeitaroClient(emulator.url + "/keitaro/admin_api/v1", key)


def test_campaign_round_trip(emulator, keitaro_key):
    keitaro = client(emulator, keitaro_key)
    created = keitaro.request("POST", "/campaigns", {"alias": "spring", "name": "Spring sale"})
    assert created["alias"] == "spring"
    assert [c["name"] for c in keitaro.request("GET", "/campaigns")] == ["Spring sale"]


def test_each_test_has_its_own_tenant(emulator, keitaro_key):
    # The campaign of the test above belongs to another tenant.
    assert client(emulator, keitaro_key).request("GET", "/campaigns") == []


def test_a_wrong_key_fails_as_keitaro_fails(emulator):
    try:
        client(emulator, "not-a-key").request("GET", "/campaigns")
    except urllib.error.HTTPError as err:
        assert (err.code, json.loads(err.read())) == (401, {"error": "Unauthorized"})
    else:
        raise AssertionError("no 401")


def test_an_outage(emulator, keitaro_key):
    # The next matching request fails as if Keitaro were down.
    emulator.control("POST", "/faults", {"vendor": "keitaro", "path": "/admin_api/v1/campaigns",
                                         "status": 503, "times": 1})
    try:
        client(emulator, keitaro_key).request("GET", "/campaigns")
    except urllib.error.HTTPError as err:
        assert err.code == 503
    else:
        raise AssertionError("no 503")
    assert client(emulator, keitaro_key).request("GET", "/campaigns") == []
