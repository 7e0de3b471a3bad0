# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for event-driven features on a Nimbus server at NIMBUS_ENDPOINT: asynchronous invocation
destinations and dead-letter queues, SQS event source mappings, recursive-loop detection.

Usage: python events.py CASE. Functions report what they saw by sending it to a "sink" queue (boto3 inside the
function reaches the server through AWS_ENDPOINT_URL), and the cases read the sink.
"""
import json
import sys
import time
import uuid

import boto3
import botocore.config

from invoke import ACCOUNT, ENDPOINT, LAM, REGION, client, deploy
from lambda_api import expect_error

SQS = boto3.client("sqs", endpoint_url=ENDPOINT, region_name=REGION,
                   config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60))
RAW = client(validate=False)

# Sends the event (or what the handler computed) to the queue named by the SINK variable.
SINK_HELPER = """
import json, os, boto3
_SQS = boto3.client("sqs")

def report(value):
    _SQS.send_message(QueueUrl=os.environ["SINK"], MessageBody=json.dumps(value))
"""


def queue(name=None, **attributes):
    name = name or f"q-{uuid.uuid4().hex[:10]}"
    url = SQS.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
    arn = SQS.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def drain(url, count, timeout=60, settle=1.0):
    """Receives until `count` messages arrived (then waits `settle` seconds for extras); returns the bodies."""
    bodies = []
    deadline = time.time() + timeout
    extra_until = None
    while time.time() < deadline:
        wait = 1 if extra_until else 5
        got = SQS.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                                  MessageAttributeNames=["All"], AttributeNames=["All"]).get("Messages", [])
        for message in got:
            bodies.append(message)
            SQS.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if len(bodies) >= count and extra_until is None:
            extra_until = time.time() + settle
        if extra_until is not None and time.time() >= extra_until:
            break
    return bodies


def sink_function(code, env=None, **extra):
    sink_url, _ = queue()
    variables = {"SINK": sink_url}
    variables.update(env or {})
    name = deploy({"app.py": SINK_HELPER + code}, Environment={"Variables": variables}, **extra)
    return name, sink_url


def function_arn(name):
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


FAILING = """
def handler(event, context):
    raise ValueError("no luck for " + json.dumps(event))
