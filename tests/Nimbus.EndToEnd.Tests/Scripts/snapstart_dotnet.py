# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for SnapStart of dotnet8/dotnet10 functions: pre-initialized spares
(docs/cold-starts.md#snapstart).

Usage: python snapstart_dotnet.py RUNTIME ZIPS_DIRECTORY CASE. The function is Scripts/dotnet/fn's Echo.Snap, published
by DotnetFunctionBuild against the test's stand-in Amazon.Lambda.Core, whose SnapshotRestore keeps the hooks as the
real library does (see Scripts/dotnet/core/Core.cs). Its constructor registers two hooks each way; the process-sandbox
case sees the environments' processes from here (each init writes its pid into PIDDIR).
"""
import os
import sys
import tempfile
import uuid

from jvm import LAM, ROLE
from snapstart_java import (check_restored, expect_error, invoke, pids_in, publish_ready, report, wait_for_pids,
                            wait_version)

RUNTIME, ZIPS = sys.argv[1], sys.argv[2]


def create(variables=None):
    name = f"dsnap-{uuid.uuid4().hex[:10]}"
    with open(os.path.join(ZIPS, f"fn{RUNTIME[len('dotnet'):]}.zip"), "rb") as f:
        code = f.read()
    LAM.create_function(FunctionName=name, Runtime=RUNTIME, Role=ROLE, Handler="Echo::Echo.Snap::Handle", Code={"ZipFile": code},
                        Timeout=60, MemorySize=512, SnapStart={"ApplyOn": "PublishedVersions"},
                        Environment={"Variables": variables or {}})
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 600})
    return name


def case_statuses_hooks_and_restore_report():
    piddir = tempfile.mkdtemp()
    name = create({"PIDDIR": piddir})
    version, config = publish_ready(name)
    assert config["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, config["SnapStart"]
    spares = pids_in(piddir)
    assert len(spares) == 1, spares
    response, result = invoke(name, {}, Qualifier=version, LogType="Tail")
    check_restored(response, result)
    assert result["pid"] in spares, (result, spares)
    # The spare taken is made again in the background.
    wait_for_pids(piddir, 2)
    response, latest = invoke(name, {}, LogType="Tail")
    assert latest["type"] == "on-demand" and latest["order"] == [], latest
    assert "\tInit Duration: " in report(response), report(response)


def case_runc_restored():
    name = create()
    version, config = publish_ready(name)
    assert config["SnapStart"] == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}, config["SnapStart"]
    response, first = invoke(name, {}, Qualifier=version, LogType="Tail")
    check_restored(response, first)


def case_failing_before_hook_fails_the_version():
    name = create({"FAIL_BEFORE": "1"})
    version = LAM.publish_version(FunctionName=name)["Version"]
    config = wait_version(name, version, state="Failed")
    assert config["StateReasonCode"] == "FunctionError", config
    assert config["StateReason"] == "Runtime.BeforeSnapshotError: before failed on purpose", config
    assert config["SnapStart"]["OptimizationStatus"] == "Off", config


def case_failing_after_hook_is_snapstart_exception():
    name = create({"FAIL_RESTORE": "1"})
    version, _ = publish_ready(name)
    expect_error("SnapStartException",
                 "The afterRestore() runtime hook encountered an error. For more information, check the Amazon CloudWatch logs.",
                 LAM.invoke, FunctionName=name, Qualifier=version)


if __name__ == "__main__":
    globals()["case_" + sys.argv[3]]()
    print("ok")
