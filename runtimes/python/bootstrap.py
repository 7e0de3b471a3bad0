"""Nimbus Python runtime: a Lambda Runtime API (2018-06-01) client.

Started by the platform as ``python3.X -u bootstrap.py`` with cwd = LAMBDA_TASK_ROOT.
Standard library only; works on Python 3.9 - 3.13.

Start-up is kept lean: only ``os``, ``sys``, ``json`` and ``_socket`` are imported
before the first ``/next`` call; the HTTP/1.1 client is a small one of our own (one
keep-alive connection, TCP_NODELAY, each request sent with one ``sendall``). ``traceback`` is imported only when an
error has to be reported, and the AWS-style root logging handler is installed
the moment the function code imports ``logging`` (or at once, if it already has).
"""

import os
import sys

API_PREFIX = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
XRAY_CAUSE_HEADER = "Lambda-Runtime-Function-XRay-Error-Cause"
LOG_INDENT = "\u00a0"  # continuation lines of error logs are indented with NBSP

_request_id = None  # current invocation, read by the logging filter
_log_json = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
_log_level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
if _log_level == "TRACE":
    _log_level = "DEBUG"


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

class Fault(Exception):
    """An error the runtime reports with a fixed ``Runtime.*`` type."""

    def __init__(self, error_type, message, trace=None):
        Exception.__init__(self, message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def _error_body(message, error_type, trace, request_id=""):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": trace or [],
    }


def _user_frames(tb):
    """(filename, lineno, name, line) tuples, with this file's leading frames dropped."""
    import traceback

    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame[0]:
            return frames[i:]
    return frames


def _exception_body(exc, request_id=""):
    import traceback

    frames = _user_frames(exc.__traceback__)
    body = _error_body(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)
    return body, frames


def _xray_cause(error_type, message, frames):
    return {
        "working_directory": os.getcwd(),
        "exceptions": [{
            "message": message,
            "type": error_type,
            "stack": [{"label": f[2], "path": f[0], "line": f[1]} for f in frames],
        }],
        "paths": sorted({f[0] for f in frames}),
    }


def _write_error_log(body):
    """Print an error the way AWS's runtime does: one record, lines joined by CR."""
    if _log_json:
        import time

        record = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "log_level": "ERROR"}
        record.update(body)
        text = _dumps(record) + "\n"
    else:
        head = "[ERROR]"
        if body["errorType"]:
            head += " " + body["errorType"]
        if body["errorMessage"]:
            head += (":" if body["errorType"] else "") + " " + body["errorMessage"]
        lines = [head, "Traceback (most recent call last):"]
        for entry in body["stackTrace"]:
            if entry == "":
                lines.append("")
            for line in entry.splitlines():
                stripped = line.lstrip(" ")
                lines.append(LOG_INDENT * (len(line) - len(stripped)) + stripped)
        text = "\r".join(lines) + "\n"
    sys.stdout.write(text)


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------

import json  # noqa: E402  (needed for every invocation)


def _json_default(obj):
    import decimal

    if isinstance(obj, decimal.Decimal):
        if obj.is_nan():
            return float("nan")
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


# Python 3.12+ Lambda runtimes emit non-ASCII characters as-is; older ones escape them.
_encoder = json.JSONEncoder(
    ensure_ascii=sys.version_info < (3, 12), allow_nan=True, default=_json_default
)
_dumps = _encoder.encode


# --------------------------------------------------------------------------
# Runtime API client: a minimal HTTP/1.1 client on one keep-alive socket
# --------------------------------------------------------------------------

# ``_socket`` is the C half of the ``socket`` module; ``socket.py`` itself (enum
# conversions, selectors, array) adds ~3 ms of start-up and nothing needed here.
try:
    import _socket as _sock
except ImportError:  # pragma: no cover - not CPython
    import socket as _sock

_MAX_HEAD = 1024 * 1024

# On a Unix socket, a recv(2) that blocks is woken each time the server reads what this side sent: the kernel then
# wakes the socket's sleepers to say there is room to write, and a blocked recv's wait does not filter by event (poll's
# and epoll's do). That is a wake-up and two context switches per invocation for nothing, on the server's way to its
# caller. CPython waits in poll(2) for POLLIN when the socket has a timeout, so a Unix socket gets one: 2,147,483,000 ms,
# just under poll's int; keep it there, CPython up to 3.13.0 casts larger values to int and wraps them (50 ms for
# 4294967.346 s: a busy loop). A wait that reaches it is waited again (_recv). TCP wakes a writer only after a write
# found no room: a TCP socket keeps the default (blocking, unless the function's code set socket.setdefaulttimeout
# before the first connection; _recv waits through that timeout too).
_UNIX_WAIT_SECONDS = 2147483.0
_ACCEPTED_BODY = b'{"status":"OK"}'
_ACCEPTED = (b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
             + _ACCEPTED_BODY)
