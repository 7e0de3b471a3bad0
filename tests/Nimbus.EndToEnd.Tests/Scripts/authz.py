# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for authorization on a Nimbus server at NIMBUS_ENDPOINT (Auth=iam, root key seeded):
users' identity-based policies on Lambda and SQS, functions' execution roles, mappings acting with the role.

Usage: python authz.py CASE. Reuses the helpers of invoke.py and auth.py (same directory).
"""
import json
import sys
import time
import uuid

import boto3
import botocore.exceptions

from auth import CONFIG, expect, sqs
from invoke import ACCOUNT, ENDPOINT, LAM, PYTHON, REGION, deploy, make_zip

IAM = boto3.client("iam", endpoint_url=ENDPOINT, region_name=REGION, config=CONFIG)
TRUST_LAMBDA = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
ECHO = {"app.py": "def handler(event, context):\n    return event\n"}


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def function_arn(name, qualifier=None):
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return arn if qualifier is None else f"{arn}:{qualifier}"


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, resource):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def user(inline=None):
    """A new IAM user with an access key (and an inline policy); returns (name, arn, lambda client, sqs client)."""
    name = unique("user")
    arn = IAM.create_user(UserName=name)["User"]["Arn"]
    if inline is not None:
        IAM.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=inline)
    key = IAM.create_access_key(UserName=name)["AccessKey"]
    lam = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                       aws_secret_access_key=key["SecretAccessKey"], config=CONFIG)
    return name, arn, lam, sqs(key["AccessKeyId"], key["SecretAccessKey"])


def denied(principal, action, resource, reason="no identity-based policy allows"):
    clause = (f"because no identity-based policy allows the {action} action" if reason == "no identity-based policy allows"
              else "with an explicit deny in an identity-based policy")
    return f"User: {principal} is not authorized to perform: {action} on resource: {resource} {clause}"


def role(name, *policies, trust=TRUST_LAMBDA):
    arn = IAM.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    for index, document in enumerate(policies):
        IAM.put_role_policy(RoleName=name, PolicyName=f"p{index}", PolicyDocument=document)
    return arn


def case_user_allowed_one_function_denied_another():
    allowed, other = deploy(ECHO), deploy(ECHO)
    _, arn, lam, _ = user(policy(allow(["lambda:GetFunction", "lambda:InvokeFunction"], function_arn(allowed))))

    lam.get_function(FunctionName=allowed)
    if json.loads(lam.invoke(FunctionName=allowed, Payload=b'{"n":1}')["Payload"].read()) != {"n": 1}:
        raise AssertionError("invoke")
    expect(lambda: lam.get_function(FunctionName=other), "AccessDeniedException", 403,
           denied(arn, "lambda:GetFunction", function_arn(other)))
    # A partial ARN is named in the denial as the full ARN, as AWS prints it.
    expect(lambda: lam.invoke(FunctionName=f"{ACCOUNT}:function:{other}"), "AccessDeniedException", 403,
           denied(arn, "lambda:InvokeFunction", function_arn(other)))
    # A version makes the qualified ARN the resource: the unqualified one in the policy does not cover it.
    version = LAM.publish_version(FunctionName=allowed)["Version"]
    expect(lambda: lam.invoke(FunctionName=allowed, Qualifier=version), "AccessDeniedException", 403,
           denied(arn, "lambda:InvokeFunction", function_arn(allowed, version)))
    expect(lambda: lam.get_function(FunctionName=f"{allowed}:{version}"), "AccessDeniedException", 403,
           denied(arn, "lambda:GetFunction", function_arn(allowed, version)))
    expect(lambda: lam.list_functions(), "AccessDeniedException", 403, denied(arn, "lambda:ListFunctions", "*"))
    # A function that does not exist is refused the same way: the check comes first.
    expect(lambda: lam.get_function(FunctionName="never-made"), "AccessDeniedException", 403,
           denied(arn, "lambda:GetFunction", function_arn("never-made")))


def case_explicit_deny_wins():
    allowed, refused = deploy(ECHO), deploy(ECHO)
    _, arn, lam, _ = user(policy(allow("lambda:*", "*"),
                                 {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": function_arn(refused)}))

    lam.invoke(FunctionName=allowed)
    lam.get_function(FunctionName=refused)
    expect(lambda: lam.invoke(FunctionName=refused), "AccessDeniedException", 403,
           denied(arn, "lambda:InvokeFunction", function_arn(refused), reason="explicit"))


def case_managed_policy_attach_then_detach():
    name, arn, lam, _ = user()
    managed = IAM.create_policy(PolicyName=unique("list"), PolicyDocument=policy(allow("lambda:ListFunctions", "*")))["Policy"]["Arn"]
    expect(lambda: lam.list_functions(), "AccessDeniedException", 403, denied(arn, "lambda:ListFunctions", "*"))

    IAM.attach_user_policy(UserName=name, PolicyArn=managed)
    lam.list_functions()
    IAM.detach_user_policy(UserName=name, PolicyArn=managed)
    expect(lambda: lam.list_functions(), "AccessDeniedException", 403, denied(arn, "lambda:ListFunctions", "*"))


def case_user_sqs_send_one_queue_denied_another():
    root = sqs()
    mine, theirs = unique("mine"), unique("theirs")
    mine_url = root.create_queue(QueueName=mine)["QueueUrl"]
    theirs_url = root.create_queue(QueueName=theirs)["QueueUrl"]
    _, arn, _, q = user(policy(allow("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{mine}")))

    q.send_message(QueueUrl=mine_url, MessageBody="hello")
    q.send_message_batch(QueueUrl=mine_url, Entries=[{"Id": "1", "MessageBody": "batched"}])
    resource = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{theirs}"
    # SQS writes the action in lower case; the SDK reads the code AccessDenied from x-amzn-query-error.
    expect(lambda: q.send_message(QueueUrl=theirs_url, MessageBody="x"), "AccessDenied", 403,
           denied(arn, "sqs:sendmessage", resource))
    expect(lambda: q.receive_message(QueueUrl=mine_url), "AccessDenied", 403,
           denied(arn, "sqs:receivemessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{mine}"))
    expect(lambda: q.list_queues(), "AccessDenied", 403, denied(arn, "sqs:listqueues", "*"))
    got = root.receive_message(QueueUrl=mine_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    if sorted(m["Body"] for m in got) != ["batched", "hello"]:
        raise AssertionError(got)


def case_function_role_allowed_and_denied_inside_the_handler():
    root = sqs()
    allowed_q, denied_q = unique("to"), unique("not-to")
    allowed_url = root.create_queue(QueueName=allowed_q)["QueueUrl"]
    denied_url = root.create_queue(QueueName=denied_q)["QueueUrl"]
    role_name = unique("sender")
    role(role_name, policy(allow("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{allowed_q}")))
    code = ("import boto3, botocore.exceptions\n\n"
            "def handler(event, context):\n"
            "    q = boto3.client('sqs')\n"
            "    q.send_message(QueueUrl=event['allowed'], MessageBody='from ' + context.function_name)\n"
            "    try:\n"
            "        q.send_message(QueueUrl=event['denied'], MessageBody='never')\n"
            "        return {'denied': None}\n"
            "    except botocore.exceptions.ClientError as e:\n"
            "        return {'denied': e.response['Error'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}\n")
    name = unique("fn")
    # 30 s, not the 3 s default: the handler makes a boto3 client (its service model loaded) and sends twice, which took
    # about a second at load 48 in a similar handler.
    LAM.create_function(FunctionName=name, Runtime=PYTHON, Role=f"arn:aws:iam::{ACCOUNT}:role/{role_name}", Handler="app.handler",
                        Code={"ZipFile": make_zip({"app.py": code})}, Timeout=30)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})

    response = LAM.invoke(FunctionName=name, Payload=json.dumps({"allowed": allowed_url, "denied": denied_url}).encode())
    result = json.loads(response["Payload"].read())
    if "FunctionError" in response:
        raise AssertionError(result)
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/{name}"
    expected = denied(session, "sqs:sendmessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{denied_q}")
    if result["status"] != 403 or result["denied"]["Code"] != "AccessDenied" or result["denied"]["Message"] != expected:
        raise AssertionError((expected, result))
    got = root.receive_message(QueueUrl=allowed_url, WaitTimeSeconds=1).get("Messages", [])
    if [m["Body"] for m in got] != [f"from {name}"]:
        raise AssertionError(got)
    if root.receive_message(QueueUrl=denied_url).get("Messages"):
        raise AssertionError("the denied queue got a message")


def case_mapping_role_without_queue_permission_is_refused():
    queue = unique("src")
    sqs().create_queue(QueueName=queue)
    role_name = unique("no-read")
    role(role_name, policy(allow("sqs:GetQueueAttributes", "*")))
    name = unique("fn")
    LAM.create_function(FunctionName=name, Runtime=PYTHON, Role=f"arn:aws:iam::{ACCOUNT}:role/{role_name}", Handler="app.handler",
                        Code={"ZipFile": make_zip(ECHO)})
    source = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"

    expect(lambda: LAM.create_event_source_mapping(EventSourceArn=source, FunctionName=name), "InvalidParameterValueException", 400,
           "The function execution role does not have permissions to call ReceiveMessage on SQS")
    IAM.put_role_policy(RoleName=role_name, PolicyName="read", PolicyDocument=policy(allow(["sqs:ReceiveMessage"], source)))
    expect(lambda: LAM.create_event_source_mapping(EventSourceArn=source, FunctionName=name), "InvalidParameterValueException", 400,
           "The function execution role does not have permissions to call DeleteMessage on SQS")
    IAM.put_role_policy(RoleName=role_name, PolicyName="read", PolicyDocument=policy(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage"], source)))
    mapping = LAM.create_event_source_mapping(EventSourceArn=source, FunctionName=name)
    LAM.delete_event_source_mapping(UUID=mapping["UUID"])


def case_execution_role_must_trust_lambda():
    name = unique("fn")
    args = dict(FunctionName=name, Runtime=PYTHON, Handler="app.handler", Code={"ZipFile": make_zip(ECHO)})
    message = "The role defined for the function cannot be assumed by Lambda."
    expect(lambda: LAM.create_function(Role=f"arn:aws:iam::{ACCOUNT}:role/{unique('missing')}", **args),
           "InvalidParameterValueException", 400, message)
    ec2 = unique("ec2")
    role(ec2, trust=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    expect(lambda: LAM.create_function(Role=f"arn:aws:iam::{ACCOUNT}:role/{ec2}", **args), "InvalidParameterValueException", 400, message)
    good = unique("good")
    LAM.create_function(Role=role(good), **args)
    # A Pending function refuses updates first (ResourceConflictException; which check AWS makes first is not known).
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    expect(lambda: LAM.update_function_configuration(FunctionName=name, Role=f"arn:aws:iam::{ACCOUNT}:role/{ec2}"),
           "InvalidParameterValueException", 400, message)


def case_pass_role_is_needed_to_create_a_function():
    role_name = unique("passed")
    role_arn = role(role_name)
    _, arn, lam, _ = user(policy(allow("lambda:CreateFunction", "*")))
    name = unique("fn")
    args = dict(FunctionName=name, Runtime=PYTHON, Role=role_arn, Handler="app.handler", Code={"ZipFile": make_zip(ECHO)})

    expect(lambda: lam.create_function(**args), "AccessDeniedException", 403, denied(arn, "iam:PassRole", role_arn))
    _, _, lam, _ = user(policy(allow("lambda:CreateFunction", "*"), allow("iam:PassRole", role_arn)))
    lam.create_function(**args)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
