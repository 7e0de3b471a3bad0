#!/usr/bin/env python3
"""Tests of the Nimbus language runtimes against a fake Runtime API.

Usage: python3 tests/runtimes/run_tests.py [-k SUBSTRING] [-v]
Prints "N passed, N failed" last; exits 1 if anything failed.
"""

import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import traceback

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FIXTURES, RUNTIMES, FakeRuntimeApi, RuntimeProcess  # noqa: E402

# What the platform starts: launch.py runs bootstrap.py (from its cached bytecode when the host wrote it).
PY_LAUNCH = os.path.join(RUNTIMES, "python", "launch.py")
NODE_INDEX = os.path.join(RUNTIMES, "nodejs", "index.cjs")
NODE_BOOTSTRAP = os.path.join(RUNTIMES, "nodejs", "bootstrap")
PY_FIX = os.path.join(FIXTURES, "python")
NODE_FIX = os.path.join(FIXTURES, "nodejs")

TS_PY = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
TS_NODE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


class Failure(Exception):
    pass


def check(cond, message, *detail):
    if not cond:
        raise Failure(message + ("".join("\n    " + str(d) for d in detail) if detail else ""))


def eq(actual, expected, what):
    check(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))


# ---------------------------------------------------------------------------
# Interpreters
# ---------------------------------------------------------------------------

PYTHON_MINORS = range(9, 14)  # python3.9 - python3.13, the Python runtimes Nimbus runs


def _patch(path):
    try:
        return int(path.split("/versions/")[1].split("/")[0].split(".")[2])
    except (IndexError, ValueError):
        return -1


def python_interpreters():
    """Each Python runtime's interpreter, found as the server finds it: pyenv's newest patch, /usr/local/bin, /usr/bin."""
    found = []
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    for minor in PYTHON_MINORS:
        pyenv = sorted(glob.glob("%s/versions/3.%d.*/bin/python3.%d" % (root, minor, minor)), key=_patch)
        system = [p for p in ("/usr/local/bin/python3.%d" % minor, "/usr/bin/python3.%d" % minor) if os.path.exists(p)]
        paths = pyenv[-1:] + system
        if paths:
            found.append(("py3.%d" % minor, os.path.realpath(paths[0])))
    default = shutil.which("python3")
    if default:
        found.append(("python3", default))
    return found


def missing_pythons(found):
    labels = {label for label, _ in found}
    return ["python3.%d" % minor for minor in PYTHON_MINORS if "py3.%d" % minor not in labels]


def without_optimization():
    """PYTHONOPTIMIZE (or -O) would make every assert in the fixtures and harness a no-op: run again without it."""
    if sys.flags.optimize:
        env = dict(os.environ)
        env.pop("PYTHONOPTIMIZE", None)
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)
    os.environ.pop("PYTHONOPTIMIZE", None)


def node_binary():
    if os.path.exists("/usr/bin/node"):
        return "/usr/bin/node"
    return shutil.which("node")


class Session(object):
    """One fake API + one runtime process."""

    def __init__(self, argv, root, handler, env=None):
        self.api = FakeRuntimeApi()
        self.rt = RuntimeProcess(argv, root, handler, self.api, env)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.rt.stop()
        self.api.close()

    def invoke(self, *a, **kw):
        return self.api.invoke(*a, **kw)


def py_session(interp, handler, env=None):
    env = dict(env or {}, PYTHONDONTWRITEBYTECODE="1")  # keep fixtures free of __pycache__
    return Session([interp, "-u", PY_LAUNCH], PY_FIX, handler, env)


def node_session(node, handler, env=None, via_bootstrap=False):
    env = dict(env or {})
    env.setdefault("PATH", os.path.dirname(node) + os.pathsep + os.environ.get("PATH", ""))
    argv = [NODE_BOOTSTRAP] if via_bootstrap else [node, NODE_INDEX]
    if via_bootstrap:
        env["NODE_BIN"] = node
    return Session(argv, NODE_FIX, handler, env)


# ---------------------------------------------------------------------------
# Python tests
# ---------------------------------------------------------------------------

def py_echo_and_context(interp):
    cc = {"client": {"installation_id": "inst", "app_title": "title", "app_version_name": "1.0",
                     "app_version_code": "100", "app_package_name": "com.example"},
          "custom": {"k": "v"}, "env": {"platform": "linux"}}
    with py_session(interp, "handlers.echo") as s:
        r = s.invoke({"a": 1, "u": "\u00e9"}, headers={
            "Lambda-Runtime-Trace-Id": "Root=1-abc;Parent=def;Sampled=1",
            "Lambda-Runtime-Client-Context": json.dumps(cc),
            "Lambda-Runtime-Cognito-Identity": json.dumps(
                {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}),
        }, request_id="req-0001")
        eq(r.kind, "response", "kind")
        eq(r.path, "/2018-06-01/runtime/invocation/req-0001/response", "path")
        eq(r.headers.get("content-type"), "application/json", "content type")
        b = r.json()
        eq(b["event"], {"a": 1, "u": "\u00e9"}, "event")
        eq(b["function_name"], "testfn", "function_name")
        eq(b["function_version"], "$LATEST", "function_version")
        eq(b["invoked_function_arn"], "arn:aws:lambda:us-east-1:000000000000:function:testfn", "arn")
        eq(b["memory_limit_in_mb"], "256", "memory_limit_in_mb")
        eq(b["aws_request_id"], "req-0001", "aws_request_id")
        eq(b["log_group_name"], "/aws/lambda/testfn", "log_group_name")
        eq(b["log_stream_name"], "2024/01/01/[$LATEST]abcdef", "log_stream_name")
        check(0 < b["remaining"] <= 30000, "remaining time within the 30 s deadline %r" % b["remaining"])
        eq(b["identity"], ["id-1", "pool-1"], "identity")
        eq(b["client_context"], {"custom": {"k": "v"}, "env": {"platform": "linux"},
                                 "client": ["inst", "title", "1.0", "100", "com.example"]}, "client_context")
        eq(b["trace"], "Root=1-abc;Parent=def;Sampled=1", "_X_AMZN_TRACE_ID")
        eq(b["sys_path0"], PY_FIX, "sys.path[0]")
        eq(b["cwd"], PY_FIX, "cwd")
        eq(b["custom_var"], "my-value", "function env var")
        eq(b["count"], 1, "count")
        # second invoke: module imported once, trace id cleared, no identity/context
        r2 = s.invoke({"b": 2})
        b2 = r2.json()
        eq(b2["count"], 2, "module state persists (imported once)")
        eq(b2["trace"], None, "_X_AMZN_TRACE_ID removed when absent")
        eq(b2["identity"], [None, None], "identity without header")
        eq(b2["client_context"], None, "client_context without header")
        check(s.rt.stdout.count("module handlers imported") == 1, "module imported once", s.rt.stdout)
        check(len(s.api.connections) == 1, "one persistent connection, saw %r" % s.api.connections)