_SAFE_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


class RuntimeApiError(Exception):
    pass


class ProtocolError(RuntimeApiError):
    """The Runtime API's answer was not valid HTTP, or the connection ended early."""


def _header_line(name, value):
    # What http.client does with header values: latin-1, no bare CR/LF.
    data = value.encode("latin-1")
    if b"\r" in data or b"\n" in data:
        raise ValueError("Invalid header value %r" % (value,))
    return name.encode("latin-1") + b": " + data + b"\r\n"


RUNTIME_API_SOCKET_VARIABLE = "_NIMBUS_RUNTIME_API_SOCKET"


class RuntimeClient(object):
    def __init__(self, address, socket_name=None):
        # socket_name: the Runtime API's abstract Unix socket, when nimbus-init offers one (a message costs about a third
        # less CPU than over TCP on loopback); the TCP address stays the fallback.
        self.socket_name = socket_name
        host, _, port = address.rpartition(":")
        if not host:
            host, port = address, "80"
        self.host = host.strip("[]")
        self.port = int(port)
        self.sock = None
        self._unix = False
        self._buf = b""
        # A /next sent with the last result (pipelined) whose answer is still to be read.
        self._next_sent = False
        host_header = self.host if ":" not in self.host else "[%s]" % self.host
        if self.port != 80:
            host_header += ":%d" % self.port
        common = (" HTTP/1.1\r\nHost: %s\r\n" % host_header).encode("latin-1")
        self._next_request = (b"GET " + API_PREFIX.encode("ascii") + b"/invocation/next"
                              + common + b"\r\n")
        self._post_head = b"POST " + API_PREFIX.encode("ascii")
        self._post_common = common

    # -- connection ----------------------------------------------------------

    def _connect(self):
        error = None
        for family, type_, proto, _, addr in self._addresses():
            sock = None
            try:
                sock = _sock.socket(family, type_, proto)
                sock.connect(addr)
            except OSError as e:
                error = e
                if sock is not None:
                    sock.close()
                continue
            self._unix = family == getattr(_sock, "AF_UNIX", None)
            if self._unix:
                sock.settimeout(_UNIX_WAIT_SECONDS)
            else:
                try:
                    sock.setsockopt(_sock.IPPROTO_TCP, _sock.TCP_NODELAY, 1)
                except OSError:
                    pass
            self.sock = sock
            self._buf = b""
            return sock
        raise error if error is not None else OSError("getaddrinfo returned nothing for %s" % self.host)

    def _addresses(self):
        if self.socket_name and hasattr(_sock, "AF_UNIX"):
            yield (_sock.AF_UNIX, _sock.SOCK_STREAM, 0, "", "\0" + self.socket_name)
        for address in self._tcp_addresses():
            yield address

    def _tcp_addresses(self):
        # The Runtime API's address is an IP literal: getaddrinfo would first import the IDNA codec (encodings.idna,
        # stringprep, unicodedata, re), milliseconds at the first connect of every environment.
        for family in (_sock.AF_INET, _sock.AF_INET6):
            try:
                _sock.inet_pton(family, self.host)
            except OSError:
                continue
            return [(family, _sock.SOCK_STREAM, 0, "", (self.host, self.port))]
        return _sock.getaddrinfo(self.host, self.port, 0, _sock.SOCK_STREAM)

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None
        self._buf = b""
        self._next_sent = False

    # -- reading -------------------------------------------------------------

    def _recv(self, receive, *args):
        while True:
            try:
                return receive(*args)
            except _sock.timeout as e:
                if e.errno is not None:
                    raise  # the kernel's ETIMEDOUT (a TCP connection lost), not the wait's end
                # _UNIX_WAIT_SECONDS passed without a byte: wait again.

    def _recv_more(self, what):
        data = self._recv(self.sock.recv, 65536)
        if not data:
            raise ProtocolError("Runtime API closed the connection (reading %s)" % what)
        return data

    def _read_head(self):
        buf = self._buf
        end = buf.find(b"\r\n\r\n")
        while end < 0:
            if len(buf) > _MAX_HEAD:
                raise ProtocolError("response header block too long")
            buf += self._recv_more("the response header")
            end = buf.find(b"\r\n\r\n")
        self._buf = buf[end + 4:]
        return buf[:end]

    def _read_exact(self, n):
        buf = self._buf
        have = len(buf)
        if have >= n:
            self._buf = buf[n:]
            return buf[:n]
        out = bytearray(n)
        out[:have] = buf
        self._buf = b""
        view = memoryview(out)
        recv_into = self.sock.recv_into
        while have < n:
            got = self._recv(recv_into, view[have:])
            if not got:
                raise ProtocolError("Runtime API closed the connection (%d of %d body bytes)"
                                    % (have, n))
            have += got
        view.release()
        return bytes(out)

    def _read_line(self):
        buf = self._buf
        end = buf.find(b"\r\n")
        while end < 0:
            if len(buf) > _MAX_HEAD:
                raise ProtocolError("chunk header too long")
            buf += self._recv_more("a chunk header")
            end = buf.find(b"\r\n")
        self._buf = buf[end + 2:]
        return buf[:end]

    def _read_chunked(self):
        parts = []
        while True:
            line = self._read_line()
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise ProtocolError("bad chunk size line %r" % line[:100])
            if size < 0:
                raise ProtocolError("bad chunk size line %r" % line[:100])
            if size == 0:
                break
            parts.append(self._read_exact(size))
            if self._read_exact(2) != b"\r\n":
                raise ProtocolError("chunk not terminated by CRLF")
        while self._read_line():  # trailer fields, up to the empty line
            pass
        return b"".join(parts)

    def _read_to_eof(self):
        parts = [self._buf]
        self._buf = b""
        while True:
            data = self._recv(self.sock.recv, 65536)
            if not data:
                return b"".join(parts)
            parts.append(data)

    def _read_response(self):
        """(status, headers with lower-case names, body, keep_alive)"""
        if not self._buf:
            self._buf = self._recv_more("the response header")
        if self._buf.startswith(_ACCEPTED):
            # Nimbus's answer to every result, sent with the next event: taken without parsing it (a few
            # microseconds of Python on the way to the handler).
            self._buf = self._buf[len(_ACCEPTED):]
            return 202, {"content-type": "application/json", "content-length": "15"}, _ACCEPTED_BODY, True
        while True:
            head = self._read_head().decode("latin-1")
            lines = head.split("\r\n")
            parts = lines[0].split(None, 2)
            try:
                if len(parts) < 2 or not parts[0].startswith("HTTP/"):
                    raise ValueError(lines[0])
                status = int(parts[1])
                if not 100 <= status <= 999:
                    raise ValueError(lines[0])
            except ValueError:
                raise ProtocolError("bad status line %r" % lines[0][:100])
            headers = {}
            last = None
            for line in lines[1:]:
                if line[:1] in (" ", "\t") and last is not None:  # obsolete line folding
                    headers[last] += " " + line.strip()
                    continue
                name, sep, value = line.partition(":")
                if not sep:
                    continue
                last = name.strip().lower()
                if last not in headers:  # like http.client's .get(): the first one wins
                    headers[last] = value.strip()
                else:
                    last = None
            if 100 <= status < 200 and status != 101:
                continue  # interim response (e.g. 100 Continue): the real one follows
            break

        connection = headers.get("connection", "").lower()
        if parts[0] == "HTTP/1.0":
            keep_alive = "keep-alive" in connection
        else:
            keep_alive = "close" not in connection
        if status in (204, 304) or status < 200:
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked()
        else:
            length = headers.get("content-length")
            if length is not None:
                try:
                    n = int(length)
                    if n < 0:
                        raise ValueError(length)
                except ValueError:
                    raise ProtocolError("bad Content-Length %r" % length)
                body = self._read_exact(n)
            else:
                body = self._read_to_eof()
                keep_alive = False
        return status, headers, body, keep_alive

    # -- requests ------------------------------------------------------------

    def _send(self, sock, request):
        # A socket with a timeout (the Unix one, see _UNIX_WAIT_SECONDS) is non-blocking underneath, and CPython polls
        # it before every send: a system call per invocation for a buffer that always has room for a request. So the
        # bytes go out with write(2) first, and sendall takes over only for what did not fit.
        if self._unix:
            try:
                sent = os.write(sock.fileno(), request)
            except BlockingIOError:
                sent = 0
            if sent == len(request):
                return
            request = memoryview(request)[sent:]
        sock.sendall(request)

    def _request(self, request, pipelined=False):
        # One persistent connection; re-open it once if the server dropped it. pipelined: the request carries a
        # /next, whose answer (and the result's 202 with it) may come only with the next event: a connection lost
        # after it was written is not a stale one, and the result is not sent twice (next() asks again).
        for attempt in (0, 1):
            written = False
            try:
                sock = self.sock
                if sock is None:
                    sock = self._connect()
                # No TCP_QUICKACK: Nimbus's Runtime API sets TCP_NODELAY and sends each answer in one write, so
                # the delayed ACK rides on the next request instead of costing a packet and a syscall per invoke.
                self._send(sock, request)
                written = True
                status, headers, body, keep_alive = self._read_response()
                if not keep_alive:
                    self.close()
                return status, headers, body
            except (ProtocolError, OSError):
                self.close()
                if attempt or (pipelined and written):
                    raise
        raise AssertionError("unreachable")

    def next(self):
        if self._next_sent:
            # Asked already, with the last result: only its answer is left to read.
            self._next_sent = False
            try:
                status, headers, data, keep_alive = self._read_response()
                if not keep_alive:
                    self.close()
            except (ProtocolError, OSError):
                self.close()
                status, headers, data = self._request(self._next_request)
        else:
            status, headers, data = self._request(self._next_request)
        if status != 200:
            raise RuntimeApiError("GET /next answered %d: %r" % (status, data[:500]))
        return headers, data

    def restore_next(self):
        # A SnapStart spare waits here until a new environment takes it (AWS's /runtime/restore/next).
        status, _, data = self._request(b"GET " + API_PREFIX.encode("ascii") + b"/restore/next"
                                        + self._post_common + b"\r\n")
        if status != 200:
            raise RuntimeApiError("GET /restore/next answered %d: %r" % (status, data[:500]))

    def _post(self, path, body, content_type, extra_headers=b"", then_next=False):
        # then_next: the next /next goes in the same write (HTTP pipelining; Nimbus answers in order and sends the 202
        # with the next event, so the runtime wakes once per invocation); next() then only reads its answer.
        if isinstance(body, str):
            body = body.encode("utf-8")
        request = b"".join((
            self._post_head, path, self._post_common,
            b"Content-Type: ", content_type, b"\r\nContent-Length: ",
            str(len(body)).encode("ascii"), b"\r\n", extra_headers, b"\r\n", body,
            self._next_request if then_next else b"",
        ))
        _flush()
        try:
            status, _, data = self._request(request, pipelined=then_next)
        except (ProtocolError, OSError):
            if not then_next:
                raise
            # Lost while waiting for the next event: the platform had the result (or ended the environment); the
            # next /next goes on a new connection.
            return None
        # Read after the answer: the connection is still the one the /next went on (a closed one cleared it).
        self._next_sent = then_next and self.sock is not None
        if status >= 500:
            raise RuntimeApiError("POST %s answered %d: %r"
                                  % (path.decode("latin-1"), status, data[:500]))
        if status != 202:
            # e.g. 413 (response too large) or 400/403: the platform has settled the
            # invocation itself; say so and carry on with the next one.
            sys.stderr.write("nimbus-runtime: POST %s answered %d: %s\n"
                             % (path.decode("latin-1"), status,
                                data[:500].decode("utf-8", "replace")))
        return status

    def post_response(self, request_id, payload, content_type):
        return self._post(b"/invocation/" + _quote(request_id) + b"/response", payload,
                          content_type, then_next=True)

    def post_error(self, request_id, body, xray=None):
        extra = _error_type_header(body)
        if xray is not None:
            cause = _dumps(xray)
            if len(cause) < 1024 * 1024:
                try:
                    extra += _header_line(XRAY_CAUSE_HEADER, cause)
                except UnicodeEncodeError:
                    # Python 3.12+ keeps non-ASCII in JSON; http.client could not send
                    # that in a header (the runtime crashed). Send the same JSON escaped.
                    extra += _header_line(XRAY_CAUSE_HEADER, json.dumps(xray))
        return self._post(b"/invocation/" + _quote(request_id) + b"/error", _dumps(body),
                          b"application/json", extra, then_next=True)

    def post_init_error(self, body):
        return self._post(b"/init/error", _dumps(body), b"application/json",
                          _error_type_header(body))

    def post_restore_error(self, body):
        return self._post(b"/restore/error", _dumps(body), b"application/json",
                          _error_type_header(body))


