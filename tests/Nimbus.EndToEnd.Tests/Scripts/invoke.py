# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for invoking functions on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python invoke.py CASE. Each case creates its functions, invokes them and asserts what AWS Lambda
would answer; it exits non-zero on the first difference.
"""
import base64
import concurrent.futures
import io
import json
import os
import sys
import time
import uuid
import zipfile

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
PYTHON = os.environ.get("NIMBUS_TEST_RUNTIME", "python3.11")


def client(validate=True, read_timeout=60):
    config = botocore.config.Config(parameter_validation=validate, retries={"max_attempts": 1},
                                    read_timeout=read_timeout, max_pool_connections=32)
    return boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, config=config)


LAM = client()


def make_zip(files, modes=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644) | 0o100000) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def deploy(files, runtime=PYTHON, handler="app.handler", modes=None, **extra):
    name = f"inv-{uuid.uuid4().hex[:10]}"
    LAM.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                        Code={"ZipFile": make_zip(files, modes)}, **extra)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    return name


def invoke(name, payload=None, lam=LAM, **extra):
    args = {"FunctionName": name}
    if payload is not None:
        args["Payload"] = json.dumps(payload).encode()
    args.update(extra)
    response = lam.invoke(**args)
    body = response["Payload"].read()
    return response, body


def invoke_json(name, payload=None, **extra):
    response, body = invoke(name, payload, **extra)
    assert "FunctionError" not in response, (response.get("FunctionError"), body)
    return json.loads(body)


def tail(response):
    return base64.b64decode(response["LogResult"]).decode()


PY_CONTEXT = """
import json, os, time
COUNTER = {"n": 0}

