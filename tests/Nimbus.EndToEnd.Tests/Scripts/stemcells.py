# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for the stem-cell pool (docs/cold-starts.md).

Usage: python stemcells.py CASE DATA_DIR. The server at NIMBUS_ENDPOINT runs the runc backend with stem cells of
python3.11 and nodejs20.x kept from the start, at most one per runtime. The tests run as root on the server's host:
they see the cells' processes and mounts there.
"""
import concurrent.futures
import json
import os
import re
import sys
import time
import urllib.request

from invoke import LAM, deploy, invoke, invoke_json, make_zip
from isolation import cpu_quota_on_host

DATA_DIR = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else ""

# Reports what the environment shows. `stem_cell`: the runtime was started before its function was known (the
# environment it was executed with, which /proc/self/environ keeps, is the unspecialized cell's).
PROBE = r'''
import os, subprocess, sys

def view():
    with open("/proc/self/environ", "rb") as f:
        exec_environment = f.read().split(b"\0")
    processes = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                processes.append(f.read().replace(b"\0", b" ").decode())
        except OSError:
            pass
    tmp = os.statvfs("/tmp")
    return {
        "stem_cell": b"_NIMBUS_STEM_FD=3" in exec_environment,
        "exec_environment": [e.decode() for e in exec_environment if e],
        "environment": dict(os.environ),
        "task": sorted(os.listdir("/var/task")),
        "opt": sorted(os.listdir("/opt")),
        "tmp": sorted(os.listdir("/tmp")),
        "tmp_mb": tmp.f_blocks * tmp.f_frsize // (1024 * 1024),
        "processes": processes,
        "cwd": os.getcwd(),
        "sys_path": sys.path,
    }

def handler(event, context):
    kind = event.get("kind", "view")
    if kind == "leave_traces":
        secret = event["secret"]
        with open("/tmp/" + secret, "w") as f:
            f.write(secret)
        os.environ["LEFT_BEHIND"] = secret
        subprocess.Popen(["/bin/sleep", "3600." + secret[:6]], start_new_session=True)
    if kind == "allocate":
        blocks = [bytearray(1024 * 1024) for _ in range(event["mb"])]
        return len(blocks)
    if kind == "pid_namespace":
        return os.readlink("/proc/self/ns/pid")
    return view()
'''

NODE_PROBE = r'''
const fs = require('fs');
exports.handler = async () => ({
  stem_cell: fs.readFileSync('/proc/self/environ').toString('latin1').split('\0').includes('_NIMBUS_STEM_FD=3'),
  mark: process.env.MARK,
  cwd: process.cwd(),
  task: fs.readdirSync('/var/task').sort(),
  tmp_mb: null,
  env_names: Object.keys(process.env),
  tz: process.env.TZ,
  zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
});
'''


# A custom runtime (provided.al2023) whose bootstrap is the host's Debian python (/usr is in every sandbox), with the
# PROBE's handler: what the environment shows, for the sandbox-cell cases.
PROVIDED_PROBE = "#!/usr/bin/python3\n" + PROBE + r'''
import json, urllib.request

api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    body = json.dumps(handler(event, None)).encode()
    urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", data=body, method="POST")).read()
'''


def waiting_cell_ids():
    """Ids of every cell of this server that waits for a function, of either kind: its mount point exists on the host
    and nothing is mounted at its task/ yet."""
    with open("/proc/self/mountinfo") as f:
        mounts = {line.split(" ")[4] for line in f}
    env = os.path.join(DATA_DIR, "run", "env")
    return {i for i in os.listdir(env)
            if os.path.join(env, i, "cell") in mounts and os.path.join(env, i, "cell", "task") not in mounts}


def environment_id(view):
    """The environment's id, the end of its log stream's name (…/[$LATEST]<id>)."""
    return view["environment"]["AWS_LAMBDA_LOG_STREAM_NAME"].rsplit("]", 1)[1]


def waiting_cells(interpreter):
    """Ids of this server's stem cells whose runtime (argv[0] ending in `interpreter`) still waits for a function:
    their process was started unspecialized and nothing is mounted at their /var/task yet."""
    with open("/proc/self/mountinfo") as f:
        mounts = {line.split(" ")[4] for line in f}
    cells = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if b"_NIMBUS_STEM_FD=3" not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv0 = f.read().split(b"\0")[0].decode()
            with open(f"/proc/{pid}/cgroup") as f:
                paths = {line.split(":", 2)[2] for line in f.read().splitlines()}
        except OSError:
            continue
        if not argv0.endswith(interpreter):
            continue
        for path in paths:
            if path.startswith("/nimbus/"):
                cell = os.path.join(DATA_DIR, "run", "env", path.split("/")[2], "cell")
                if cell in mounts and os.path.join(cell, "task") not in mounts:
                    cells.add(path.split("/")[2])
    return cells


def await_cell(runtime="python3.11", kind="runtime", hang_guard_seconds=120):
    """Waits until the server counts a cell of `runtime` and `kind` in its pool: one whose runtime (or, for a sandbox
    cell, nimbus-init) waits for a function (a cell still starting is not handed out, so a cold start right after
    this takes it)."""
    if not reading_once_it_is(lambda: (stem_cells_gauge(runtime, kind) or 0) >= 1, True, hang_guard_seconds):
        raise AssertionError(f"no {kind} cell of {runtime} is waiting in the pool")


def deploy_probe(**extra):
    extra.setdefault("Timeout", 60)
    return deploy({"app.py": PROBE}, **extra)


def case_nothing_of_one_function_in_another():
    secret = "a" + os.urandom(8).hex()
    first = deploy_probe(Environment={"Variables": {"SECRET_OF_A": secret}})
    second = deploy_probe(Environment={"Variables": {"MARK": "b"}})
    await_cell()
    a = invoke_json(first, {"kind": "leave_traces", "secret": secret})
    assert a["stem_cell"], "the first cold start takes the waiting cell"
    assert a["environment"]["SECRET_OF_A"] == secret and a["cwd"] == "/var/task" and a["task"] == ["app.py"], a
    assert not any(secret in e for e in a["exec_environment"]), "a cell starts with nothing of any function"
    await_cell()
    b = invoke_json(second)
    assert b["stem_cell"], "the second function's cold start takes a new cell"
    assert b["environment"]["MARK"] == "b", b
    everything = json.dumps(b)
    assert secret not in everything and "SECRET_OF_A" not in everything and "LEFT_BEHIND" not in everything, \
        f"the second function sees something of the first: {everything}"
    assert b["tmp"] == [], b["tmp"]
    assert not any("3600." in p for p in b["processes"]), b["processes"]
    assert b["environment"]["AWS_ACCESS_KEY_ID"] != a["environment"]["AWS_ACCESS_KEY_ID"], "each function gets its own credentials"
    assert b["environment"]["AWS_LAMBDA_FUNCTION_NAME"] == second and b["environment"]["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    # The first function's environment is still warm and still its own.
    again = invoke_json(first)
    assert again["tmp"] == [secret] and again["environment"]["LEFT_BEHIND"] == secret, again


def case_limits_of_the_function_after_specialization():
    await_cell()
    name = deploy_probe(MemorySize=128, EphemeralStorage={"Size": 600})
    view = invoke_json(name)
    assert view["stem_cell"], "the cold start takes the waiting cell"
    assert view["tmp_mb"] == 600, f"/tmp is the function's EphemeralStorage: {view['tmp_mb']} MB"
    assert cpu_quota_on_host(name) == 7236, "128 MB buys 7.2% of a vCPU once init is over"
    response, body = invoke(name, {"kind": "allocate", "mb": 400})
    error = json.loads(body)
    assert response.get("FunctionError") == "Unhandled" and error["errorType"] == "Runtime.OutOfMemory", (response, error)
    assert invoke_json(name, {"kind": "allocate", "mb": 10}) == 10, "the next invoke gets a new, working environment"


def case_layers_and_code_read_only():
    await_cell()
    layer = LAM.publish_layer_version(LayerName="stem-layer", Content={"ZipFile": make_zip({"python/stemlib.py": "VALUE = 42\n"})},
                                      CompatibleRuntimes=["python3.11"])
    code = PROBE + "\nimport stemlib\n\ndef with_layer(event, context):\n    v = view()\n    v['layer'] = stemlib.VALUE\n    try:\n        open('/var/task/x', 'w')\n        v['task_write'] = 'written'\n    except OSError as e:\n        v['task_write'] = e.strerror\n    return v\n"
    name = deploy({"app.py": code}, handler="app.with_layer", Layers=[layer["LayerVersionArn"]], Timeout=60)
    view = invoke_json(name)
    assert view["stem_cell"] and view["layer"] == 42 and view["opt"] == ["python"], view
    assert view["task_write"] in ("Read-only file system", "Permission denied"), view["task_write"]
    # As in an environment started the usual way: the task root, then the layer's directories that exist (AWS's order).
    assert view["sys_path"][:2] == ["/var/task", "/opt/python"], view["sys_path"]


def case_empty_pool_falls_back():
    await_cell()
    names = [deploy_probe(Environment={"Variables": {"MARK": str(i)}}) for i in range(4)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        views = list(pool.map(invoke_json, names))
    assert [v["environment"]["MARK"] for v in views] == ["0", "1", "2", "3"], views
    stem = [v["stem_cell"] for v in views]
    assert any(stem) and not all(stem), f"one cell for four concurrent cold starts: the others start the usual way ({stem})"


def case_node_stem_cell():
    await_cell("nodejs20.x")
    name = deploy({"index.js": NODE_PROBE}, runtime="nodejs20.x", handler="index.handler", Environment={"Variables": {"MARK": "n"}})
    view = invoke_json(name)
    assert view["stem_cell"] and view["mark"] == "n" and view["cwd"] == "/var/task" and view["task"] == ["index.js"], view
    # The cell's own variables are replaced by the function's (only what differs is written: TZ stays as it was).
    assert "_NIMBUS_STEM_FD" not in view["env_names"] and "AWS_LAMBDA_FUNCTION_NAME" in view["env_names"], view
    assert view["tz"] == ":UTC" and view["zone"] == "UTC", view
    # A function's own TZ (Lambda lets functions set it) is honoured by a cell too.
    await_cell("nodejs20.x")
    zoned = deploy({"index.js": NODE_PROBE}, runtime="nodejs20.x", handler="index.handler", Environment={"Variables": {"TZ": "America/New_York"}})
    view = invoke_json(zoned)
    assert view["stem_cell"] and view["tz"] == "America/New_York" and view["zone"] == "America/New_York", view


def case_first_invoke_takes_a_cell():
    await_cell()
    name = deploy_probe()
    view = invoke_json(name)
    assert view["stem_cell"] and view["task"] == ["app.py"], view


def demand_file_lines():
    """The runtimes the pool keeps in demand, as it wrote them down for a restarted server (stem-cells.tsv)."""
    try:
        with open(os.path.join(DATA_DIR, "stem-cells.tsv")) as f:
            return [line.split("\t")[:3] for line in f.read().splitlines()]
    except FileNotFoundError:
        return []


def case_runtime_put_in_demand():
    # python3.12 is not among the server's configured runtimes: its first cold start finds no cell and puts it in
    # demand; the pool then makes one and writes the runtime down.
    name = deploy_probe(runtime="python3.12")
    assert not invoke_json(name)["stem_cell"], "no python3.12 cell before its first cold start"
    await_cell("python3.12")
    wanted = ["python3.12", "outbound", "runtime"]
    assert reading_once_it_is(lambda: wanted in demand_file_lines(), True), f"stem-cells.tsv: {demand_file_lines()}"


def case_runtime_in_demand_before_the_restart():
    # After the restart, with no cold start of it yet: the pool makes a python3.12 cell again, and a new function's
    # first cold start takes it.
    await_cell("python3.12")
    view = invoke_json(deploy_probe(runtime="python3.12"))
    assert view["stem_cell"] and view["task"] == ["app.py"], view


def stem_cells_gauge(runtime, kind="runtime"):
    """The server's nimbus_stem_cells gauge for `runtime` and `kind` at /metrics (unsigned, as Prometheus scrapes), or
    None."""
    endpoint = os.environ["NIMBUS_ENDPOINT"].rstrip("/")
    with urllib.request.urlopen(endpoint + "/metrics") as response:
        text = response.read().decode()
    labels = r'(?=[^}]*runtime="' + re.escape(runtime) + r'")(?=[^}]*kind="' + re.escape(kind) + r'")'
    found = re.findall(r'^nimbus_stem_cells\{' + labels + r'[^}]*\} (\d+)$', text, re.M)
    return int(found[0]) if found else None


def reading_once_it_is(read, wanted, hang_guard_seconds=120):
    """Reads until the reading is `wanted` and returns it; the guard only keeps a broken server from hanging the run
    (the caller asserts on the reading, never on time)."""
    stop = time.monotonic() + hang_guard_seconds
    value = read()
    while value != wanted and time.monotonic() < stop:
        time.sleep(0.05)
        value = read()
    return value


def case_waiting_cells_on_metrics():
    # The pool keeps one cell of each runtime: the gauge says so once the cell waits in it, and the host shows it.
    for runtime, interpreter in (("python3.11", "python3.11"), ("nodejs20.x", "node")):
        assert reading_once_it_is(lambda: stem_cells_gauge(runtime), 1) == 1, f"nimbus_stem_cells for {runtime} never reads 1"
        assert waiting_cells(interpreter), f"the gauge counts a {runtime} cell the host does not show"


def case_sandbox_cell_custom_runtime():
    # provided.al2023 is kept as sandbox cells from the server's start: a custom runtime's bootstrap is the function's
    # own, so only the sandbox and nimbus-init can wait ahead.
    secret = "s" + os.urandom(8).hex()
    first = deploy({"bootstrap": PROVIDED_PROBE}, runtime="provided.al2023", handler="probe.handler", modes={"bootstrap": 0o755},
                   Timeout=60, MemorySize=128, EphemeralStorage={"Size": 600}, Environment={"Variables": {"SECRET_OF_A": secret}})
    await_cell("provided.al2023", "sandbox")
    waiting = waiting_cell_ids()
    a = invoke_json(first, {"kind": "leave_traces", "secret": secret})
    assert environment_id(a) in waiting, f"the cold start takes a waiting sandbox cell ({environment_id(a)} not in {waiting})"
    assert a["environment"]["SECRET_OF_A"] == secret and a["cwd"] == "/var/task" and a["task"] == ["bootstrap"], a
    # The runtime started with the function's environment: a sandbox cell's process is started only once taken.
    assert f"SECRET_OF_A={secret}" in a["exec_environment"] and not a["stem_cell"], a["exec_environment"]
    assert a["tmp_mb"] == 600, f"/tmp is the function's EphemeralStorage: {a['tmp_mb']} MB"
    assert cpu_quota_on_host(first) == 7236, "128 MB buys 7.2% of a vCPU once init is over"

    second = deploy({"bootstrap": PROVIDED_PROBE}, runtime="provided.al2023", handler="probe.handler", modes={"bootstrap": 0o755},
                    Timeout=60, Environment={"Variables": {"MARK": "b"}})
    await_cell("provided.al2023", "sandbox")
    waiting = waiting_cell_ids()
    b = invoke_json(second)
    assert environment_id(b) in waiting and environment_id(b) != environment_id(a), (environment_id(b), waiting)
    everything = json.dumps(b)
    assert secret not in everything and "SECRET_OF_A" not in everything, f"the second function sees something of the first: {everything}"
    assert b["tmp"] == [] and b["tmp_mb"] == 512, (b["tmp"], b["tmp_mb"])
    assert not any("3600." in p for p in b["processes"]), b["processes"]
    assert b["environment"]["MARK"] == "b" and b["environment"]["AWS_LAMBDA_FUNCTION_NAME"] == second, b["environment"]


def case_sandbox_cell_for_variables_read_at_start():
    # PYTHON* variables must be there when the interpreter starts, so such a function never takes a runtime cell; its
    # cold starts make python3.11 wanted as sandbox cells, which start the interpreter with the function's environment.
    code = PROBE + "\nimport sys\n\ndef flags(event, context):\n    v = view()\n    v['dont_write_bytecode'] = sys.flags.dont_write_bytecode\n    return v\n"
    variables = {"Variables": {"PYTHONDONTWRITEBYTECODE": "1"}}
    first = deploy({"app.py": code}, handler="app.flags", Timeout=60, Environment=variables)
    view = invoke_json(first)
    assert not view["stem_cell"] and view["dont_write_bytecode"] == 1, view
    await_cell("python3.11", "sandbox")
    waiting = waiting_cell_ids()
    second = deploy({"app.py": code}, handler="app.flags", Timeout=60, Environment=variables)
    view = invoke_json(second)
    assert environment_id(view) in waiting, f"the cold start takes a waiting sandbox cell ({environment_id(view)} not in {waiting})"
    assert not view["stem_cell"] and view["dont_write_bytecode"] == 1, "the interpreter started with the function's PYTHONDONTWRITEBYTECODE"
    assert view["environment"]["AWS_LAMBDA_FUNCTION_NAME"] == second and view["task"] == ["app.py"], view


# An external extension (the host's Debian python, in every sandbox): registers, notes it in /tmp, waits for events.
EXTENSION = r'''#!/usr/bin/python3
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2020-01-01/extension/"
request = urllib.request.Request(api + "register", data=json.dumps({"events": ["INVOKE"]}).encode(), method="POST",
                                 headers={"Lambda-Extension-Name": "probe-ext"})
with urllib.request.urlopen(request) as response:
    identifier = response.headers["Lambda-Extension-Identifier"]
open("/tmp/ext-registered", "w").close()
while True:
    urllib.request.urlopen(urllib.request.Request(api + "event/next", headers={"Lambda-Extension-Identifier": identifier})).read()
'''


def case_sandbox_cell_for_external_extensions():
    # An external extension starts before the runtime, so a function whose layers bring one takes a sandbox cell of its
    # runtime, never a runtime cell (whose interpreter would already run without it).
    layer = LAM.publish_layer_version(LayerName="stem-extension", Content={"ZipFile": make_zip({"extensions/probe-ext": EXTENSION}, {"extensions/probe-ext": 0o755})},
                                      CompatibleRuntimes=["python3.11"])["LayerVersionArn"]
    first = deploy_probe(Layers=[layer])
    assert "ext-registered" in invoke_json(first)["tmp"], "the extension runs"
    await_cell("python3.11", "sandbox")
    await_cell("python3.11", "runtime")
    waiting = waiting_cell_ids()
    second = deploy_probe(Layers=[layer])
    view = invoke_json(second)
    assert environment_id(view) in waiting, f"the cold start takes a waiting sandbox cell ({environment_id(view)} not in {waiting})"
    assert not view["stem_cell"] and "ext-registered" in view["tmp"], view
    assert stem_cells_gauge("python3.11", "runtime") == 1, "the runtime cell is left for a function it can serve"


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