def py_none_and_types(interp):
    with py_session(interp, "handlers.noop") as s:
        r = s.invoke({})
        eq((r.kind, r.body), ("response", b"null"), "None result")
    with py_session(interp, "handlers.raw_bytes") as s:
        r = s.invoke({})
        eq((r.kind, r.body, r.headers.get("content-type")),
           ("response", b"\x00\x01raw", "application/unknown"), "bytes result")
    with py_session(interp, "handlers.unicode") as s:
        r = s.invoke({})
        eq(r.json(), {"s": "h\u00e9llo \u2603"}, "unicode result")
        # Lambda's python3.12+ runtimes write non-ASCII as-is; older ones escape it.
        ver = subprocess.run([interp, "-c", "import sys; print(sys.version_info >= (3, 12))"],
                             capture_output=True, text=True).stdout.strip()
        raw = r.body.decode("utf-8")
        if ver == "True":
            check("\u00e9" in raw, "3.12+: unescaped non-ASCII", raw)
        else:
            check("\\u00e9" in raw, "<3.12: escaped non-ASCII", raw)


def py_exception(interp):
    with py_session(interp, "handlers.fail") as s:
        r = s.invoke({}, request_id="req-err")
        eq(r.kind, "error", "kind")
        eq(r.path, "/2018-06-01/runtime/invocation/req-err/error", "path")
        eq(r.headers.get("lambda-runtime-function-error-type"), "ValueError", "error type header")
        check("lambda-runtime-function-xray-error-cause" in r.headers, "xray cause header")
        b = r.json()
        eq(sorted(b), ["errorMessage", "errorType", "requestId", "stackTrace"], "error keys")
        eq(b["errorType"], "ValueError", "errorType")
        eq(b["errorMessage"], "boom", "errorMessage")
        eq(b["requestId"], "req-err", "requestId")
        eq(len(b["stackTrace"]), 1, "stack depth (runtime frames dropped)")
        check(re.fullmatch(r'  File "%s", line \d+, in fail\n    raise ValueError\("boom"\)\n'
                           % re.escape(os.path.join(PY_FIX, "handlers.py")), b["stackTrace"][0]),
              "stack line format", b["stackTrace"])
        check(s.rt.wait_output("[ERROR] ValueError: boom\rTraceback (most recent call last):\r"
                               "\u00a0\u00a0File "), "error log line", s.rt.stdout)
        # runtime keeps serving
        r = s.invoke({})
        eq(r.kind, "error", "second invoke still handled")
    with py_session(interp, "handlers.fail_nested") as s:
        b = s.invoke({}).json()
        eq((b["errorType"], b["errorMessage"]), ("KeyError", "'missing'"), "KeyError")
        eq(len(b["stackTrace"]), 2, "nested stack depth")


def py_marshal_errors(interp):
    with py_session(interp, "handlers.echo") as s:
        r = s.invoke(b"this is not json")
        eq(r.kind, "error", "kind")
        b = r.json()
        eq(b["errorType"], "Runtime.UnmarshalError", "errorType")
        eq(b["errorMessage"], "Unable to unmarshal input: Expecting value: line 1 column 1 (char 0)",
           "errorMessage")
        eq(b["stackTrace"], [], "stackTrace")
        eq(r.headers.get("lambda-runtime-function-error-type"), "Runtime.UnmarshalError", "header")
    with py_session(interp, "handlers.bad_result") as s:
        r = s.invoke({})
        b = r.json()
        eq(b["errorType"], "Runtime.MarshalError", "errorType")
        eq(b["errorMessage"], "Unable to marshal response: Object of type set is not JSON serializable",
           "errorMessage")


def py_init_errors(interp):
    cases = [
        ("nosuchmod.handler", "Runtime.ImportModuleError",
         "Unable to import module 'nosuchmod': No module named 'nosuchmod'"),
        ("handlers.nope", "Runtime.HandlerNotFound", "Handler 'nope' missing on module 'handlers'"),
        ("handlers", "Runtime.MalformedHandlerName",
         "Bad handler 'handlers': not enough values to unpack (expected 2, got 1)"),
        ("needs_dep.handler", "Runtime.ImportModuleError",
         "Unable to import module 'needs_dep': No module named 'not_installed_dep'"),
        ("sys.handler", "Runtime.BuiltInModuleConflict", "Cannot use built-in module sys as a handler module"),
        ("init_raises.handler", "RuntimeError", "init failed here"),
        ("syntax_err.handler", "Runtime.UserCodeSyntaxError", None),
    ]
    for handler, etype, msg in cases:
        with py_session(interp, handler) as s:
            r = s.api.wait_result()
            eq(r.kind, "init_error", handler + " kind")
            eq(r.headers.get("lambda-runtime-function-error-type"), etype, handler + " header")
            b = r.json()
            eq(b["errorType"], etype, handler + " errorType")
            eq(b["requestId"], "", handler + " requestId")
            if msg is not None:
                eq(b["errorMessage"], msg, handler + " errorMessage")
            if etype == "Runtime.UserCodeSyntaxError":
                check(b["errorMessage"].startswith("Syntax error in module 'syntax_err': "),
                      "syntax message", b["errorMessage"])
                check(re.match(r'  File "%s" Line 1\n    def handler' % re.escape(
                    os.path.join(PY_FIX, "syntax_err.py")), b["stackTrace"][0]), "syntax trace", b)
            if etype == "RuntimeError":
                check(any('in helper\n    raise RuntimeError("init failed here")' in t
                          for t in b["stackTrace"]), "module-level trace", b["stackTrace"])
                check(not any("bootstrap.py" in t for t in b["stackTrace"][:1]), "no runtime frame first")
            code = s.rt.wait_exit()
            check(code not in (None, 0), handler + ": process should exit non-zero, got %r" % code)
            check("LAMBDA_WARNING: Unhandled exception." in s.rt.stdout, "warning logged", s.rt.stdout)
            check(("[ERROR] %s" % etype) in s.rt.stdout, "init error logged", s.rt.stdout)


