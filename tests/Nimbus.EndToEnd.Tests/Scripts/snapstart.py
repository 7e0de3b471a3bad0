# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for Lambda SnapStart (docs/cold-starts.md#snapstart).

Usage: python snapstart.py CASE [ARG]. The server at NIMBUS_ENDPOINT runs the process sandbox (its functions run as
host processes, so a function and this script share the host's files and /proc): a test function's init waits for a
gate file this script creates, and reports its template's pid (the parent of every forked runtime). The runc_* cases
need a server with the runc sandbox on this host (root): they look at a restored runtime from inside and from the host.
"""
import concurrent.futures
import json
import os
import socket
import sys
import tempfile
import time
import uuid

import boto3
import botocore.exceptions

from invoke import ENDPOINT, LAM, REGION, ROLE, invoke, invoke_json, make_zip, tail

RUNTIME = "python3.12"

# Init: waits for the gate file named by GATE (when set), registers hooks both ways, keeps a random value. The
# handler reports what a test needs; with "barrier" it waits until that many invocations are running at once.
APP = r'''
import os, random, time
from snapshot_restore_py import register_before_snapshot, register_after_restore

ORDER = []
gate = os.environ.get("GATE")
while gate and not os.path.exists(gate):
    time.sleep(0.02)
time.sleep(float(os.environ.get("INIT_SLEEP", "0")))
if os.environ.get("FAIL_INIT"):
    raise RuntimeError("init failed on purpose")
if os.environ.get("MARK_TMP"):
    open("/tmp/written-at-init", "w").close()  # in the template's /tmp
INIT_VALUE = random.random()
AFTER = {}

@register_before_snapshot
def first_before():
    ORDER.append("before-1")

def second_before(tag):
    ORDER.append("before-2:" + tag)

register_before_snapshot(second_before, "arg")

@register_after_restore
def first_after():
    ORDER.append("after-1")
    AFTER["random"] = random.random()
    AFTER["urandom"] = os.urandom(8).hex()

register_after_restore(lambda: ORDER.append("after-2"))

@register_after_restore
def failing_or_slow_after():
    if os.environ.get("FAIL_RESTORE"):
        raise RuntimeError("restore failed on purpose")
    time.sleep(float(os.environ.get("RESTORE_SLEEP", "0")))

def probe(context):
    """What a restored runtime sees of its sandbox (runc cases)."""
    with open("/tmp/written-by-" + context.aws_request_id, "w") as f:
        f.write("x")
    status = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            status[key] = value.strip()
    processes = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                processes[pid] = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            processes[pid] = "?"
    import errno, resource
    # setns on no descriptor: the kernel answers EBADF, a seccomp filter that denies setns EPERM first. The template's
    # container allows setns (its child enters restored containers); the restored runtime's own filter must not.
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    setns = "allowed" if libc.setns(-1, 0) == 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    # io_uring_setup(1, params): a ring's operations would run out of seccomp's sight; the filter answers ENOSYS.
    ring = libc.syscall(425, 1, ctypes.create_string_buffer(120))
    io_uring = "allowed" if ring >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    if ring >= 0:
        os.close(ring)
    return {
        "setns": setns,
        "io_uring": io_uring,
        "uid": os.getuid(),
        "hostname": os.uname().nodename,
        "status": {k: status.get(k) for k in ("CapEff", "CapPrm", "CapInh", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp")},
        "processes": processes,
        "cmdline": processes.get(str(os.getpid())),
        "tmp": sorted(os.listdir("/tmp")),
        "pid_namespace": os.readlink("/proc/self/ns/pid"),
        "nofile": list(resource.getrlimit(resource.RLIMIT_NOFILE)),
    }

def waited_file(path, containing):
    """The file's text once it contains the text (the extension writes it; the deadline only guards a hang)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with open(path) as f:
                text = f.read()
            if containing in text:
                return text
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    return None

def handler(event, context):
    if event.get("extension"):
        return {"registered": waited_file("/tmp/ext-registered", "\n"), "event": waited_file("/tmp/ext-event", "INVOKE"),
                "type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE")}
    if event.get("allocate"):
        chunks = [bytearray(1024 * 1024) for _ in range(event["allocate"])]
        return len(chunks)
    if event.get("sleep_only"):
        time.sleep(event["sleep_only"])
    if event.get("pidfile"):
        with open(event["pidfile"], "w") as f:
            f.write(str(os.getpid()))
        time.sleep(event.get("sleep", 0))
    barrier = event.get("barrier")
    if barrier:
        open(os.path.join(barrier["dir"], context.aws_request_id), "w").close()
        deadline = time.time() + 60
        while len(os.listdir(barrier["dir"])) < barrier["count"] and time.time() < deadline:
            time.sleep(0.01)
    return {
        "order": ORDER,
        "init": INIT_VALUE,
        "after": AFTER,
        "type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"),
        "pid": os.getpid(),
        "template": os.getppid(),
        "stream": context.log_stream_name,
        "internal": sorted(name for name in os.environ if name.startswith("_NIMBUS")),
        "probe": probe(context) if event.get("probe") else None,
    }