def _error_type_header(body):
    value = body["errorType"] or "Runtime.Unknown"
    try:
        return _header_line(ERROR_TYPE_HEADER, value)
    except UnicodeEncodeError:
        # A non-Latin-1 exception class name: send it as UTF-8, as AWS's client does.
        data = value.encode("utf-8")
        if b"\r" in data or b"\n" in data:
            raise ValueError("Invalid header value %r" % (value,))
        return ERROR_TYPE_HEADER.encode("latin-1") + b": " + data + b"\r\n"


def _quote(request_id):
    """The request id, percent-encoded as a path segment (bytes)."""
    if request_id.isascii() and _SAFE_ID_CHARS.issuperset(request_id):
        return request_id.encode("ascii")
    from urllib.parse import quote

    return quote(request_id, safe="").encode("ascii")


# --------------------------------------------------------------------------
# Context object
# --------------------------------------------------------------------------

class CognitoIdentity(object):
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, data):
        self.cognito_identity_id = data.get("cognitoIdentityId")
        self.cognito_identity_pool_id = data.get("cognitoIdentityPoolId")

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client(object):
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name")

    def __init__(self, data):
        for name in self.__slots__:
            setattr(self, name, data.get(name))

    def __repr__(self):
        return "Client([%s])" % ",".join("%s=%s" % (n, getattr(self, n)) for n in self.__slots__)