def py_packages(interp):
    for handler in ("pkg/sub/mod.handler", "pkg.sub.mod.handler"):
        with py_session(interp, handler) as s:
            eq(s.invoke({}).json(), {"where": "pkg.sub.mod"}, handler)


def py_logging(interp):
    with py_session(interp, "handlers.logs") as s:
        r = s.invoke({}, request_id="log-req-1")
        eq(r.json(), "logged", "result")
        s.rt.wait_output("to stderr", stream="stderr")
        s.rt.wait_output("RuntimeError: caught")  # the last stdout line (pipes are read by threads)
        out = s.rt.stdout
        check("plain print line\n" in out, "print output", out)
        check(re.search(r"\[INFO\]\t%s\tlog-req-1\tinfo from logging\n" % TS_PY, out), "INFO record", out)
        check(re.search(r"\[WARNING\]\t%s\tlog-req-1\twarn line\n" % TS_PY, out), "WARNING record", out)
        check(re.search(r"\[ERROR\]\t%s\tlog-req-1\twith exc\nTraceback" % TS_PY, out), "exception record", out)
        check("to stderr\n" in s.rt.stderr, "stderr", s.rt.stderr)
    with py_session(interp, "lazylog.handler") as s:
        s.invoke({}, request_id="lazy-1")
        check(s.rt.wait_output("lazy 42"), "lazy log written")
        check(re.search(r"\[WARNING\]\t%s\tlazy-1\tlazy 42\n" % TS_PY, s.rt.stdout),
              "logging imported inside the handler is configured", s.rt.stdout)
    env = {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}
    with py_session(interp, "handlers.logs", env) as s:
        s.invoke({}, request_id="json-1")
        s.rt.wait_output('"with exc"')
        lines = [json.loads(line) for line in s.rt.stdout.splitlines() if line.startswith("{")]
        info = [x for x in lines if x.get("message") == "info from logging"]
        check(info, "json info record", s.rt.stdout)
        eq(info[0]["level"], "INFO", "json level")
        eq(info[0]["requestId"], "json-1", "json requestId")
        eq(info[0]["logger"], "root", "json logger")
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info[0]["timestamp"]), "json timestamp")
        exc = [x for x in lines if x.get("message") == "with exc"][0]
        eq(exc["errorType"], "RuntimeError", "json errorType")
    with py_session(interp, "handlers.fail", {"AWS_LAMBDA_LOG_FORMAT": "JSON"}) as s:
        s.invoke({}, request_id="json-2")
        s.rt.wait_output('"log_level"')
        rec = [json.loads(line) for line in s.rt.stdout.splitlines() if '"log_level"' in line][0]
        eq((rec["log_level"], rec["errorType"], rec["requestId"]), ("ERROR", "ValueError", "json-2"),
           "json error record")


def py_exit_in_handler(interp):
    with py_session(interp, "exits.handler") as s:
        s.api.invocations.put(({"Lambda-Runtime-Aws-Request-Id": "x",
                                "Lambda-Runtime-Deadline-Ms": "0"}, b"{}"))
        eq(s.rt.wait_exit(), 3, "sys.exit in handler ends the process")


class PipeliningRuntimeApi(object):
    """A raw Runtime API that treats results as Nimbus's server does: one that came with the runtime's next /next in the
    same read (HTTP pipelining) gets its 202 with the next event, any other at once. Serves `events` in order, records
    each result as (path, body, whether its /next came with it), and ends when the runtime closes the connection; when
    the events are used up it closes the connection itself (a held 202 unsent) and records the request line the runtime
    sends first on a new one (`after_close`). With `unix_name`, it listens on that abstract Unix socket (what nimbus-init
    offers in _NIMBUS_RUNTIME_API_SOCKET) instead of TCP; `delay` seconds pass before each event is sent."""

    ACCEPTED = b'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"status":"OK"}'

    def __init__(self, events, unix_name=None, delay=0.0):
        import socket
        import threading
        if unix_name:
            self.listener = socket.socket(socket.AF_UNIX)
            self.listener.bind("\0" + unix_name)
            self.address = "127.0.0.1:9"  # nothing listens there: the runtime must take the Unix socket
        else:
            self.listener = socket.socket()
            self.listener.bind(("127.0.0.1", 0))
            self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        self.listener.listen(1)
        self.delay = delay
        self.events = list(events)
        self.results = []
        self.after_close = None
        self.error = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _event(number):
        body = json.dumps({"n": number}).encode()
        return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: r%d\r\n"
                b"Lambda-Runtime-Deadline-Ms: 9999999999999\r\nLambda-Runtime-Invoked-Function-Arn: arn\r\n"
                b"Content-Length: %d\r\n\r\n%s") % (number, len(body), body)

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
            conn.settimeout(15)
            buf = b""
            held = b""
            while True:
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                head, buf = buf.split(b"\r\n\r\n", 1)
                request_line = head.split(b"\r\n", 1)[0]
                if request_line.startswith(b"GET "):
                    if not self.events:
                        conn.close()
                        self.listener.settimeout(10)
                        again, _ = self.listener.accept()
                        self.after_close = _request_head(again)
                        again.close()
                        return
                    time.sleep(self.delay)
                    conn.sendall(held + self._event(self.events.pop(0)))
                    held = b""
                    continue
                length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))
                while len(buf) < length:
                    buf += conn.recv(65536)
                body, buf = buf[:length], buf[length:]
                pipelined = b"\r\n\r\n" in buf
                self.results.append((request_line.split(b" ")[1].decode(), body, pipelined))
                if pipelined:
                    held = self.ACCEPTED
                else:
                    conn.sendall(self.ACCEPTED)
        except Exception as e:
            self.error = e

    def run(self, argv, root, handler, env=None):
        """Runs the runtime until it closes the connection (or 15 s pass); returns its process."""
        rt = RuntimeProcess(argv, root, handler, self, env)
        self.thread.join(15)
        self.listener.close()
        return rt


