# SPDX-License-Identifier: Apache-2.0
"""End-to-end cases for images that bring their own runtime, on a Nimbus server at NIMBUS_ENDPOINT (runc sandbox).

Usage: python image_runtimes.py CASE [DATA_DIR]. One image is built here without Docker, laid out as AWS's Lambda base
images are (aws-lambda-base-images: ENTRYPOINT /lambda-entrypoint.sh, CMD the handler, the interpreter under
/var/lang, the runtime under /var/runtime, the code in /var/task, /usr/local/bin/aws-lambda-rie for local runs), with
the host's dash, C library and Python (the interpreter running this script) copied in. Its functions start it three ways:

- as a base image: /lambda-entrypoint.sh execs /var/runtime/bootstrap because AWS_LAMBDA_RUNTIME_API is set (the
  aws-lambda-rie in the image is a trap that fails the start if it is ever run);
- as a plain Python image with the runtime interface client: `python -m awslambdaric <handler>`. awslambdaric is not
  installable here (PyPI is not reachable offline), so the image's `awslambdaric` package is a stand-in with its
  contract: the handler is argv[1], the Runtime API is AWS_LAMBDA_RUNTIME_API; it runs Nimbus's Python runtime client;
- as a custom runtime: the entrypoint is a Python script with its own Runtime API loop, no client library at all.

The C custom runtime of images.py is the fourth form (a static program that speaks the Runtime API).
"""
import base64
import json
import os
import subprocess
import sys
import uuid

import images
import oci_image
from invoke import LAM, ROLE

# The interpreter running this script (NIMBUS_TEST_PYTHON, a pyenv build with a shared libpython) is the one copied in.
PYTHON = sys.base_prefix
V = f"{sys.version_info[0]}.{sys.version_info[1]}"
STDLIB_SKIPPED = {"test", "site-packages", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "pydoc_data",
                  "__pycache__", f"config-{V}-x86_64-linux-gnu"}

ENTRYPOINT_SH = b"""#!/bin/sh
# What AWS's base images do at start: the handler is the one argument; the emulator only when no Runtime API is given.
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
  exec /usr/local/bin/aws-lambda-rie /var/runtime/bootstrap
fi
exec /var/runtime/bootstrap
"""

RIE_TRAP = b"""#!/bin/sh
echo "aws-lambda-rie was started: the Runtime API was not given to the image" 1>&2
exit 1
"""

RUNTIME_BOOTSTRAP = b"""#!/bin/sh
exec /var/lang/bin/python3 /var/runtime/bootstrap.py "$@"
"""

AWSLAMBDARIC_MAIN = b"""# Stand-in for awslambdaric's `python -m awslambdaric <handler>` (awslambdaric cannot be installed offline).
import os
import runpy
import sys

if len(sys.argv) != 2:
    sys.exit("usage: python -m awslambdaric <handler>")
os.environ["_HANDLER"] = sys.argv[1]
os.environ["VIA"] = "awslambdaric"
runpy.run_path("/var/runtime/bootstrap.py", run_name="__main__")
"""

APP = b"""import os
import sys


def _describe(event, context, which):
    return {"which": which, "event": event, "handler": os.environ.get("_HANDLER"), "via": os.environ.get("VIA"),
            "executable": os.path.realpath(sys.executable), "version": list(sys.version_info[:2]), "cwd": os.getcwd(),
            "task_root": os.environ.get("LAMBDA_TASK_ROOT"), "runtime_dir": os.environ.get("LAMBDA_RUNTIME_DIR"),
            "request_id": context.aws_request_id, "function_name": context.function_name,
            "image_var": os.environ.get("IMAGE_VAR"), "uid": os.getuid()}


def handler(event, context):
    return _describe(event, context, "handler")


def other(event, context):
    return _describe(event, context, "other")
"""

CUSTOM_LOOP = b"""#!/var/lang/bin/python3
# A custom runtime with no client library: its own loop on the Runtime API.
import http.client
import json
import os

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
while True:
    connection = http.client.HTTPConnection(host, int(port))
    connection.request("GET", "/2018-06-01/runtime/invocation/next")
    response = connection.getresponse()
    event = json.loads(response.read())
    request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
    answer = json.dumps({"which": "custom", "event": event, "handler": os.environ.get("_HANDLER"),
                         "deadline": response.getheader("Lambda-Runtime-Deadline-Ms") is not None}).encode()
    connection.request("POST", "/2018-06-01/runtime/invocation/%s/response" % request_id, body=answer)
    connection.getresponse().read()
    connection.close()
"""


def _runtime_client():
    """Nimbus's Python runtime client (runtimes/python/bootstrap.py), found from the scripts' folder upwards."""
    directory = os.path.dirname(os.path.abspath(__file__))
    while directory != "/":
        candidate = os.path.join(directory, "runtimes", "python", "bootstrap.py")
        if os.path.isfile(candidate):
            return candidate
        directory = os.path.dirname(directory)
    raise AssertionError("runtimes/python/bootstrap.py not found above " + __file__)


