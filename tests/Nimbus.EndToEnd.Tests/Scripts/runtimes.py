# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for each runtime on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python runtimes.py CASE RUNTIME. Verdicts are explicit checks, not ``assert`` statements, so that
PYTHONOPTIMIZE cannot turn them off; the script exits non-zero on the first difference and prints "ok" last.
"""
import io
import json
import os
import sys
import uuid
import zipfile

import boto3
import botocore.config

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"

LAM = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION,
                   config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=120))


class Mismatch(Exception):
    pass


def check(condition, *detail):
    if not condition:
        raise Mismatch(" ".join(str(d) for d in detail) or "check failed")


def make_zip(files, modes=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644) | 0o100000) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def deploy(runtime, files, handler="app.handler", modes=None, **extra):
    name = f"rt-{runtime.replace('.', '')}-{uuid.uuid4().hex[:8]}"
    LAM.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                        Code={"ZipFile": make_zip(files, modes)}, Timeout=60, MemorySize=512, **extra)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
    return name


def invoke_json(name, payload=None):
    response = LAM.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode())
    body = response["Payload"].read()
    check("FunctionError" not in response, response.get("FunctionError"), body)
    return json.loads(body)


SDK_HANDLER = """
import os, sys
import boto3, botocore

def importable(name):
    try:
        __import__(name)
        return True
    except ImportError:
        return False

def handler(event, context):
    lam = boto3.client("lambda")
    names = []
    for page in lam.get_paginator("list_functions").paginate():
        names += [f["FunctionName"] for f in page["Functions"]]
    return {
        "python": "python%d.%d" % sys.version_info[:2],
        "boto3": boto3.__version__, "botocore": botocore.__version__,
        "boto3_file": boto3.__file__, "botocore_file": botocore.__file__,
        "endpoint": lam.meta.endpoint_url, "aws_endpoint_url": os.environ.get("AWS_ENDPOINT_URL"),
        "sees_itself": context.function_name in names,
        "sys_path": sys.path, "task_root": os.environ["LAMBDA_TASK_ROOT"], "prefix": sys.prefix,
        "sdk_variable_visible": any(k.startswith("_NIMBUS") for k in os.environ),
        "distro_importable": importable("distro"),
        "s3transfer_importable": importable("s3transfer.manager"),
    }
"""


def case_sdk(runtime):
    """The runtime's boto3 imports, honours AWS_ENDPOINT_URL and lists the functions of Nimbus itself."""
    name = deploy(runtime, {"app.py": SDK_HANDLER})
    result = invoke_json(name)
    check(result["python"] == runtime, "interpreter", result["python"], "for", runtime)
    check(result["sees_itself"], "list_functions through AWS_ENDPOINT_URL did not list the function", result)
    check(result["endpoint"] == result["aws_endpoint_url"], "endpoint", result["endpoint"], result["aws_endpoint_url"])
    check(not result["boto3_file"].startswith(result["task_root"]), "boto3 came from the function's code", result["boto3_file"])
    check(result["s3transfer_importable"], "s3transfer is part of the SDK")
    check(not result["sdk_variable_visible"], "the platform's SDK variable leaked into os.environ")
    # Only the SDK's packages of Debian's dist-packages: its other packages (distro) stay out, unless the
    # interpreter is Debian's own, whose site directory is dist-packages.
    check(result["prefix"].startswith("/usr") or not result["distro_importable"], "a Debian package beside the SDK is importable")
    path = result["sys_path"]
    sdk_entries = [i for i, p in enumerate(path) if p.endswith("/sdk")]
    check(path[0] == result["task_root"] and len(sdk_entries) == 1, "sys.path", path)
    stdlib = [i for i, p in enumerate(path) if p.endswith(".zip") or p.rstrip("/").endswith(runtime)]
    check(stdlib and sdk_entries[0] < min(stdlib), "the SDK comes before the standard library", path)
    print(f"{runtime}: boto3 {result['boto3']} botocore {result['botocore']} from {os.path.dirname(os.path.dirname(result['boto3_file']))}")


OWN_HANDLER = """
import boto3, botocore

def handler(event, context):
    return {"boto3": boto3.__version__, "boto3_file": boto3.__file__, "botocore": botocore.__version__}
"""


def case_own_sdk_wins(runtime):
    """A boto3 in the function's zip, or in a layer, wins over the runtime's; the zip's over the layer's."""
    layer = LAM.publish_layer_version(
        LayerName=f"own-boto3-{uuid.uuid4().hex[:8]}",
        Content={"ZipFile": make_zip({"python/boto3/__init__.py": "__version__ = '0.0-layer'\n"})})["LayerVersionArn"]

    own = deploy(runtime, {"app.py": OWN_HANDLER, "boto3/__init__.py": "__version__ = '0.0-own'\n"})
    result = invoke_json(own)
    check(result["boto3"] == "0.0-own", "the zip's boto3 must win", result)
    check(result["botocore"] and result["botocore"] != "0.0-own", "botocore still comes from the runtime", result)

    from_layer = deploy(runtime, {"app.py": OWN_HANDLER}, Layers=[layer])
    result = invoke_json(from_layer)
    check(result["boto3"] == "0.0-layer" and result["boto3_file"].endswith("/python/boto3/__init__.py"), "the layer's boto3 must win", result)

    both = deploy(runtime, {"app.py": OWN_HANDLER, "boto3/__init__.py": "__version__ = '0.0-own'\n"}, Layers=[layer])
    result = invoke_json(both)
    check(result["boto3"] == "0.0-own", "the zip's boto3 comes before the layer's", result)


