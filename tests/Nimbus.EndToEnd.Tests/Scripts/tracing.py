# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for trace propagation and TracingConfig (docs/tracing.md), and the audit trail's data events,
on a Nimbus server at NIMBUS_ENDPOINT started with TracingOtlpEndpoint and AuditDataEvents=true.

Usage: python tracing.py CASE. Functions report the _X_AMZN_TRACE_ID they saw to a sink queue (events.py's helpers).
A case that makes a trace the OTLP receiver should see prints "root <32 hex>" before "ok".
"""
import json
import os
import sys
import time
import uuid

import boto3
import botocore.config

from events import SINK_HELPER, drain, queue
from invoke import ENDPOINT, LAM, REGION, deploy

CT = boto3.client("cloudtrail", endpoint_url=ENDPOINT, region_name=REGION, config=botocore.config.Config(retries={"max_attempts": 1}))

REPORT_TRACE = SINK_HELPER + """
def handler(event, context):
    report({"who": os.environ["WHO"], "trace": os.environ.get("_X_AMZN_TRACE_ID")})
    return {"trace": os.environ.get("_X_AMZN_TRACE_ID")}
"""

# Sends a message to QUEUE and an Event invocation to ASYNC_TARGET: boto3 inside the function passes the trace on by itself.
FAN_OUT = """
import json, os, boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE"], MessageBody="from the handler")
    boto3.client("lambda").invoke(FunctionName=os.environ["ASYNC_TARGET"], InvocationType="Event", Payload=b"{}")
    return {"trace": os.environ.get("_X_AMZN_TRACE_ID")}
"""

RETURN_TRACE = """
import os

def handler(event, context):
    return {"trace": os.environ.get("_X_AMZN_TRACE_ID")}
"""


def new_root():
    return f"1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"


def parts(header):
    return dict(part.split("=", 1) for part in header.split(";") if "=" in part)


def invoke_with_headers(name, headers):
    lam = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, config=botocore.config.Config(retries={"max_attempts": 1}))

    def add(request, **_):
        for key, value in headers.items():
            request.headers[key] = value

    lam.meta.events.register("before-sign.lambda.Invoke", add)
    response = lam.invoke(FunctionName=name, Payload=b"{}")
    assert "FunctionError" not in response, response["Payload"].read()
    return json.loads(response["Payload"].read())


def case_caller_trace_reaches_handler_async_target_and_mapping():
    sink_url, _ = queue()
    source_url, source_arn = queue()
    env = {"SINK": sink_url}
    # 30 s, not the 3 s default: FAN_OUT makes two boto3 clients in its handler (0.8-1.2 s in all at load 48), and a
    # timed-out first invocation fails the case.
    mapped = deploy({"app.py": REPORT_TRACE}, Environment={"Variables": dict(env, WHO="mapped")}, Timeout=30)
    target = deploy({"app.py": REPORT_TRACE}, Environment={"Variables": dict(env, WHO="async")}, Timeout=30)
    LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=mapped, BatchSize=1)
    first = deploy({"app.py": FAN_OUT}, Environment={"Variables": {"QUEUE": source_url, "ASYNC_TARGET": target}}, Timeout=30)

    root = new_root()
    result = invoke_with_headers(first, {"X-Amzn-Trace-Id": f"Root={root};Parent=53995c3f42cd8ad8;Sampled=1"})
    seen = parts(result["trace"])
    assert seen["Root"] == root, result
    assert seen["Sampled"] == "1", result
    assert seen["Parent"] != "53995c3f42cd8ad8", "the function runs with its own segment id as Parent"

    reports = {json.loads(m["Body"])["who"]: json.loads(m["Body"])["trace"] for m in drain(sink_url, 2, timeout=90)}
    assert set(reports) == {"mapped", "async"}, reports
    for who, trace in reports.items():
        assert parts(trace)["Root"] == root, (who, trace)
        assert parts(trace)["Sampled"] == "1", (who, trace)
    print("root " + root[2:10] + root[11:])


def case_active_creates_a_sampled_root():
    active = deploy({"app.py": RETURN_TRACE}, TracingConfig={"Mode": "Active"})
    passthrough = deploy({"app.py": RETURN_TRACE})
    assert LAM.get_function_configuration(FunctionName=active)["TracingConfig"] == {"Mode": "Active"}

    made = parts(invoke_with_headers(active, {})["trace"])
    assert made["Sampled"] == "1", made
    assert len(made["Root"]) == 35 and made["Root"].startswith("1-"), made
    assert len(made["Parent"]) == 16, made

    unsampled = parts(invoke_with_headers(passthrough, {})["trace"])
    assert unsampled["Sampled"] == "0", unsampled
    assert unsampled["Root"] != made["Root"]

    # PassThrough honours the caller's decision; Active samples a call that asks it to decide.
    kept = parts(invoke_with_headers(passthrough, {"X-Amzn-Trace-Id": f"Root={new_root()};Sampled=1"})["trace"])
    assert kept["Sampled"] == "1", kept
    decided = parts(invoke_with_headers(active, {"X-Amzn-Trace-Id": f"Root={new_root()};Sampled=?"})["trace"])
    assert decided["Sampled"] == "1", decided
    print("root " + made["Root"][2:10] + made["Root"][11:])


def case_traceparent_is_accepted():
    name = deploy({"app.py": RETURN_TRACE})
    trace_id = uuid.uuid4().hex
    seen = parts(invoke_with_headers(name, {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})["trace"])
    assert seen["Root"] == f"1-{trace_id[:8]}-{trace_id[8:]}", seen
    assert seen["Sampled"] == "1", seen


def case_invoke_is_a_data_event_when_asked():
    name = deploy({"app.py": RETURN_TRACE})
    LAM.invoke(FunctionName=name, Payload=b'{"secret": "payload-not-recorded"}')
    # Data events are written in batches after the call's answer (up to 100 ms later): polled until there, as
    # AwsCliAuditTests does, not read once (that raced the batch on a loaded machine).
    deadline = time.monotonic() + 30
    while True:
        found = []
        paginator = CT.get_paginator("lookup_events")
        for page in paginator.paginate(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": name}]):
            found.extend(page["Events"])
        names = [e["EventName"] for e in found]
        if "Invoke" in names or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert "Invoke" in names and "CreateFunction20150331" in names, names
    invoke = next(e for e in found if e["EventName"] == "Invoke")
    record = json.loads(invoke["CloudTrailEvent"])
    assert record["eventCategory"] == "Data" and record["managementEvent"] is False, record
    assert record["resources"] == [{"accountId": "000000000000", "type": "AWS::Lambda::Function",
                                     "ARN": f"arn:aws:lambda:{REGION}:000000000000:function:{name}"}], record
    assert record["requestParameters"] == {"functionName": name}, record
    assert "payload-not-recorded" not in invoke["CloudTrailEvent"]

    # MaxResults pages with NextToken; a token used with other parameters is refused.
    first = CT.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": name}], MaxResults=1)
    assert len(first["Events"]) == 1 and "NextToken" in first, first
    second = CT.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": name}], MaxResults=1, NextToken=first["NextToken"])
    assert second["Events"][0]["EventId"] != first["Events"][0]["EventId"]
    try:
        CT.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "Invoke"}], NextToken=first["NextToken"])
        raise AssertionError("a token of another lookup was accepted")
    except CT.exceptions.InvalidNextTokenException:
        pass
    try:
        CT.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "a"}, {"AttributeKey": "Username", "AttributeValue": "b"}])
        raise AssertionError("two lookup attributes were accepted")
    except CT.exceptions.InvalidLookupAttributesException:
        pass
    future = CT.lookup_events(StartTime=time.time() + 3600, LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": name}])
    assert future["Events"] == [], future


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