class ClientContext(object):
    __slots__ = ("custom", "env", "client")

    def __init__(self, data):
        self.custom = data.get("custom")
        self.env = data.get("env")
        client = data.get("client")
        self.client = Client(client) if isinstance(client, dict) else client

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


_ENV_FIELDS = ()


def _read_env_fields():
    """The platform's function settings for the context object, read once after init."""
    global _ENV_FIELDS
    env = os.environ
    _ENV_FIELDS = tuple(env.get(name) for name in (
        "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION"))


class LambdaContext(object):
    def __init__(self, request_id, deadline_ms, function_arn, client_context, identity, tenant_id):
        if not _ENV_FIELDS:
            _read_env_fields()
        self.aws_request_id = request_id
        (self.log_group_name, self.log_stream_name, self.function_name,
         self.memory_limit_in_mb, self.function_version) = _ENV_FIELDS
        self.invoked_function_arn = function_arn
        self.tenant_id = tenant_id
        self.client_context = ClientContext(client_context) if client_context is not None else None
        self.identity = CognitoIdentity(identity or {})
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        import time

        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        names = ("aws_request_id", "log_group_name", "log_stream_name", "function_name",
                 "memory_limit_in_mb", "function_version", "invoked_function_arn",
                 "client_context", "identity", "tenant_id")
        return "LambdaContext([%s])" % ",".join("%s=%s" % (n, getattr(self, n)) for n in names)


