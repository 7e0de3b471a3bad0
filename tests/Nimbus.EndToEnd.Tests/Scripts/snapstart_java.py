# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for SnapStart of java17 functions: pre-initialized spares (docs/cold-starts.md#snapstart).

Usage: python snapstart_java.py CASE [ARG]. The function registers two CRaC resources through org.crac. Maven is not
reachable here, so the function carries its own org.crac package, compiled into its jar, written for this test with
the open-source org.crac library's public API (Core, Context, Resource, CheckpointException, RestoreException) and
its behaviour on a JDK without jdk.crac: it looks up the compatibility package named by the system property
org.crac.Core.Compat (then javax.crac, jdk.crac) by name, registers each resource there through a proxy, and drops
the registration when there is none. The process-sandbox cases also see the environments' processes from here: each
init writes its pid into the directory PIDDIR names.
"""
import concurrent.futures
import json
import os
import sys
import tempfile
import time
import re
import urllib.request
import uuid


from jvm import LAM, ROLE, compile_java, core_jar, zip_bytes
from snapstart import expect_error, publish_ready, wait_version

ORG_CRAC = {
    "org/crac/Resource.java": """package org.crac;
public interface Resource {
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;
    void afterRestore(Context<? extends Resource> context) throws Exception;
}""",
    "org/crac/CheckpointException.java": """package org.crac;
public class CheckpointException extends Exception { public CheckpointException() { } }""",
    "org/crac/RestoreException.java": """package org.crac;
public class RestoreException extends Exception { public RestoreException() { } }""",
    "org/crac/Context.java": """package org.crac;
public abstract class Context<R extends Resource> implements Resource {
    protected Context() { }
    public static Context<Resource> getGlobalContext() { return Core.GLOBAL; }
    public abstract void register(R resource);
}""",
    "org/crac/Core.java": """package org.crac;
import java.lang.reflect.*;
import java.util.*;
public class Core {
    static final Context<Resource> GLOBAL = new Context<Resource>() {
        public void beforeCheckpoint(Context<? extends Resource> c) { throw new UnsupportedOperationException(); }
        public void afterRestore(Context<? extends Resource> c) { throw new UnsupportedOperationException(); }
        public void register(Resource r) { Core.register(r); }
    };
    private static final List<Object> KEPT = new ArrayList<>();
    private static Class<?> resourceClass;
    private static Method registerMethod;
    private static Object compatContext;
    static {
        List<String> candidates = new ArrayList<>();
        String named = System.getProperty("org.crac.Core.Compat");
        if (named != null) candidates.add(named);
        candidates.add("javax.crac");
        candidates.add("jdk.crac");
        for (String pkg : candidates) {
            try {
                Class<?> resource = Class.forName(pkg + ".Resource");
                Class<?> context = Class.forName(pkg + ".Context");
                Class<?> core = Class.forName(pkg + ".Core");
                Class.forName(pkg + ".CheckpointException");
                Class.forName(pkg + ".RestoreException");
                core.getMethod("checkpointRestore");
                compatContext = core.getMethod("getGlobalContext").invoke(null);
                registerMethod = context.getMethod("register", resource);
                resourceClass = resource;
                break;
            } catch (ReflectiveOperationException e) {
                // Not this package: try the next; with none, registrations are dropped.
            }
        }
    }
    public static Context<Resource> getGlobalContext() { return GLOBAL; }
    public static void checkpointRestore() throws CheckpointException, RestoreException {
        throw new UnsupportedOperationException();
    }
    static synchronized void register(Resource r) {
        if (registerMethod == null) return;
        Object proxy = Proxy.newProxyInstance(Core.class.getClassLoader(), new Class<?>[] {resourceClass}, (p, m, args) -> {
            if (m.getName().equals("beforeCheckpoint")) { r.beforeCheckpoint(GLOBAL); return null; }
            if (m.getName().equals("afterRestore")) { r.afterRestore(GLOBAL); return null; }
            return m.invoke(r, args);
        });
        KEPT.add(proxy);
        try {
            registerMethod.invoke(compatContext, proxy);
        } catch (ReflectiveOperationException e) {
            throw new RuntimeException(e);
        }
    }
}""",
}

SNAP = {"example/Snap.java": """package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.File;
import java.util.*;
import org.crac.Core;
import org.crac.Resource;