"""


def case_failure_record_to_queue():
    name = deploy({"app.py": "import json\n" + FAILING})
    failures_url, failures_arn = queue()
    LAM.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1,
                                         DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    LAM.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"order": 7}')
    [message] = drain(failures_url, 1, timeout=60)
    record = json.loads(message["Body"])
    assert record["version"] == "1.0" and record["timestamp"].endswith("Z"), record
    context = record["requestContext"]
    assert context["condition"] == "RetriesExhausted" and context["approximateInvokeCount"] == 2, context
    assert context["functionArn"] == function_arn(name) + ":$LATEST", context
    assert record["requestPayload"] == {"order": 7}, record
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}, record
    assert record["responsePayload"]["errorType"] == "ValueError", record
    assert "no luck" in record["responsePayload"]["errorMessage"], record


def case_success_record_to_queue():
    name = deploy({"app.py": "def handler(event, context):\n    return {'doubled': event['n'] * 2}\n"})
    successes_url, successes_arn = queue()
    LAM.put_function_event_invoke_config(FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": successes_arn}})
    LAM.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 21}')
    [message] = drain(successes_url, 1)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "Success" and record["requestContext"]["approximateInvokeCount"] == 1
    assert record["requestPayload"] == {"n": 21} and record["responsePayload"] == {"doubled": 42}, record
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}, record


def case_dead_letter_queue():
    dlq_url, dlq_arn = queue()
    name = deploy({"app.py": "import json\n" + FAILING}, DeadLetterConfig={"TargetArn": dlq_arn})
    LAM.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    invoked = LAM.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"order": 9}')
    request_id = invoked["ResponseMetadata"]["RequestId"]
    [message] = drain(dlq_url, 1)
    assert json.loads(message["Body"]) == {"order": 9}, message
    attributes = message["MessageAttributes"]
    assert attributes["RequestID"]["StringValue"] == request_id, (attributes, request_id)
    assert attributes["ErrorCode"] == {"StringValue": "200", "DataType": "Number"}, attributes
    assert attributes["ErrorMessage"]["StringValue"].startswith("no luck for"), attributes


def case_failure_record_to_function():
    # The 3 s default timeout can run out on a loaded machine after the report was sent (the cold start imports boto3,
    # the first send loads botocore's SQS model); the retry would then report the record twice.
    receiver, sink_url = sink_function("\ndef handler(event, context):\n    report(event)\n", Timeout=30)
    name = deploy({"app.py": "import json\n" + FAILING})
    LAM.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0,
                                         DestinationConfig={"OnFailure": {"Destination": function_arn(receiver)}})
    LAM.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"x": 1}')
    [message] = drain(sink_url, 1)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted" and record["requestPayload"] == {"x": 1}, record


def case_event_invoke_config_api():
    name = deploy({"app.py": "def handler(e, c):\n    return 1\n"})
    other = deploy({"app.py": "def handler(e, c):\n    return 1\n"})
    put = LAM.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0, MaximumEventAgeInSeconds=60)
    assert put["FunctionArn"] == function_arn(name) + ":$LATEST" and put["MaximumRetryAttempts"] == 0, put
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}, put
    updated = LAM.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1,
                                                      DestinationConfig={"OnSuccess": {"Destination": function_arn(other)}})
    assert updated["MaximumRetryAttempts"] == 1 and updated["MaximumEventAgeInSeconds"] == 60, updated
    assert updated["DestinationConfig"]["OnSuccess"]["Destination"] == function_arn(other), updated
    got = LAM.get_function_event_invoke_config(FunctionName=name)
    assert got["MaximumRetryAttempts"] == 1, got
    listed = LAM.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]
    assert [c["FunctionArn"] for c in listed] == [function_arn(name) + ":$LATEST"], listed

    expect_error(lambda: LAM.put_function_event_invoke_config(FunctionName=name), "InvalidParameterValueException", 400,
                 "You must specify at least one of error handling or destination setting.")
    expect_error(lambda: LAM.put_function_event_invoke_config(FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": function_arn(name)}}),
                 "InvalidParameterValueException", 400, "You can't specify the function as a destination for itself.")
    expect_error(lambda: LAM.put_function_event_invoke_config(FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": function_arn("nope")}}),
                 "InvalidParameterValueException", 400, f"The destination ARN {function_arn('nope')} is invalid.")
    expect_error(lambda: LAM.put_function_event_invoke_config(FunctionName="nope", MaximumRetryAttempts=1),
                 "ResourceNotFoundException", 404, "The function doesn't exist.")
    expect_error(lambda: RAW.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=3), "ValidationException", 400,
                 "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2")
    expect_error(lambda: LAM.put_function_event_invoke_config(FunctionName=name, DestinationConfig={"OnFailure": {"Destination": f"arn:aws:sns:{REGION}:{ACCOUNT}:topic"}}),
                 "InvalidParameterValueException", 400)
    LAM.delete_function_event_invoke_config(FunctionName=name)
    expect_error(lambda: LAM.get_function_event_invoke_config(FunctionName=name), "ResourceNotFoundException", 404,
                 f"The function {function_arn(name)}:$LATEST doesn't have an EventInvokeConfig")

    assert LAM.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Terminate"
    assert LAM.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")["RecursiveLoop"] == "Allow"
    assert LAM.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Allow"
    expect_error(lambda: RAW.put_function_recursion_config(FunctionName=name, RecursiveLoop="Sometimes"), "ValidationException", 400,
                 "1 validation error detected: Value 'Sometimes' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]")


BATCH_RECORDER = """
def handler(event, context):
    records = event["Records"]
    report({"ids": [r["messageId"] for r in records], "bodies": [r["body"] for r in records],
            "sources": sorted({r["eventSource"] for r in records}), "arns": sorted({r["eventSourceARN"] for r in records}),
            "regions": sorted({r["awsRegion"] for r in records}), "counts": [r["attributes"]["ApproximateReceiveCount"] for r in records],
            "groups": [r["attributes"].get("MessageGroupId") for r in records],
            "attributes": [r["messageAttributes"] for r in records]})