def _parse_header_json(value, what):
    try:
        return json.loads(value)
    except Exception as e:
        raise Fault("Runtime.LambdaContextUnmarshalError",
                    "Unable to parse %s JSON: %s" % (what, e))


# --------------------------------------------------------------------------
# Logging (installed lazily: importing ``logging`` costs several ms)
# --------------------------------------------------------------------------

_RESERVED_LOG_FIELDS = frozenset((
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
    "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
    "relativeCreated", "thread", "threadName", "processName", "process", "taskName",
    "aws_request_id", "tenant_id", "message", "asctime",
))


def _install_logging(logging):
    import time

    logging.Formatter.converter = time.gmtime

    class RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _request_id or ""
            return True

    class StdoutHandler(logging.Handler):
        def emit(self, record):
            try:
                sys.stdout.write(self.format(record))
            except Exception:
                self.handleError(record)

    class JsonFormatter(logging.Formatter):
        def format(self, record):
            import traceback

            level = min(50, max(0, record.levelno)) // 10 * 10
            out = {
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
                "level": logging.getLevelName(level),
                "message": record.getMessage(),
                "logger": record.name,
                "requestId": record.aws_request_id,
            }
            if record.exc_info and record.exc_info[0] is not None:
                out["stackTrace"] = traceback.format_tb(record.exc_info[2])
                out["errorType"] = record.exc_info[0].__name__
                out["errorMessage"] = str(record.exc_info[1])
                out["location"] = "%s:%s:%s" % (record.pathname, record.funcName, record.lineno)
            for key, value in record.__dict__.items():
                if key not in _RESERVED_LOG_FIELDS and key not in out and not key.startswith("_") \
                        and value is not None:
                    out[key] = value
            try:
                return _dumps(out) + "\n"
            except Exception:
                return json.dumps(out, default=str) + "\n"

    handler = StdoutHandler()
    if _log_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    if _log_level in ("DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL"):
        root.setLevel(_log_level)
    root.addHandler(handler)


