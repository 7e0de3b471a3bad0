# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for the CloudWatch Logs API on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python logs.py CASE [ARG]. Reuses the helpers of invoke.py (same directory).
"""
import base64
import json
import re
import sys
import threading
import time
import uuid

import boto3
import botocore.config
import botocore.exceptions

import auth
from invoke import ACCOUNT, ENDPOINT, REGION, deploy, invoke

LOGS = boto3.client("logs", endpoint_url=ENDPOINT, region_name=REGION,
                    config=botocore.config.Config(retries={"max_attempts": 1}))
NO_GROUP = "The specified log group does not exist."
NO_STREAM = "The specified log stream does not exist."
STREAM_NAME = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")


def expect(call, code, message=None, status=400):
    """auth.expect with Logs' usual status (400) as the default."""
    return auth.expect(call, code, status, message)


def now_ms():
    return int(time.time() * 1000)


def group(prefix="/nimbus/test"):
    name = f"{prefix}/{uuid.uuid4().hex[:10]}"
    LOGS.create_log_group(logGroupName=name)
    return name


def case_groups_and_streams():
    base = f"/e2e/{uuid.uuid4().hex[:8]}"
    for suffix in ("b", "a", "c"):
        LOGS.create_log_group(logGroupName=f"{base}/{suffix}", tags={"suite": "logs"})
    expect(lambda: LOGS.create_log_group(logGroupName=f"{base}/a"), "ResourceAlreadyExistsException",
           "The specified log group already exists")
    pages = list(LOGS.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=base, PaginationConfig={"PageSize": 2}))
    assert [len(p["logGroups"]) for p in pages] == [2, 1], pages
    groups = [g for p in pages for g in p["logGroups"]]
    assert [g["logGroupName"] for g in groups] == [f"{base}/a", f"{base}/b", f"{base}/c"], groups
    first = groups[0]
    assert first["arn"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{base}/a:*", first
    assert first["storedBytes"] == 0 and first["creationTime"] > 0 and "retentionInDays" not in first, first
    pattern = LOGS.describe_log_groups(logGroupNamePattern=base.upper()[1:] + "/B")["logGroups"]
    assert [g["logGroupName"] for g in pattern] == [f"{base}/b"], pattern

    name = f"{base}/a"
    for stream in ("s-old", "s-new", "s-none"):
        LOGS.create_log_stream(logGroupName=name, logStreamName=stream)
    expect(lambda: LOGS.create_log_stream(logGroupName=name, logStreamName="s-old"), "ResourceAlreadyExistsException",
           "The specified log stream already exists")
    expect(lambda: LOGS.create_log_stream(logGroupName=f"{base}/zz", logStreamName="s"), "ResourceNotFoundException", NO_GROUP)
    t = now_ms()
    LOGS.put_log_events(logGroupName=name, logStreamName="s-old", logEvents=[{"timestamp": t - 5000, "message": "old"}])
    LOGS.put_log_events(logGroupName=name, logStreamName="s-new", logEvents=[{"timestamp": t, "message": "new"}])
    by_time = LOGS.describe_log_streams(logGroupName=name, orderBy="LastEventTime", descending=True)["logStreams"]
    assert [s["logStreamName"] for s in by_time] == ["s-new", "s-old", "s-none"], by_time
    assert by_time[0]["lastEventTimestamp"] == t and by_time[0]["firstEventTimestamp"] == t, by_time[0]
    assert by_time[0]["arn"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:log-stream:s-new", by_time[0]
    by_name = LOGS.describe_log_streams(logGroupName=name, logStreamNamePrefix="s-n")["logStreams"]
    assert [s["logStreamName"] for s in by_name] == ["s-new", "s-none"], by_name
    expect(lambda: LOGS.describe_log_streams(logGroupName=name, orderBy="LastEventTime", logStreamNamePrefix="s"),
           "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
    assert LOGS.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["storedBytes"] == 6

    LOGS.delete_log_stream(logGroupName=name, logStreamName="s-old")
    expect(lambda: LOGS.delete_log_stream(logGroupName=name, logStreamName="s-old"), "ResourceNotFoundException", NO_STREAM)
    LOGS.delete_log_group(logGroupName=name)
    expect(lambda: LOGS.delete_log_group(logGroupName=name), "ResourceNotFoundException", NO_GROUP)
    expect(lambda: LOGS.get_log_events(logGroupName=name, logStreamName="s-new"), "ResourceNotFoundException", NO_GROUP)


def case_get_log_events_pages_until_the_same_token():
    name = group()
    LOGS.create_log_stream(logGroupName=name, logStreamName="s")
    t = now_ms() - 60_000
    LOGS.put_log_events(logGroupName=name, logStreamName="s",
                        logEvents=[{"timestamp": t + i, "message": f"line {i}"} for i in range(25)])
    seen, token, pages = [], None, 0
    while True:
        args = {"logGroupName": name, "logStreamName": "s", "startFromHead": True, "limit": 10}
        if token:
            args["nextToken"] = token
        page = LOGS.get_log_events(**args)
        seen += [e["message"] for e in page["events"]]
        pages += 1
        assert page["nextForwardToken"].startswith("f/") and page["nextBackwardToken"].startswith("b/"), page
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
        assert pages < 10
    assert seen == [f"line {i}" for i in range(25)], seen
    assert pages == 4, pages

    tail = LOGS.get_log_events(logGroupName=name, logStreamName="s", limit=10)
    assert [e["message"] for e in tail["events"]] == [f"line {i}" for i in range(15, 25)], tail
    back = LOGS.get_log_events(logGroupName=name, logStreamName="s", limit=10, nextToken=tail["nextBackwardToken"])
    assert [e["message"] for e in back["events"]] == [f"line {i}" for i in range(5, 15)], back
    window = LOGS.get_log_events(logGroupName=name, logStreamName="s", startTime=t + 3, endTime=t + 5, startFromHead=True)
    assert [e["message"] for e in window["events"]] == ["line 3", "line 4", "line 5"], window
    expect(lambda: LOGS.get_log_events(logGroupName=name, logStreamName="s", nextToken="f/nonsense"), "InvalidParameterException")
    expect(lambda: LOGS.get_log_events(logGroupName=name, logStreamName="nope"), "ResourceNotFoundException", NO_STREAM)


def case_put_log_events_follows_awss_rules():
    name = group()
    LOGS.create_log_stream(logGroupName=name, logStreamName="s")
    t = now_ms()
    expect(lambda: LOGS.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": t, "message": "b"}, {"timestamp": t - 1, "message": "a"}]),
        "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.")
    day = 86_400_000
    expect(lambda: LOGS.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": t - day - 1000, "message": "a"}, {"timestamp": t, "message": "b"}]),
        "InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
    result = LOGS.put_log_events(logGroupName=name, logStreamName="s", sequenceToken="ignored", logEvents=[
        {"timestamp": t - 15 * day, "message": "too old"}, {"timestamp": t, "message": "kept"},
        {"timestamp": t + 3 * 3_600_000, "message": "too new"}])
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 0, "tooNewLogEventStartIndex": 2}, result
    events = LOGS.get_log_events(logGroupName=name, logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["kept"], events
    expect(lambda: LOGS.put_log_events(logGroupName=name, logStreamName="nope", logEvents=[{"timestamp": t, "message": "x"}]),
           "ResourceNotFoundException", NO_STREAM)
    big = "x" * 200_000
    expect(lambda: LOGS.put_log_events(logGroupName=name, logStreamName="s",
                                       logEvents=[{"timestamp": t, "message": big} for _ in range(6)]),
           "InvalidParameterException", "Upload too large: 1200156 bytes exceeds limit of 1048576")
    LOGS.put_retention_policy(logGroupName=name, retentionInDays=1)
    result = LOGS.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": t - 2 * day, "message": "expired"}, {"timestamp": t, "message": "fresh"}])
    assert result["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 0}, result


def case_filter_log_events_with_patterns():
    name = group()
    t = now_ms() - 10_000
    streams = {
        "app/1": [(0, "[ERROR 400] BAD REQUEST"), (3, '{"level": "ERROR", "latency": 900, "user": {"id": 7}}')],
        "app/2": [(1, "[ERROR 419] MISSING ARGUMENTS"), (4, '{"level": "INFO", "latency": 20, "user": {"id": 8}}')],
        "web/1": [(2, '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 503 2326'),
                  (5, '127.0.0.1 - jane [10/Oct/2000:13:25:16 -0700] "GET /a.gif HTTP/1.0" 200 120')],
    }
    for stream, events in streams.items():
        LOGS.create_log_stream(logGroupName=name, logStreamName=stream)
        LOGS.put_log_events(logGroupName=name, logStreamName=stream,
                            logEvents=[{"timestamp": t + dt, "message": m} for dt, m in events])

    def messages(**kwargs):
        pages = LOGS.get_paginator("filter_log_events").paginate(logGroupName=name, **kwargs)
        return [(e["logStreamName"], e["message"]) for p in pages for e in p["events"]]

    everything = messages()
    assert [s for s, _ in everything] == ["app/1", "app/2", "web/1", "app/1", "app/2", "web/1"], everything
    assert len(messages(filterPattern="ERROR")) == 3
    assert [m for _, m in messages(filterPattern="ERROR ARGUMENTS")] == ["[ERROR 419] MISSING ARGUMENTS"]
    assert len(messages(filterPattern="?BAD ?MISSING")) == 2
    assert [m for _, m in messages(filterPattern="ERROR -ARGUMENTS -level")] == ["[ERROR 400] BAD REQUEST"]
    assert [m for _, m in messages(filterPattern='"BAD REQUEST"')] == ["[ERROR 400] BAD REQUEST"]
    assert len(messages(filterPattern='{ $.level = "ERROR" }')) == 1
    assert len(messages(filterPattern="{ $.latency > 100 || $.user.id = 8 }")) == 2
    assert len(messages(filterPattern='{ $.level = "ERR*" && $.user.id != 8 }')) == 1
    assert [s for s, _ in messages(filterPattern="[ip, id, user, timestamp, request, status_code = 5*, bytes > 1000]")] == ["web/1"]
    assert len(messages(filterPattern="[..., status_code = 200, bytes]")) == 1
    assert len(messages(filterPattern="[..., status_code, bytes]")) == 6
    assert len(messages(logStreamNamePrefix="app/")) == 4
    assert len(messages(logStreamNames=["web/1", "app/2"], startTime=t + 1, endTime=t + 2)) == 2

    paged, token = [], None
    while True:
        args = {"logGroupName": name, "limit": 2}
        if token:
            args["nextToken"] = token
        page = LOGS.filter_log_events(**args)
        paged += [e["message"] for e in page["events"]]
        assert {s["logStreamName"] for s in page["searchedLogStreams"]} == set(streams), page
        token = page.get("nextToken")
        if not token:
            break
    assert paged == [m for _, m in everything], paged

    for bad in ('{ $.level = "x"', "[a, b", '"unclosed', "{ level = 1 }"):
        expect(lambda: LOGS.filter_log_events(logGroupName=name, filterPattern=bad), "InvalidParameterException")


def case_function_logs_are_in_their_group():
    name = deploy({"app.py": "def handler(event, context):\n    print('hello from', context.function_name)\n    return 1\n"})
    invoke(name, {})
    group_name = f"/aws/lambda/{name}"
    deadline = time.time() + 30
    events = []
    while time.time() < deadline:
        try:
            events = LOGS.filter_log_events(logGroupName=group_name)["events"]
        except LOGS.exceptions.ResourceNotFoundException:
            events = []
        if any(e["message"].startswith("REPORT") for e in events):
            break
        time.sleep(0.1)
    text = [e["message"] for e in events]
    assert any(m.startswith("START RequestId:") for m in text), text
    assert any(f"hello from {name}" in m for m in text), text
    assert any(m.startswith("END RequestId:") for m in text), text
    streams = LOGS.describe_log_streams(logGroupName=group_name)["logStreams"]
    assert len(streams) == 1 and STREAM_NAME.match(streams[0]["logStreamName"]), streams
    assert {e["logStreamName"] for e in events} == {streams[0]["logStreamName"]}, events
    described = LOGS.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
    assert described[0]["logGroupName"] == group_name and described[0]["storedBytes"] > 0, described
    print(name)


def all_events(group_name):
    stream = LOGS.describe_log_streams(logGroupName=group_name)["logStreams"][0]["logStreamName"]
    events, token = [], None
    while True:
        page = LOGS.get_log_events(logGroupName=group_name, logStreamName=stream, startFromHead=True,
                                   **({"nextToken": token} if token else {}))
        events += page["events"]
        if page["nextForwardToken"] == token:
            return [e["message"] for e in events]
        token = page["nextForwardToken"]


def case_output_reaches_the_log_while_the_function_runs():
    # 3 MB of lines, then one line of 700,000 characters, then a wait: what was written is in the log before the
    # invocation ends (the server hands it on once more than 1 Mi characters wait, and at the next line once the
    # oldest waited a second: the tick), the long line as events of CloudWatch Logs' size, and the log tail is still
    # the invocation's last 4 KB.
    code = ("import time\n"
            "def handler(event, context):\n"
            "    for i in range(3000):\n"
            "        print('line %d ' % i + '.' * 990)\n"
            "    print('x' * 700000, flush=True)\n"
            "    time.sleep(1.5)\n"
            "    print('tick', flush=True)\n"
            "    time.sleep(8.5)\n"
            "    print('last')\n"
            "    return 1\n")
    name = deploy({"app.py": code}, Timeout=60)
    group_name = f"/aws/lambda/{name}"
    answer = {}
    caller = threading.Thread(target=lambda: answer.update(response=invoke(name, {}, LogType="Tail")[0]))
    caller.start()
    wait_for(group_name, '"line 2999"', 1)
    assert caller.is_alive(), "the invocation ended before its output was in the log"
    caller.join()
    wait_for(group_name, "REPORT", 1)
    messages = all_events(group_name)
    assert messages[0].startswith("START RequestId:"), messages[:2]
    lines = [m for m in messages if m.startswith("line ")]
    assert lines == ["line %d " % i + "." * 990 for i in range(3000)], len(lines)
    pieces = [m for m in messages if m.startswith("x")]
    assert [len(p) for p in pieces] == [262118, 262118, 175764] and set("".join(pieces)) == {"x"}, [len(p) for p in pieces]
    assert messages[-5:-2] == ["x" * 175764, "tick", "last"] and messages[-2].startswith("END RequestId:"), messages[-3:]
    assert messages[-1].startswith("REPORT RequestId:"), messages[-1][:80]
    tail = base64.b64decode(answer["response"]["LogResult"]).decode()
    assert len(tail.encode()) == 4096 and "\nlast\nEND RequestId:" in tail and "REPORT RequestId:" in tail, tail[-300:]


def case_validation_and_retention_errors():
    expect(lambda: LOGS.create_log_group(logGroupName="bad:name"), "InvalidParameterException",
           "1 validation error detected: Value 'bad:name' at 'logGroupName' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
    name = group()
    expect(lambda: LOGS.put_retention_policy(logGroupName=name, retentionInDays=4), "InvalidParameterException",
           "1 validation error detected: Value '4' at 'retentionInDays' failed to satisfy constraint: Member must satisfy "
           "enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")
    LOGS.put_retention_policy(logGroupName=name, retentionInDays=14)
    assert LOGS.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["retentionInDays"] == 14
    LOGS.delete_retention_policy(logGroupName=name)
    assert "retentionInDays" not in LOGS.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]
    expect(lambda: LOGS.put_retention_policy(logGroupName=name + "x", retentionInDays=1), "ResourceNotFoundException", NO_GROUP)


def case_tags():
    name = group()
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"
    LOGS.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    LOGS.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert LOGS.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    LOGS.tag_log_group(logGroupName=name, tags={"c": "3"})
    assert LOGS.list_tags_log_group(logGroupName=name)["tags"] == {"b": "2", "c": "3"}
    expect(lambda: LOGS.list_tags_for_resource(resourceArn=arn + "x"), "ResourceNotFoundException", NO_GROUP)
    expect(lambda: LOGS.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(49)}), "TooManyTagsException")


def case_authentication_errors_are_in_logs_json():
    unknown = boto3.client("logs", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id="AKIAUNKNOWNKEY000000",
                           aws_secret_access_key="x", config=botocore.config.Config(retries={"max_attempts": 1}))
    expect(lambda: unknown.describe_log_groups(), "UnrecognizedClientException",
           "The security token included in the request is invalid.")
    # A request signed for another service's name is refused in Logs' protocol.
    lam_signed = boto3.client("logs", endpoint_url=ENDPOINT, region_name=REGION,
                              config=botocore.config.Config(retries={"max_attempts": 1}))
    lam_signed._request_signer._signing_name = "lambda"  # botocore's signer, told to scope the credential to lambda
    error = expect(lambda: lam_signed.describe_log_groups(), "InvalidSignatureException")
    assert error["Message"].startswith("Credential should be scoped to correct service: 'logs'"), error


def wait_for(group_name, pattern, count):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            events = LOGS.filter_log_events(logGroupName=group_name, filterPattern=pattern)["events"]
        except LOGS.exceptions.ResourceNotFoundException:
            events = []
        if len(events) >= count:
            return events
        time.sleep(0.1)
    raise AssertionError((group_name, pattern, count))


def case_json_log_format_and_custom_group():
    custom = f"/custom/{uuid.uuid4().hex[:8]}"
    code = ("import logging\n"
            "def handler(event, context):\n"
            "    logging.getLogger().warning('careful %s', 1)\n"
            "    logging.getLogger().info('hidden')\n"
            "    return 1\n")
    name = deploy({"app.py": code}, LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "WARN",
                                                   "SystemLogLevel": "INFO", "LogGroup": custom})
    invoke(name, {})
    report = wait_for(custom, '{ $.type = "platform.report" }', 1)
    record = json.loads(report[0]["message"])
    assert record["record"]["status"] == "success" and record["record"]["metrics"]["billedDurationMs"] >= 1, record
    assert len(wait_for(custom, '{ $.type = "platform.start" && $.record.version = "$LATEST" }', 1)) == 1
    warned = wait_for(custom, '{ $.level = "WARN*" }', 1)
    assert json.loads(warned[0]["message"])["message"] == "careful 1", warned
    assert LOGS.filter_log_events(logGroupName=custom, filterPattern='{ $.message = "hidden" }')["events"] == []
    assert LOGS.filter_log_events(logGroupName=custom, filterPattern="START")["events"] == []
    expect(lambda: LOGS.describe_log_streams(logGroupName=f"/aws/lambda/{name}"), "ResourceNotFoundException", NO_GROUP)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]](*sys.argv[2:])
    print("ok")