BOOTSTRAP = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
COUNT=0
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -LD "$HEADERS" "$API/invocation/next")"
  ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '\\r' | cut -d' ' -f2)"
  COUNT=$((COUNT + 1))
  if [ "$EVENT" = '"fail"' ]; then
    curl -sS -X POST "$API/invocation/$ID/error" -H 'Lambda-Runtime-Function-Error-Type: Custom.Failed' \\
      -d '{"errorMessage": "asked to fail", "errorType": "Custom.Failed"}' > /dev/null
  else
    curl -sS -X POST "$API/invocation/$ID/response" \\
      -d "{\\"echo\\": $EVENT, \\"handler\\": \\"$_HANDLER\\", \\"count\\": $COUNT, \\"request\\": \\"$ID\\", \\"exec_env\\": \\"${AWS_EXECUTION_ENV:-none}\\"}" > /dev/null
  fi
done
"""


def case_provided(runtime):
    """A shell bootstrap speaks the Runtime API: responses, a reported error, and one warm process across invokes."""
    name = deploy(runtime, {"bootstrap": BOOTSTRAP}, handler="my.handler", modes={"bootstrap": 0o755})
    response = LAM.invoke(FunctionName=name, Payload=b'{"n": 1}')
    first = json.loads(response["Payload"].read())
    check(first["echo"] == {"n": 1} and first["handler"] == "my.handler" and first["count"] == 1, first)
    check(first["request"] == response["ResponseMetadata"]["RequestId"], "request id", first, response["ResponseMetadata"])
    check(first["exec_env"] == "none", "AWS sets no AWS_EXECUTION_ENV for OS-only runtimes", first)
    response = LAM.invoke(FunctionName=name, Payload=b'"fail"')
    error = json.loads(response["Payload"].read())
    check(response.get("FunctionError") == "Unhandled", "FunctionError", response)
    check(error == {"errorMessage": "asked to fail", "errorType": "Custom.Failed"}, error)
    second = invoke_json(name, {"n": 2})
    check(second["echo"] == {"n": 2} and second["count"] == 3, "the same bootstrap process serves every invoke", second)
    configuration = LAM.get_function_configuration(FunctionName=name)
    check(configuration["Runtime"] == runtime, configuration["Runtime"])



# The connected ends, in this network namespace, of the Runtime API's abstract Unix socket as /proc/net/unix names
# them (the leading NUL shown as "@").
SOCKET_PYTHON = """
import os

def handler(event, context):
    port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)[1]
    connected = []
    with open("/proc/net/unix") as table:
        for line in table:
            fields = line.split()
            if len(fields) == 8 and fields[7] == "@nimbus-runtime-api-" + port and fields[5] == "03":
                connected.append(fields[7])
    return {"port": port, "connected": connected, "variable": "_NIMBUS_RUNTIME_API_SOCKET" in os.environ}
"""


def case_runtime_api_socket(runtime):
    """Nimbus's Python client reaches the Runtime API over nimbus-init's abstract Unix socket, not TCP."""
    name = deploy(runtime, {"app.py": SOCKET_PYTHON})
    for _ in range(3):
        answer = invoke_json(name)
    check(answer["connected"] == ["@nimbus-runtime-api-" + answer["port"]], "the runtime's one connection", answer)
    check(not answer["variable"], "the socket's variable is not left in the function's environment", answer)

# The runtime's parent, by the name it was executed as: nimbus-init, then nimbus-idle (the same process).
IDLE_PYTHON = """
import os

def handler(event, context):
    with open(f"/proc/{os.getppid()}/cmdline", "rb") as command:
        parent = os.path.basename(command.read().split(b"\\0")[0].decode())
    answer = {"parent": parent, "parent_pid": os.getppid(), "pid": os.getpid()}
    if event.get("api"):
        import boto3
        answer["api"] = boto3.client("lambda").get_function_configuration(FunctionName=context.function_name)["FunctionName"]
    return answer
"""


def case_idle_supervisor(runtime):
    """Once the server serves the runtime, nimbus-init becomes nimbus-idle; the environment works on through it."""
    name = deploy(runtime, {"app.py": IDLE_PYTHON})
    first = invoke_json(name)
    check(first["parent"] == "nimbus-init", "the first invocation is served with nimbus-init", first)
    # nimbus-init executes nimbus-idle right after the hand-over that follows the first invocation; a later
    # invocation may come first. A bound against a hang, not a wait for time.
    for _ in range(500):
        answer = invoke_json(name)
        if answer["parent"] == "nimbus-idle":
            break
    check(answer["parent"] == "nimbus-idle", "nimbus-init became nimbus-idle", answer)
    check((answer["pid"], answer["parent_pid"]) == (first["pid"], first["parent_pid"]), "the same processes", first, answer)
    # Nimbus's API from the function (through the platform bridge, which nimbus-idle pipes, in a runc sandbox).
    api = invoke_json(name, {"api": True})
    check(api["api"] == name and api["pid"] == first["pid"], api)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]](sys.argv[2])
    print("ok")