def check_next_sent_with_each_result(api, rt):
    """What a runtime run by PipeliningRuntimeApi([1, 2, 3]) must have done; stops the runtime."""
    try:
        check(api.error is None and not api.thread.is_alive(), "served to the end: %r" % (api.error,), rt.stderr)
        eq([json.loads(body)["event"] for _, body, _ in api.results], [{"n": 1}, {"n": 2}, {"n": 3}], "results")
        eq([pipelined for _, _, pipelined in api.results], [True, True, True], "the next /next with each result")
        # The connection lost with the last result's 202 held: that result is not sent again, only the /next.
        eq(api.after_close, "GET /2018-06-01/runtime/invocation/next HTTP/1.1", "first request on a new connection")
    finally:
        rt.stop()


def py_next_sent_with_the_result(interp):
    # Each result carries the next /next; the server holds its 202 until the next event, which the runtime gets.
    api = PipeliningRuntimeApi([1, 2, 3])
    rt = api.run([interp, "-u", PY_LAUNCH], PY_FIX, "handlers.echo", {"PYTHONDONTWRITEBYTECODE": "1"})
    check_next_sent_with_each_result(api, rt)


# bootstrap.py run as the platform runs it, but with the limit of each wait on a Unix socket (the longest poll(2))
# shortened to 50 ms, so that waits for an event reach it; each connection's timeout (CPython waits in poll(2) only
# when there is one) goes to stderr.
PY_SHORT_UNIX_WAIT = r"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("bootstrap", sys.argv[1])
bootstrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bootstrap)
bootstrap._UNIX_WAIT_SECONDS = 0.05
connect = bootstrap.RuntimeClient._connect

def connect_and_say(self):
    sock = connect(self)
    sys.stderr.write("connection timeout %r\n" % (sock.gettimeout(),))
    return sock

bootstrap.RuntimeClient._connect = connect_and_say
sys.exit(bootstrap.main())
"""


def py_unix_socket_waits_past_its_limit(interp):
    # Over nimbus-init's Unix socket the client waits in poll(2) (see _UNIX_WAIT_SECONDS): a wait that reaches its
    # limit is waited again, on the same connection, and nothing is sent twice or lost.
    name = "nimbus-runtime-test-%d" % os.getpid()
    api = PipeliningRuntimeApi([1, 2, 3], unix_name=name, delay=0.3)
    rt = api.run([interp, "-u", "-c", PY_SHORT_UNIX_WAIT, os.path.join(RUNTIMES, "python", "bootstrap.py")],
                 PY_FIX, "handlers.echo", {"PYTHONDONTWRITEBYTECODE": "1", "_NIMBUS_RUNTIME_API_SOCKET": name})
    check_next_sent_with_each_result(api, rt)
    # Every connection (the first, the one after the server closed it, and any it opens after the test API has gone)
    # waits in poll(2).
    timeouts = re.findall(r"connection timeout (\S+)", rt.stderr)
    check(len(timeouts) >= 2 and set(timeouts) == {"0.05"}, "each connection's timeout: %r" % timeouts)


def py_trace_id_without_growth(interp):
    # _X_AMZN_TRACE_ID is what the invocation was sent with, in os.environ, for getenv(3) and in a child's environment,
    # before and after the client stops calling setenv (bootstrap.py, _TraceVariable: after 100 invocations); glibc's
    # setenv kept every value (~140 bytes an invocation, without end), the buffers the client puts instead keep nothing.
    long_trace = "Root=1-00000000-%s;Parent=0000000000000000;Sampled=1" % ("a" * 1100)  # past a buffer: setenv
    full_trace = "Root=1-%s" % ("b" * 1017)  # exactly a buffer's 1,024 bytes
    # The function's own code sets or deletes the variable after reading it: the next invocation's value is in place.
    mutate = {120: "set", 121: "del", 122: "set", 160: "del", 161: "set"}
    heap = []
    with py_session(interp, "handlers.trace_env") as s:
        for i in range(1, 1301):
            trace = None if i % 50 == 0 else long_trace if i == 700 else full_trace if i == 701 else \
                "Root=1-%08x-%024x;Parent=%016x;Sampled=%d" % (i, i, i, i % 2)
            child = i in (1, 99, 101, 121, 122, 123, 151, 162, 701, 1299)
            r = s.invoke({"child": child, "heap": i in (300, 1300), "mutate": mutate.get(i)},
                         headers={"Lambda-Runtime-Trace-Id": trace} if trace else None)
            eq(r.kind, "response", "invocation %d" % i)
            b = r.json()
            if (b["py"], b["c"]) != (trace, trace):
                raise Failure("invocation %d: os.environ %r, getenv %r, sent %r" % (i, b["py"], b["c"], trace))
            if child:
                eq(b["child"], trace, "invocation %d: the trace id in a child process" % i)
            if "heap" in b:
                heap.append(b["heap"])
    grew = heap[1] - heap[0]
    check(grew < 64 * 1024, "glibc's heap in use grew %d bytes over 1,000 invocations (each setenv kept ~140)" % grew)


PY_TESTS = [py_echo_and_context, py_none_and_types, py_exception, py_marshal_errors,
            py_init_errors, py_packages, py_logging, py_exit_in_handler, py_next_sent_with_the_result,
            py_unix_socket_waits_past_its_limit, py_trace_id_without_growth]


# What a SnapStart template's child runs after entering a runc container (runtimes/python/hooks/_nimbus_lockdown.py),
# with rules of the form RuncConfigWriter writes. The probe before lock_down shows the same calls succeed without it,
# so each refusal after it is the lockdown's.
LOCKDOWN_PROBE = r"""
import ctypes, json, os, platform, sys
sys.path.insert(0, sys.argv[1])
import _nimbus_lockdown as lockdown
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, SIGCHLD = 0x10000000, 17
SYS_CLONE = {"x86_64": 56, "aarch64": 220}[platform.machine()]