public class Snap implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    static final List<String> ORDER = Collections.synchronizedList(new ArrayList<>());
    static final String INIT_VALUE = UUID.randomUUID().toString();
    static volatile String afterValue;
    static final Resource FIRST = new Resource() {
        public void beforeCheckpoint(org.crac.Context<? extends Resource> c) {
            ORDER.add("before-1");
            if (System.getenv("FAIL_BEFORE") != null) throw new IllegalStateException("before failed on purpose");
        }
        public void afterRestore(org.crac.Context<? extends Resource> c) {
            ORDER.add("after-1");
            afterValue = UUID.randomUUID().toString();
            if (System.getenv("FAIL_RESTORE") != null) throw new IllegalStateException("restore failed on purpose");
        }
    };
    static final Resource SECOND = new Resource() {
        public void beforeCheckpoint(org.crac.Context<? extends Resource> c) { ORDER.add("before-2"); }
        public void afterRestore(org.crac.Context<? extends Resource> c) { ORDER.add("after-2"); }
    };

    static {
        String gate = System.getenv("GATE");
        while (gate != null && !new File(gate).exists()) {
            try { Thread.sleep(20); } catch (InterruptedException e) { throw new RuntimeException(e); }
        }
        String pids = System.getenv("PIDDIR");
        if (pids != null) {
            try { new File(pids, Long.toString(ProcessHandle.current().pid())).createNewFile(); }
            catch (java.io.IOException e) { throw new RuntimeException(e); }
        }
        Core.getGlobalContext().register(FIRST);
        Core.getGlobalContext().register(SECOND);
    }

    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object barrier = event.get("barrier");
        if (barrier instanceof Map) {
            Map<?, ?> b = (Map<?, ?>) barrier;
            File dir = new File((String) b.get("dir"));
            try { new File(dir, context.getAwsRequestId()).createNewFile(); } catch (java.io.IOException e) { throw new RuntimeException(e); }
            long deadline = System.currentTimeMillis() + 60000;
            while (dir.list().length < ((Number) b.get("count")).intValue() && System.currentTimeMillis() < deadline) {
                try { Thread.sleep(10); } catch (InterruptedException e) { throw new RuntimeException(e); }
            }
        }
        Object hold = event.get("hold");
        if (hold instanceof Map) {
            // Holds this environment busy until the test (from the host, through /proc/<pid>/root) releases it.
            Map<?, ?> h = (Map<?, ?>) hold;
            try { new File((String) h.get("started")).createNewFile(); } catch (java.io.IOException e) { throw new RuntimeException(e); }
            long deadline = System.currentTimeMillis() + 60000;
            while (!new File((String) h.get("release")).exists() && System.currentTimeMillis() < deadline) {
                try { Thread.sleep(10); } catch (InterruptedException e) { throw new RuntimeException(e); }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("order", new ArrayList<>(ORDER));
        out.put("init", INIT_VALUE);
        out.put("after", afterValue);
        out.put("type", System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
        out.put("pid", ProcessHandle.current().pid());
        out.put("stream", context.getLogStreamName());
        return out;
    }
}
"""}

_ZIP = None


def function_zip():
    global _ZIP
    if _ZIP is None:
        jar, core_dir = core_jar()
        crac = compile_java(ORG_CRAC)
        crac_dir = tempfile.mkdtemp(prefix="crac-")
        for path, data in crac.items():
            os.makedirs(os.path.join(crac_dir, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(crac_dir, path), "wb") as f:
                f.write(data)
        classes = compile_java(SNAP, [core_dir, crac_dir])
        _ZIP = zip_bytes({"lib/aws-lambda-java-core-stand-in.jar": jar, "lib/org-crac-stand-in.jar": zip_bytes(crac),
                          "lib/function.jar": zip_bytes(classes)})
    return _ZIP


def create(variables=None, snap_start=True, **extra):
    name = f"jsnap-{uuid.uuid4().hex[:10]}"
    args = dict(FunctionName=name, Runtime="java17", Role=ROLE, Handler="example.Snap::handleRequest",
                Code={"ZipFile": function_zip()}, Timeout=extra.pop("Timeout", 60), MemorySize=512, **extra)
    if snap_start:
        args["SnapStart"] = {"ApplyOn": "PublishedVersions"}
    if variables:
        args["Environment"] = {"Variables": variables}
    LAM.create_function(**args)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600})
    return name


def invoke(name, payload, **extra):
    response = LAM.invoke(FunctionName=name, Payload=json.dumps(payload).encode(), **extra)
    body = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return response, body


def report(response):
    import base64
    return [line for line in base64.b64decode(response["LogResult"]).decode().splitlines() if line.startswith("REPORT")][0]


def pids_in(directory):
    return {int(p) for p in os.listdir(directory)}


def wait_for_pids(directory, count):
    """The pids of the first `count` inits (the deadline only guards a hang)."""
    deadline = time.time() + 120
    while len(os.listdir(directory)) < count and time.time() < deadline:
        time.sleep(0.05)
    found = pids_in(directory)
    assert len(found) >= count, found
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def check_restored(response, result):
    # Before-checkpoint hooks ran when the spare was made (last registered first), after-restore hooks at the take.
    assert result["order"] == ["before-2", "before-1", "after-1", "after-2"], result
    assert result["type"] == "snap-start", result
    line = report(response)
    assert "\tRestore Duration: " in line and "\tBilled Restore Duration: " in line, line
    assert "Init Duration" not in line, line


def case_statuses_hooks_and_restore_report():
    """Process sandbox: Pending until the first spare's init is over, Active/On; the first invoke takes that spare."""
    work = tempfile.mkdtemp()
    gate, piddir = os.path.join(work, "gate"), os.path.join(work, "pids")
    os.mkdir(piddir)
    name = create({"GATE": gate, "PIDDIR": piddir})
    latest = LAM.get_function_configuration(FunctionName=name)
    assert latest["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}, latest["SnapStart"]
    published = LAM.publish_version(FunctionName=name)
    version = published["Version"]
    assert (published["State"], published["StateReasonCode"]) == ("Pending", "Creating"), published
    expect_error("SnapStartNotReadyException",
                 "Lambda is initializing your function. It will be ready to invoke once your function state becomes ACTIVE.",
                 LAM.invoke, FunctionName=name, Qualifier=version)
    open(gate, "w").close()
    config = wait_version(name, version)
    assert config["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, config["SnapStart"]
    spares = pids_in(piddir)
    assert len(spares) == 1, spares

    response, result = invoke(name, {}, Qualifier=version, LogType="Tail")
    check_restored(response, result)
    # The environment is the spare whose init ran at publishing, not one started for this invoke.
    assert result["pid"] in spares, (result, spares)

    # The spare taken is made again in the background; the next new environment takes it, and its init was its own.
    assert reading_once_it_is(lambda: spares_gauge(name, version), 1) == 1, "nimbus_snapstart_spares never reads 1"
    refilled = pids_in(piddir) - spares
    barrier = tempfile.mkdtemp()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        both = list(pool.map(lambda _: invoke(name, {"barrier": {"dir": barrier, "count": 2}}, Qualifier=version), range(2)))
    results = [b for _, b in both]
    fresh = [r for r in results if r["pid"] != result["pid"]]
    assert len(fresh) == 1 and fresh[0]["pid"] in refilled, (results, refilled)
    assert fresh[0]["type"] == "snap-start" and fresh[0]["order"][-2:] == ["after-1", "after-2"], fresh
    # Unlike a snapshot, each spare ran its own init: what init computed differs between environments.
    assert fresh[0]["init"] != result["init"], (fresh, result)
    assert fresh[0]["stream"] != result["stream"], (fresh, result)

    # $LATEST is not a SnapStart version: init as usual, no hooks.
    response, latest_result = invoke(name, {}, LogType="Tail")
    assert latest_result["type"] == "on-demand" and latest_result["order"] == [], latest_result
    assert "\tInit Duration: " in report(response), report(response)


def case_restored_without_a_spare():
    """Two new environments at once with one spare: the other runs init and every hook on demand, Restore Duration too."""
    name = create()
    version, _ = publish_ready(name)
    barrier = tempfile.mkdtemp()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        both = list(pool.map(lambda _: invoke(name, {"barrier": {"dir": barrier, "count": 2}}, Qualifier=version, LogType="Tail"),
                             range(2)))
    for response, result in both:
        check_restored(response, result)
    assert both[0][1]["pid"] != both[1][1]["pid"], both


def case_failing_before_hook_fails_the_version():
    name = create({"FAIL_BEFORE": "1"})
    version = LAM.publish_version(FunctionName=name)["Version"]
    config = wait_version(name, version, state="Failed")
    assert config["StateReasonCode"] == "FunctionError", config
    assert config["StateReason"] == "Runtime.BeforeCheckpointError: before failed on purpose", config
    assert config["SnapStart"]["OptimizationStatus"] == "Off", config


def case_failing_after_hook_is_snapstart_exception():
    name = create({"FAIL_RESTORE": "1"})
    version, _ = publish_ready(name)
    expect_error("SnapStartException",
                 "The afterRestore() runtime hook encountered an error. For more information, check the Amazon CloudWatch logs.",
                 LAM.invoke, FunctionName=name, Qualifier=version)


def case_version_deleted_drops_spares():
    piddir = tempfile.mkdtemp()
    name = create({"PIDDIR": piddir})
    version, _ = publish_ready(name)
    spares = wait_for_pids(piddir, 1)
    assert all(alive(p) for p in spares), spares
    LAM.delete_function(FunctionName=name, Qualifier=version)
    deadline = time.time() + 60
    while any(alive(p) for p in spares) and time.time() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in spares), f"spares {spares} outlived their version"


def case_before_restart():
    piddir = tempfile.mkdtemp()
    name = create({"PIDDIR": piddir})
    version, _ = publish_ready(name)
    with open(sys.argv[2], "w") as f:
        json.dump({"name": name, "version": version, "piddir": piddir, "spares": sorted(wait_for_pids(piddir, 1))}, f)


def case_after_restart():
    with open(sys.argv[2]) as f:
        before = json.load(f)
    config = LAM.get_function_configuration(FunctionName=before["name"], Qualifier=before["version"])
    assert (config["State"], config["SnapStart"]["OptimizationStatus"]) == ("Active", "On"), config
    assert not any(alive(p) for p in before["spares"]), before
    # The restarted server makes the version's spare again without an invoke asking for it.
    assert reading_once_it_is(lambda: spares_gauge(before["name"], before["version"]), 1) == 1, "no spare after the restart"
    made = pids_in(before["piddir"]) - set(before["spares"])
    response, result = invoke(before["name"], {}, Qualifier=before["version"], LogType="Tail")
    check_restored(response, result)
    assert result["pid"] in made, (result, made)


def case_runc_restored():
    """Under runc (no host view of the environments): statuses, hooks, snap-start, Restore Duration, then warm."""
    name = create()
    version, config = publish_ready(name)
    assert config["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, config["SnapStart"]
    response, first = invoke(name, {}, Qualifier=version, LogType="Tail")
    check_restored(response, first)
    # The environment stays warm: its next invoke has no restore.
    response, second = invoke(name, {}, Qualifier=version, LogType="Tail")
    assert second["init"] == first["init"] and "Restore Duration" not in report(response), (first, second)



def spares_gauge(name, version):
    """The server's nimbus_snapstart_spares gauge for the version at /metrics (unsigned, as Prometheus scrapes), or None."""
    with urllib.request.urlopen(os.environ["NIMBUS_ENDPOINT"].rstrip("/") + "/metrics") as response:
        text = response.read().decode()
    for labels, value in re.findall(r'^nimbus_snapstart_spares\{([^}]*)\} (\d+)$', text, re.M):
        found = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        if found.get("function_name") == name and found.get("version") == version:
            return int(value)
    return None


def reading_once_it_is(read, wanted, hang_guard_seconds=120):
    """Reads until the reading is `wanted` and returns it; the guard only keeps a broken server from hanging the run
    (the caller asserts on the reading, never on time)."""
    stop = time.monotonic() + hang_guard_seconds
    value = read()
    while value != wanted and time.monotonic() < stop:
        time.sleep(0.05)
        value = read()
    return value


def _runtimes_of(name):
    """{environment id: host pid} of the JVMs of function `name` (their environ names it; the cpu cgroup is /nimbus/<id>)."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"AWS_LAMBDA_FUNCTION_NAME={name}".encode() not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"nimbus.lambda.Bootstrap" not in f.read():
                    continue
            with open(f"/proc/{pid}/cgroup") as f:
                for line in f:
                    _, controllers, path = line.strip().split(":", 2)
                    if "cpu" in controllers.split(",") and path.startswith("/nimbus/"):
                        found[path.split("/")[2]] = int(pid)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def _cpu_shares(environment):
    with open(f"/sys/fs/cgroup/cpu/nimbus/{environment}/cpu.shares") as f:
        return int(f.read())


def case_runc_refilled_spare_waits_at_low_priority():
    """Under runc (cgroup v1 here): a refilled spare waits at a stem cell's CPU share and gets the usual one when taken."""
    name = create()
    version, _ = publish_ready(name)
    _, first = invoke(name, {}, Qualifier=version)
    taken = first["stream"].split("]")[1]
    # The taken spare is made again in the background; the server's gauge says when it is ready to be taken.
    assert reading_once_it_is(lambda: spares_gauge(name, version), 1) == 1, "nimbus_snapstart_spares never reads 1"
    runtimes = _runtimes_of(name)
    spare = [e for e in runtimes if e != taken]
    assert taken in runtimes and len(spare) == 1, (taken, runtimes)
    assert _cpu_shares(taken) == 1024 and _cpu_shares(spare[0]) == 64, (_cpu_shares(taken), _cpu_shares(spare[0]))
    # The warm environment is held busy (its handler waits for a file the test makes through /proc/<pid>/root): the
    # next invoke needs a new environment, which takes the spare.
    root = f"/proc/{runtimes[taken]}/root/tmp"
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        held = pool.submit(invoke, name, {"hold": {"started": "/tmp/held", "release": "/tmp/release"}}, Qualifier=version)
        deadline = time.time() + 60
        while not os.path.exists(os.path.join(root, "held")) and time.time() < deadline and not held.done():
            time.sleep(0.02)
        assert os.path.exists(os.path.join(root, "held")), held.result() if held.done() else "not started"
        response, second = invoke(name, {}, Qualifier=version, LogType="Tail")
        open(os.path.join(root, "release"), "w").close()
        held.result()
    assert second["stream"].split("]")[1] == spare[0], (second, spare)
    check_restored(response, second)
    assert _cpu_shares(spare[0]) == 1024, _cpu_shares(spare[0])


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