"""


def wait_mapping(uuid_, state, timeout=30):
    deadline = time.time() + timeout
    while True:
        mapping = LAM.get_event_source_mapping(UUID=uuid_)
        if mapping["State"] == state:
            return mapping
        assert time.time() < deadline, mapping
        time.sleep(0.2)


def send_batch(url, bodies, **extra):
    for start in range(0, len(bodies), 10):
        entries = [dict({"Id": str(i), "MessageBody": body}, **extra) for i, body in enumerate(bodies[start:start + 10])]
        result = SQS.send_message_batch(QueueUrl=url, Entries=entries)
        assert not result.get("Failed"), result


def case_mapping_batches():
    name, sink_url = sink_function(BATCH_RECORDER)
    source_url, source_arn = queue()
    created = LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, BatchSize=10)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202 and created["State"] == "Creating", created
    assert created["FunctionArn"] == function_arn(name) and created["BatchSize"] == 10, created
    wait_mapping(created["UUID"], "Enabled")
    bodies = [json.dumps({"n": i}) for i in range(25)]
    send_batch(source_url, bodies, MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}})
    reports = [json.loads(m["Body"]) for m in drain(sink_url, 3, timeout=60, settle=2)]
    seen = [body for report in reports for body in report["bodies"]]
    assert sorted(seen) == sorted(bodies), f"handled {len(seen)} of 25: {sorted(seen)}"
    assert all(1 <= len(report["ids"]) <= 10 for report in reports), [len(r["ids"]) for r in reports]
    for report in reports:
        assert report["sources"] == ["aws:sqs"] and report["arns"] == [source_arn] and report["regions"] == [REGION], report
        assert all(a["kind"]["stringValue"] == "test" and a["kind"]["dataType"] == "String" for a in report["attributes"]), report
    assert SQS.receive_message(QueueUrl=source_url, WaitTimeSeconds=1).get("Messages") is None


def case_mapping_partial_failures_and_redrive():
    code = BATCH_RECORDER.replace("def handler(event, context):", "def record(event):") + """