def attempt(call):
    try:
        call()
        return "ok"
    except OSError as e:
        return os.strerror(e.errno)

def raw(number, *args):
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(number), *[ctypes.c_long(a) for a in args])
    if result == 0 and number == SYS_CLONE:
        os._exit(0)  # the clone succeeded: this is its child
    if result < 0:
        raise OSError(ctypes.get_errno(), "")
    if number == SYS_CLONE:
        os.waitpid(result, 0)

def unshare_in_child():
    pid = os.fork()
    if pid == 0:
        try:
            os.unshare(os.CLONE_NEWUSER)
            os._exit(0)
        except OSError as e:
            os._exit(e.errno)
    status = os.waitpid(pid, 0)[1]
    if os.waitstatus_to_exitcode(status):
        raise OSError(os.waitstatus_to_exitcode(status), "")

def observe():
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    return {
        "caps": [status[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")],
        "no_new_privs": status["NoNewPrivs"].strip(), "seccomp": status["Seccomp"].strip(),
        "dumpable": libc.prctl(3, 0, 0, 0, 0),
        "unshare": attempt(unshare_in_child),
        "clone_newuser": attempt(lambda: raw(SYS_CLONE, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)),
        "clone3": attempt(lambda: raw(435, 0, 0)),
        "fork": os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]),
    }

before = observe()
arches = {"x86_64": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "aarch64": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]}
rules = [lockdown.Rule(["mount", "unshare", "setns", "ptrace", "keyctl"], 1)]
rules += [lockdown.Rule(["clone"], 1, (0, flag, flag)) for flag in
          (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)]