def handler(event, context):
    COUNTER["n"] += 1
    with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "warm.txt"), "a") as f:
        f.write("x")
    with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "warm.txt")) as f:
        tmp_len = len(f.read())
    print("hello from the handler", event.get("say"))
    return {
        "event": event,
        "counter": COUNTER["n"],
        "tmp_len": tmp_len,
        "pid": os.getpid(),
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "client_context": None if context.client_context is None else context.client_context.custom,
        "env": {k: os.environ.get(k) for k in ["GREETING", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_EXECUTION_ENV", "_HANDLER", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
            "AWS_LAMBDA_RUNTIME_API", "TZ", "LANG", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"]},
    }
"""


def case_python_context_and_warm_reuse():
    name = deploy({"app.py": PY_CONTEXT}, MemorySize=256, Timeout=7, Environment={"Variables": {"GREETING": "hi"}})
    context = json.dumps({"custom": {"team": "nimbus"}, "client": {"installation_id": "i-1"}}).encode()
    response, body = invoke(name, {"say": "one"}, LogType="Tail", ClientContext=base64.b64encode(context).decode())
    assert response["StatusCode"] == 200 and response["ExecutedVersion"] == "$LATEST", response
    first = json.loads(body)
    assert first["event"] == {"say": "one"} and first["counter"] == 1 and first["tmp_len"] == 1, first
    assert first["aws_request_id"] == response["ResponseMetadata"]["RequestId"], (first["aws_request_id"], response["ResponseMetadata"])
    assert first["function_name"] == name and first["function_version"] == "$LATEST"
    assert first["invoked_function_arn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    assert first["memory_limit_in_mb"] in (256, "256")
    assert first["log_group_name"] == f"/aws/lambda/{name}"
    assert "/[$LATEST]" in first["log_stream_name"], first["log_stream_name"]
    assert 0 < first["remaining"] <= 7000, first["remaining"]
    assert first["client_context"] == {"team": "nimbus"}, first["client_context"]
    env = first["env"]
    assert env["GREETING"] == "hi" and env["AWS_REGION"] == REGION and env["AWS_DEFAULT_REGION"] == REGION
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name and env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256" and env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{PYTHON}" and env["_HANDLER"] == "app.handler"
    assert env["LAMBDA_TASK_ROOT"] and env["LAMBDA_RUNTIME_DIR"] and env["AWS_LAMBDA_RUNTIME_API"]
    assert env["TZ"] == ":UTC" and env["LANG"] == "en_US.UTF-8"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
    assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:"), env["AWS_ENDPOINT_URL"]
    log = tail(response)
    assert f"START RequestId: {first['aws_request_id']} Version: $LATEST" in log, log
    assert "hello from the handler one" in log, log
    assert f"END RequestId: {first['aws_request_id']}" in log, log
    assert "REPORT RequestId: " in log and "Init Duration: " in log and "Memory Size: 256 MB" in log, log

    response, body = invoke(name, {"say": "two"}, LogType="Tail")
    second = json.loads(body)
    assert second["counter"] == 2 and second["tmp_len"] == 2 and second["pid"] == first["pid"], (first, second)
    assert second["aws_request_id"] != first["aws_request_id"]
    assert "Init Duration" not in tail(response), "a warm invoke has no Init Duration"
    assert second["client_context"] is None


def case_parallel_invokes_get_separate_environments():
    # An id made once per environment (process ids repeat across sandboxes with their own pid namespace).
    # Each holds its environment 5 s: the other two requests, from threads of this script, must reach the server inside
    # that (plus a cold start) to be concurrent; one late past it would find an idle environment and reuse it.
    slow = "import time, uuid\nENV = uuid.uuid4().hex\n\ndef handler(event, context):\n    time.sleep(5.0)\n    return ENV\n"
    name = deploy({"app.py": slow}, Timeout=30)
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        pids = list(pool.map(lambda _: invoke_json(name, {}), range(3)))
    assert len(set(pids)) == 3, pids


def case_handler_errors():
    code = (
        "class CustomError(Exception):\n    pass\n\n"
        "def handler(event, context):\n"
        "    if event.get('fail'):\n        raise CustomError('it failed: ' + event['fail'])\n"
        "    return 'fine'\n"
    )
    name = deploy({"app.py": code})
    response, body = invoke(name, {"fail": "badly"})
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled", response
    error = json.loads(body)
    assert error["errorType"] == "CustomError" and error["errorMessage"] == "it failed: badly", error
    assert isinstance(error["stackTrace"], list) and error["stackTrace"], error
    assert invoke_json(name, {}) == "fine", "the environment survives a handled error"


def case_init_errors():
    name = deploy({"app.py": "def handler(event, context):\n    return 1\n"}, handler="missing.handler")
    response, body = invoke(name, {})
    error = json.loads(body)
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Runtime.ImportModuleError", (response, error)
    assert "Unable to import module 'missing'" in error["errorMessage"], error
    name = deploy({"app.py": "def handler(event, context):\n    return 1\n"}, handler="app.nothere")
    _, body = invoke(name, {})
    error = json.loads(body)
    assert error["errorType"] == "Runtime.HandlerNotFound", error
    name = deploy({"app.py": "raise ValueError('broken at import')\n\ndef handler(e, c):\n    return 1\n"})
    _, body = invoke(name, {})
    error = json.loads(body)
    assert error["errorType"] == "ValueError" and "broken at import" in error["errorMessage"], error
    # After an init error the next invoke inits again (and fails the same way).
    _, body = invoke(name, {})
    assert json.loads(body)["errorType"] == "ValueError"


def case_timeout_and_crash():
    code = (
        "import os, threading, time\nSTATE = {'n': 0}\n\n"
        "def handler(event, context):\n"
        "    STATE['n'] += 1\n"
        "    if event.get('sleep'):\n        print('sleeping', flush=True)\n        time.sleep(event['sleep'])\n        print('woke up', flush=True)\n"
        "    if event.get('exit') is not None:\n        os._exit(event['exit'])\n"
        "    if event.get('exit_later') is not None:\n        threading.Timer(1.0, os._exit, [event['exit_later']]).start()\n"
        "    return STATE['n']\n"
    )
    # 5 s: the invocations expected to succeed each run in a new environment (after the timeout, after the crash) and
    # must finish inside it on a loaded machine.
    name = deploy({"app.py": code}, Timeout=5)
    assert invoke_json(name, {}) == 1
    # The handler would sleep for ten minutes, far past the client's 60 s read timeout: an answer at all means the
    # timeout ended the invocation, and the log shows the handler never woke up.
    response, body = invoke(name, {"sleep": 600}, LogType="Tail")
    error = json.loads(body)
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Sandbox.Timedout", error
    assert error["errorMessage"].endswith("Task timed out after 5.00 seconds"), error
    log = tail(response)
    assert "sleeping" in log and "woke up" not in log, log
    assert "Task timed out after 5.00 seconds" in log, log
    assert invoke_json(name, {}) == 1, "a timed-out environment is not reused"
    response, body = invoke(name, {"exit": 3})
    error = json.loads(body)
    assert error["errorType"] == "Runtime.ExitError" and "exit status 3" in error["errorMessage"], error
    assert invoke_json(name, {}) == 1, "a crashed environment is not reused"
    # The runtime dies after it answered, while its environment waits idle: the next invocation gets a new one.
    assert invoke_json(name, {"exit_later": 4}) == 2
    time.sleep(3)
    assert invoke_json(name, {}) == 1, "an environment that died while idle is not reused"


def case_payload_limits_and_invocation_types():
    name = deploy({"app.py": "def handler(event, context):\n    return 'x' * event.get('n', 1)\n"})
    lam = client(validate=False)
    big = {"data": "a" * (6 * 1024 * 1024)}
    try:
        lam.invoke(FunctionName=name, Payload=json.dumps(big).encode())
        raise AssertionError("a 6 MB request must be refused")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "RequestEntityTooLargeException", error.response
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 413
        assert error.response["Error"]["Message"] == "Request must be smaller than 6291456 bytes for the InvokeFunction operation", error.response
    try:
        lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"data": "a" * (1024 * 1024 + 10)}).encode())
        raise AssertionError("a 1 MB event must be refused")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "RequestEntityTooLargeException", error.response
    response, body = invoke(name, {"n": 6 * 1024 * 1024 + 200})
    error = json.loads(body)
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Function.ResponseSizeTooLarge", error
    try:
        lam.invoke(FunctionName=name, Payload=b"not json")
        raise AssertionError("a payload that is not JSON must be refused")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "InvalidRequestContentException", error.response
    response = LAM.invoke(FunctionName=name, InvocationType="DryRun")
    assert response["StatusCode"] == 204, response
    response = LAM.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    assert response["StatusCode"] == 202, response
    missing = f"missing-{uuid.uuid4().hex[:8]}"
    try:
        LAM.invoke(FunctionName=missing)
        raise AssertionError("invoking a missing function must fail")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "ResourceNotFoundException"
        assert error.response["Error"]["Message"] == f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:{missing}"
    try:
        LAM.invoke(FunctionName=name, Qualifier="5")
        raise AssertionError("invoking a missing version must fail")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "ResourceNotFoundException"
    assert json.loads(invoke(name, {}, Qualifier="$LATEST")[1]) == "x"


def case_event_is_delivered():
    """An Event invocation runs: the handler tags its own function through Nimbus's API (AWS_ENDPOINT_URL)."""
    code = (
        "import boto3, os\n\n"
        "def handler(event, context):\n"
        "    lam = boto3.client('lambda')\n"
        "    lam.tag_resource(Resource=context.invoked_function_arn, Tags={'delivered': event['mark']})\n"
        "    return 'ok'\n"
    )
    name = deploy({"app.py": code}, Timeout=30, MemorySize=1024)
    mark = uuid.uuid4().hex[:8]
    response = LAM.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"mark": mark}).encode())
    assert response["StatusCode"] == 202
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if LAM.list_tags(Resource=arn)["Tags"].get("delivered") == mark:
            return
        time.sleep(0.2)
    raise AssertionError("the Event invocation was not delivered within 60 s")


