#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs probe.c's experiment with runc (as root): a template container A, a holder making B's user namespace (owned
# by uid 993) and pid namespace (nested under A's), container B joining both, the template's grandchild entering B.
# Prints what each side sees; docs/cold-starts.md ("SnapStart under runc") has the reading of it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/snapstart-runc-probe
R="runc --root $work/runc"
$R delete -f probe-b >/dev/null 2>&1 || true
$R delete -f probe-a >/dev/null 2>&1 || true
rm -rf "$work" && mkdir -p "$work"/{rootfs/{proc,dev,tmp,x},share,a,b} && chmod 755 "$work" "$work/rootfs"
gcc -O1 -Wall -static -o "$work/share/probe" "$here/probe.c"
chmod 777 "$work/share"
mkfifo -m 666 "$work/p1.fifo"

config() { # bundle, argv, extra namespaces (JSON), with maps (0/1)
  python3 - "$work" "$@" <<'PY'
import json, sys
work, name, args, extra, maps = sys.argv[1], sys.argv[2], sys.argv[3].split(), json.loads(sys.argv[4]), sys.argv[5] == "1"
joined = {e["type"] for e in extra}
config = {"ociVersion": "1.0.2",
  "process": {"terminal": False, "user": {"uid": 993, "gid": 993}, "args": args, "env": ["PATH=/x"], "cwd": "/",
    "capabilities": {k: [] for k in ["bounding", "effective", "inheritable", "permitted", "ambient"]},
    "noNewPrivileges": True},
  "root": {"path": work + "/rootfs", "readonly": True}, "hostname": "probe-" + name,
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755", "size=65536k"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777", "size=1m", "uid=993", "gid=993"]},
    {"destination": "/x", "type": "bind", "source": work + "/share", "options": ["rbind", "nosuid", "nodev"]}],
  "linux": {"namespaces": [{"type": t} for t in ["pid", "network", "ipc", "uts", "mount", "cgroup"] if t not in joined] + extra,
    "cgroupsPath": "/snapstart-runc-probe/" + name, "resources": {"memory": {"limit": 64 << 20}},
    "maskedPaths": ["/proc/kcore", "/proc/keys"], "readonlyPaths": ["/proc/sys", "/proc/sysrq-trigger"]}}
if maps:
    m = [{"containerID": 0, "hostID": 100000, "size": 1}, {"containerID": 993, "hostID": 993, "size": 1}]
    config["linux"]["uidMappings"] = m
    config["linux"]["gidMappings"] = m
json.dump(config, open(f"{work}/{name}/config.json", "w"), indent=1)
PY
}
state_pid() { $R state "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])'; }
wait_for() { for _ in $(seq 100); do if eval "$1"; then return 0; fi; sleep 0.05; done; echo "timed out: $1"; exit 1; }

config a "/x/probe template /x/sock" '[]' 0
$R run -d --bundle "$work/a" probe-a > "$work/a.out" 2>&1 < /dev/null
a=$(state_pid probe-a)
wait_for "[ -S $work/share/sock ]"
holder=$("$work/share/probe" holder "$a" < /dev/null 2> "$work/holder.err")
reaper=$(pgrep -P "$holder")
config b "/x/probe client /x/sock" "[{\"type\":\"user\",\"path\":\"/proc/$holder/ns/user\"},{\"type\":\"pid\",\"path\":\"/proc/$holder/ns/pid_for_children\"}]" 1
$R create --bundle "$work/b" probe-b < /dev/null > "$work/b.out" 2>&1
b=$(state_pid probe-b)
for c in /sys/fs/cgroup/*/snapstart-runc-probe/b; do echo "$reaper" > "$c/cgroup.procs"; done
$R start probe-b
echo "$b" > "$work/p1.fifo"          # after start: B's init has exec'd, so the reaper may open its /proc/<pid>/ns
# the host moves the restored runtime (in A's cgroups, in B's pid namespace) into B's cgroups
b_pid_ns=$(readlink "/proc/$b/ns/pid")
restored=
for _ in $(seq 100); do
  for p in $(cat /sys/fs/cgroup/memory/snapstart-runc-probe/a/cgroup.procs); do
    [ "$p" != "$a" ] && [ "$(readlink /proc/$p/ns/pid 2>/dev/null)" = "$b_pid_ns" ] && restored=$p
  done
  [ -n "$restored" ] && break
  sleep 0.05
done
[ -n "$restored" ] || { echo "the restored process never appeared"; cat "$work/b.out"; exit 1; }
for c in /sys/fs/cgroup/*/snapstart-runc-probe/b; do echo "$restored" > "$c/cgroup.procs"; done
wait_for "grep -q -e survived -e reaped $work/b.out"
echo "== template (container A)"; cat "$work/a.out"
echo "== container B: its init (client), the template's child and grandchild"; cat "$work/b.out"
echo "== host"
echo "reaper: $(grep -E '^(NSpid|CapEff|NoNewPrivs)' /proc/$reaper/status | tr '\n' ' ')"
echo "reaper mnt ns $(readlink /proc/$reaper/ns/mnt), B's init $(readlink /proc/$b/ns/mnt)"
echo "restored process $restored: $(kill -0 $restored 2>/dev/null && echo alive || echo gone); last OOM kill: $(dmesg 2>/dev/null | grep -o 'Killed process [0-9]* ([a-z]*)' | tail -1)"
echo "the template's /proc (its pid namespace) shows: $(ls /proc/$a/root/proc | grep -E '^[0-9]+$' | sort -n | tr '\n' ' ')"
kill -9 "$reaper"                    # ends pid namespace B (all of it)
$R delete -f probe-b; $R delete -f probe-a
# runc removes each container's cgroup, not the parent this probe named
for parent in /sys/fs/cgroup/*/snapstart-runc-probe; do rmdir "$parent" 2>/dev/null || true; done