def handler(event, context):
    record(event)
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if json.loads(r["body"])["fail"]]}
"""
    name, sink_url = sink_function(code)
    dlq_url, dlq_arn = queue()
    # 8 s: a batch must be handled and deleted inside it (a slow cold start on a loaded machine included), or a succeeding
    # message would come back and be handled twice.
    source_url, source_arn = queue(VisibilityTimeout=8, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
    mapping = LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, BatchSize=10,
                                              FunctionResponseTypes=["ReportBatchItemFailures"])
    wait_mapping(mapping["UUID"], "Enabled")
    send_batch(source_url, [json.dumps({"n": i, "fail": i % 3 == 0}) for i in range(9)])
    dead = drain(dlq_url, 3, timeout=60)
    assert sorted(json.loads(m["Body"])["n"] for m in dead) == [0, 3, 6], [m["Body"] for m in dead]
    reports = [json.loads(m["Body"]) for m in drain(sink_url, 2, timeout=10, settle=2)]
    handled = [json.loads(body)["n"] for report in reports for body in report["bodies"]]
    # Each succeeding message was handled exactly once; each failing one twice (maxReceiveCount 2), then redriven.
    for n in range(9):
        assert handled.count(n) == (2 if n % 3 == 0 else 1), (n, sorted(handled))


def case_mapping_fifo_order():
    name, sink_url = sink_function(BATCH_RECORDER)
    source_url, source_arn = queue(f"f-{uuid.uuid4().hex[:8]}.fifo", FifoQueue="true", ContentBasedDeduplication="true")
    mapping = LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, BatchSize=3)
    wait_mapping(mapping["UUID"], "Enabled")
    for i in range(10):
        for group in ("a", "b"):
            SQS.send_message(QueueUrl=source_url, MessageBody=json.dumps({"group": group, "seq": i}), MessageGroupId=group)
    reports = [json.loads(m["Body"]) for m in drain(sink_url, 7, timeout=60, settle=2)]
    order = {"a": [], "b": []}
    for report in reports:
        for body in report["bodies"]:
            item = json.loads(body)
            order[item["group"]].append(item["seq"])
    assert order == {"a": list(range(10)), "b": list(range(10))}, order


def case_mapping_filters():
    name, sink_url = sink_function(BATCH_RECORDER)
    source_url, source_arn = queue()
    pattern = json.dumps({"body": {"kind": ["keep"], "size": [{"numeric": [">", 10]}]}})
    mapping = LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, BatchSize=10,
                                              MaximumBatchingWindowInSeconds=1, FilterCriteria={"Filters": [{"Pattern": pattern}]})
    assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}, mapping
    wait_mapping(mapping["UUID"], "Enabled")
    send_batch(source_url, [json.dumps({"kind": "keep", "size": 20}), json.dumps({"kind": "drop", "size": 20}),
                            json.dumps({"kind": "keep", "size": 5}), "plain text", json.dumps({"kind": "keep", "size": 11})])
    reports = [json.loads(m["Body"]) for m in drain(sink_url, 1, timeout=60, settle=3)]
    kept = sorted(json.loads(body)["size"] for report in reports for body in report["bodies"])
    assert kept == [11, 20], kept
    # Filtered-out messages are deleted, as on AWS.
    attributes = SQS.get_queue_attributes(QueueUrl=source_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert attributes == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}, attributes


def case_mapping_lifecycle():
    name = deploy({"app.py": "def handler(e, c):\n    return 1\n"})
    source_url, source_arn = queue()
    mapping = LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, Enabled=False, Tags={"team": "core"})
    assert mapping["State"] == "Creating"
    mapping_arn = mapping["EventSourceMappingArn"]
    assert LAM.list_tags(Resource=mapping_arn)["Tags"] == {"team": "core"}
    LAM.tag_resource(Resource=mapping_arn, Tags={"stage": "dev"})
    LAM.untag_resource(Resource=mapping_arn, TagKeys=["team"])
    assert LAM.list_tags(Resource=mapping_arn)["Tags"] == {"stage": "dev"}
    missing_arn = mapping_arn[:-12] + "000000000000"
    expect_error(lambda: LAM.list_tags(Resource=missing_arn), "ResourceNotFoundException", 404, f"Event source mapping not found: {missing_arn}")
    wait_mapping(mapping["UUID"], "Disabled")
    expect_error(lambda: LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name), "ResourceConflictException", 409,
                 f"An event source mapping with SQS arn (\" {source_arn} \") and function (\" {name} \") already exists. "
                 f"Please update or delete the existing mapping with UUID {mapping['UUID']}")
    enabling = LAM.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True, BatchSize=5)
    assert enabling["State"] == "Enabling" and enabling["BatchSize"] == 5, enabling
    wait_mapping(mapping["UUID"], "Enabled")
    updating = LAM.update_event_source_mapping(UUID=mapping["UUID"], ScalingConfig={"MaximumConcurrency": 3})
    assert updating["State"] == "Updating" and updating["ScalingConfig"] == {"MaximumConcurrency": 3}, updating
    wait_mapping(mapping["UUID"], "Enabled")
    disabling = LAM.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    assert disabling["State"] == "Disabling", disabling
    wait_mapping(mapping["UUID"], "Disabled")
    listed = LAM.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [mapping["UUID"]], listed
    assert [m["UUID"] for m in LAM.list_event_source_mappings(EventSourceArn=source_arn)["EventSourceMappings"]] == [mapping["UUID"]]
    deleting = LAM.delete_event_source_mapping(UUID=mapping["UUID"])
    assert deleting["State"] == "Deleting" and deleting["ResponseMetadata"]["HTTPStatusCode"] == 202, deleting
    deadline = time.time() + 30
    while True:
        try:
            LAM.get_event_source_mapping(UUID=mapping["UUID"])
        except LAM.exceptions.ResourceNotFoundException as error:
            assert error.response["Error"]["Message"] == "The resource you requested does not exist."
            break
        assert time.time() < deadline
        time.sleep(0.2)

    expect_error(lambda: LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="nope"),
                 "InvalidParameterValueException", 400, "Function does not exist")
    expect_error(lambda: LAM.create_event_source_mapping(EventSourceArn=source_arn + "-missing", FunctionName=name),
                 "InvalidParameterValueException", 400,
                 "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
                 "SQS Error Message: The specified queue does not exist.")
    expect_error(lambda: LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, BatchSize=50),
                 "InvalidParameterValueException", 400,
                 "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
    expect_error(lambda: LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name,
                                                         FilterCriteria={"Filters": [{"Pattern": "{\"body\": \"x\"}"}]}),
                 "InvalidParameterValueException", 400, "Invalid filter pattern definition.")
    expect_error(lambda: LAM.create_event_source_mapping(EventSourceArn=f"arn:aws:iam::{ACCOUNT}:role/x", FunctionName=name),
                 "InvalidParameterValueException", 400, "Unrecognized event source.")
    _, short_arn = queue(VisibilityTimeout=1)
    expect_error(lambda: LAM.create_event_source_mapping(EventSourceArn=short_arn, FunctionName=name),
                 "InvalidParameterValueException", 400, "Queue visibility timeout: 1 seconds is less than Function timeout: 3 seconds")


LOOP = """
import boto3
_LAMBDA = boto3.client("lambda")