def case_invoke_async_deprecated():
    code = "import boto3\n\ndef handler(event, context):\n    boto3.client('lambda').tag_resource(Resource=context.invoked_function_arn, Tags={'async': 'yes'})\n"
    name = deploy({"app.py": code}, Timeout=30, MemorySize=1024)
    response = LAM.invoke_async(FunctionName=name, InvokeArgs=b'{"a": 1}')
    assert response["Status"] == 202, response
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if LAM.list_tags(Resource=arn)["Tags"].get("async") == "yes":
            return
        time.sleep(0.2)
    raise AssertionError("InvokeAsync was not delivered within 60 s")


def case_node_handlers():
    files = {
        "cjs.js": "exports.handler = async (event, context) => ({ style: 'cjs-async', event, fn: context.functionName, left: context.getRemainingTimeInMillis() > 0 });\n",
        "cb.js": "exports.handler = (event, context, callback) => { callback(null, { style: 'callback', id: context.awsRequestId }); };\n",
        "esm.mjs": "export const handler = async (event) => ({ style: 'esm', event });\n",
        "fail.js": "exports.handler = async () => { const e = new Error('node failed'); e.name = 'NodeError'; throw e; };\n",
    }
    for handler, style in (("cjs.handler", "cjs-async"), ("cb.handler", "callback"), ("esm.handler", "esm")):
        name = deploy(files, runtime="nodejs20.x", handler=handler)
        result = invoke_json(name, {"k": 1})
        assert result["style"] == style, result
        if style == "cjs-async":
            assert result["fn"] == name and result["left"] is True and result["event"] == {"k": 1}, result
    name = deploy(files, runtime="nodejs20.x", handler="fail.handler")
    response, body = invoke(name, {})
    error = json.loads(body)
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "NodeError" and error["errorMessage"] == "node failed", error


def case_custom_runtime():
    bootstrap = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -LD "$HEADERS" "$API/invocation/next")"
  ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '\\r' | cut -d' ' -f2)"
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\\"echo\\": $EVENT, \\"handler\\": \\"$_HANDLER\\"}" > /dev/null
done
"""
    # 30 s, not the 3 s default: the shell runtime starts mktemp, curl, grep, tr, cut and curl again per invocation.
    name = deploy({"bootstrap": bootstrap}, runtime="provided.al2023", handler="my.handler", modes={"bootstrap": 0o755}, Timeout=30)
    result = invoke_json(name, {"custom": True})
    assert result == {"echo": {"custom": True}, "handler": "my.handler"}, result


def case_enqueue_slow_events():
    """Creates a function whose Event invocations tag it after 2 s; queues 5 events; prints the function name."""
    code = (
        "import boto3, time\n\n"
        "def handler(event, context):\n"
        "    time.sleep(2)\n"
        "    boto3.client('lambda').tag_resource(Resource=context.invoked_function_arn, Tags={event['mark']: 'done'})\n"
    )
    name = deploy({"app.py": code}, Timeout=30, MemorySize=1024)
    for i in range(5):
        response = LAM.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"mark": f"m{i}"}).encode())
        assert response["StatusCode"] == 202
    print(name)


def case_events_delivered_after_restart():
    """Waits until the 5 events queued by enqueue_slow_events (function name in argv[2]) have all run."""
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{sys.argv[2]}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        tags = LAM.list_tags(Resource=arn)["Tags"]
        if all(tags.get(f"m{i}") == "done" for i in range(5)):
            return
        time.sleep(0.25)
    raise AssertionError(f"not every queued event was delivered after the restart: {tags}")


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
