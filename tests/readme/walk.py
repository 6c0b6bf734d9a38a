#!/usr/bin/env python3
"""The README's "Try it" walk as a test (issue 7 §3).

Starts `govcloud serve --demo` on a fresh data dir and a free loopback port, then runs every
command of the README's "Try it" block in order, as a newcomer would: `<request-id>` and
`<fulfilment-id>` are taken from what earlier commands printed, passwords come from the
environment, and any command that fails fails the test. Then it reads back the exported files
(requests.csv with a CSV reader, 001.xlsx with openpyxl when it is installed).

usage: walk.py BUILD_DIR SOURCE_DIR
"""
import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PASSWORD = "Walk#Readme2026"


def readme_block(source_dir):
    text = open(os.path.join(source_dir, "README.md"), encoding="utf-8").read()
    section = text[text.index("## Try it"):]
    start = section.index("```sh\n") + len("```sh\n")
    return section[start:section.index("```", start)].splitlines()


def libvirt_objects():
    """The libvirt networks, pools and domains govcloud made on this machine (name → kind)."""
    found = {}
    for kind, cmd in (("net", "net-list"), ("pool", "pool-list"), ("dom", "list")):
        try:
            out = subprocess.run(["virsh", "-c", "qemu:///system", cmd, "--all", "--name"],
                                 capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return {}
        for name in out.split():
            if name.startswith("gc-"):
                found[name] = kind
    return found


def remove_libvirt_objects(names):
    """What this walk's server made on the machine's libvirt goes with it."""
    for name, kind in names.items():
        cmds = {"net": [["net-destroy"], ["net-undefine"]],
                "pool": [["pool-destroy"], ["pool-undefine"]],
                "dom": [["destroy"], ["undefine", "--remove-all-storage"]]}[kind]
        for c in cmds:
            subprocess.run(["virsh", "-c", "qemu:///system"] + c + [name],
                           capture_output=True, timeout=60)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    build_dir, source_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    binary = os.path.join(build_dir, "govcloud")
    work = tempfile.mkdtemp(prefix="govcloud-walk-")
    os.chmod(work, 0o711)  # QEMU's own user walks through to <data>-storage, as under ./data
    data = os.path.join(work, "data")
    os.symlink(os.path.join(source_dir, "share"), os.path.join(work, "share"))
    os.makedirs(os.path.join(work, "build"))
    os.symlink(binary, os.path.join(work, "build", "govcloud"))
    port = free_port()
    env = dict(os.environ,
               GOVCLOUD_BOOTSTRAP_PASSWORD=PASSWORD,
               GOVCLOUD_PASSWORD=PASSWORD,
               GOVCLOUD_SERVER=f"http://127.0.0.1:{port}",
               GOVCLOUD_CREDENTIALS=os.path.join(work, "credentials.json"))
    before = libvirt_objects()
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}",
                               "--data-dir", data, "--demo"],
                              cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    failures = []
    try:
        deadline = time.monotonic() + 30
        while "listening on" not in open(os.path.join(work, "server.log")).read():
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("server did not start:\n" +
                                 open(os.path.join(work, "server.log")).read())
            time.sleep(0.05)
        seen = {}  # id prefix → the latest id printed
        ran = 0
        for raw in readme_block(source_dir):
            line = re.sub(r"\s+#\s.*$", "", raw).strip()  # a trailing "  # comment"
            if not line or line.startswith("#") or line.startswith("scripts/run") or \
                    line.startswith("govcloud()"):
                continue
            for placeholder, prefix in (("<request-id>", "rq"), ("<fulfilment-id>", "ful")):
                if placeholder in line:
                    if prefix not in seen:
                        failures.append(f"{line}: no {prefix}- id was printed before it")
                        continue
                    line = line.replace(placeholder, seen[prefix])
            line = line.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
            line = line.replace("--data-dir ./data", f"--data-dir {data}")
            script = 'govcloud() { build/govcloud "$@"; }\nset -o pipefail\n' + line
            r = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True,
                               text=True, timeout=120)
            ran += 1
            out = r.stdout + r.stderr
            print(f"$ {line}\n{out.rstrip()}\n", flush=True)
            # head -c closes the pipe early; curl's write error there is not the walk's failure
            if r.returncode != 0 and not ("head -c" in line and r.returncode in (23, 141)):
                failures.append(f"{line}: exit {r.returncode}: {out.strip()[:500]}")
            for prefix, value in re.findall(r"\b(rq|ful|res|ct|rsv|wo)-([0-9a-f]{16})\b", out):
                seen[prefix] = f"{prefix}-{value}"
        if ran < 25:
            failures.append(f"only {ran} commands were found in the README block")
        # The exports read back with the tools people use.
        with open(os.path.join(work, "requests.csv"), encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        if len(rows) < 2 or rows[0][0] != "id":
            failures.append(f"requests.csv does not read back: {rows[:2]}")
        try:
            import openpyxl  # Debian's python3-openpyxl
        except ImportError:
            openpyxl = None
        if openpyxl is not None:
            ws = openpyxl.load_workbook(os.path.join(work, "001.xlsx"), data_only=True).active
            totals = [r for r in ws.iter_rows(values_only=True) if r[2] == "合计 total"]
            if not totals or not isinstance(totals[0][10], (int, float)) or totals[0][10] <= 0:
                failures.append(f"001.xlsx has no numeric total: {totals}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        after = libvirt_objects()
        remove_libvirt_objects({n: k for n, k in after.items() if n not in before})
        if failures:
            print(open(os.path.join(work, "server.log")).read()[-3000:])
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("README walk FAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"README walk OK ({ran} commands)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
