"""Usage ingestion through the API (issue 11): batches of 1,000 counter events posted to
POST /api/v1/usage/events as the provider's ops account, against the same rows inserted by
Python's sqlite3 into a table of the same shape (WAL, one transaction per batch) in the same
run: events per second for each and the ratio. Senders keep their connection open (as a
metering agent does) and are measured alone and four at once (several systems reporting).
Target (issue 11): ≥ 100,000 events/s through the API; Lago advertises 15,000."""
import http.client
import json
import os
import threading
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from govcloud_bench import PASSWORD, call  # noqa: E402

BINARY, BATCHES = sys.argv[1], int(sys.argv[2])
SIZE = 1000


def batch(system, n):
    return [{"event_id": f"b{n}-{i}", "system": system, "code": "network-internet-bandwidth",
             "quantity": str(1 + i % 50), "unit": "Mbps",
             "start": "2026-03-01T00:00:00+08:00", "end": "2026-03-01T01:00:00+08:00"}
            for i in range(SIZE)]


def main():
    data = tempfile.mkdtemp()
    os.chmod(data, 0o700)
    log = open(os.path.join(data, "server.log"), "w")
    env = dict(os.environ, GOVCLOUD_BOOTSTRAP_PASSWORD=PASSWORD)
    # Raise the body limit: a batch of 1,000 events is about 220 KB.
    server = subprocess.Popen([BINARY, "serve", "--listen", "127.0.0.1:0", "--data-dir", data,
                               "--demo", "--set", "max_body_bytes=4194304"],
                              stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        url = None
        for _ in range(600):
            text = open(os.path.join(data, "server.log")).read()
            m = re.findall(r"http://127\.0\.0\.1:\d+", text)
            if "listening on" in text and m:
                url = m[-1]
                break
            time.sleep(0.1)
        if not url:
            raise SystemExit("server did not start:\n" + text)
        ops = call(url, "POST", "/api/v1/auth/login",
                   body={"username": "demo-ops", "password": PASSWORD})["token"]
        admin = call(url, "POST", "/api/v1/auth/login",
                     body={"username": "demo-admin", "password": PASSWORD})["token"]
        system = call(url, "GET", "/api/v1/orgs?type=business_system", admin)["items"][0]["id"]
        host, port = url[len("http://"):].split(":")
        bodies = [json.dumps({"events": batch(system, n)}).encode() for n in range(2 * BATCHES)]

        def send(chunk):
            conn = http.client.HTTPConnection(host, int(port), timeout=120)
            for body in chunk:
                conn.request("POST", "/api/v1/usage/events", body=body,
                             headers={"Content-Type": "application/json",
                                      "Authorization": "Bearer " + ops})
                r = conn.getresponse()
                got = json.loads(r.read())
                assert got["accepted"] == SIZE, got
            conn.close()

        t0 = time.monotonic()
        send(bodies[:BATCHES])
        api = BATCHES * SIZE / (time.monotonic() - t0)
        senders = [threading.Thread(target=send, args=(bodies[BATCHES + i::4],)) for i in range(4)]
        t0 = time.monotonic()
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        api4 = BATCHES * SIZE / (time.monotonic() - t0)

        db = sqlite3.connect(os.path.join(data, "baseline.db"))
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE usage_intervals (id INTEGER PRIMARY KEY, key TEXT UNIQUE, "
                   "system_id TEXT, code TEXT, quantity INTEGER, start_ms INTEGER, end_ms INTEGER)")
        rows = [[(f"t:b{n}-{i}", system, "network-internet-bandwidth", (1 + i % 50) * 1000000,
                  1772294400000, 1772298000000) for i in range(SIZE)] for n in range(BATCHES)]
        t1 = time.monotonic()
        for chunk in rows:
            with db:
                db.executemany("INSERT INTO usage_intervals (key, system_id, code, quantity, "
                               "start_ms, end_ms) VALUES (?,?,?,?,?,?)", chunk)
        raw = BATCHES * SIZE / (time.monotonic() - t1)
        print(f"{'usage ingestion, ' + str(BATCHES) + ' batches of 1,000':44} {'events/s':>10}")
        print(f"{'POST /api/v1/usage/events, one sender':44} {api:10.0f}")
        print(f"{'POST /api/v1/usage/events, four senders':44} {api4:10.0f}")
        print(f"{'sqlite3 executemany, same rows (baseline)':44} {raw:10.0f}")
        print(f"{'ratio API (one sender) / baseline':44} {api / raw:10.2f}")
        print(f"{'ratio API (four senders) / baseline':44} {api4 / raw:10.2f}")
        print(f"{'target (issue 11)':44} {'>= 100000':>10}   Lago advertises 15000")
        return 0 if max(api, api4) >= 100000 else 1
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        subprocess.run(["rm", "-rf", data, data + "-storage"])


if __name__ == "__main__":
    sys.exit(main())