class _LoggingImportHook(object):
    """Meta-path finder that configures ``logging`` right after its first import."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:
            return None
        import importlib.util

        spec = importlib.util.find_spec("logging")
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        original = spec.loader.exec_module

        def exec_module(module):
            original(module)
            _install_logging(module)

        spec.loader.exec_module = exec_module
        return spec

    def find_module(self, name, path=None):  # pragma: no cover - pre-3.4 protocol
        return None


def _setup_logging():
    if "logging" in sys.modules:
        _install_logging(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, _LoggingImportHook())


def _log_warning(message):
    # What AWS's runtime logs through the root logger; written directly so that an
    # init failure does not pay for importing ``logging``.
    if _log_json:
        import time
        sys.stdout.write(_dumps({"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                 "level": "WARNING", "message": message, "logger": "root",
                                 "requestId": _request_id or ""}) + "\n")
    else:
        import time
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%03dZ" % (int(now * 1000) % 1000)
        sys.stdout.write("[WARNING]\t%s\t%s\t%s\n" % (stamp, _request_id or "", message))


UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. To determine if the runtime has been updated, check the "
    "runtime version in the INIT_START log entry. If this error correlates with a change in the "
    "runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)


# --------------------------------------------------------------------------
# Init
# --------------------------------------------------------------------------

def _setup_sys_path(task_root, sdk_directory=None):
    runtime_dir = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path
            if p and os.path.abspath(p) not in (runtime_dir, os.path.abspath(task_root))]
    front = [task_root]
    ver = "python%d.%d" % sys.version_info[:2]
    for extra in ("/opt/python/lib/%s/site-packages" % ver, "/opt/python"):
        if os.path.isdir(extra):
            front.append(extra)
    if sdk_directory:
        # Where AWS has /var/runtime: after the function's code and layers, before the interpreter's own paths.
        front.append(_install_sdk(runtime_dir, sdk_directory))
    # snapshot_restore_py (SnapStart's runtime hooks), which AWS's Python runtimes provide, comes last.
    sys.path[:] = front + [p for p in rest if p not in front] + [os.path.join(runtime_dir, "hooks")]


# --------------------------------------------------------------------------
# The AWS SDK for Python
# --------------------------------------------------------------------------

# AWS's Python runtimes include boto3 and botocore. The platform names, in this variable, the host's directory that
# holds them (Debian's python3-boto3); of that directory only these top-level packages are importable.
SDK_VARIABLE = "_NIMBUS_PYTHON_SDK"
SDK_PACKAGES = frozenset((
    "boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six",
    "requests", "idna", "certifi", "charset_normalizer", "chardet",
))


class _SdkFinder(object):
    """The path entry finder of the SDK's sys.path entry: the SDK's packages and nothing else of their directory."""

    def __init__(self, directory):
        self._path = [directory]

    def find_spec(self, fullname, target=None):
        if fullname not in SDK_PACKAGES:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(fullname, self._path)
        if spec is not None and fullname == "botocore":
            spec.loader = _BotocoreLoader(spec.loader)
        return spec

    def invalidate_caches(self):
        pass


class _BotocoreLoader(object):
    """Loads the SDK's botocore, then makes it honour AWS_ENDPOINT_URL if it predates that setting (botocore 1.31)."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _honour_endpoint_url()


def _honour_endpoint_url():
    """AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL for clients created without an endpoint_url, as current SDKs do.

    Nimbus sets AWS_ENDPOINT_URL to its own API; Debian's botocore 1.29 would send calls to amazonaws.com instead.
    """
    import botocore.configprovider
    import botocore.session

    if "ignore_configured_endpoint_urls" in botocore.configprovider.BOTOCORE_DEFAUT_SESSION_VARIABLES:
        return
    create_client = botocore.session.Session.create_client

    def create_client_with_endpoint(self, service_name, *args, **kwargs):
        # endpoint_url is create_client's sixth parameter, the fifth after service_name.
        if len(args) < 5 and kwargs.get("endpoint_url") is None and \
                os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() != "true":
            service_id = str(self.get_service_model(service_name).service_id)
            endpoint = os.environ.get("AWS_ENDPOINT_URL_" + service_id.upper().replace(" ", "_")) or \
                os.environ.get("AWS_ENDPOINT_URL")
            if endpoint:
                kwargs["endpoint_url"] = endpoint
        return create_client(self, service_name, *args, **kwargs)

    botocore.session.Session.create_client = create_client_with_endpoint


def _install_sdk(runtime_dir, directory):
    """Returns the sys.path entry that imports the SDK's packages from ``directory``."""
    entry = os.path.join(runtime_dir, "sdk")

    def hook(path):
        if path == entry:
            return _SdkFinder(directory)
        raise ImportError("not the SDK's entry", path=path)

    sys.path_hooks.insert(0, hook)
    sys.path_importer_cache.pop(entry, None)
    return entry


def load_handler(handler):
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))

    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise Fault("Runtime.BuiltInModuleConflict",
                        "Cannot use built-in module %s as a handler module" % module_name)
        import importlib

        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError",
                    "Unable to import module '%s': %s" % (module_name, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError",
                    "Syntax error in module '%s': %s" % (module_name, e), trace)

    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound",
                    "Handler '%s' missing on module '%s'" % (function_name, module_name))


# --------------------------------------------------------------------------
# Invoke
# --------------------------------------------------------------------------

TRACE_VARIABLE = "_X_AMZN_TRACE_ID"


