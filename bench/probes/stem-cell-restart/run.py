#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The first cold start of a new python3.12 no-op on a restarted server, with the stem-cell pool's remembered runtimes
(stem-cells.tsv in the data directory) and with that file deleted before the restart (docs/cold-starts.md "Sizing").

A server of this checkout (runc, Auth off) in a temporary data directory has one python3.12 cold start, then is
stopped and started again, ROUNDS times each way, alternating; each first invoke comes 3 s after the server is up.
Prints the client's time (boto3, from the call to the answer) and the REPORT's Init Duration. Root, runc, boto3.
usage: run.py [ROUNDS] [PORT]
"""
import base64
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

import boto3

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 9480
EXE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "artifacts", "nimbus", "nimbus")
DATA = tempfile.mkdtemp(prefix="stem-cell-restart.")
LAMBDA = boto3.client("lambda", endpoint_url="http://127.0.0.1:%d" % PORT, region_name="us-east-1",
                      aws_access_key_id="x", aws_secret_access_key="y")


def start():
    env = dict(os.environ, NIMBUS_SANDBOX="runc", NIMBUS_AUTH="off", NIMBUS_DATA_DIR=DATA)
    log = open(os.path.join(DATA, "server.log"), "a")
    server = subprocess.Popen([EXE, "server", "--port", str(PORT)], env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/_nimbus/health" % PORT)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not start")


def stop(server):
    server.send_signal(signal.SIGTERM)
    server.wait()


def code():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        entry = zipfile.ZipInfo("app.py")
        entry.external_attr = 0o644 << 16  # readable by the sandbox's user
        z.writestr(entry, "def handler(event, context):\n    return {}\n")
    return data.getvalue()


def first_invoke(name):
    LAMBDA.create_function(FunctionName=name, Runtime="python3.12", Role="arn:aws:iam::000000000000:role/r",
                           Handler="app.handler", MemorySize=1769, Code={"ZipFile": code()})
    LAMBDA.get_waiter("function_active_v2").wait(FunctionName=name)
    started = time.perf_counter()
    answer = LAMBDA.invoke(FunctionName=name, LogType="Tail")
    client_ms = (time.perf_counter() - started) * 1000
    init = re.search(r"Init Duration: ([\d.]+) ms", base64.b64decode(answer["LogResult"]).decode())
    return client_ms, init.group(1) + " ms" if init else "none"


def main():
    try:
        server = start()
        first_invoke("before")
        time.sleep(3)  # the refiller writes the file within a second of the cold start
        stop(server)
        for round_ in range(ROUNDS):
            for remembered in (True, False) if round_ % 2 == 0 else (False, True):
                if not remembered:
                    os.remove(os.path.join(DATA, "stem-cells.tsv"))
                server = start()
                time.sleep(3)
                client_ms, init = first_invoke("r%d-%s" % (round_, "with" if remembered else "without"))
                print("round %d, %s the file: client %.1f ms, Init Duration %s"
                      % (round_, "with" if remembered else "without", client_ms, init))
                stop(server)
    finally:
        shutil.rmtree(DATA, ignore_errors=True)


if __name__ == "__main__":
    main()
