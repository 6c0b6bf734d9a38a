"""What the real-engine benchmarks share: a demo `govcloud serve` on a loopback port with real
QEMU through libvirt, the API as the demo's users, virsh, and cleaning up exactly what a run
made (guests, networks, pools, files)."""
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request

PASSWORD = "Bench#Pass2026"


def call(url, method, path, token=None, body=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"{}")


def virsh(*args):
    return subprocess.run(["virsh", "-c", "qemu:///system", *args], check=True,
                          capture_output=True, text=True).stdout


def names(kind):
    out = subprocess.run(["virsh", "-c", "qemu:///system", kind + "-list", "--all", "--name"],
                         capture_output=True, text=True).stdout
    return {n.strip() for n in out.splitlines() if n.strip()}


class DemoServer:
    """`govcloud serve --demo` on 127.0.0.1:0 over DATA; needs its demo host to be libvirt."""

    def __init__(self, binary, data):
        self.data, self.vms = data, []
        self.networks_before, self.pools_before = names("net"), names("pool")
        self.log = open(os.path.join(data, "server.log"), "w")
        env = dict(os.environ, GOVCLOUD_BOOTSTRAP_PASSWORD=PASSWORD)
        self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                                      data, "--demo"], stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env)
        self.url, text = None, ""
        for _ in range(600):
            text = open(os.path.join(data, "server.log")).read()
            m = re.findall(r"http://127\.0\.0\.1:\d+", text)
            if "listening on" in text and m:
                self.url = m[-1]
                break
            time.sleep(0.1)
        if not self.url:
            self.close()
            raise SystemExit("server did not start:\n" + text)
        if "libvirtd answers" not in text:
            self.close()
            raise SystemExit("the demo host is not libvirt; this benchmark needs real QEMU")
        self.user = self.login("demo-user")
        self.admin = self.login("demo-admin")
        self.system = call(self.url, "GET", "/api/v1/orgs?type=business_system",
                           self.user)["items"][0]["id"]

    def login(self, name):
        return call(self.url, "POST", "/api/v1/auth/login",
                    body={"username": name, "password": PASSWORD})["token"]

    def api(self, method, path, body=None, token=None):
        return call(self.url, method, path, token or self.user, body)

    def request(self, service, params):
        """A request as demo-user, approved by demo-admin; returns it once approved."""
        rq = self.api("POST", "/api/v1/requests",
                      {"service": service, "org_id": self.system, "params": params})
        while rq.get("state") == "pending":  # the demo chain: the tenant admin approves
            rq = self.api("POST", f"/api/v1/requests/{rq['id']}/approve", {"comment": "bench"},
                          self.admin)
        return rq

    def wait(self, path, done, timeout=120):
        """Polls GET path every 10 ms until done(json); returns the monotonic time it was."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self.api("GET", path)
            if done(got):
                return time.monotonic(), got
            time.sleep(0.01)
        raise SystemExit(f"{path} did not settle in {timeout} s")

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for vm in self.vms:
            subprocess.run(["virsh", "-c", "qemu:///system", "destroy", "gc-" + vm],
                           capture_output=True)
            subprocess.run(["virsh", "-c", "qemu:///system", "undefine", "gc-" + vm,
                            "--remove-all-storage", "--snapshots-metadata"], capture_output=True)
        for kind, before in (("net", self.networks_before), ("pool", self.pools_before)):
            for name in names(kind) - before:  # what this run made, nothing else
                subprocess.run(["virsh", "-c", "qemu:///system", kind + "-destroy", name],
                               capture_output=True)
                subprocess.run(["virsh", "-c", "qemu:///system", kind + "-undefine", name],
                               capture_output=True)
        shutil.rmtree(self.data, ignore_errors=True)
        shutil.rmtree(self.data + "-storage", ignore_errors=True)
