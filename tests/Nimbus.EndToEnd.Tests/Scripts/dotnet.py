# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for the dotnet8 and dotnet10 runtimes on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python dotnet.py RUNTIME ZIPS_DIRECTORY. The directory holds the C# functions DotnetFunctionBuild published
(fn<major>.zip, nolib<major>.zip + layer<major>.zip, exe10.zip). Verdicts are explicit checks; prints "ok" last.
"""
import base64
import json
import os
import sys
import uuid

import boto3
import botocore.config

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
LAM = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION,
                   config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=300))


class Mismatch(Exception):
    pass


def check(condition, *detail):
    if not condition:
        raise Mismatch(" ".join(str(d) for d in detail) or "check failed")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def deploy(runtime, zip_bytes, handler, **extra):
    name = f"dn-{runtime}-{uuid.uuid4().hex[:8]}"
    extra.setdefault("Timeout", 60)
    LAM.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                        Code={"ZipFile": zip_bytes}, MemorySize=512, **extra)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
    return name


def invoke(name, payload, **extra):
    response = LAM.invoke(FunctionName=name, Payload=payload, **extra)
    return response, response["Payload"].read()


def ok(name, payload, **extra):
    response, body = invoke(name, payload, **extra)
    check("FunctionError" not in response, "unexpected error:", body)
    return response, body


def failed(name, payload):
    response, body = invoke(name, payload, LogType="Tail")
    check(response.get("FunctionError") == "Unhandled", "expected Unhandled:", response.get("FunctionError"), body)
    return json.loads(body), base64.b64decode(response.get("LogResult", "")).decode()


def main(runtime, zips):
    major = runtime[len("dotnet"):]
    code = read(os.path.join(zips, f"fn{major}.zip"))

    # Stream in, Stream out: the payload's bytes come back unchanged.
    echo = deploy(runtime, code, "Echo::Echo.Function::Echo")
    payload = b'{"message": "hi", "n": [1, 2.5, null]}'
    _, body = ok(echo, payload)
    check(body == payload, "echo:", body)

    # ILambdaContext as the last parameter; the constructor ran once for both invocations; the function's variables.
    context = deploy(runtime, code, "Echo::Echo.Function::Context", Environment={"Variables": {"GREETING": "hello"}})
    client_context = base64.b64encode(json.dumps({"custom": {"tag": "t1"}, "env": {}, "client": {}}).encode()).decode()
    response, body = ok(context, b"{}", LogType="Tail", ClientContext=client_context)
    first = json.loads(body)
    check(first["requestId"] == response["ResponseMetadata"]["RequestId"], "requestId:", first, response["ResponseMetadata"])
    check(first["functionName"] == context and first["functionVersion"] == "$LATEST", first)
    check(first["arn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{context}", first)
    check(first["memory"] == 512 and 0 < first["remainingMs"] <= 60000, first)
    check(first["logGroup"] == f"/aws/lambda/{context}" and "[$LATEST]" in first["logStream"], first)
    check(first["client"] == "t1", "client context:", first)
    check(first["greeting"] == "hello" and first["executionEnv"] == f"AWS_Lambda_{runtime}", first)
    check(first["framework"] == int(major), "framework:", first)
    log = base64.b64decode(response["LogResult"]).decode()
    check(f"\t{first['requestId']}\tinfo\thello from {context}" in log, "logger line:", log)
    check(f"\t{first['requestId']}\tfail\tto stderr" in log, "stderr line:", log)
    _, body = ok(context, b"{}")
    second = json.loads(body)
    check(second["instance"] == first["instance"] == 1 and second["calls"] == 2, "constructor once:", first, second)
    check(second["requestId"] != first["requestId"], first, second)

    # POCOs through the assembly's [LambdaSerializer], async Task<T>; strings through the serializer too.
    double = deploy(runtime, code, "Echo::Echo.Function::Double")
    _, body = ok(double, b'{"Item": "apple", "Count": 21}')
    check(json.loads(body) == {"Item": "apple", "Count": 42}, "Double:", body)
    upper = deploy(runtime, code, "Echo::Echo.Function::Upper")
    _, body = ok(upper, b'"shout"')
    check(json.loads(body) == "SHOUT", "Upper:", body)

    # Errors as AWS reports them: the exception's type name, its message, stack lines, the inner exception as cause.
    fail = deploy(runtime, code, "Echo::Echo.Function::Fail")
    error, log = failed(fail, b"{}")
    check(error["errorType"] == "InvalidOperationException" and error["errorMessage"] == "outer problem", error)
    check(any("Echo.Function.Fail" in line for line in error["stackTrace"]), "stackTrace:", error)
    check(all(line == line.strip() and line for line in error["stackTrace"]), "stack lines trimmed:", error)
    check(error["cause"]["errorType"] == "ArgumentException" and error["cause"]["errorMessage"] == "inner problem", error)
    check("System.InvalidOperationException: outer problem" in log, "error logged:", log)
    fail_async = deploy(runtime, code, "Echo::Echo.Function::FailAsync")
    error, _ = failed(fail_async, b"{}")
    check(error["errorType"] == "TimeoutException" and error["errorMessage"] == "late", error)
    error, _ = failed(fail, b"{}")
    check(error["errorType"] == "InvalidOperationException", "second error:", error)

    # Timeout: killed at the deadline with Lambda's message.
    sleep = deploy(runtime, code, "Echo::Echo.Function::Sleep", Timeout=2)
    error, _ = failed(sleep, b"{}")
    check(error["errorType"] == "Sandbox.Timedout", error)
    check(error["errorMessage"].endswith("Task timed out after 2.00 seconds"), error)

    # Init failures: the constructor's exception; handler strings AWS's runtime refuses, with its messages.
    broken = deploy(runtime, code, "Echo::Echo.Broken::Handle")
    error, _ = failed(broken, b"{}")
    check(error["errorType"] == "InvalidDataException" and error["errorMessage"] == "constructor failed", error)
    missing = deploy(runtime, code, "Echo::Echo.Function::Nope")
    error, _ = failed(missing, b"{}")
    check(error["errorType"] == "LambdaValidationException", error)
    check(error["errorMessage"] == "Unable to find method 'Nope' in type 'Echo.Function' from assembly 'Echo': "
          "Found no methods matching method name 'Nope'.", error)
    no_assembly = deploy(runtime, code, "Nope::Echo.Function::Echo")
    error, _ = failed(no_assembly, b"{}")
    check(error["errorMessage"] == "Could not find the specified handler assembly with the file name 'Nope'. "
          "The assembly should be located in the root of your uploaded .zip file.", error)
    malformed = deploy(runtime, code, "Echo::Echo.Function")
    error, _ = failed(malformed, b"{}")
    check(error["errorMessage"] == "Invalid lambda function handler: 'Echo::Echo.Function'. "
          "The valid format is 'ASSEMBLY::TYPE::METHOD'.", error)

    # Layers: a dependency in the layer's runtime package store (/opt/dotnetcore/store), not in the zip.
    layer = LAM.publish_layer_version(LayerName=f"greeter-{uuid.uuid4().hex[:8]}", CompatibleRuntimes=[runtime],
                                      Content={"ZipFile": read(os.path.join(zips, f"layer{major}.zip"))})
    greet = deploy(runtime, read(os.path.join(zips, f"nolib{major}.zip")), "Echo::Echo.Function::Greet",
                   Layers=[layer["LayerVersionArn"]])
    _, body = ok(greet, b'"layers"')
    text = json.loads(body)
    check(text.startswith("hello layers from /opt/dotnetcore/store/x64/net") or "/dotnetcore/store/x64/net" in text, "Greet:", text)
    without = deploy(runtime, read(os.path.join(zips, f"nolib{major}.zip")), "Echo::Echo.Function::Greet")
    error, _ = failed(without, b'"nobody"')
    check(error["errorType"] == "FileNotFoundException" and "Greeter" in error["errorMessage"], error)

    # The executable-assembly form: a handler without '::' runs the zip's own program and its own runtime loop.
    if major == "10":
        exe = deploy(runtime, read(os.path.join(zips, "exe10.zip")), "Bootstrap")
        _, body = ok(exe, b'{"x": 1}')
        check(json.loads(body) == {"exe": {"x": 1}, "framework": 10}, "executable:", body)

    print("ok")


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except Mismatch as e:
        print(f"MISMATCH: {e}", file=sys.stderr)
        sys.exit(1)