rules.append(lockdown.Rule(["clone3"], 38))
lockdown.lock_down(arches[platform.machine()], rules)
print(json.dumps({"before": before, "after": observe()}))
"""


def py_lockdown(interp):
    version = subprocess.run([interp, "-c", "import sys; print(sys.version_info >= (3, 12))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    if version != "True":
        return  # SnapStart runtimes are python3.12 and later
    run = subprocess.run([interp, "-c", LOCKDOWN_PROBE, os.path.join(RUNTIMES, "python", "hooks")],
                         capture_output=True, text=True, timeout=60)
    eq(run.returncode, 0, "lockdown probe exit status (stderr: %s)" % run.stderr)
    result = json.loads(run.stdout)
    before, after = result["before"], result["after"]
    eq((before["seccomp"], before["no_new_privs"], before["dumpable"]), ("0", "0", 1), "before: no filter yet")
    eq((before["unshare"], before["clone_newuser"]), ("ok", "ok"),
       "before: this host lets an unprivileged process make a user namespace")
    check(before["clone3"] != "Function not implemented", "before: clone3 exists", before)
    eq(after["caps"], ["0000000000000000"] * 5, "after: no capability in any set")
    eq((after["no_new_privs"], after["seccomp"], after["dumpable"]), ("1", "2", 0),
       "after: no_new_privs, a seccomp filter, not dumpable")
    eq((after["unshare"], after["clone_newuser"]), ("Operation not permitted", "Operation not permitted"),
       "after: namespaces refused by the filter")
    eq(after["clone3"], "Function not implemented", "after: clone3 answers ENOSYS (the C library falls back)")
    eq((before["fork"], after["fork"]), (7, 7), "a plain fork still works")


# ---------------------------------------------------------------------------
# Node tests
# ---------------------------------------------------------------------------

def node_echo_and_context(node):
    cc = {"client": {"installation_id": "inst"}, "custom": {"k": "v"}, "env": {"e": 1}}
    with node_session(node, "index.echo") as s:
        r = s.invoke({"a": [1, 2]}, request_id="n-req-1", headers={
            "Lambda-Runtime-Trace-Id": "Root=1-n;Sampled=0",
            "Lambda-Runtime-Client-Context": json.dumps(cc),
            "Lambda-Runtime-Cognito-Identity": json.dumps({"cognitoIdentityId": "i", "cognitoIdentityPoolId": "p"}),
        })
        eq(r.kind, "response", "kind")
        eq(r.path, "/2018-06-01/runtime/invocation/n-req-1/response", "path")
        b = r.json()
        eq(b["event"], {"a": [1, 2]}, "event")
        eq(b["functionName"], "testfn", "functionName")
        eq(b["functionVersion"], "$LATEST", "functionVersion")
        eq(b["invokedFunctionArn"], "arn:aws:lambda:us-east-1:000000000000:function:testfn", "arn")
        eq(b["memoryLimitInMB"], "256", "memoryLimitInMB")
        eq(b["awsRequestId"], "n-req-1", "awsRequestId")
        eq(b["logGroupName"], "/aws/lambda/testfn", "logGroupName")
        eq(b["logStreamName"], "2024/01/01/[$LATEST]abcdef", "logStreamName")
        eq(b["identity"], {"cognitoIdentityId": "i", "cognitoIdentityPoolId": "p"}, "identity")
        eq(b["clientContext"], cc, "clientContext")
        check(0 < b["remaining"] <= 30000, "remaining within the 30 s deadline %r" % b["remaining"])
        eq(b["waits"], True, "callbackWaitsForEmptyEventLoop default")
        eq((b["hasDone"], b["hasSucceed"], b["hasFail"]), ("function",) * 3, "done/succeed/fail")
        eq(b["trace"], "Root=1-n;Sampled=0", "_X_AMZN_TRACE_ID")
        check("/opt/nodejs/node_modules" in b["nodePath"].split(":"), "NODE_PATH", b["nodePath"])
        eq(b["cwd"], NODE_FIX, "cwd")
        eq(b["myVar"], "my-value", "function env var")
        b2 = s.invoke({}).json()
        eq(b2["count"], 2, "module loaded once")
        eq(b2["trace"], None, "trace cleared")
        check("identity" not in b2 and "clientContext" not in b2, "no identity/clientContext", b2)
        check(len(s.api.connections) == 1, "keep-alive: one connection, saw %r" % s.api.connections)


def node_callbacks(node):
    with node_session(node, "index.cb") as s:
        eq(s.invoke({"x": 1}).json(), {"got": {"x": 1}}, "callback result")
    with node_session(node, "index.cbErr") as s:
        r = s.invoke({}, request_id="cb-err")
        eq(r.kind, "error", "kind")
        eq(r.path, "/2018-06-01/runtime/invocation/cb-err/error", "path")
        eq(r.headers.get("lambda-runtime-function-error-type"), "TypeError", "header")
        b = r.json()
        eq(sorted(b), ["errorMessage", "errorType", "trace"], "keys")
        eq((b["errorType"], b["errorMessage"]), ("TypeError", "bad type"), "error")
        eq(b["trace"][0], "TypeError: bad type", "trace[0]")
        check(b["trace"][1].startswith("    at ") and "index.js" in b["trace"][1], "trace[1]", b["trace"])
        check(s.rt.wait_output("\tERROR\tInvoke Error \t{\"errorType\":\"TypeError\""), "invoke error log",
              s.rt.stdout)
        eq(s.invoke({}).kind, "error", "still serving")
    with node_session(node, "index.cbString") as s:
        b = s.invoke({}).json()
        eq(b, {"errorType": "string", "errorMessage": "plain string error", "trace": []}, "string error")
    with node_session(node, "index.twice") as s:
        eq(s.invoke({}).json(), "first", "first callback wins")
        eq(s.invoke({}).json(), "first", "and only one report per invoke")


def node_async_and_sync(node):
    with node_session(node, "index.asyncThrow") as s:
        b = s.invoke({}).json()
        eq((b["errorType"], b["errorMessage"], b["trace"][0]), ("Error", "boom", "Error: boom"), "async throw")
    with node_session(node, "index.syncThrow") as s:
        b = s.invoke({}).json()
        eq((b["errorType"], b["errorMessage"]), ("RangeError", "out of range"), "sync throw")
    with node_session(node, "index.syncNoCallback") as s:
        eq(s.invoke({}).body, b"null", "sync handler without callback -> null when loop empties")
    with node_session(node, "index.neverResolves") as s:
        r = s.invoke({})
        b = r.json()
        eq(b["errorType"], "Runtime.NodeJsExit", "never-settled promise")
        check(b["errorMessage"].startswith("The Lambda runtime client detected an unexpected Node.js exit"),
              "NodeJsExit message", b)
    with node_session(node, "index.circular") as s:
        b = s.invoke({}).json()
        eq((b["errorType"], b["errorMessage"]), ("Error", "Unable to stringify response body"), "circular")
    with node_session(node, "index.noop") as s:
        eq(s.invoke(b"not json").json()["errorType"], "SyntaxError", "non-JSON event")
        eq(s.invoke({}).body, b"null", "undefined -> null")


def node_event_loop(node):
    with node_session(node, "index.waitLoop") as s:
        r = s.invoke({}, request_id="loop-1")
        eq(r.json(), "waited", "result")
        # Ordering, not timing: had loop-1 been reported before its timer, loop-2 would start at once and the timer's
        # line would carry loop-2's request id.
        eq(s.invoke({}, request_id="loop-2").json(), "waited", "second result")
        check(s.rt.wait_output("\tloop-2\tINFO\ttimer fired", timeout=5), "second timer", s.rt.stdout)
        fired = [line for line in s.rt.stdout.splitlines() if "timer fired" in line]
        check("\tloop-1\t" in fired[0], "callbackWaitsForEmptyEventLoop=true waits for timers", s.rt.stdout)
        check(s.rt.wait_output("timer fired", timeout=1), "timer ran before the report", s.rt.stdout)
    with node_session(node, "index.noWait") as s:
        r = s.invoke({})
        # Ordering, not timing: the result arrives before the pending 1.5 s timer fires.
        eq(r.json(), "immediate", "result")
        check("late timer fired" not in s.rt.stdout, "callbackWaitsForEmptyEventLoop=false reports before the timer", s.rt.stdout)
        check(s.rt.wait_output("late timer fired", timeout=5), "timer still runs afterwards")
        eq(s.invoke({}).json(), "immediate", "next invoke fine")


def node_context_methods(node):
    for handler, kind, check_body in (
        ("index.succeed", "response", lambda b: b == {"via": "succeed"}),
        ("index.done", "response", lambda b: b == "via done"),
        ("index.fail", "error", lambda b: b["errorMessage"] == "via fail" and b["errorType"] == "Error"),
        ("index.failEmpty", "error", lambda b: b == {"errorType": "string", "errorMessage": "handled", "trace": []}),
    ):
        with node_session(node, handler) as s:
            r = s.invoke({})
            eq(r.kind, kind, handler)
            check(check_body(r.json()), handler + " body", r.json())


def node_module_kinds(node):
    for handler, expected in (
        ("index.nested.deep.handler", "nested ok"),
        ("esm/app.handler", {"esm": "type-module", "meta": "string"}),
        ("lib/thing.handler", {"cjs": True}),
    ):
        with node_session(node, handler) as s:
            eq(s.invoke({}).json(), expected, handler)
    with node_session(node, "app.handler") as s:
        eq(s.invoke({}, request_id="m1").json(), {"esm": "mjs", "requestId": "m1"}, "app.mjs")
    # Top-level await, in the handler's module or in one it imports: imported (not required), evaluated once.
    with node_session(node, "tla.handler") as s:
        eq(s.invoke({}).json(), {"evaluations": 1, "value": 7}, "tla.mjs")
    with node_session(node, "tla_dep.handler") as s:
        eq(s.invoke({}).json(), {"evaluations": 1, "value": 7, "via": "dep"}, "tla_dep.mjs")
    # Loader hooks registered by a preload: the handler must be imported through them.
    hooks = {"NODE_OPTIONS": "--import " + os.path.join(NODE_FIX, "hooks", "register.mjs")}
    with node_session(node, "hooked.handler", env=hooks) as s:
        eq(s.invoke({}).json(), {"config": 42}, "hooked.mjs")
    with node_session(node, "modexports.handler") as s:
        eq(s.invoke({}).json(), {"namespace": True}, "modexports.mjs")
    # No main module for the function's code, as under AWS's ES-module entry.
    with node_session(node, "mainmodule.handler") as s:
        eq(s.invoke({}).json(), {"requireMain": "undefined", "mainModule": "undefined"}, "mainmodule.js")


def node_init_errors(node):
    cases = [
        ("nosuch.handler", "Runtime.ImportModuleError", r"Error: Cannot find module 'nosuch'\nRequire stack:"),
        ("index.nope", "Runtime.HandlerNotFound", r"index\.nope is undefined or not exported$"),
        ("index.notFn", "Runtime.HandlerNotFound", r"index\.notFn is not a function$"),
        ("index", "Runtime.MalformedHandlerName", r"Bad handler$"),
        ("../x.handler", "Runtime.MalformedHandlerName", r"'\.\./x\.handler' is not a valid handler name"),
        ("syntax.handler", "Runtime.UserCodeSyntaxError", r"SyntaxError: Unexpected token"),
        ("syntax_esm.handler", "Runtime.UserCodeSyntaxError", r"SyntaxError: Unexpected token"),
        ("throws.handler", "TypeError", r"module level failure$"),
        ("missing_dep.handler", "Runtime.ImportModuleError",
         r"Error: Cannot find module 'definitely-not-installed-pkg'"),
        ("missing_dep_esm.handler", "Error", r"Cannot find package 'definitely-not-installed-pkg'"),
    ]
    for handler, etype, msg_re in cases:
        with node_session(node, handler) as s:
            r = s.api.wait_result()
            eq(r.kind, "init_error", handler + " kind")
            eq(r.headers.get("lambda-runtime-function-error-type"), etype, handler + " header")
            b = r.json()
            eq(b["errorType"], etype, handler + " errorType")
            check(re.match(msg_re, b["errorMessage"]), handler + " message", b["errorMessage"])
            check(isinstance(b["trace"], list) and b["trace"][0].startswith(etype), handler + " trace", b["trace"])
            code = s.rt.wait_exit()
            check(code not in (None, 0), "%s: exit code %r" % (handler, code))
            check(re.search(r"%s\tundefined\tERROR\tUncaught Exception \t\{" % TS_NODE, s.rt.stdout),
                  handler + " logged", s.rt.stdout)


def node_logging(node):
    with node_session(node, "index.logs") as s:
        s.invoke({}, request_id="log-1")
        s.rt.wait_output("multi")
        out = s.rt.stdout
        check(re.search(r"^%s\tundefined\tINFO\tmodule index\.js loaded\n" % TS_NODE, out, re.M),
              "init-time log", out)
        for level, text in (("INFO", "hello world"), ("INFO", "info line"), ("WARN", "warn line"),
                            ("ERROR", "error line { a: 1 }"), ("DEBUG", "debug line"),
                            ("INFO", "multi\rline")):
            check(re.search(r"^%s\tlog-1\t%s\t%s\n" % (TS_NODE, level, re.escape(text)), out, re.M),
                  "%s %r" % (level, text), out)
    with node_session(node, "index.logs", {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}) as s:
        s.invoke({}, request_id="log-2")
        s.rt.wait_output("multi")
        recs = [json.loads(line) for line in s.rt.stdout.splitlines() if line.startswith("{")]
        hello = [x for x in recs if x.get("message") == "hello world"]
        check(hello and hello[0]["level"] == "INFO" and hello[0]["requestId"] == "log-2", "json record", recs)
        check(not any(x.get("message") == "debug line" for x in recs), "DEBUG filtered at INFO")


def node_crashes(node):
    with node_session(node, "index.uncaught") as s:
        r = s.invoke({}, request_id="crash-1")
        eq(r.kind, "error", "uncaught exception reported")
        eq(r.path, "/2018-06-01/runtime/invocation/crash-1/error", "path")
        eq(r.json()["errorMessage"], "async kaboom", "message")
        eq(s.rt.wait_exit(), 129, "exit code after uncaught exception")
    with node_session(node, "index.rejection") as s:
        r = s.invoke({})
        eq(r.json()["errorType"], "Runtime.UnhandledPromiseRejection", "unhandled rejection")
        eq(s.rt.wait_exit(), 128, "exit code after unhandled rejection")


def node_next_sent_with_the_result(node):
    api = PipeliningRuntimeApi([1, 2, 3])
    rt = api.run([node, NODE_INDEX], NODE_FIX, "index.echo",
                 {"PATH": os.path.dirname(node) + os.pathsep + os.environ.get("PATH", "")})
    check_next_sent_with_each_result(api, rt)


def node_crash_reports_without_waiting_for_the_next_event(node):
    # The error of an uncaught exception goes alone: its 202 comes at once and the process ends (sent with a /next, the
    # 202 would wait for an event that never comes).
    api = PipeliningRuntimeApi([1])
    rt = api.run([node, NODE_INDEX], NODE_FIX, "index.uncaught",
                 {"PATH": os.path.dirname(node) + os.pathsep + os.environ.get("PATH", "")})
    try:
        eq(rt.wait_exit(), 129, "exit code after uncaught exception")
        eq([(path, pipelined) for path, _, pipelined in api.results],
           [("/2018-06-01/runtime/invocation/r1/error", False)], "the error alone")
    finally:
        rt.stop()


def node_bootstrap_script(node):
    with node_session(node, "index.echo", via_bootstrap=True) as s:
        eq(s.invoke({"via": "sh"}).json()["event"], {"via": "sh"}, "bootstrap script")


def node_trace_id_kept_in_javascript(node):
    # _X_AMZN_TRACE_ID is what the invocation was sent with, for the function's code and in a child's environment, and
    # never written to the C environment: each setenv(3) kept its string (~140 bytes an invocation, without end), so
    # index.cjs keeps the name in JavaScript (keepTraceIdInJavaScript). Node's own C heap moves by steps of 100-400 KB
    # on its own, so the absence of the write is checked (the report lists the C environment) rather than the heap.
    with node_session(node, "index.traceEnv") as s:
        for i in range(1, 301):
            trace = None if i % 50 == 0 else "Root=1-%08x-%024x;Parent=%016x;Sampled=%d" % (i, i, i, i % 2)
            probe = i in (1, 2, 151, 299)
            r = s.invoke({"child": probe, "report": probe}, headers={"Lambda-Runtime-Trace-Id": trace} if trace else None)
            eq(r.kind, "response", "invocation %d" % i)
            b = r.json()
            if (b["js"], b["has"], b["listed"]) != (trace, trace is not None, trace is not None):
                raise Failure("invocation %d: process.env %r, in %r, listed %r, sent %r"
                              % (i, b["js"], b["has"], b["listed"], trace))
            if probe:
                eq(b["child"], trace, "invocation %d: the trace id in a child process" % i)
                eq(b["inC"], False, "invocation %d: the trace id in the C environment" % i)
        b = s.invoke({"shared": True}, headers={"Lambda-Runtime-Trace-Id": "Root=1-shared"}).json()
        eq((b["js"], b["listedOnce"]), ("Root=1-shared", 1), "after a Worker wrote the name to the C environment")


def _node_stem_cell(node):
    """index.cjs started as a stem cell (a socket its line to the platform) with the Runtime API at a listener here."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    ours, theirs = socket.socketpair()
    env = {"PATH": os.path.dirname(node) + os.pathsep + "/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": ":UTC",
           "_NIMBUS_STEM_FD": str(theirs.fileno()), "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:%d" % listener.getsockname()[1]}
    proc = subprocess.Popen([node, NODE_INDEX], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, pass_fds=(theirs.fileno(),))
    theirs.close()
    ours.settimeout(10)
    eq(ours.recv(1), b"w", "the cell's ready byte")
    return proc, ours, env["AWS_LAMBDA_RUNTIME_API"], listener