'''


# An external extension in sh and curl (both on every host, so in every runc container): registers for INVOKE and
# writes what it got to /tmp, the function's.
EXTENSION = r'''#!/bin/sh
api="http://${AWS_LAMBDA_RUNTIME_API}/2020-01-01/extension"
id=$(curl -sS -D - -o /dev/null -X POST -H 'Lambda-Extension-Name: snapext' -d '{"events":["INVOKE"]}' "$api/register" \
  | tr -d '\r' | sed -n 's/^[Ll]ambda-[Ee]xtension-[Ii]dentifier: //p')
echo "$id" > /tmp/ext-registered
while :; do curl -sS -H "Lambda-Extension-Identifier: $id" "$api/event/next" > /tmp/ext-event.new || exit 1; mv /tmp/ext-event.new /tmp/ext-event; done
'''


def create(snap_start=True, runtime=RUNTIME, variables=None, **extra):
    name = f"snap-{uuid.uuid4().hex[:10]}"
    args = dict(FunctionName=name, Runtime=runtime, Role=ROLE, Handler="app.handler",
                Code={"ZipFile": make_zip({"app.py": APP})}, **extra)
    if snap_start:
        args["SnapStart"] = {"ApplyOn": "PublishedVersions"}
    if variables:
        args["Environment"] = {"Variables": variables}
    LAM.create_function(**args)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    return name


def wait_version(name, version, state="Active"):
    deadline = time.time() + 180  # a JVM's init under load too (snapstart_java.py)
    while True:
        config = LAM.get_function_configuration(FunctionName=name, Qualifier=version)
        if config["State"] == state or time.time() > deadline:
            assert config["State"] == state, config
            return config
        time.sleep(0.1)


def publish_ready(name):
    version = LAM.publish_version(FunctionName=name)["Version"]
    return version, wait_version(name, version)


def expect_error(code, message, call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        assert e.response["Error"]["Message"] == message, e.response["Error"]["Message"]
        return
    raise AssertionError(f"{call.__name__} succeeded, expected {code}")


def first_restored_report(name, version):
    """Invokes a new environment of a SnapStart version, checks what a restore shows, and gives its REPORT line."""
    response, body = invoke(name, {}, Qualifier=version, LogType="Tail")
    result = json.loads(body)
    # Before-snapshot hooks run last registered first; after-restore hooks in registration order.
    assert result["order"] == ["before-2:arg", "before-1", "after-1", "after-2"], result
    assert result["type"] == "snap-start", result
    assert result["internal"] == [], result
    report = [line for line in tail(response).splitlines() if line.startswith("REPORT")][0]
    assert "\tRestore Duration: " in report and "\tBilled Restore Duration: " in report, report
    assert "Init Duration" not in report, report
    return report


def case_statuses_hooks_and_restore_report():
    gate = os.path.join(tempfile.mkdtemp(), "gate")
    name = create(variables={"GATE": gate})
    latest = LAM.get_function_configuration(FunctionName=name)
    assert latest["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}, latest["SnapStart"]

    published = LAM.publish_version(FunctionName=name)
    version = published["Version"]
    assert (published["State"], published["StateReasonCode"]) == ("Pending", "Creating"), published
    assert published["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}, published
    # Init waits for the gate: the snapshot cannot be ready yet.
    expect_error("SnapStartNotReadyException",
                 "Lambda is initializing your function. It will be ready to invoke once your function state becomes ACTIVE.",
                 LAM.invoke, FunctionName=name, Qualifier=version)
    open(gate, "w").close()

    config = wait_version(name, version)
    assert config["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, config["SnapStart"]
    assert LAM.get_function_configuration(FunctionName=name)["SnapStart"]["OptimizationStatus"] == "Off"

    report = first_restored_report(name, version)
    # Under the process sandbox memory is counted by process: the forked runtime nimbus-init adopted is counted.
    used = int(report.split("\tMax Memory Used: ")[1].split(" MB")[0])
    assert used > 0, report

    # $LATEST is not a SnapStart version: it starts the usual way.
    response, body = invoke(name, {}, LogType="Tail")
    assert json.loads(body)["type"] == "on-demand", body
    assert "Init Duration: " in tail(response), tail(response)


def case_init_shared_after_restore_distinct():
    # 60 s (the barrier's own wait): the first handler waits for the second invocation, whose restore runs after the
    # first one's clock started; the 3 s default was the whole margin for that on a loaded machine.
    name = create(Timeout=60)
    version, _ = publish_ready(name)
    barrier = tempfile.mkdtemp()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda _: invoke_json(name, {"barrier": {"dir": barrier, "count": 2}}, Qualifier=version), range(2)))
    first, second = results
    assert first["pid"] != second["pid"], results
    assert first["template"] == second["template"], results
    # What init captured is shared (as AWS documents); what the after-restore hooks made is each environment's own.
    assert first["init"] == second["init"], results
    assert first["after"]["random"] != second["after"]["random"], results
    assert first["after"]["urandom"] != second["after"]["urandom"], results
    assert first["stream"] != second["stream"], results


def case_after_restore_hook_error_is_snapstart_exception():
    # The hook's error is the Invoke API's own (400), not a function error; its traceback is in the function's log.
    name = create(variables={"FAIL_RESTORE": "1"})
    version, _ = publish_ready(name)
    expect_error("SnapStartException",
                 "The afterRestore() runtime hook encountered an error. For more information, check the Amazon CloudWatch logs.",
                 LAM.invoke, FunctionName=name, Qualifier=version)
    logs = boto3.client("logs", endpoint_url=ENDPOINT, region_name=REGION)

    def messages():
        try:
            return [e["message"] for e in logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]]
        except logs.exceptions.ResourceNotFoundException:
            return []

    # The log is written in the background: read until it shows the hook's error (the deadline only guards a hang).
    deadline = time.time() + 60
    seen = messages()
    while not any("restore failed on purpose" in m for m in seen) and time.time() < deadline:
        time.sleep(0.1)
        seen = messages()
    assert any("restore failed on purpose" in m for m in seen), seen


def case_after_restore_past_the_init_limit_is_snapstart_timeout():
    # A restore phase (fork and after-restore hooks) longer than the 10 s init limit is not retried within the
    # function's timeout as a slow init is: the invocation fails with SnapStartTimeoutException (408).
    name = create(variables={"RESTORE_SLEEP": "12"}, Timeout=60)
    version, _ = publish_ready(name)
    expect_error("SnapStartTimeoutException", "Lambda couldn't restore the snapshot within the timeout limit.",
                 LAM.invoke, FunctionName=name, Qualifier=version)


def case_restored_runtime_killed_on_timeout():
    # The forked runtime is not nimbus-init's child: a timeout must still end it, and the next invoke restores again.
    name = create(Timeout=1)
    version, _ = publish_ready(name)
    pidfile = os.path.join(tempfile.mkdtemp(), "pid")
    response, body = invoke(name, {"pidfile": pidfile, "sleep": 30}, Qualifier=version)
    assert response.get("FunctionError") == "Unhandled" and b"Task timed out" in body, (response, body)
    with open(pidfile) as f:
        pid = int(f.read())
    deadline = time.time() + 60
    while _alive(pid) and time.time() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), f"the restored runtime {pid} outlived its environment's timeout"
    result = invoke_json(name, {}, Qualifier=version)
    assert result["type"] == "snap-start" and result["pid"] != pid, result


def case_validation():
    name = f"snap-{uuid.uuid4().hex[:10]}"
    code = {"ZipFile": make_zip({"app.py": APP})}
    common = dict(FunctionName=name, Role=ROLE, Handler="app.handler", Code=code)
    expect_error("InvalidParameterValueException", "python3.11 is not supported for SnapStart enabled functions.",
                 LAM.create_function, Runtime="python3.11", SnapStart={"ApplyOn": "PublishedVersions"}, **common)
    expect_error("InvalidParameterValueException", "nodejs20.x is not supported for SnapStart enabled functions.",
                 LAM.create_function, Runtime="nodejs20.x", SnapStart={"ApplyOn": "PublishedVersions"}, **common)
    expect_error("InvalidParameterValueException",
                 "Ephemeral storage greater than 512 MB is not supported for SnapStart enabled functions.",
                 LAM.create_function, Runtime=RUNTIME, SnapStart={"ApplyOn": "PublishedVersions"},
                 EphemeralStorage={"Size": 1024}, **common)
    expect_error("ValidationException",
                 "1 validation error detected: Value 'Always' at 'snapStart.applyOn' failed to satisfy constraint: "
                 "Member must satisfy enum value set: [PublishedVersions, None]",
                 LAM.create_function, Runtime=RUNTIME, SnapStart={"ApplyOn": "Always"}, **common)

    name = create()
    expect_error("InvalidParameterValueException", "python3.11 is not supported for SnapStart enabled functions.",
                 LAM.update_function_configuration, FunctionName=name, Runtime="python3.11")
    version, _ = publish_ready(name)
    expect_error("InvalidParameterValueException",
                 "Provisioned Concurrency is not supported for SnapStart enabled functions.",
                 LAM.put_provisioned_concurrency_config, FunctionName=name, Qualifier=version,
                 ProvisionedConcurrentExecutions=1)

    # Switched off, the next version is an ordinary one.
    LAM.update_function_configuration(FunctionName=name, SnapStart={"ApplyOn": "None"})
    LAM.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    plain = LAM.publish_version(FunctionName=name)
    assert plain["Version"] != version and plain["SnapStart"] == {"ApplyOn": "None", "OptimizationStatus": "Off"}, plain
    assert invoke_json(name, {}, Qualifier=plain["Version"])["type"] == "on-demand"


def case_failed_init_fails_the_version():
    name = create(variables={"FAIL_INIT": "1"})
    version = LAM.publish_version(FunctionName=name)["Version"]
    config = wait_version(name, version, state="Failed")
    assert config["StateReasonCode"] == "FunctionError", config
    assert "init failed on purpose" in config["StateReason"], config
    assert config["SnapStart"]["OptimizationStatus"] == "Off", config


def case_version_deleted_with_its_snapshot():
    name = create()
    version, _ = publish_ready(name)
    template = invoke_json(name, {}, Qualifier=version)["template"]
    assert os.path.exists(f"/proc/{template}"), template
    LAM.delete_function(FunctionName=name, Qualifier=version)
    deadline = time.time() + 60
    while os.path.exists(f"/proc/{template}") and _alive(template) and time.time() < deadline:
        time.sleep(0.05)
    assert not _alive(template), f"the template {template} outlived its version"


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def case_spares_hooks_and_restore_report():
    # Without a fork from a template (the bwrap sandbox), a python SnapStart version gets pre-initialized spares, as
    # java and dotnet do (docs/cold-starts.md): environments that ran init and the before-snapshot hooks, whose
    # runtime waits in /runtime/restore/next and runs the after-restore hooks when a new environment takes it.
    # A bwrap function's /tmp is its own, so no gate file: an init of 2 s keeps the version Pending for the check.
    name = create(variables={"INIT_SLEEP": "2"}, Timeout=60)
    published = LAM.publish_version(FunctionName=name)
    version = published["Version"]
    assert (published["State"], published["StateReasonCode"]) == ("Pending", "Creating"), published
    expect_error("SnapStartNotReadyException",
                 "Lambda is initializing your function. It will be ready to invoke once your function state becomes ACTIVE.",
                 LAM.invoke, FunctionName=name, Qualifier=version)
    config = wait_version(name, version)
    assert config["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, config["SnapStart"]

    first_restored_report(name, version)

    # Two environments at once (each holds its own for 3 s): each ran its own init (not a snapshot: init-time values
    # are not shared) and its own after-restore hooks.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first, second = list(pool.map(
            lambda _: invoke_json(name, {"sleep_only": 3}, Qualifier=version), range(2)))
    assert first["stream"] != second["stream"], (first, second)
    for one in (first, second):
        assert one["type"] == "snap-start" and one["order"][-2:] == ["after-1", "after-2"], one
    assert first["init"] != second["init"], (first, second)
    assert first["after"]["random"] != second["after"]["random"], (first, second)

    # A failing after-restore hook is the Invoke API's SnapStartException, as with a snapshot.
    failing = create(variables={"FAIL_RESTORE": "1"})
    failing_version, _ = publish_ready(failing)
    expect_error("SnapStartException",
                 "The afterRestore() runtime hook encountered an error. For more information, check the Amazon CloudWatch logs.",
                 LAM.invoke, FunctionName=failing, Qualifier=failing_version)


def _host_cgroup(namespace, inner_pid):
    """The memory cgroup, as the host sees it, of the process that is inner_pid in the pid namespace namespace."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/ns/pid") != namespace:
                continue
            with open(f"/proc/{pid}/status") as f:
                nspid = [line.split()[-1] for line in f if line.startswith("NSpid:")][0]
            if int(nspid) != inner_pid:
                continue
            with open(f"/proc/{pid}/cgroup") as f:
                lines = f.read().splitlines()
        except (OSError, IndexError):
            continue
        for line in lines:
            _, controllers, path = line.split(":", 2)
            if controllers in ("", "memory") or "memory" in controllers.split(","):
                return path
    return None


def _restored_probe(name, version):
    response, body = invoke(name, {"probe": True}, Qualifier=version, LogType="Tail")
    result = json.loads(body)
    assert result["type"] == "snap-start", result
    assert result["order"] == ["before-2:arg", "before-1", "after-1", "after-2"], result
    report = [line for line in tail(response).splitlines() if line.startswith("REPORT")][0]
    assert "\tRestore Duration: " in report and "Init Duration" not in report, report
    return result, result["probe"]


def case_runc_restored_runtime_confined():
    # A restored environment under runc is a container of its own; only its runtime comes from the template.
    # 60 s: at 128 MB the CPU quota is 7 % of a core, and reaching the limit is page faults; the 3 s default was the
    # whole margin for that on a loaded machine (it timed out once instead of being OOM-killed).
    name = create(MemorySize=128, Timeout=60, variables={"MARK_TMP": "1"})
    version, config = publish_ready(name)
    assert config["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, config["SnapStart"]

    first, probe = _restored_probe(name, version)
    assert probe["uid"] == 993, probe
    assert probe["status"] == {"CapEff": "0000000000000000", "CapPrm": "0000000000000000", "CapInh": "0000000000000000",
                               "CapBnd": "0000000000000000", "CapAmb": "0000000000000000", "NoNewPrivs": "1",
                               "Seccomp": "2"}, probe["status"]
    assert probe["nofile"] == [1024, 1024], probe
    assert probe["setns"] == "EPERM", probe
    assert probe["io_uring"] == "ENOSYS", probe
    assert probe["hostname"] != socket.gethostname(), probe
    # Its own /tmp: not the template's (what init wrote there stays there), its own file is.
    assert len(probe["tmp"]) == 1 and probe["tmp"][0].startswith("written-by-"), probe
    # Its own pid namespace, where the template is not to be seen: the only process running the runtime client is
    # itself, among the container's few (PID 1, nimbus-init, tini where installed).
    assert probe["pid_namespace"] != os.readlink("/proc/self/ns/pid"), probe
    assert [p for p, cmd in probe["processes"].items() if cmd == probe["cmdline"]] == [str(first["pid"])], probe
    assert len(probe["processes"]) <= 4, probe
    # From the host: the runtime is in its own container's memory cgroup (/nimbus/<id>, its hostname the id's
    # first 12 digits), not its template's.
    cgroup = _host_cgroup(probe["pid_namespace"], first["pid"])
    assert cgroup is not None and cgroup.rsplit("/", 1)[-1].startswith(probe["hostname"]), (cgroup, probe)

    # The function's 128 MB hold there: allocating more ends the environment as an OOM kill.
    response, body = invoke(name, {"allocate": 400}, Qualifier=version)
    error = json.loads(body)
    assert response.get("FunctionError") == "Unhandled" and error["errorType"] == "Runtime.OutOfMemory", (response, error)
    assert error["errorMessage"].endswith("Error: Runtime exited with error: signal: killed"), error

    # A new environment: restored again, in a container of its own.
    second, probe2 = _restored_probe(name, version)
    assert probe2["hostname"] != probe["hostname"] and probe2["pid_namespace"] != probe["pid_namespace"], (probe, probe2)
    assert len(probe2["tmp"]) == 1 and probe2["tmp"] != probe["tmp"], (probe, probe2)
    # What init captured is shared; what the after-restore hooks drew is each environment's own.
    assert first["init"] == second["init"], (first, second)
    assert first["after"]["random"] != second["after"]["random"], (first, second)
    assert first["after"]["urandom"] != second["after"]["urandom"], (first, second)


def case_runc_restored_with_an_external_extension():
    # The extension starts in the restored container and registers before the runtime (forked ahead) gets its
    # environment; it shares the container's /tmp and gets the invocations.
    layer = LAM.publish_layer_version(LayerName=f"snapext-{uuid.uuid4().hex[:8]}",
                                      Content={"ZipFile": make_zip({"extensions/snapext": EXTENSION},
                                                                   modes={"extensions/snapext": 0o755})})
    # 60 s: the handler polls for the extension's file while both share a 128 MB function's 7% of a CPU.
    name = create(Layers=[layer["LayerVersionArn"]], Timeout=60)
    version, _ = publish_ready(name)
    first = invoke_json(name, {"extension": True}, Qualifier=version)
    assert first["type"] == "snap-start" and first["registered"] and first["registered"].strip(), first
    second = invoke_json(name, {"extension": True}, Qualifier=version)
    assert second["event"] and '"eventType":"INVOKE"' in second["event"].replace(" ", ""), second


def case_runc_restored_runtime_ends_on_timeout():
    # The restored runtime is not nimbus-init's child nor in its container's first pid: a timeout must still end the
    # container, and the next invoke restores a new one. 5 s at 1,024 MB (58% of a CPU): the probe after the timeout must fit in the
    # function's timeout on a loaded machine (at 128 MB a runc container gets 7% of a CPU); 30 s of sleep still ends it.
    name = create(Timeout=5, MemorySize=1024)
    version, _ = publish_ready(name)
    response, body = invoke(name, {"sleep_only": 30, "probe": True}, Qualifier=version)
    assert response.get("FunctionError") == "Unhandled" and b"Task timed out" in body, (response, body)
    _, probe = _restored_probe(name, version)
    assert probe["uid"] == 993, probe


def case_runc_restores_go_on_after_environments_end():
    # Each timeout ends a restored container, freeing its pid namespace, whose inode number the kernel hands to the
    # next one it makes (the next spare's): the template must serve that container like any other, every time.
    # Timeout and memory as in case_runc_restored_runtime_ends_on_timeout.
    name = create(Timeout=5, MemorySize=1024)
    version, _ = publish_ready(name)
    for attempt in range(4):
        response, body = invoke(name, {"sleep_only": 30, "probe": True}, Qualifier=version)
        assert response.get("FunctionError") == "Unhandled" and b"Task timed out" in body, (attempt, response, body)
        # The kernel frees a pid namespace a little after its last process; the spare made at the next restore then
        # gets the number this one had (measured: reused after a 1 s pause). Not a timing assertion: it makes the reuse.
        time.sleep(2)
    _, probe = _restored_probe(name, version)
    assert probe["uid"] == 993, probe


def case_before_restart():
    name = create()
    version, _ = publish_ready(name)
    template = invoke_json(name, {}, Qualifier=version)["template"]
    with open(sys.argv[2], "w") as f:
        json.dump({"name": name, "version": version, "template": template}, f)


def case_after_restart():
    with open(sys.argv[2]) as f:
        before = json.load(f)
    config = LAM.get_function_configuration(FunctionName=before["name"], Qualifier=before["version"])
    assert (config["State"], config["SnapStart"]["OptimizationStatus"]) == ("Active", "On"), config
    response, body = invoke(before["name"], {}, Qualifier=before["version"], LogType="Tail")
    result = json.loads(body)
    assert result["type"] == "snap-start" and result["order"][-2:] == ["after-1", "after-2"], result
    assert result["template"] != before["template"], (result, before)
    assert "\tRestore Duration: " in tail(response), tail(response)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