def _host_libraries():
    """The host's shared libraries that dash, Python and its extension modules load (zlib, libffi, OpenSSL, ...)."""
    binaries = ["/bin/dash", f"{PYTHON}/bin/python{V}"]
    dynload = f"{PYTHON}/lib/python{V}/lib-dynload"
    binaries += [os.path.join(dynload, name) for name in sorted(os.listdir(dynload)) if name.endswith(".so") and not name.startswith("_tkinter")]
    output = subprocess.run(["ldd", *binaries], capture_output=True, text=True).stdout
    libraries = {}
    for line in output.splitlines():
        name, arrow, rest = line.strip().partition(" => ")
        path = rest.split(" (")[0]
        if arrow and path.startswith(("/lib/", "/usr/lib/")) and not name.startswith(("libpython", "ld-linux")):
            libraries[name] = path
    return libraries


def _system_layer():
    """The host's dash as /bin/sh with its C library, and this Python under /var/lang (stdlib without its tests)."""
    entries = [(d, "dir", None, 0o755) for d in (
        "bin", "lib", "lib/x86_64-linux-gnu", "lib64", "usr", "usr/local", "usr/local/bin", "var", "var/lang",
        "var/lang/bin", "var/lang/lib", "var/runtime", "var/task", "etc", "opt")]
    entries += [("bin/sh", "host", os.path.realpath("/bin/dash"), 0o755),
                ("lib64/ld-linux-x86-64.so.2", "host", os.path.realpath("/lib64/ld-linux-x86-64.so.2"), 0o755)]
    for library, path in sorted(_host_libraries().items()):
        entries.append(("lib/x86_64-linux-gnu/" + library, "host", os.path.realpath(path), 0o755))
    entries += [(f"var/lang/bin/python{V}", "host", f"{PYTHON}/bin/python{V}", 0o755),
                ("var/lang/bin/python3", "symlink", f"python{V}", 0o777),
                (f"var/lang/lib/libpython{V}.so.1.0", "host", f"{PYTHON}/lib/libpython{V}.so.1.0", 0o755),
                ("usr/local/bin/python", "symlink", f"/var/lang/bin/python{V}", 0o777)]
    stdlib = f"{PYTHON}/lib/python{V}"
    for directory, subdirectories, files in os.walk(stdlib):
        subdirectories[:] = sorted(d for d in subdirectories if d not in STDLIB_SKIPPED)
        relative = os.path.relpath(directory, stdlib)
        inside = f"var/lang/lib/python{V}" + ("" if relative == "." else "/" + relative)
        entries.append((inside, "dir", None, 0o755))
        for name in sorted(files):
            if not os.path.islink(os.path.join(directory, name)) and not name.startswith("_tkinter"):
                entries.append((f"{inside}/{name}", "host", os.path.join(directory, name), 0o644))
    return oci_image.layer(entries, compresslevel=1)


def _function_layer():
    with open(_runtime_client(), "rb") as source:
        client = source.read()
    site = f"var/lang/lib/python{V}/site-packages"
    return oci_image.layer([
        ("lambda-entrypoint.sh", "file", ENTRYPOINT_SH, 0o755),
        ("usr/local/bin/aws-lambda-rie", "file", RIE_TRAP, 0o755),
        ("var/runtime/bootstrap", "file", RUNTIME_BOOTSTRAP, 0o755),
        ("var/runtime/bootstrap.py", "file", client, 0o644),
        (site, "dir", None, 0o755), (site + "/awslambdaric", "dir", None, 0o755),
        (site + "/awslambdaric/__init__.py", "file", b"", 0o644),
        (site + "/awslambdaric/__main__.py", "file", AWSLAMBDARIC_MAIN, 0o644),
        ("var/task/app.py", "file", APP, 0o644),
        ("var/task/bootstrap.py", "file", CUSTOM_LOOP, 0o755),
    ])


def _push_base_image():
    layout = os.path.join(images.WORK, "base-layout")
    oci_image.write_layout(
        layout, "base", [_system_layer(), _function_layer()],
        entrypoint=["/lambda-entrypoint.sh"], cmd=["app.handler"], workdir="/var/task",
        env=["LANG=en_US.UTF-8", "TZ=:/etc/localtime",
             "PATH=/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
             "LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
             "LAMBDA_TASK_ROOT=/var/task", "LAMBDA_RUNTIME_DIR=/var/runtime", "IMAGE_VAR=from-image"])
    repository = images.new_repository()
    images.push(layout, "base", repository)
    return f"{images.REGISTRY_HOST}/{repository}:base"


def _create(uri, **image_config):
    name = f"rt-{uuid.uuid4().hex[:8]}"
    arguments = {"ImageConfig": image_config} if image_config else {}
    LAM.create_function(FunctionName=name, PackageType="Image", Role=ROLE, Code={"ImageUri": uri}, **arguments)
    images.wait(name)
    return name