def _specialize(ours, api):
    fn = {"AWS_LAMBDA_RUNTIME_API": api, "LAMBDA_TASK_ROOT": NODE_FIX, "_HANDLER": "index.echo", "TZ": ":UTC",
          "PATH": "/usr/bin:/bin", "AWS_LAMBDA_FUNCTION_NAME": "testfn", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
          "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_REGION": "us-east-1"}
    ours.sendall(b"\0".join(("%s=%s" % kv).encode() for kv in fn.items()))
    ours.close()


def _request_head(conn):
    """The request line of the first request on `conn`."""
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode("latin1")


def node_stem_cell_connects_before_it_waits(node):
    # A stem cell opens its Runtime API connection before it tells the platform it is ready (the address is the cell's
    # own nimbus-init's, the same after specialization), and its first /next goes on that connection.
    proc, ours, api, listener = _node_stem_cell(node)
    try:
        listener.settimeout(0)
        try:
            opened, _ = listener.accept()
        except BlockingIOError:
            raise Failure("no connection to the Runtime API when the cell said it was ready")
        _specialize(ours, api)
        eq(_request_head(opened), "GET /2018-06-01/runtime/invocation/next HTTP/1.1", "first request, on that connection")
        opened.close()
    finally:
        proc.kill()
        proc.wait()
        listener.close()


