#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Where one warm invoke's time goes, hop by hop (docs/internals/invoke-path.md "The critical path, traced"): a server
# of this checkout (runc, Auth off, no stem cells) on PORT (default 9471), a no-op function, one `wrk` client invoking
# it, and 0.5 s of kernel tracepoints (context switches and the send system calls of the client, the server and the
# runtime). Root, perf, wrk, python3 with boto3. usage: run.sh [python3.11|nodejs20.x] [PORT]
set -eu
runtime=${1:-python3.11}
port=${2:-9471}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d /tmp/warm-path.XXXXXX)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && sleep 2
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
NIMBUS_SANDBOX=runc NIMBUS_AUTH=off NIMBUS_STEM_CELLS=false "$repo/artifacts/nimbus/nimbus" server --port "$port" > server.log 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/_nimbus/health" > /dev/null && break; sleep 0.1; done
python3 - "$port" "$runtime" <<'PY'
import io, sys, zipfile, boto3
port, runtime = sys.argv[1], sys.argv[2]
lam = boto3.client("lambda", endpoint_url="http://127.0.0.1:%s" % port, region_name="us-east-1",
                   aws_access_key_id="x", aws_secret_access_key="y")
name, source, handler = (("app.py", "def handler(event, context):\n    return {}\n", "app.handler")
                         if runtime.startswith("python") else
                         ("index.mjs", "export const handler = async () => ({});\n", "index.handler"))
code = io.BytesIO()
with zipfile.ZipFile(code, "w") as z:
    entry = zipfile.ZipInfo(name)
    entry.external_attr = 0o644 << 16  # readable by the sandbox's user
    z.writestr(entry, source)
lam.create_function(FunctionName="noop", Runtime=runtime, Role="arn:aws:iam::000000000000:role/r", Handler=handler,
                    MemorySize=1769, Code={"ZipFile": code.getvalue()})
lam.get_waiter("function_active_v2").wait(FunctionName="noop")
lam.invoke(FunctionName="noop")
PY
cat > post.lua <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
LUA
wrk -t1 -c1 -d8s -s post.lua "http://127.0.0.1:$port/2015-03-31/functions/noop/invocations" > wrk.txt &
client=$!
sleep 4
case $runtime in python*) comm=python3.11 ;; *) comm=node ;; esac
# The runtime: the process of that name in the environment's cgroups (named by its id, as its bundle directory).
environment=$(ls "$work/.nimbus/run/env" | head -1)
runtime_pid=""
for p in $(pgrep -x "$comm"); do
  grep -q "$environment" "/proc/$p/cgroup" 2>/dev/null && runtime_pid=$p
done
[ -n "$runtime_pid" ] || { echo "no $comm process in environment $environment" >&2; exit 1; }
for who in client:$client server:$server runtime:$runtime_pid; do
  for t in /proc/${who#*:}/task/*; do echo "$(basename "$t") ${who%%:*}"; done
done > tasks.txt
perf record -q -e sched:sched_switch -e syscalls:sys_enter_write -e syscalls:sys_enter_writev \
  -e syscalls:sys_enter_sendto -e syscalls:sys_enter_sendmsg -a -o perf.data -- sleep 0.5 > /dev/null 2>&1
wait "$client"
perf script -i perf.data -F pid,tid,time,event,trace 2> /dev/null > script.txt
echo "$runtime, warm, one wrk client (load $(cut -d' ' -f1 /proc/loadavg)); wrk: $(grep Requests/sec wrk.txt)"
python3 "$here/analyze.py" script.txt tasks.txt "$client" "$server" "$runtime_pid"