class _TraceVariable(object):
    """_X_AMZN_TRACE_ID set for each invocation, in os.environ and in the C environment, as AWS's runtime client does.

    ``os.environ[name] = value`` calls setenv(3), and glibc's setenv keeps every string it ever made (a getenv in
    another thread may still hold it): with a new trace id per invocation, a warm environment grew ~140 bytes per
    invocation without end (a busy 128 MB function would have reached its limit after some 800,000 invocations). So
    after its first DIRECT_AFTER invocations a runtime owns two buffers instead: each invocation writes its trace id
    into the one not in the environment and putenv(3)s it, which takes the caller's string as it is (nothing
    allocated), and a reader holding the previous value still reads whole bytes until the invocation after. ctypes,
    ~2.5 ms to import, is imported then, after that invocation's result was sent (prepare_if_due), never on an
    environment's first invocation. Without ctypes or putenv, or for a value longer than a buffer, os.environ is used
    as before.
    """

    DIRECT_AFTER = 100
    CAPACITY = 1024

    def __init__(self):
        self.count = 0
        self.direct = False
        self.next = 0

    def update(self, value):
        if not value:
            os.environ.pop(TRACE_VARIABLE, None)
            return
        if self.direct:
            raw = self.encode(value)
            if len(raw) <= self.CAPACITY and b"\0" not in raw:
                index = self.next
                self.next = 1 - index
                offset = self.offset
                self.views[index][offset:offset + len(raw) + 1] = raw + b"\0"
                if self.putenv(self.addresses[index]) == 0:
                    self.data[self.key] = raw
                    return
        else:
            self.count += 1
        os.environ[TRACE_VARIABLE] = value

    def prepare_if_due(self):
        if self.count < self.DIRECT_AFTER or self.direct:
            return
        self.count = -(1 << 62)  # one attempt
        try:
            import ctypes

            libc = ctypes.CDLL(None)
            putenv = libc.putenv
            putenv.argtypes = (ctypes.c_void_p,)
            putenv.restype = ctypes.c_int
            malloc = libc.malloc
            malloc.argtypes = (ctypes.c_size_t,)
            malloc.restype = ctypes.c_void_p
            environ = os.environ
            key = environ.encodekey(TRACE_VARIABLE)
            data = environ._data
        except Exception:
            return
        prefix = key + b"="
        size = len(prefix) + self.CAPACITY + 1
        # From malloc, never freed: the C environment may point into a buffer until the process ends, and a Python
        # object's memory would be freed at the interpreter's shutdown while threads or atexit code may still read it.
        addresses = tuple(malloc(size) for _ in (0, 1))
        if not all(addresses):
            return
        self.addresses = addresses
        self.views = tuple(memoryview((ctypes.c_char * size).from_address(a)).cast("B") for a in addresses)
        for view in self.views:
            view[:len(prefix)] = prefix
        self.offset = len(prefix)
        self.putenv = putenv
        self.encode = environ.encodevalue
        self.key = key
        self.data = data
        self.direct = True


_trace_variable = _TraceVariable()


