"""Block storage through govcloud against the same steps with virsh (issue 10): create, attach
(live, to a running busybox guest), detach (until the guest has released the disk) and delete a
1 GB volume, each step timed end to end through the API (until the volume's state says it is
done, polled every 10 ms) and with virsh and with direct libvirt API calls in the same run on the same host, pool and
guest. Prints
medians, the ratios against both and the platform's overhead per operation over the direct
libvirt calls."""
import os
import statistics
import subprocess
import sys
import time

import libvirt  # python3-libvirt, Debian's

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from govcloud_bench import DemoServer, virsh  # noqa: E402

BINARY, DATA, COUNT = sys.argv[1], sys.argv[2], int(sys.argv[3])
STEPS = ("create", "attach", "detach", "delete")


def timed(f):
    t0 = time.monotonic()
    f()
    return time.monotonic() - t0


def through_api(server, vm, i):
    s = {}
    path = None

    def create():
        nonlocal path
        rq = server.request("cloud-disk", {"name": f"bench-{i}", "size_gb": 1})
        _, got = server.wait(f"/api/v1/requests/{rq['id']}", lambda r: r["ref"] != "")
        path = f"/api/v1/volumes/{got['ref']}"
        server.wait(path, lambda v: v["state"] == "available")

    def act(verb, body, state):
        server.api("POST", f"{path}/{verb}", body)
        server.wait(path, lambda v: v["state"] == state)

    s["create"] = timed(create)
    s["attach"] = timed(lambda: act("attach", {"vm": vm}, "in_use"))
    s["detach"] = timed(lambda: act("detach", {}, "available"))

    def delete():
        server.api("DELETE", path)
        server.wait(path, lambda v: v["state"] == "deleted")

    s["delete"] = timed(delete)
    return s


def through_libvirt(conn, pool_name, domain_name, i):
    """The same steps as direct libvirt API calls on one connection (python3-libvirt): the
    engine's own time, without a process start and a connection per step."""
    s = {}
    pool, dom = conn.storagePoolLookupByName(pool_name), conn.lookupByName(domain_name)
    name = f"libvirt-bench-{i}.qcow2"
    vol = None

    def create():
        nonlocal vol
        vol = pool.createXML(f"<volume><name>{name}</name><capacity unit='G'>1</capacity>"
                             "<target><format type='qcow2'/></target></volume>", 0)

    s["create"] = timed(create)
    disk = (f"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
            f"<source file='{vol.path()}'/><target dev='vdb' bus='virtio'/></disk>")
    flags = libvirt.VIR_DOMAIN_AFFECT_LIVE | libvirt.VIR_DOMAIN_AFFECT_CONFIG
    s["attach"] = timed(lambda: dom.attachDeviceFlags(disk, flags))

    def detach():  # libvirt returns when the guest was asked; done is when it let go
        dom.detachDeviceFlags(disk, flags)
        end = time.monotonic() + 30
        while "dev='vdb'" in dom.XMLDesc(0) and time.monotonic() < end:
            time.sleep(0.01)

    s["detach"] = timed(detach)
    s["delete"] = timed(lambda: vol.delete(0))
    return s


def through_virsh(pool, domain, i):
    s = {}
    name = f"virsh-bench-{i}.qcow2"
    run = virsh
    s["create"] = timed(lambda: run("vol-create-as", pool, name, "1G", "--format", "qcow2"))
    file = run("vol-path", "--pool", pool, name).strip()
    s["attach"] = timed(lambda: run("attach-disk", domain, file, "vdb", "--driver", "qemu",
                                    "--subdriver", "qcow2", "--targetbus", "virtio", "--live",
                                    "--config"))

    def detach():  # virsh returns when the guest was asked; done is when it let go
        run("detach-disk", domain, "vdb", "--live", "--config")
        end = time.monotonic() + 30
        while " vdb " in run("domblklist", domain) and time.monotonic() < end:
            time.sleep(0.01)

    s["detach"] = timed(detach)
    s["delete"] = timed(lambda: run("vol-delete", "--pool", pool, name))
    return s


def main():
    server = DemoServer(BINARY, DATA)
    try:
        rq = server.request("cloud-host", {"name": "bench-guest", "vcpu": 1, "memory_gb": 1,
                                           "disk_gb": 1, "image": "demo-guest"})
        _, got = server.wait(f"/api/v1/requests/{rq['id']}", lambda r: r["ref"] != "")
        vm = got["ref"]
        server.vms.append(vm)
        domain = "gc-" + vm
        server.wait(f"/api/v1/vms/{vm}", lambda v: v["state"] == "running")
        console = f"{DATA}-storage/consoles/{domain}.console.log"
        end = time.monotonic() + 180
        while time.monotonic() < end:  # the guest must be up to release hot-unplugged disks
            if os.path.exists(console) and b"GOVCLOUD-GUEST-READY" in open(console, "rb").read():
                break
            time.sleep(0.1)
        api, base, lean = ({k: [] for k in STEPS} for _ in range(3))
        conn = libvirt.open("qemu:///system")
        for i in range(COUNT):
            for k, v in through_api(server, vm, i).items():
                api[k].append(v)
            pool = next(p for p in subprocess.run(
                ["virsh", "-c", "qemu:///system", "pool-list", "--name"], capture_output=True,
                text=True).stdout.split() if p.startswith("gc-pool-") and p.endswith("-normal"))
            for k, v in through_virsh(pool, domain, i).items():
                base[k].append(v)
            for k, v in through_libvirt(conn, pool, domain, i).items():
                lean[k].append(v)
            print(f"round {i}: api " + " ".join(f"{k} {api[k][-1]:.3f}" for k in STEPS) +
                  " | virsh " + " ".join(f"{k} {base[k][-1]:.3f}" for k in STEPS) +
                  " | libvirt " + " ".join(f"{k} {lean[k][-1]:.3f}" for k in STEPS), flush=True)
        conn.close()
        print(f"\n{'1 GB volume, ' + str(COUNT) + ' rounds (medians, s)':28} {'API':>7} "
              f"{'virsh':>7} {'ratio':>6} {'libvirt':>8} {'ratio':>6} {'overhead':>9}")
        totals = [0.0, 0.0, 0.0]
        for k in STEPS + ("all four",):
            if k == "all four":
                a, b, c = totals
            else:
                a, b, c = (statistics.median(x[k]) for x in (api, base, lean))
                totals = [totals[0] + a, totals[1] + b, totals[2] + c]
            print(f"{k:28} {a:7.3f} {b:7.3f} {a / b:6.2f} {c:8.3f} {a / c:6.2f} {a - c:9.3f}")
        print("virsh: one process and connection per command; libvirt: the same calls on one "
              "connection (python3-libvirt); overhead = API − libvirt.\n"
              "API create = request + approval + provisioning; every API step ends when GET "
              "shows its final state, polled every 10 ms.")
        return 0
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
