"""pytest fixtures for vendoremu, standard library only.

The emulator: VENDOREMU_URL if set (a sidecar, a service container), else the
binary at VENDOREMU_BIN (default: `emulator` on the PATH), started once per
session on a free port with an in-memory database.

Each test gets a tenant of its own, created through the control plane and
reset afterwards, so tests never see each other's data and may run in
parallel against one emulator.
"""

import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest


class Emulator:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def call(self, method, path, body=None, headers=None):
        """One HTTP request; returns (status, decoded JSON or text)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode()

    def control(self, method, path, body=None):
        status, answer = self.call(method, "/_emulator" + path, body)
        assert status < 300, f"{method} /_emulator{path}: {status} {answer}"
        return answer


@pytest.fixture(scope="session")
def emulator():
    if os.environ.get("VENDOREMU_URL"):
        yield Emulator(os.environ["VENDOREMU_URL"])
        return
    binary = os.environ.get("VENDOREMU_BIN", "emulator")
    proc = subprocess.Popen([binary, "-addr", "127.0.0.1:0", "-db", ":memory:"],
                            stdout=subprocess.PIPE, text=True)
    try:
        # The emulator prints this line once it is listening and healthy.
        for line in proc.stdout:
            if line.startswith("vendoremu ready on "):
                yield Emulator(line.split()[-1])
                break
        else:
            pytest.fail(f"{binary} exited with {proc.wait()} before it was ready")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def keitaro_key(emulator):
    """A fresh Keitaro tenant's API key, reset after the test."""
    key = emulator.control("POST", "/keitaro/tenants", {})["apiKey"]
    yield key
    emulator.control("POST", f"/reset?vendor=keitaro&tenant={key}")
