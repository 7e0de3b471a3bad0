# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for java17, nodejs22.x/24.x and runtime management on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python jvm.py CASE. Java functions are compiled here with the host's javac against a stand-in for
aws-lambda-java-core (the same public names: Context, LambdaLogger, RequestHandler, RequestStreamHandler), which the
function ships in lib/, as a real function ships AWS's jar. Verdicts are explicit checks; "ok" is printed last.
"""
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
LAM = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION,
                   config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=300))
JAVAC = shutil.which("javac") or "/usr/bin/javac"


class Mismatch(Exception):
    pass


def check(condition, *detail):
    if not condition:
        raise Mismatch(" ".join(str(d) for d in detail) or "check failed")


CORE = {
    "com/amazonaws/services/lambda/runtime/Context.java": """package com.amazonaws.services.lambda.runtime;
public interface Context {
    String getAwsRequestId(); String getLogGroupName(); String getLogStreamName(); String getFunctionName();
    String getFunctionVersion(); String getInvokedFunctionArn(); CognitoIdentity getIdentity();
    ClientContext getClientContext(); int getRemainingTimeInMillis(); int getMemoryLimitInMB(); LambdaLogger getLogger();
}""",
    "com/amazonaws/services/lambda/runtime/CognitoIdentity.java": """package com.amazonaws.services.lambda.runtime;
public interface CognitoIdentity { String getIdentityId(); String getIdentityPoolId(); }""",
    "com/amazonaws/services/lambda/runtime/ClientContext.java": """package com.amazonaws.services.lambda.runtime;
public interface ClientContext { java.util.Map<String, String> getCustom(); java.util.Map<String, String> getEnvironment(); }""",
    "com/amazonaws/services/lambda/runtime/LambdaLogger.java": """package com.amazonaws.services.lambda.runtime;
public interface LambdaLogger { void log(String message); void log(byte[] message); }""",
    "com/amazonaws/services/lambda/runtime/RequestHandler.java": """package com.amazonaws.services.lambda.runtime;
public interface RequestHandler<I, O> { O handleRequest(I input, Context context); }""",
    "com/amazonaws/services/lambda/runtime/RequestStreamHandler.java": """package com.amazonaws.services.lambda.runtime;
