"""Fake Lambda Runtime API server and runtime-process helpers (stdlib only)."""

import json
import os
import queue
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUNTIMES = os.path.join(REPO, "runtimes")
FIXTURES = os.path.join(HERE, "fixtures")
PREFIX = "/2018-06-01/runtime"


class Result(object):
    def __init__(self, kind, path, headers, body):
        self.kind = kind          # "response", "error", "init_error"
        self.path = path
        self.headers = headers    # dict, lower-cased names
        self.body = body          # bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "Result(%s, %s, %r)" % (self.kind, self.headers, self.body[:300])


class FakeRuntimeApi(object):
    """Serves /next from a queue of invocations; records everything posted."""

    def __init__(self):
        self.invocations = queue.Queue()
        self.results = queue.Queue()
        self.first_next = None          # perf_counter() of the first /next request
        self.first_next_event = threading.Event()
        self.connections = set()        # client (host, port) pairs seen
        self.log = []
        self.closing = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY, as both of Nimbus's Runtime API servers: the head and the body go in two writes here, and
            # the runtime clients do not ask for quick ACKs, so without it each answer waited out a delayed ACK (~40 ms).
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _reply(self, status, body=b'{"status":"OK"}', headers=None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                api.connections.add(self.client_address)
                api.log.append(("GET", self.path))
                if self.path != PREFIX + "/invocation/next":
                    return self._reply(404, b'{"errorType":"NotFound","errorMessage":"no"}')
                if api.first_next is None:
                    api.first_next = time.perf_counter()
                    api.first_next_event.set()
                while True:
                    if api.closing:
                        return self._reply(500, b'{"errorType":"InternalServerError"}')
                    try:
                        inv = api.invocations.get(timeout=0.2)
                        break
                    except queue.Empty:
                        continue
                headers, body = inv
                self._reply(200, body, headers)

            def do_POST(self):
                api.connections.add(self.client_address)
                api.log.append(("POST", self.path))
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                hdrs = {k.lower(): v for k, v in self.headers.items()}
                p = self.path
                if p == PREFIX + "/init/error":
                    kind = "init_error"
                elif p.startswith(PREFIX + "/invocation/") and p.endswith("/response"):
                    kind = "response"
                elif p.startswith(PREFIX + "/invocation/") and p.endswith("/error"):
                    kind = "error"
                else:
                    return self._reply(404, b'{"errorType":"NotFound","errorMessage":"no"}')
                self._reply(202)
                api.results.put(Result(kind, p, hdrs, body))

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # runtimes that exit drop their connection: not an error here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def invoke(self, event=b"{}", headers=None, request_id=None, timeout=10.0,
               deadline_in_ms=30000):
        """Queue one invocation and wait for what the runtime posts back."""
        if not isinstance(event, bytes):
            event = json.dumps(event).encode()
        rid = request_id or str(uuid.uuid4())
        h = {
            "Lambda-Runtime-Aws-Request-Id": rid,
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + deadline_in_ms),
            "Lambda-Runtime-Invoked-Function-Arn":
                "arn:aws:lambda:us-east-1:000000000000:function:testfn",
        }
        h.update(headers or {})
        self.invocations.put((h, event))
        res = self.results.get(timeout=timeout)
        res.request_id = rid
        return res

    def wait_result(self, timeout=10.0):
        return self.results.get(timeout=timeout)

    def close(self):
        self.closing = True
        self.server.shutdown()
        self.server.server_close()


class RuntimeProcess(object):
    """A runtime under test: spawned with Lambda's environment, output captured."""

    def __init__(self, argv, task_root, handler, api, extra_env=None):
        env = {k: v for k, v in os.environ.items()
               if k in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "PYENV_ROOT")}
        env.update({
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "LAMBDA_TASK_ROOT": task_root,
            "LAMBDA_RUNTIME_DIR": os.path.dirname(argv[-1]),
            "_HANDLER": handler,
            "AWS_LAMBDA_FUNCTION_NAME": "testfn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/testfn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]abcdef",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "MY_VAR": "my-value",
            "TZ": ":UTC",
        })
        env.update(extra_env or {})
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, cwd=task_root, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._out = []
        self._err = []
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for t in self._threads:
            t.start()

    @staticmethod
    def _pump(stream, sink):
        for chunk in iter(lambda: stream.read1(65536), b""):
            sink.append(chunk)

    @property
    def stdout(self):
        return b"".join(self._out).decode("utf-8", "replace")

    @property
    def stderr(self):
        return b"".join(self._err).decode("utf-8", "replace")

    def wait_output(self, text, timeout=3.0, stream="stdout"):
        end = time.time() + timeout
        while time.time() < end:
            if text in getattr(self, stream):
                return True
            time.sleep(0.01)
        return False

    def wait_exit(self, timeout=5.0):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        # The exit can be seen before the pumps have read the process's last output: they end at the pipes' EOF,
        # after which stdout/stderr hold everything it wrote (a check right after the exit once saw stdout empty).
        for t in self._threads:
            t.join(timeout=timeout)
        return code

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for t in self._threads:
            t.join(timeout=2)