def handle_invocation(client, handler, headers, body):
    global _request_id

    # ``headers``: a dict with lower-case names (see RuntimeClient._read_response).
    request_id = headers.get("lambda-runtime-aws-request-id") or ""
    _request_id = request_id
    _trace_variable.update(headers.get("lambda-runtime-trace-id"))

    xray = None
    try:
        try:
            deadline_ms = int(headers.get("lambda-runtime-deadline-ms") or 0)
        except ValueError:
            deadline_ms = 0
        client_context = headers.get("lambda-runtime-client-context")
        identity = headers.get("lambda-runtime-cognito-identity")
        context = LambdaContext(
            request_id, deadline_ms, headers.get("lambda-runtime-invoked-function-arn"),
            _parse_header_json(client_context, "Client Context") if client_context else None,
            _parse_header_json(identity, "Cognito Identity") if identity else None,
            headers.get("lambda-runtime-aws-tenant-id"),
        )

        content_type = headers.get("content-type")
        if not content_type or content_type == "application/json" or \
                content_type.split(";")[0].strip().lower() == "application/json":
            try:
                event = json.loads(body)
            except Exception as e:
                raise Fault("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e)
        else:
            event = body

        result = handler(event, context)

        if result is None:
            payload, payload_type = b"null", b"application/json"
        elif isinstance(result, (bytes, bytearray)):
            payload, payload_type = bytes(result), b"application/unknown"
        else:
            try:
                payload, payload_type = _dumps(result), b"application/json"
            except Exception as e:
                raise Fault("Runtime.MarshalError", "Unable to marshal response: %s" % e)
    except Fault as f:
        error = _error_body(f.message, f.error_type, f.trace, request_id)
        xray = _xray_cause("LambdaValidationError", f.message, [])
    except Exception as e:
        error, frames = _exception_body(e, request_id)
        xray = _xray_cause(error["errorType"], error["errorMessage"], frames)
    else:
        client.post_response(request_id, payload, payload_type)
        return

    _write_error_log(error)
    client.post_error(request_id, error, xray)


STEM_FD_VARIABLE = "_NIMBUS_STEM_FD"


def _await_function():
    """A stem cell: started ahead of need with everything above imported, it waits here for its function.

    The platform writes the function's environment (NUL-separated NAME=value entries) to the fd named by
    _NIMBUS_STEM_FD (a socket) and closes its end; by then /var/task and /opt show the function's code and layers.
    One byte written first tells the platform the cell is ready. What Python reads from the environment only at
    start-up is applied by hand: PYTHONPATH's entries go after the task root.
    """
    global _log_json, _log_level
    fd = int(os.environ[STEM_FD_VARIABLE])
    try:
        os.write(fd, b"w")
    except OSError:
        pass  # EPIPE: the function's environment is already there (the cell was taken before it got here).
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    os.environ.clear()
    for entry in b"".join(chunks).split(b"\0"):
        name, sep, value = entry.partition(b"=")
        if sep:
            os.environ[os.fsdecode(name)] = os.fsdecode(value)
    _log_json = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
    _log_level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    if _log_level == "TRACE":
        _log_level = "DEBUG"
    task_root = os.environ.get("LAMBDA_TASK_ROOT")
    if task_root:
        os.chdir(task_root)
    extra = [p for p in (os.environ.get("PYTHONPATH") or "").split(":") if p and p not in sys.path]
    sys.path[1:1] = extra


SNAPSHOT_VARIABLE = "_NIMBUS_SNAPSHOT_SOCKET"


def _restored(snapstart, snapshot_socket, client):
    """Serves as a template until forked; the child's Runtime API client and its after-restore hooks' error, if any."""
    def announce_ready():
        # The first /next (never answered) ends the template's init phase on the platform's side.
        client._connect()
        client.sock.sendall(client._next_request)

    hook_error = snapstart.serve(snapshot_socket, announce_ready)
    error = _exception_body(hook_error)[0] if hook_error is not None else None
    client.close()
    _read_env_fields()
    return RuntimeClient(os.environ.get("AWS_LAMBDA_RUNTIME_API") or "", getattr(snapstart, "runtime_api_socket", None)), error


def main():
    if STEM_FD_VARIABLE in os.environ:
        _await_function()
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("nimbus-runtime: AWS_LAMBDA_RUNTIME_API is not set\n")
        return 2
    handler_name = os.environ.get("_HANDLER") or (sys.argv[1] if len(sys.argv) > 1 else "")
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()

    # Without -u, make print() reach the platform promptly anyway.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except Exception:
            pass

    _setup_sys_path(task_root, os.environ.pop(SDK_VARIABLE, None))
    client = RuntimeClient(address, os.environ.pop(RUNTIME_API_SOCKET_VARIABLE, None))

    error = None
    try:
        _setup_logging()
        handler = load_handler(handler_name)
    except Fault as f:
        error = _error_body(f.message, f.error_type, f.trace)
    except Exception as e:
        error = _exception_body(e)[0]
    except SystemExit as e:
        error = _exception_body(e)[0]

    _read_env_fields()
    snapshot_socket = os.environ.pop(SNAPSHOT_VARIABLE, None)
    # A SnapStart version's environment without a template to fork from is a pre-initialized spare
    # (docs/cold-starts.md#snapstart): as AWS's runtime clients do, it waits in /runtime/restore/next after its init
    # and its before-snapshot hooks, and runs the after-restore hooks once that returns.
    spare = not snapshot_socket and os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"
    if (snapshot_socket or spare) and error is None:
        import _nimbus_snapstart as snapstart

        try:
            snapstart.run_before_snapshot()
            if snapshot_socket:
                snapstart.check_single_threaded(snapshot_socket)
        except Exception as e:
            error = _exception_body(e)[0]
    if error is not None:
        _log_warning(UNHANDLED_WARNING)
        _write_error_log(error)
        try:
            client.post_init_error(error)
        except Exception as e:
            sys.stderr.write("nimbus-runtime: could not report init error: %s\n" % e)
        _flush()
        return 1

    if snapshot_socket:
        # A SnapStart template: this returns only in an environment forked from it (docs/cold-starts.md#snapstart).
        client, error = _restored(snapstart, snapshot_socket, client)
        if error is not None:
            _write_error_log(error)
            client.post_init_error(error)
            _flush()
            return 1

    if spare:
        client.restore_next()
        error = snapstart.after_restore_in_spare()
        if error is not None:
            error = _exception_body(error)[0]
            _write_error_log(error)
            client.post_restore_error(error)
            _flush()
            return 1

    while True:
        headers, body = client.next()
        handle_invocation(client, handler, headers, body)
        _trace_variable.prepare_if_due()


if __name__ == "__main__":
    try:
        code = main()
    except (RuntimeApiError, OSError) as exc:
        sys.stderr.write("nimbus-runtime: lost the Runtime API: %s\n" % exc)
        code = 1
    _flush()
    sys.exit(code)