def node_stem_cell_connects_again_when_its_early_connection_closed(node):
    # The Runtime API may close the connection opened early before the function comes: the first /next then goes on a
    # new one (the client's retry of a stale kept-alive connection).
    proc, ours, api, listener = _node_stem_cell(node)
    try:
        listener.settimeout(10)
        opened, _ = listener.accept()
        opened.close()
        time.sleep(0.1)
        _specialize(ours, api)
        again, _ = listener.accept()
        eq(_request_head(again), "GET /2018-06-01/runtime/invocation/next HTTP/1.1", "first request, on a new connection")
        again.close()
    finally:
        proc.kill()
        err = proc.communicate()[1].decode("utf-8", "replace")
        listener.close()
    check("lost the Runtime API" not in err, "the client gave up", err)


NODE_TESTS = [node_echo_and_context, node_callbacks, node_async_and_sync, node_event_loop,
              node_context_methods, node_module_kinds, node_init_errors, node_logging,
              node_crashes, node_bootstrap_script, node_next_sent_with_the_result,
              node_crash_reports_without_waiting_for_the_next_event, node_trace_id_kept_in_javascript,
              node_stem_cell_connects_before_it_waits, node_stem_cell_connects_again_when_its_early_connection_closed]


# ---------------------------------------------------------------------------

def main():
    args = sys.argv[1:]
    pattern = args[args.index("-k") + 1] if "-k" in args else ""
    verbose = "-v" in args
    os.environ.pop("NODE_EXTRA_CA_CERTS", None)
    plan = []
    pythons = python_interpreters()
    missing = missing_pythons(pythons)
    if missing and os.environ.get("CI"):
        print("%s not found: those Python runtimes cannot be tested (CI must have python3.9 - python3.13)"
              % ", ".join(missing))
        return 1
    elif missing:
        print("%s not found: their runtime tests skipped" % ", ".join(missing))
    for label, interp in pythons:
        for t in PY_TESTS + [py_lockdown]:
            plan.append(("%s[%s]" % (t.__name__, label), t, interp))
    node = node_binary()
    if node:
        for t in NODE_TESTS:
            plan.append(("%s[node]" % t.__name__, t, node))
    elif os.environ.get("CI"):
        print("node not found: the Node.js runtime cannot be tested (CI must have node)")
        return 1
    else:
        print("node not found: node tests skipped (install Node.js 20 to run them)")
    passed = failed = 0
    for name, fn, arg in plan:
        if pattern and pattern not in name:
            continue
        t0 = time.perf_counter()
        try:
            fn(arg)
        except Exception as e:
            failed += 1
            detail = str(e) if isinstance(e, Failure) else traceback.format_exc()
            print("FAIL %s: %s" % (name, detail))
        else:
            passed += 1
            if verbose:
                print("ok   %s (%.2fs)" % (name, time.perf_counter() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    without_optimization()
    sys.exit(main())