def _invoke(name, payload):
    response = LAM.invoke(FunctionName=name, Payload=json.dumps(payload).encode(), LogType="Tail")
    return response, json.loads(response["Payload"].read()), base64.b64decode(response.get("LogResult", "")).decode()


def case_runtimes_in_images():
    uri = _push_base_image()

    # The base image's contract: /lambda-entrypoint.sh app.handler → /var/runtime/bootstrap → /var/lang's Python.
    base = _create(uri)
    response, answer, log = _invoke(base, {"n": 1})
    assert "FunctionError" not in response, (answer, log)
    assert "aws-lambda-rie" not in log, log
    assert answer["which"] == "handler" and answer["handler"] == "app.handler" and answer["event"] == {"n": 1}, answer
    assert answer["executable"] == f"/var/lang/bin/python{V}" and answer["version"] == list(sys.version_info[:2]), answer
    assert answer["cwd"] == "/var/task" and answer["task_root"] == "/var/task" and answer["runtime_dir"] == "/var/runtime", answer
    assert answer["function_name"] == base and answer["request_id"] == response["ResponseMetadata"]["RequestId"], answer
    assert answer["image_var"] == "from-image" and answer["uid"] == 993 and answer["via"] is None, answer

    # CMD from ImageConfig names another handler; the entrypoint stays the image's.
    LAM.update_function_configuration(FunctionName=base, ImageConfig={"Command": ["app.other"]})
    images.wait(base)
    response, answer, log = _invoke(base, {"n": 2})
    assert "FunctionError" not in response and answer["which"] == "other" and answer["handler"] == "app.other", (answer, log)

    # /lambda-entrypoint.sh wants exactly one argument: with two it exits 142 and the start fails as on AWS.
    LAM.update_function_configuration(FunctionName=base, ImageConfig={"Command": ["app.handler", "extra"]})
    images.wait(base)
    response, answer, log = _invoke(base, {})
    assert response.get("FunctionError") == "Unhandled" and answer["errorType"] == "Runtime.ExitError", (answer, log)
    assert "entrypoint requires the handler name to be the first argument" in log, log

    # A plain Python image with the runtime interface client as its entrypoint: python -m awslambdaric <handler>.
    ric = _create(uri, EntryPoint=["/usr/local/bin/python", "-m", "awslambdaric"], Command=["app.other"])
    response, answer, log = _invoke(ric, {"n": 3})
    assert "FunctionError" not in response, (answer, log)
    assert answer["which"] == "other" and answer["via"] == "awslambdaric" and answer["event"] == {"n": 3}, answer

    # A custom runtime: a script with its own Runtime API loop as the entrypoint.
    custom = _create(uri, EntryPoint=["/var/task/bootstrap.py"], Command=["custom.handler"])
    response, answer, log = _invoke(custom, {"n": 4})
    assert "FunctionError" not in response, (answer, log)
    assert answer == {"which": "custom", "event": {"n": 4}, "handler": "custom.handler", "deadline": True}, answer

    for name in (base, ric, custom):
        LAM.delete_function(FunctionName=name)


def case_plain_layouts():
    """Images FROM a plain distro: no /var at all (WORKDIR /var/task), or a /var without /var/task. Both run; the
    environment has /var/task (LAMBDA_TASK_ROOT) where the image has no /var, as under runc's own working directory."""
    layout = os.path.join(images.WORK, "plain")
    runtime = ("usr/local/bin/bootstrap", "file", images.bootstrap_binary(), 0o755)
    for tag, entries, workdir, cwd in (
            ("novar", [runtime], "/var/task", "/var/task"),
            ("var-no-task", [("var", "dir", None, 0o755), ("var/lib", "dir", None, 0o755), runtime], None, "/")):
        oci_image.write_layout(layout, tag, [oci_image.layer(entries)], entrypoint=["/usr/local/bin/bootstrap"], workdir=workdir)
        repository = images.new_repository()
        images.push(layout, tag, repository)
        name = _create(f"{images.REGISTRY_HOST}/{repository}:{tag}")
        response, answer, log = _invoke(name, {"layout": tag})
        assert "FunctionError" not in response, (tag, answer, log)
        assert answer["event"] == {"layout": tag} and answer["cwd"] == cwd, (tag, answer)
        LAM.delete_function(FunctionName=name)


def case_images_need_runc():
    """On a server with another sandbox (argv[2] names it), an image function is refused when created, before any pull."""
    sandbox = sys.argv[2]
    expected = (f"Container images (PackageType Image) need the runc or bwrap sandbox; this server runs functions in the "
                f"{sandbox} sandbox (setting Sandbox, NIMBUS_SANDBOX=runc or bwrap).")
    message = images.expect("InvalidParameterValueException", LAM.create_function, FunctionName=f"rt-{uuid.uuid4().hex[:8]}",
                            PackageType="Image", Role=ROLE, Code={"ImageUri": f"{images.REGISTRY_HOST}/any/app:v1"})
    assert message == expected, message


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
