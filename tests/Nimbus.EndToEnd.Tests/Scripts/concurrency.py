# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for reserved concurrency and throttling on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python concurrency.py CASE. Each case creates its own functions and removes its reservations again, so the
account's unreserved pool is back where it started; it exits non-zero on the first difference from AWS Lambda.
"""
import concurrent.futures
import io
import json
import os
import sys
import time
import uuid
import zipfile

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
PYTHON = os.environ.get("NIMBUS_TEST_RUNTIME", "python3.11")

SLOW = "import time\n\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    return 'done'\n"
TAGGER = (
    "import boto3\n\n"
    "def handler(event, context):\n"
    "    boto3.client('lambda').tag_resource(Resource=context.invoked_function_arn, Tags={'delivered': event['mark']})\n"
)


def client(validate=True):
    # No retries: a throttle must reach the test as it left the server (boto3 retries 429s by default).
    config = botocore.config.Config(parameter_validation=validate, retries={"total_max_attempts": 1},
                                    read_timeout=60, max_pool_connections=16)
    return boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, config=config)


LAM = client()


def make_zip(code):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("app.py")
        info.external_attr = (0o644 | 0o100000) << 16  # readable by the sandbox's unprivileged user
        archive.writestr(info, code)
    return buffer.getvalue()


def deploy(code=SLOW):
    name = f"conc-{uuid.uuid4().hex[:10]}"
    LAM.create_function(FunctionName=name, Runtime=PYTHON, Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": make_zip(code)}, Timeout=30, MemorySize=1024)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    return name


def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as error:
        return error.response
    raise AssertionError("the call succeeded; an error was expected")


def assert_error(response, code, message, status):
    assert response["Error"]["Code"] == code, response
    assert response["Error"]["Message"] == message, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response


def unreserved():
    return LAM.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]


def limit():
    return LAM.get_account_settings()["AccountLimit"]["ConcurrentExecutions"]


def invoke_outcome(name, sleep):
    """'ok', or the throttle's Reason, status, message and Retry-After header."""
    try:
        response = LAM.invoke(FunctionName=name, Payload=json.dumps({"sleep": sleep}).encode())
        assert "FunctionError" not in response, response
        assert response["Payload"].read() == b'"done"'
        return "ok"
    except botocore.exceptions.ClientError as error:
        r = error.response
        assert r["Error"]["Code"] == "TooManyRequestsException", r
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 429, r
        assert r["Error"]["Message"] == "Rate Exceeded.", r
        assert r["Type"] == "User", r
        return (r["Reason"], r["ResponseMetadata"]["HTTPHeaders"].get("retry-after"))


# How long each of the parallel invocations below holds its environment: the others must reach the server inside it (a
# cold start plus this) to be concurrent with it, from threads of one process that a loaded machine may schedule late.
HOLD = 5


def parallel(calls):
    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(*call) for call in calls]]


def case_put_get_delete_and_refusals():
    name = deploy()
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    before = unreserved()
    assert "ReservedConcurrentExecutions" not in LAM.get_function_concurrency(FunctionName=name)
    assert "Concurrency" not in LAM.get_function(FunctionName=name)

    put = LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    assert put["ReservedConcurrentExecutions"] == 5, put
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert LAM.get_function_concurrency(FunctionName=arn)["ReservedConcurrentExecutions"] == 5
    assert LAM.get_function(FunctionName=name)["Concurrency"] == {"ReservedConcurrentExecutions": 5}
    assert unreserved() == before - 5

    # A new value replaces the old one; it is not added to it.
    LAM.put_function_concurrency(FunctionName=arn, ReservedConcurrentExecutions=7)
    assert unreserved() == before - 7

    # At least 100 stay unreserved: AWS's message, with the minimum in brackets.
    too_many = limit() - 100 - (limit() - before) + 1
    response = error_of(lambda: LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=too_many))
    assert_error(response, "InvalidParameterValueException",
                 "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
                 "below its minimum value of [100].", 400)
    assert LAM.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 7
    LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=too_many - 1)  # exactly 100 left
    LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=7)

    response = error_of(lambda: client(validate=False).put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=-1))
    assert_error(response, "ValidationException",
                 "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: "
                 "Member must have value greater than or equal to 0", 400)

    missing = f"conc-missing-{uuid.uuid4().hex[:6]}"
    not_found = f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:{missing}"
    for call in (lambda: LAM.put_function_concurrency(FunctionName=missing, ReservedConcurrentExecutions=1),
                 lambda: LAM.get_function_concurrency(FunctionName=missing),
                 lambda: LAM.delete_function_concurrency(FunctionName=missing)):
        assert_error(error_of(call), "ResourceNotFoundException", not_found, 404)

    deleted = LAM.delete_function_concurrency(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in LAM.get_function_concurrency(FunctionName=name)
    assert unreserved() == before
    LAM.delete_function_concurrency(FunctionName=name)  # nothing reserved: still 204

    # The reservation goes with the function; a new function of the same name starts without one.
    LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=3)
    assert unreserved() == before - 3
    LAM.delete_function(FunctionName=name)
    assert unreserved() == before
    LAM.create_function(FunctionName=name, Runtime=PYTHON, Role=ROLE, Handler="app.handler", Code={"ZipFile": make_zip(SLOW)})
    assert "ReservedConcurrentExecutions" not in LAM.get_function_concurrency(FunctionName=name)
    LAM.delete_function(FunctionName=name)


