# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for the built-in SQS-compatible queues of a Nimbus server at NIMBUS_ENDPOINT.

Usage: python queues.py CASE [ARGS]. boto3 speaks SQS's JSON protocol; each case asserts what SQS answers and exits
non-zero on the first difference. MD5s are recomputed here with SQS's documented algorithm.
"""
import hashlib
import os
import struct
import sys
import threading
import time
import uuid

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "000000000000"
SQS = boto3.client("sqs", endpoint_url=ENDPOINT, region_name=REGION,
                   config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60, max_pool_connections=16))


def name(prefix="q"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create(queue_name=None, **attributes):
    queue_name = queue_name or name()
    url = SQS.create_queue(QueueName=queue_name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
    return url


def arn_of(url):
    return SQS.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def expect_error(call, shape, code, status=400, message=None):
    try:
        call()
    except botocore.exceptions.ClientError as error:
        got = error.response["Error"]
        assert got.get("QueryErrorCode") == shape, (shape, got)
        assert got["Code"] == code, (code, got)
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status, error.response
        if message is not None:
            assert got["Message"] == message, (message, got["Message"])
        return error
    raise AssertionError(f"expected {code}")


def md5_of_attributes(attributes):
    digest = hashlib.md5()
    for key in sorted(attributes):
        value = attributes[key]

        def put(data):
            digest.update(struct.pack("!I", len(data)))
            digest.update(data)

        put(key.encode())
        put(value["DataType"].encode())
        if "BinaryValue" in value:
            digest.update(b"\x02")
            put(value["BinaryValue"])
        else:
            digest.update(b"\x01")
            put(value["StringValue"].encode())
    return digest.hexdigest()


def receive(url, **extra):
    return SQS.receive_message(QueueUrl=url, **extra).get("Messages", [])


def counts(url):
    attributes = SQS.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"]),
            int(attributes["ApproximateNumberOfMessagesDelayed"]))


def case_queue_lifecycle():
    queue_name = name("life")
    url = SQS.create_queue(QueueName=queue_name, Attributes={"VisibilityTimeout": "45", "DelaySeconds": "0"},
                           tags={"team": "nimbus"})["QueueUrl"]
    assert url == f"{ENDPOINT}/{ACCOUNT}/{queue_name}", url
    assert SQS.create_queue(QueueName=queue_name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"] == url
    assert SQS.create_queue(QueueName=queue_name)["QueueUrl"] == url
    expect_error(lambda: SQS.create_queue(QueueName=queue_name, Attributes={"VisibilityTimeout": "46"}),
                 "QueueNameExists", "QueueAlreadyExists",
                 message="A queue already exists with the same name and a different value for attribute VisibilityTimeout")
    assert SQS.get_queue_url(QueueName=queue_name)["QueueUrl"] == url
    attributes = SQS.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "45" and attributes["MaximumMessageSize"] == "1048576", attributes
    assert attributes["MessageRetentionPeriod"] == "345600" and attributes["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attributes["QueueArn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_name}", attributes
    assert "FifoQueue" not in attributes and int(attributes["CreatedTimestamp"]) > 1_600_000_000, attributes
    only = SQS.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]
    assert only == {"DelaySeconds": "0"}, only
    SQS.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "3", "ReceiveMessageWaitTimeSeconds": "2"})
    attributes = SQS.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds", "ReceiveMessageWaitTimeSeconds"])["Attributes"]
    assert attributes == {"DelaySeconds": "3", "ReceiveMessageWaitTimeSeconds": "2"}, attributes
    expect_error(lambda: SQS.set_queue_attributes(QueueUrl=url, Attributes={"Bogus": "1"}), "InvalidAttributeName", "InvalidAttributeName",
                 message="Unknown Attribute Bogus.")
    expect_error(lambda: SQS.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "99999"}),
                 "InvalidAttributeValue", "InvalidAttributeValue")
    expect_error(lambda: SQS.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"]), "InvalidAttributeName", "InvalidAttributeName")

    assert SQS.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "nimbus"}
    SQS.tag_queue(QueueUrl=url, Tags={"env": "test", "team": "core"})
    assert SQS.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core", "env": "test"}
    SQS.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert SQS.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test"}

    expect_error(lambda: SQS.create_queue(QueueName="bad name"), "InvalidParameterValueException", "InvalidParameterValue",
                 message="Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
    expect_error(lambda: SQS.create_queue(QueueName="x.fifo"), "InvalidParameterValueException", "InvalidParameterValue")
    expect_error(lambda: SQS.create_queue(QueueName=name(), Attributes={"FifoQueue": "true"}), "InvalidParameterValueException", "InvalidParameterValue")
    expect_error(lambda: SQS.get_queue_url(QueueName=name("missing")), "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
                 message="The specified queue does not exist.")

    SQS.delete_queue(QueueUrl=url)
    expect_error(lambda: SQS.get_queue_url(QueueName=queue_name), "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody="x"), "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")
    try:
        SQS.get_queue_url(QueueName=queue_name)
    except SQS.exceptions.QueueDoesNotExist:
        pass


def case_list_queues_paging():
    prefix = f"list-{uuid.uuid4().hex[:6]}"
    urls = sorted(create(f"{prefix}-{i}") for i in range(5))
    listed = SQS.list_queues(QueueNamePrefix=prefix)
    assert sorted(listed["QueueUrls"]) == urls and "NextToken" not in listed, listed
    pages = SQS.get_paginator("list_queues").paginate(QueueNamePrefix=prefix, PaginationConfig={"PageSize": 2})
    seen = [url for page in pages for url in page.get("QueueUrls", [])]
    assert sorted(seen) == urls, seen
    first = SQS.list_queues(QueueNamePrefix=prefix, MaxResults=2)
    assert len(first["QueueUrls"]) == 2 and first["NextToken"], first
    assert "QueueUrls" not in SQS.list_queues(QueueNamePrefix=f"none-{uuid.uuid4().hex}")
    upper = SQS.list_queues(QueueNamePrefix=prefix.upper()).get("QueueUrls", [])
    assert upper == [], upper


def case_send_receive_delete():
    url = create()
    attributes = {
        "text": {"DataType": "String", "StringValue": "héllo"},
        "count": {"DataType": "Number", "StringValue": "42"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
        "custom.kind": {"DataType": "String.custom", "StringValue": "v"},
    }
    body = "body with <xml> & unicode ✓"
    before = int(time.time() * 1000)  # the server and this script share the host's clock
    sent = SQS.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes,
                            MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"}})
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), sent
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(attributes), sent
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"}}), sent
    assert "SequenceNumber" not in sent
    messages = receive(url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"], WaitTimeSeconds=2)
    after = int(time.time() * 1000)
    assert len(messages) == 1, messages
    message = messages[0]
    assert message["Body"] == body and message["MessageId"] == sent["MessageId"], message
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"] and message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert message["MessageAttributes"] == attributes, message["MessageAttributes"]
    system = message["Attributes"]
    assert system["ApproximateReceiveCount"] == "1" and system["SenderId"] == ACCOUNT, system
    assert system["AWSTraceHeader"] == "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", system
    # Ordered: sent after this script started the send, first received after it was sent, both before the receive returned.
    assert before <= int(system["SentTimestamp"]) <= int(system["ApproximateFirstReceiveTimestamp"]) <= after, (before, system, after)
    SQS.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    SQS.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])  # deleting twice succeeds, as on AWS
    assert counts(url) == (0, 0, 0)

    # Attribute selection by name and prefix; the digest covers what is returned.
    SQS.send_message(QueueUrl=url, MessageBody="select", MessageAttributes=attributes)
    message = receive(url, MessageAttributeNames=["custom.*", "count"], AttributeNames=["SentTimestamp"])[0]
    assert set(message["MessageAttributes"]) == {"custom.kind", "count"}, message
    assert message["MD5OfMessageAttributes"] == md5_of_attributes({k: attributes[k] for k in ("custom.kind", "count")})
    assert list(message["Attributes"]) == ["SentTimestamp"], message["Attributes"]
    SQS.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    message = receive(url, WaitTimeSeconds=1)[0]
    assert "MessageAttributes" not in message and "MD5OfMessageAttributes" not in message and "Attributes" not in message, message
    SQS.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    expect_error(lambda: SQS.delete_message(QueueUrl=url, ReceiptHandle="garbage"), "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404)
    expect_error(lambda: SQS.receive_message(QueueUrl=url, MaxNumberOfMessages=11), "InvalidParameterValueException", "InvalidParameterValue",
                 message="Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
    expect_error(lambda: SQS.receive_message(QueueUrl=url, WaitTimeSeconds=21), "InvalidParameterValueException", "InvalidParameterValue",
                 message="Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody=""), "MissingRequiredParameterException", "MissingParameter",
                 message="The request must contain the parameter MessageBody.")
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={"e": {"DataType": "String", "StringValue": ""}}),
                 "InvalidParameterValueException", "InvalidParameterValue",
                 message="Message (user) attribute 'e' must contain a non-empty value of type 'String'.")
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody="x\u0000"), "InvalidMessageContents", "InvalidMessageContents")


def case_batches():
    url = create()
    entries = [{"Id": f"m{i}", "MessageBody": f"message {i}"} for i in range(10)]
    entries[3]["MessageAttributes"] = {"a": {"DataType": "Number", "StringValue": "1"}}
    sent = SQS.send_message_batch(QueueUrl=url, Entries=entries)
    assert len(sent["Successful"]) == 10 and not sent.get("Failed"), sent
    by_id = {entry["Id"]: entry for entry in sent["Successful"]}
    assert by_id["m3"]["MD5OfMessageAttributes"] == md5_of_attributes(entries[3]["MessageAttributes"])
    assert by_id["m0"]["MD5OfMessageBody"] == hashlib.md5(b"message 0").hexdigest()

    mixed = SQS.send_message_batch(QueueUrl=url, Entries=[{"Id": "ok", "MessageBody": "fine"}, {"Id": "bad", "MessageBody": "x", "DelaySeconds": 901}])
    assert [e["Id"] for e in mixed["Successful"]] == ["ok"], mixed
    assert mixed["Failed"][0]["Id"] == "bad" and mixed["Failed"][0]["SenderFault"] and mixed["Failed"][0]["Code"] == "InvalidParameterValue", mixed

    expect_error(lambda: SQS.send_message_batch(QueueUrl=url, Entries=[]), "EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest")
    expect_error(lambda: SQS.send_message_batch(QueueUrl=url, Entries=[{"Id": f"i{i}", "MessageBody": "x"} for i in range(11)]),
                 "TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                 message="Maximum number of entries per request are 10. You have sent 11.")
    expect_error(lambda: SQS.send_message_batch(QueueUrl=url, Entries=[{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}]),
                 "BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
    expect_error(lambda: SQS.send_message_batch(QueueUrl=url, Entries=[{"Id": "no spaces", "MessageBody": "x"}]),
                 "InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId")
    expect_error(lambda: SQS.send_message_batch(QueueUrl=url, Entries=[{"Id": f"b{i}", "MessageBody": "x" * 200_000} for i in range(6)]),
                 "BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong")

    received = []
    while len(received) < 11:
        batch = receive(url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        assert batch, received
        assert len(batch) <= 10
        received += batch
    handles = [{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(received[:10])]
    handles.append({"Id": "broken", "ReceiptHandle": "not-a-handle"})
    deleted = SQS.delete_message_batch(QueueUrl=url, Entries=handles[:9] + [handles[-1]])
    assert len(deleted["Successful"]) == 9 and deleted["Failed"][0]["Code"] == "ReceiptHandleIsInvalid", deleted
    changed = SQS.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "c1", "ReceiptHandle": received[9]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "c2", "ReceiptHandle": received[10]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "c3", "ReceiptHandle": "nope", "VisibilityTimeout": 0}])
    assert sorted(e["Id"] for e in changed["Successful"]) == ["c1", "c2"] and changed["Failed"][0]["Id"] == "c3", changed
    again = []
    while len(again) < 2:
        again += receive(url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    assert {m["MessageId"] for m in again} == {received[9]["MessageId"], received[10]["MessageId"]}
    SQS.delete_message_batch(QueueUrl=url, Entries=[{"Id": f"x{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(again)])
    assert counts(url) == (0, 0, 0), counts(url)


def case_visibility_timeout():
    # 5 s: the two checks below must run inside it even on a loaded machine.
    url = create(VisibilityTimeout=5)
    SQS.send_message(QueueUrl=url, MessageBody="v")
    first = receive(url, WaitTimeSeconds=1)[0]
    # Hidden while its visibility timeout runs: a receive right away finds nothing, and the count says in flight ...
    assert receive(url) == []
    assert counts(url) == (0, 1, 0), counts(url)
    # ... and a waiting receive gets it back once the timeout is over, as a second receive of the same message.
    second = receive(url, WaitTimeSeconds=10, AttributeNames=["All"])
    assert len(second) == 1, second
    second = second[0]
    assert second["MessageId"] == first["MessageId"] and second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2", second

    # An earlier receive's handle cannot change visibility; on a standard queue it may still "delete" (a no-op).
    expect_error(lambda: SQS.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=30),
                 "InvalidParameterValueException", "InvalidParameterValue")
    SQS.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    SQS.change_message_visibility(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"], VisibilityTimeout=60)
    assert counts(url) == (0, 1, 0), counts(url)
    SQS.change_message_visibility(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"], VisibilityTimeout=0)
    third = receive(url, VisibilityTimeout=30, WaitTimeSeconds=1)
    assert len(third) == 1, third
    SQS.delete_message(QueueUrl=url, ReceiptHandle=third[0]["ReceiptHandle"])
    assert counts(url) == (0, 0, 0)


def receive_while_waiting(url, send, **receive_args):
    """Starts a receive on its own client, calls send() once that receive's request is on its way, and returns what
    the receive got and the order in which it and a reference wait ended: a 3-second empty long poll on another
    queue, started after send(). A receive woken by the send ends first; one that sleeps out its own wait (longer
    than 3 s) ends last."""
    waiting = boto3.client("sqs", endpoint_url=ENDPOINT, region_name=REGION,
                           config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60))
    requested = threading.Event()
    waiting.meta.events.register("before-send.sqs.ReceiveMessage", lambda **_: requested.set())
    ended, result = [], {}

    def waiter():
        result["messages"] = waiting.receive_message(QueueUrl=url, **receive_args).get("Messages", [])
        ended.append("receive")

    thread = threading.Thread(target=waiter)
    thread.start()
    assert requested.wait(30), "the receive was never sent"
    send()
    reference = create()
    assert receive(reference, WaitTimeSeconds=3) == []
    ended.append("reference")
    thread.join(60)
    assert not thread.is_alive(), "the receive never returned"
    return result["messages"], ended


def case_long_polling_wakes_on_send():
    url = create()
    # An empty long poll ends with an empty answer when its wait is over.
    assert receive(url, WaitTimeSeconds=1) == []

    # A waiting receive returns as soon as a message arrives, long before its 15 s wait is over.
    messages, ended = receive_while_waiting(url, lambda: SQS.send_message(QueueUrl=url, MessageBody="wake up"), WaitTimeSeconds=15)
    assert [m["Body"] for m in messages] == ["wake up"], messages
    assert ended == ["receive", "reference"], ended
    SQS.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])

    # The queue's ReceiveMessageWaitTimeSeconds is the default wait: a receive without WaitTimeSeconds waits too.
    SQS.set_queue_attributes(QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "15"})
    messages, ended = receive_while_waiting(url, lambda: SQS.send_message(QueueUrl=url, MessageBody="default wait"))
    assert [m["Body"] for m in messages] == ["default wait"], messages
    assert ended == ["receive", "reference"], ended
    SQS.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    SQS.set_queue_attributes(QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "1"})
    assert receive(url) == [], "an empty default long poll ends with an empty answer"


def case_delay():
    url = create(DelaySeconds=2)
    SQS.send_message(QueueUrl=url, MessageBody="queue delay")
    # Not delivered before its delay: a receive right after the send finds nothing, the count says delayed ...
    assert receive(url) == []
    assert counts(url) == (0, 0, 1), counts(url)
    # ... and a waiting receive gets it once the delay is over.
    messages = receive(url, WaitTimeSeconds=10)
    assert [m["Body"] for m in messages] == ["queue delay"], messages
    SQS.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])

    SQS.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    immediate = receive(url, WaitTimeSeconds=1)
    assert [m["Body"] for m in immediate] == ["no delay"], immediate
    SQS.delete_message(QueueUrl=url, ReceiptHandle=immediate[0]["ReceiptHandle"])
    # A message's own delay overrides the queue's: sent first with 6 s, it comes after one sent next with the queue's 2 s.
    SQS.send_message(QueueUrl=url, MessageBody="longer", DelaySeconds=6)
    SQS.send_message(QueueUrl=url, MessageBody="queue default")
    assert counts(url) == (0, 0, 2), counts(url)
    order = []
    while len(order) < 2:
        messages = receive(url, WaitTimeSeconds=10)
        assert messages, order
        order += [m["Body"] for m in messages]
        for message in messages:
            SQS.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert order == ["queue default", "longer"], order
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901), "InvalidParameterValueException", "InvalidParameterValue")


def case_fifo():
    queue_name = name("order") + ".fifo"
    url = SQS.create_queue(QueueName=queue_name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    attributes = SQS.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["FifoQueue"] == "true" and attributes["ContentBasedDeduplication"] == "false", attributes
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d"),
                 "MissingRequiredParameterException", "MissingParameter", message="The request must contain the parameter MessageGroupId.")
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g"), "InvalidParameterValueException", "InvalidParameterValue",
                 message="The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=2),
                 "InvalidParameterValueException", "InvalidParameterValue")

    a1 = SQS.send_message(QueueUrl=url, MessageBody="a1", MessageGroupId="A", MessageDeduplicationId="a1")
    a2 = SQS.send_message(QueueUrl=url, MessageBody="a2", MessageGroupId="A", MessageDeduplicationId="a2")
    b1 = SQS.send_message(QueueUrl=url, MessageBody="b1", MessageGroupId="B", MessageDeduplicationId="b1")
    assert len(a1["SequenceNumber"]) == 20 and int(a1["SequenceNumber"]) < int(a2["SequenceNumber"]) < int(b1["SequenceNumber"])
    duplicate = SQS.send_message(QueueUrl=url, MessageBody="a1 again", MessageGroupId="A", MessageDeduplicationId="a1")
    assert duplicate["MessageId"] == a1["MessageId"] and duplicate["SequenceNumber"] == a1["SequenceNumber"], duplicate

    first = receive(url, AttributeNames=["All"])
    assert [m["Body"] for m in first] == ["a1"], first
    system = first[0]["Attributes"]
    assert system["MessageGroupId"] == "A" and system["MessageDeduplicationId"] == "a1" and system["SequenceNumber"] == a1["SequenceNumber"]
    # Group A has a message in flight: only B delivers, then nothing.
    assert [m["Body"] for m in receive(url, MaxNumberOfMessages=10)] == ["b1"]
    assert receive(url, MaxNumberOfMessages=10) == []
    SQS.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    assert [m["Body"] for m in receive(url, MaxNumberOfMessages=10)] == ["a2"]

    ordered_url = SQS.create_queue(QueueName=name("cbd") + ".fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    for i in range(6):
        SQS.send_message(QueueUrl=ordered_url, MessageBody=f"m{i}", MessageGroupId="one")
    same = SQS.send_message(QueueUrl=ordered_url, MessageBody="m0", MessageGroupId="one")
    assert counts(ordered_url) == (6, 0, 0), counts(ordered_url)
    bodies = []
    while len(bodies) < 6:
        batch = receive(ordered_url, MaxNumberOfMessages=4, VisibilityTimeout=30)
        assert batch, bodies
        bodies += [m["Body"] for m in batch]
        SQS.delete_message_batch(QueueUrl=ordered_url, Entries=[{"Id": f"e{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    assert bodies == [f"m{i}" for i in range(6)], bodies
    assert same["MessageId"]
    expect_error(lambda: SQS.set_queue_attributes(QueueUrl=ordered_url, Attributes={"FifoQueue": "false"}), "InvalidAttributeValue", "InvalidAttributeValue")
    expect_error(lambda: SQS.create_queue(QueueName=name(), Attributes={"ContentBasedDeduplication": "true"}), "InvalidAttributeName", "InvalidAttributeName")


def case_redrive_to_dead_letter_queue():
    dlq = create(name("dlq"))
    dlq_arn = arn_of(dlq)
    source = create(name("src"), VisibilityTimeout=0,
                    RedrivePolicy=f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"2"}}')
    attributes = SQS.get_queue_attributes(QueueUrl=source, AttributeNames=["RedrivePolicy"])["Attributes"]
    assert dlq_arn in attributes["RedrivePolicy"], attributes
    sent = SQS.send_message(QueueUrl=source, MessageBody="poison", MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    for expected in ("1", "2"):
        messages = receive(source, AttributeNames=["ApproximateReceiveCount"], WaitTimeSeconds=1)
        assert len(messages) == 1 and messages[0]["Attributes"]["ApproximateReceiveCount"] == expected, messages
    # Received maxReceiveCount times: the next receive moves it instead of delivering it.
    assert receive(source, WaitTimeSeconds=1) == []
    moved = receive(dlq, MessageAttributeNames=["All"], WaitTimeSeconds=2)
    assert len(moved) == 1 and moved[0]["MessageId"] == sent["MessageId"] and moved[0]["Body"] == "poison", moved
    assert moved[0]["MessageAttributes"]["k"]["StringValue"] == "v"
    assert counts(source) == (0, 0, 0)
    assert SQS.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [source]
    assert SQS.list_dead_letter_source_queues(QueueUrl=source)["queueUrls"] == []
    missing = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name('gone')}"
    expect_error(lambda: SQS.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn":"{missing}","maxReceiveCount":"2"}}'}),
                 "InvalidParameterValueException", "InvalidParameterValue")
    expect_error(lambda: SQS.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"0"}}'}),
                 "InvalidAttributeValue", "InvalidAttributeValue")
    SQS.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in SQS.get_queue_attributes(QueueUrl=source, AttributeNames=["All"])["Attributes"]


def case_purge_and_limits():
    url = create(MaximumMessageSize=1024)
    SQS.send_message_batch(QueueUrl=url, Entries=[{"Id": f"p{i}", "MessageBody": "x"} for i in range(5)])
    assert counts(url)[0] == 5
    SQS.purge_queue(QueueUrl=url)
    assert counts(url) == (0, 0, 0)
    expect_error(lambda: SQS.purge_queue(QueueUrl=url), "PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403)
    SQS.send_message(QueueUrl=url, MessageBody="x" * 1024)
    expect_error(lambda: SQS.send_message(QueueUrl=url, MessageBody="x" * 1025), "InvalidParameterValueException", "InvalidParameterValue",
                 message="One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")


def case_send_for_restart(queue_name, count):
    """Creates a queue, sends COUNT messages (each batch acknowledged), then takes 3 with a 10-minute visibility timeout.

    Prints NUMBER,RECEIPT_HANDLE of the 3 messages taken."""
    url = create(queue_name)
    count = int(count)
    for start in range(0, count, 10):
        SQS.send_message_batch(QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": f"durable {i}"} for i in range(start, min(count, start + 10))])
    taken = receive(url, MaxNumberOfMessages=3, VisibilityTimeout=600)
    assert len(taken) == 3, taken
    print(" ".join(f"{m['Body'].split()[1]},{m['ReceiptHandle']}" for m in taken))


def case_check_after_restart(queue_name, count, *taken):
    """After a restart: every message is there exactly once, the in-flight ones stay hidden, their receipt handles still
    work, and they come back when their (shortened) visibility timeout ends."""
    url = SQS.get_queue_url(QueueName=queue_name)["QueueUrl"]
    count = int(count)
    in_flight = [entry.split(",", 1)[0] for entry in taken]
    # Still in flight after the restart (their 10 minutes are far from over, however slow the restart): the rest visible,
    # the taken ones hidden.
    assert counts(url) == (count - len(in_flight), len(in_flight), 0), counts(url)
    # The receipts survived the restart: shorten the timeouts, so the messages come back through their expiry.
    for entry in taken:
        SQS.change_message_visibility(QueueUrl=url, ReceiptHandle=entry.split(",", 1)[1], VisibilityTimeout=2)
    seen = {}
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline:
        for message in receive(url, MaxNumberOfMessages=10, WaitTimeSeconds=5, AttributeNames=["ApproximateReceiveCount"]):
            number = message["Body"].split()[1]
            assert number not in seen, f"{number} delivered twice"
            seen[number] = message["Attributes"]["ApproximateReceiveCount"]
            SQS.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert sorted(seen, key=int) == [str(i) for i in range(count)], (len(seen), count)
    # Delivered in order of visibility: every visible message first, the ones that were in flight last (their second receive).
    assert sorted(list(seen)[-len(in_flight):], key=int) == sorted(in_flight, key=int), (list(seen), in_flight)
    for number in in_flight:
        assert seen[number] == "2", (number, seen[number])
    assert counts(url) == (0, 0, 0)


if __name__ == "__main__":
    globals()[f"case_{sys.argv[1]}"](*sys.argv[2:])
    print("ok")