public interface RequestStreamHandler {
    void handleRequest(java.io.InputStream input, java.io.OutputStream output, Context context) throws java.io.IOException;
}""",
}

ECHO = {"example/Echo.java": """package example;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.*;
public class Echo implements RequestHandler<Echo.Order, Echo.Receipt> {
    public static class Item { public String sku; public int quantity; }
    public static class Order {
        private String customer; private List<Item> items; public Map<String, Double> prices; public boolean rush;
        public String getCustomer() { return customer; } public void setCustomer(String c) { customer = c; }
        public List<Item> getItems() { return items; } public void setItems(List<Item> i) { items = i; }
    }
    public static class Receipt {
        private final String customer; private final int units; private final double total; public List<String> skus = new ArrayList<>();
        public String note; public boolean rush;
        Receipt(String customer, int units, double total) { this.customer = customer; this.units = units; this.total = total; }
        public String getCustomer() { return customer; } public int getUnits() { return units; } public double getTotal() { return total; }
        public String getURL() { return "https://example.com/" + customer; }
    }
    public Receipt handleRequest(Order order, Context context) {
        int units = 0; double total = 0;
        Receipt r;
        for (Item item : order.getItems()) { units += item.quantity; total += item.quantity * order.prices.get(item.sku); }
        r = new Receipt(order.getCustomer(), units, total);
        for (Item item : order.getItems()) r.skus.add(item.sku);
        r.rush = order.rush;
        context.getLogger().log("receipt for " + order.getCustomer());
        return r;
    }
}"""}

FUNCS = {"example/Funcs.java": """package example;
import com.amazonaws.services.lambda.runtime.Context;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
public class Funcs {
    static final long LOADED = System.nanoTime();
    public void stream(InputStream in, OutputStream out, Context context) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        out.write(("{\\"upper\\":" + text.toUpperCase(Locale.ROOT) + ",\\"id\\":\\"" + context.getAwsRequestId() + "\\"}").getBytes(StandardCharsets.UTF_8));
    }
    public Map<String, Object> context(Map<String, Object> event, Context context) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requestId", context.getAwsRequestId());
        out.put("functionName", context.getFunctionName());
        out.put("version", context.getFunctionVersion());
        out.put("arn", context.getInvokedFunctionArn());
        out.put("memory", context.getMemoryLimitInMB());
        out.put("remaining", context.getRemainingTimeInMillis());
        out.put("logGroup", context.getLogGroupName());
        out.put("custom", context.getClientContext() == null ? null : context.getClientContext().getCustom());
        out.put("greeting", System.getenv("GREETING"));
        out.put("property", System.getProperty("nimbus.test"));
        out.put("jvmArgs", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.put("javaVersion", System.getProperty("java.specification.version"));
        out.put("executionEnv", System.getenv("AWS_EXECUTION_ENV"));
        out.put("event", event);
        return out;
    }
    public static String fail(String input) { throw new IllegalStateException("no " + input); }
    public static String sleep(Integer ms) throws InterruptedException { Thread.sleep(ms); return "slept"; }
}"""}

GREET = {"example/Greet.java": """package example;
public class Greet {
    public static String greet(String name) { return "Hello, " + name + " from " + Helper.NAME; }
}"""}

HELPER = {"example/Helper.java": """package example;
public class Helper { public static final String NAME = "a layer"; }"""}

BROKEN = {"example/Broken.java": """package example;
public class Broken {
    static { if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null) throw new IllegalStateException("init went wrong"); }
    public static String handle(String s) { return s; }
}"""}


def compile_java(sources, classpath=()):
    """Compiles the sources; returns {path in the zip: bytes} of the classes."""
    work = tempfile.mkdtemp(prefix="jvm-")
    try:
        paths = []
        for name, text in sources.items():
            path = os.path.join(work, "src", name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
            paths.append(path)
        out = os.path.join(work, "out")
        command = [JAVAC, "--release", "17", "-d", out]
        if classpath:
            command += ["-cp", ":".join(classpath)]
        subprocess.run(command + paths, check=True, capture_output=True)
        classes = {}
        for root, _, files in os.walk(out):
            for file in files:
                full = os.path.join(root, file)
                with open(full, "rb") as f:
                    classes[os.path.relpath(full, out)] = f.read()
        return classes
    finally:
        shutil.rmtree(work, ignore_errors=True)


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


_CORE = None


def core_jar():
    """The stand-in aws-lambda-java-core: classes in a jar, and a directory of them for javac."""
    global _CORE
    if _CORE is None:
        classes = compile_java(CORE)
        directory = tempfile.mkdtemp(prefix="jvm-core-")
        for name, data in classes.items():
            os.makedirs(os.path.join(directory, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(directory, name), "wb") as f:
                f.write(data)
        _CORE = (zip_bytes(classes), directory)
    return _CORE


def java_function(sources, handler, in_jar=False, layers=None, extra_cp=(), **extra):
    jar, core_dir = core_jar()
    classes = compile_java(sources, [core_dir, *extra_cp])
    files = {"lib/aws-lambda-java-core-stand-in.jar": jar}
    if in_jar:
        files["lib/function.jar"] = zip_bytes(classes)
    else:
        files.update(classes)
    name = f"jvm-{uuid.uuid4().hex[:10]}"
    LAM.create_function(FunctionName=name, Runtime="java17", Role=ROLE, Handler=handler, Code={"ZipFile": zip_bytes(files)},
                        Timeout=extra.pop("Timeout", 30), MemorySize=extra.pop("MemorySize", 512), Layers=layers or [], **extra)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600})
    return name


def invoke(name, payload, **extra):
    response = LAM.invoke(FunctionName=name, Payload=json.dumps(payload).encode(), **extra)
    return response, json.loads(response["Payload"].read())


def case_java_pojo():
    name = java_function(ECHO, "example.Echo")
    response, body = invoke(name, {"customer": "ana", "rush": True, "unknown": 1,
                                   "items": [{"sku": "a", "quantity": 2}, {"sku": "b", "quantity": 1}],
                                   "prices": {"a": 1.5, "b": 4}}, LogType="Tail")
    check("FunctionError" not in response, body)
    # Properties in declaration order, getters by JavaBeans names (getURL is "URL"), nulls left out, as AWS's Jackson writes them.
    check(body == {"skus": ["a", "b"], "rush": True, "customer": "ana", "units": 3, "total": 7.0, "URL": "https://example.com/ana"}, body)
    log = base64.b64decode(response["LogResult"]).decode()
    check("receipt for ana" in log, log)


def case_java_stream():
    name = java_function(FUNCS, "example.Funcs::stream")
    response, body = invoke(name, "shout")
    check("FunctionError" not in response, body)
    check(body["upper"] == "SHOUT" and len(body["id"]) == 36, body)


def case_java_context():
    name = java_function(FUNCS, "example.Funcs::context", in_jar=True,
                         Environment={"Variables": {"GREETING": "hi", "JAVA_TOOL_OPTIONS": "-Dnimbus.test=yes"}})
    context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    response, body = invoke(name, {"a": [1, 2]}, ClientContext=context)
    check("FunctionError" not in response, body)
    check(body["functionName"] == name and body["version"] == "$LATEST" and body["arn"].endswith(":function:" + name), body)
    check(body["memory"] == 512 and 0 < body["remaining"] <= 30000 and body["logGroup"] == "/aws/lambda/" + name, body)
    check(body["custom"] == {"k": "v"} and body["greeting"] == "hi" and body["property"] == "yes", body)
    check(body["javaVersion"] == "17" and body["executionEnv"] == "AWS_Lambda_java17" and body["event"] == {"a": [1, 2]}, body)
    check("-XX:TieredStopAtLevel=1" in body["jvmArgs"] and "-XX:+UseSerialGC" in body["jvmArgs"], body["jvmArgs"])
    check("-XX:MaxHeapSize=%dk" % (512 * 1024 * 85 // 100) in body["jvmArgs"], body["jvmArgs"])
    # JAVA_TOOL_OPTIONS that sets the JIT is honoured: the default is left off the command line.
    LAM.update_function_configuration(FunctionName=name, Environment={"Variables": {"JAVA_TOOL_OPTIONS": "-XX:-TieredCompilation"}})
    LAM.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
    response, body = invoke(name, {})
    check("-XX:-TieredCompilation" in body["jvmArgs"] and "-XX:TieredStopAtLevel=1" not in body["jvmArgs"], body["jvmArgs"])


def case_java_errors():
    name = java_function(FUNCS, "example.Funcs::fail")
    response, body = invoke(name, "coffee")
    check(response.get("FunctionError") == "Unhandled", response)
    check(body["errorType"] == "java.lang.IllegalStateException" and body["errorMessage"] == "no coffee", body)
    check(body["stackTrace"][0].startswith("example.Funcs.fail(Funcs.java:"), body)
    response, body = invoke(name, {"not": "a string"})
    check(body["errorType"] == "java.lang.RuntimeException" and body["errorMessage"] == "An error occurred during JSON parsing", body)


def case_java_timeout():
    # 30 s (as the other Java cases; 10 s left a JVM whose init ran past the 10 s init limit no second chance): the
    # second invocation must succeed inside it on a new JVM (the timed-out one is not reused), whose first
    # invoke loads and interprets the runtime client's and the handler's classes (seconds on a loaded machine). The
    # first sleeps ten minutes, past the client's read timeout: an answer at all means the timeout ended it.
    name = java_function(FUNCS, "example.Funcs::sleep", Timeout=30)
    response, body = invoke(name, 600000)
    check(response.get("FunctionError") == "Unhandled" and body["errorType"] == "Sandbox.Timedout", body)
    check(body["errorMessage"].endswith("Task timed out after 30.00 seconds"), body)
    response, body = invoke(name, 10)
    check("FunctionError" not in response and body == "slept", body)


def case_java_init_failure():
    name = java_function(BROKEN, "example.Broken::handle")
    response, body = invoke(name, "x")
    check(response.get("FunctionError") == "Unhandled", response, body)
    check(body["errorType"] == "java.lang.ExceptionInInitializerError" and body["errorMessage"] == "Error loading class example.Broken", body)
    missing = java_function(BROKEN, "example.Nowhere::handle")
    response, body = invoke(missing, "x")
    check(body == {"errorMessage": "Class not found: example.Nowhere", "errorType": "java.lang.ClassNotFoundException"}, body)


def case_java_layer():
    helper = compile_java(HELPER)
    layer = LAM.publish_layer_version(LayerName=f"jvm-helper-{uuid.uuid4().hex[:8]}",
                                      Content={"ZipFile": zip_bytes({"java/lib/helper.jar": zip_bytes(helper)})},
                                      CompatibleRuntimes=["java17"])
    directory = tempfile.mkdtemp(prefix="jvm-helper-")
    for path, data in helper.items():
        os.makedirs(os.path.join(directory, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(directory, path), "wb") as f:
            f.write(data)
    name = java_function(GREET, "example.Greet::greet", layers=[layer["LayerVersionArn"]], extra_cp=[directory])
    response, body = invoke(name, "Bo")
    check("FunctionError" not in response and body == "Hello, Bo from a layer", body)


NODE = "export const handler = async (event) => ({ echo: event, version: process.version, env: process.env.AWS_EXECUTION_ENV });\n"


def case_node(runtime):
    major = runtime[len("nodejs"):-len(".x")]
    name = f"node-{major}-{uuid.uuid4().hex[:8]}"
    LAM.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler="index.handler",
                        Code={"ZipFile": zip_bytes({"index.mjs": NODE})}, Timeout=30)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600})
    response, body = invoke(name, {"n": 1})
    check("FunctionError" not in response, body)
    check(body["echo"] == {"n": 1} and body["version"].startswith(f"v{major}.") and body["env"] == f"AWS_Lambda_{runtime}", body)


def case_refused():
    try:
        LAM.create_function(FunctionName=f"refused-{uuid.uuid4().hex[:8]}", Runtime="java21", Role=ROLE, Handler="a.B",
                            Code={"ZipFile": zip_bytes({"a.txt": "x"})})
    except botocore.exceptions.ClientError as e:
        error = e.response["Error"]
        check(error["Code"] == "InvalidParameterValueException", error)
        check(error["Message"].startswith("Value java21 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: ["), error)
        listed = error["Message"].split("[", 1)[1].split("]", 1)[0].split(", ")
        check("java17" in listed and "nodejs22.x" in listed and "java21" not in listed, listed)
    else:
        raise Mismatch("java21 was accepted")


def expect_error(code, call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        check(e.response["Error"]["Code"] == code, e.response["Error"])
        return e.response["Error"]["Message"]
    raise Mismatch(f"expected {code}")


def case_runtime_management():
    name = f"rtm-{uuid.uuid4().hex[:8]}"
    LAM.create_function(FunctionName=name, Runtime="nodejs22.x", Role=ROLE, Handler="index.handler",
                        Code={"ZipFile": zip_bytes({"index.mjs": NODE})})
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600})
    arn = LAM.get_function_configuration(FunctionName=name)["RuntimeVersionConfig"]["RuntimeVersionArn"]
    check(arn.startswith(f"arn:aws:lambda:{REGION}::runtime:") and len(arn.rsplit(":", 1)[1]) == 64, arn)

    got = LAM.get_runtime_management_config(FunctionName=name)
    check(got["UpdateRuntimeOn"] == "Auto" and "RuntimeVersionArn" not in got and got["FunctionArn"].endswith(":function:" + name), got)

    message = expect_error("InvalidParameterValueException", LAM.put_runtime_management_config, FunctionName=name, UpdateRuntimeOn="Manual")
    check("RuntimeVersionArn" in message, message)
    expect_error("InvalidParameterValueException", LAM.put_runtime_management_config, FunctionName=name, UpdateRuntimeOn="Auto", RuntimeVersionArn=arn)
    message = expect_error("ValidationException", LAM.put_runtime_management_config, FunctionName=name, UpdateRuntimeOn="Manual",
                           RuntimeVersionArn="arn:aws:lambda:us-east-1:000000000000:runtime:abc")
    check("runtimeVersionArn" in message, message)
    other = f"arn:aws:lambda:{REGION}::runtime:" + "0" * 64
    message = expect_error("InvalidParameterValueException", LAM.put_runtime_management_config, FunctionName=name, UpdateRuntimeOn="Manual",
                           RuntimeVersionArn=other)
    check(other in message, message)

    put = LAM.put_runtime_management_config(FunctionName=name, UpdateRuntimeOn="Manual", RuntimeVersionArn=arn)
    check(put["UpdateRuntimeOn"] == "Manual" and put["RuntimeVersionArn"] == arn, put)
    got = LAM.get_runtime_management_config(FunctionName=name)
    check(got["UpdateRuntimeOn"] == "Manual" and got["RuntimeVersionArn"] == arn, got)
    check(LAM.get_function_configuration(FunctionName=name)["RuntimeVersionConfig"]["RuntimeVersionArn"] == arn)

    version = LAM.publish_version(FunctionName=name)["Version"]
    got = LAM.get_runtime_management_config(FunctionName=name, Qualifier=version)
    check(got["UpdateRuntimeOn"] == "Manual" and got["FunctionArn"].endswith(f":function:{name}:{version}"), got)
    put = LAM.put_runtime_management_config(FunctionName=name, Qualifier=version, UpdateRuntimeOn="FunctionUpdate")
    check(put["UpdateRuntimeOn"] == "FunctionUpdate" and "RuntimeVersionArn" not in put, put)
    check(LAM.get_runtime_management_config(FunctionName=name)["UpdateRuntimeOn"] == "Manual")
    expect_error("ResourceNotFoundException", LAM.get_runtime_management_config, FunctionName=name, Qualifier="42")
    expect_error("ResourceNotFoundException", LAM.get_runtime_management_config, FunctionName="no-such-function")


def main():
    case = sys.argv[1]
    if case.startswith("node_"):
        case_node(case[len("node_"):])
    else:
        globals()["case_" + case]()
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except Mismatch as e:
        print("MISMATCH:", e)
        sys.exit(1)