def handler(event, context):
    report({"hop": event.get("hop", 0)})
    if "Records" in event:
        _SQS.send_message(QueueUrl=os.environ["SOURCE"], MessageBody="again")
    else:
        _LAMBDA.invoke(FunctionName=context.function_name, InvocationType="Event", Payload=json.dumps({"hop": event.get("hop", 0) + 1}))
"""


def case_recursion_through_queue_is_stopped():
    source_url, source_arn = queue()
    name, sink_url = sink_function(LOOP, env={"SOURCE": source_url})
    mapping = LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, BatchSize=1)
    wait_mapping(mapping["UUID"], "Enabled")
    SQS.send_message(QueueUrl=source_url, MessageBody="start")
    reports = drain(sink_url, 16, timeout=90, settle=4)
    assert len(reports) == 16, f"the function ran {len(reports)} times; recursion detection stops the chain at 16"
    LAM.delete_event_source_mapping(UUID=mapping["UUID"])


def case_recursion_through_async_invoke_is_stopped():
    failures_url, failures_arn = queue()
    name, sink_url = sink_function(LOOP)
    LAM.put_function_event_invoke_config(FunctionName=name, DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    LAM.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"hop": 0}')
    reports = drain(sink_url, 16, timeout=90, settle=4)
    assert sorted(json.loads(m["Body"])["hop"] for m in reports) == list(range(16)), [m["Body"] for m in reports]
    [stopped] = drain(failures_url, 1, timeout=30)
    record = json.loads(stopped["Body"])
    assert record["requestContext"]["condition"] == "RecursiveLoopDetected" and record["requestPayload"] == {"hop": 16}, record


SLOW_RECORDER = """
import time

def handler(event, context):
    time.sleep(0.2)
    for record in event["Records"]:
        report({"n": json.loads(record["body"])["n"]})
"""


def case_mapping_restart_setup():
    """Sends 30 messages to a mapped queue whose function is slow; prints the sink queue URL for the check."""
    name, sink_url = sink_function(SLOW_RECORDER, Timeout=2)
    source_url, source_arn = queue(VisibilityTimeout=2)
    mapping = LAM.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, BatchSize=1)
    wait_mapping(mapping["UUID"], "Enabled")
    send_batch(source_url, [json.dumps({"n": i}) for i in range(30)])
    # The restart must come while the mapping is busy: wait until it has handled a few messages, or fail.
    drain_until = time.time() + 30
    handled = 0
    while handled < 3:
        assert time.time() < drain_until, f"the mapping handled {handled} of 30 messages in 30 s"
        attributes = SQS.get_queue_attributes(QueueUrl=sink_url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        handled = int(attributes["ApproximateNumberOfMessages"])
        if handled < 3:
            time.sleep(0.1)
    print(sink_url)


def case_mapping_restart_check():
    """After the restart every message was handled at least once (the sink URL comes on stdin)."""
    sink_url = sys.stdin.readline().strip()
    seen = set()
    deadline = time.time() + 90
    while len(seen) < 30 and time.time() < deadline:
        for message in drain(sink_url, 1, timeout=5, settle=0.5):
            seen.add(json.loads(message["Body"])["n"])
    assert seen == set(range(30)), f"handled {sorted(seen)}"


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