def case_reserved_one_throttles_the_second_parallel_invoke():
    name = deploy()
    LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    try:
        outcomes = parallel([(invoke_outcome, name, HOLD), (invoke_outcome, name, HOLD)])
        assert sorted(map(str, outcomes)) == sorted(["ok", str(("ReservedFunctionConcurrentInvocationLimitExceeded", None))]), outcomes
        assert invoke_outcome(name, 0) == "ok"  # the slot came back
    finally:
        LAM.delete_function_concurrency(FunctionName=name)


def case_reserved_zero_throttles_everything():
    name = deploy()
    LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    try:
        for _ in range(3):
            assert invoke_outcome(name, 0) == ("ReservedFunctionConcurrentInvocationLimitExceeded", None)
    finally:
        LAM.delete_function_concurrency(FunctionName=name)
    assert invoke_outcome(name, 0) == "ok"


def case_event_waits_in_queue_until_concurrency_deleted():
    name = deploy(TAGGER)
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    sqs = boto3.client("sqs", endpoint_url=ENDPOINT, region_name=REGION)
    failures_url = sqs.create_queue(QueueName=f"conc-failures-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    failures_arn = sqs.get_queue_attributes(QueueUrl=failures_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    on_failure = {"OnFailure": {"Destination": failures_arn}}
    # No retries allowed: if a throttle used up an attempt, the event would fail at once and go to the destination.
    LAM.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0, DestinationConfig=on_failure)
    # The signal that the throttled event was tried (and throttled) more than once: an event of another function,
    # queued after it, that fails three times (the test server retries after 0.5 s and 1 s) and then reports.
    reference = deploy("def handler(event, context):\n    raise ValueError('reference')\n")
    LAM.put_function_event_invoke_config(FunctionName=reference, MaximumRetryAttempts=2, DestinationConfig=on_failure)
    LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    mark = uuid.uuid4().hex[:8]
    response = LAM.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"mark": mark}).encode())
    assert response["StatusCode"] == 202
    assert LAM.invoke(FunctionName=reference, InvocationType="Event", Payload=b"{}")["StatusCode"] == 202
    records = []
    deadline = time.monotonic() + 60
    while not any(reference in r["requestContext"]["functionArn"] for r in records) and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=failures_url, MaxNumberOfMessages=10, WaitTimeSeconds=5).get("Messages", []):
            records.append(json.loads(message["Body"]))
    assert [r["requestContext"]["functionArn"].split(":")[6] for r in records] == [reference], records
    # Throttled, not failed: it has neither run nor gone to its destination.
    assert "delivered" not in LAM.list_tags(Resource=arn)["Tags"]
    LAM.delete_function_concurrency(FunctionName=name)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if LAM.list_tags(Resource=arn)["Tags"].get("delivered") == mark:
            return
        time.sleep(0.2)
    raise AssertionError("the queued event did not run within 30 s of DeleteFunctionConcurrency")


def case_small_account_limit_throttles_the_unreserved_pool():
    """Run against a server with ConcurrentExecutions 2: the whole limit stays unreserved."""
    assert limit() == 2 and unreserved() == 2
    names = [deploy() for _ in range(3)]
    response = error_of(lambda: LAM.put_function_concurrency(FunctionName=names[0], ReservedConcurrentExecutions=1))
    assert_error(response, "InvalidParameterValueException",
                 "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
                 "below its minimum value of [2].", 400)
    outcomes = parallel([(invoke_outcome, name, HOLD) for name in names])
    assert sorted(map(str, outcomes)) == sorted(["ok", "ok", str(("ConcurrentInvocationLimitExceeded", None))]), outcomes


def case_scaling_burst_throttles_new_environments():
    """Run against a server with ScalingBurstPer10Seconds 1: one new environment per function per 10 s."""
    name = deploy()
    outcomes = parallel([(invoke_outcome, name, HOLD), (invoke_outcome, name, HOLD)])
    throttled = [o for o in outcomes if o != "ok"]
    assert len(throttled) == 1 and throttled[0][0] == "FunctionInvocationRateLimitExceeded", outcomes
    assert 1 <= int(throttled[0][1]) <= 10, outcomes  # Retry-After: seconds until the next environment may start
    assert invoke_outcome(name, 0) == "ok"  # the warm environment serves it


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
