# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for metrics on a Nimbus server at NIMBUS_ENDPOINT: AWS/Lambda figures after a known mix of
invocations, read through the CloudWatch API (the JSON protocol boto3 sends) and the Prometheus page, users' own
metrics (PutMetricData), CloudWatch's validation errors, and authorization as cloudwatch:<Op>.

Usage: python metrics.py CASE. Reuses the helpers of invoke.py, auth.py and authz.py (same directory).
"""
import copy
import datetime
import json
import re
import sys
import urllib.request
import uuid

import boto3
import botocore.config
import botocore.exceptions
import botocore.session

from auth import CONFIG, expect
from authz import IAM, allow, policy, unique
from invoke import ENDPOINT, LAM, REGION, deploy

CW = boto3.client("cloudwatch", endpoint_url=ENDPOINT, region_name=REGION, config=CONFIG)
# No retries: each throttle reaches the server once (boto3 retries 429s by default, and max_attempts=1 still retries once).
LAM_ONCE = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION,
                        config=botocore.config.Config(retries={"total_max_attempts": 1}))
FAILS = {"app.py": "def handler(event, context):\n    if event.get('fail'):\n        raise ValueError('asked to')\n    return 'fine'\n"}


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def statistics(name, metric, dimensions=None, stats=("Sum",), extended=None, namespace="AWS/Lambda", period=3600):
    """One datapoint over the past hour and a minute ahead (the current minute is not stored yet, and still counts)."""
    if dimensions is None:
        dimensions = [{"Name": "FunctionName", "Value": name}]
    extra = {"ExtendedStatistics": list(extended)} if extended else {}
    points = CW.get_metric_statistics(Namespace=namespace, MetricName=metric, Dimensions=dimensions,
                                      StartTime=now() - datetime.timedelta(minutes=55),
                                      EndTime=now() + datetime.timedelta(minutes=2), Period=period,
                                      Statistics=list(stats), **extra)["Datapoints"]
    assert len(points) <= 1, points
    return points[0] if points else None


def prometheus():
    with urllib.request.urlopen(ENDPOINT.rstrip("/") + "/metrics") as response:  # unsigned, as Prometheus scrapes
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain"), response.headers["Content-Type"]
        return response.read().decode()


def sample(text, metric, function):
    pattern = re.compile(r'^' + metric + r'\{[^}]*function_name="' + re.escape(function) + r'"[^}]*\} (\S+)$', re.M)
    found = pattern.findall(text)
    assert len(found) == 1, (metric, function, found)
    return float(found[0])


def case_known_mix_has_exactly_those_counts():
    """3 successes (one through an alias), 2 function errors, 2 throttles: the same counts in every view."""
    name = deploy(FAILS)
    version = LAM.publish_version(FunctionName=name)["Version"]
    LAM.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    for payload in (b"{}", b"{}"):
        assert "FunctionError" not in LAM.invoke(FunctionName=name, Payload=payload)
    assert "FunctionError" not in LAM.invoke(FunctionName=name, Qualifier="live", Payload=b"{}")
    for _ in range(2):
        assert LAM.invoke(FunctionName=name, Payload=b'{"fail": true}')["FunctionError"] == "Unhandled"
    LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    for _ in range(2):
        expect(lambda: LAM_ONCE.invoke(FunctionName=name, Payload=b"{}"), "TooManyRequestsException", 429)
    LAM.delete_function_concurrency(FunctionName=name)

    assert statistics(name, "Invocations", stats=("Sum", "SampleCount"))["Sum"] == 5
    assert statistics(name, "Errors")["Sum"] == 2
    assert statistics(name, "Throttles")["Sum"] == 2
    duration = statistics(name, "Duration", stats=("SampleCount", "Minimum", "Maximum"), extended=("p50", "p90", "p99"))
    assert duration["SampleCount"] == 5 and duration["Unit"] == "Milliseconds", duration
    percentiles = duration["ExtendedStatistics"]
    assert duration["Minimum"] <= percentiles["p50"] <= percentiles["p90"] <= percentiles["p99"] <= duration["Maximum"], duration
    assert statistics(name, "ConcurrentExecutions", stats=("Maximum",))["Maximum"] >= 1
    resource = [{"Name": "FunctionName", "Value": name}, {"Name": "Resource", "Value": f"{name}:live"}]
    assert statistics(name, "Invocations", dimensions=resource)["Sum"] == 1

    data = CW.get_metric_data(
        MetricDataQueries=[{"Id": "errors", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors",
                                                                      "Dimensions": [{"Name": "FunctionName", "Value": name}]},
                                                           "Period": 60, "Stat": "Sum"}}],
        StartTime=now() - datetime.timedelta(minutes=55), EndTime=now() + datetime.timedelta(minutes=2))
    result = data["MetricDataResults"][0]
    assert result["Id"] == "errors" and result["StatusCode"] == "Complete" and sum(result["Values"]) == 2, result

    listed = CW.list_metrics(Namespace="AWS/Lambda", Dimensions=[{"Name": "FunctionName", "Value": name}])["Metrics"]
    names = {m["MetricName"] for m in listed}
    assert {"Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"} <= names, names

    text = prometheus()
    assert sample(text, "nimbus_invocations_total", name) == 5
    assert sample(text, "nimbus_invocation_errors_total", name) == 2
    assert sample(text, "nimbus_invocation_throttles_total", name) == 2
    assert sample(text, "nimbus_cold_starts_total", name) >= 1
    assert re.search(r'^nimbus_environments\{[^}]*state="warm"[^}]*\} \d+$', text, re.M), text
    print(name)


def case_put_metric_data_reads_back():
    ns = f"Nimbus/Test{uuid.uuid4().hex[:8]}"
    dims = [{"Name": "Api", "Value": "orders"}]
    CW.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Latency", "Dimensions": dims, "Value": 10, "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": dims, "Values": [20, 30], "Counts": [1, 2], "Unit": "Milliseconds"},
        {"MetricName": "Latency", "Dimensions": [{"Name": "Api", "Value": "users"}], "Value": 99, "Unit": "Milliseconds"},
        {"MetricName": "Requests", "StatisticValues": {"SampleCount": 4, "Sum": 10, "Minimum": 1, "Maximum": 4}, "Unit": "Count"},
    ])
    point = statistics(None, "Latency", dimensions=dims, namespace=ns, period=60,
                       stats=("SampleCount", "Sum", "Minimum", "Maximum", "Average"), extended=("p50",))
    assert point["SampleCount"] == 4 and point["Sum"] == 90 and point["Minimum"] == 10 and point["Maximum"] == 30, point
    assert point["Average"] == 22.5 and point["Unit"] == "Milliseconds", point
    assert abs(point["ExtendedStatistics"]["p50"] - 20) <= 20 * 0.05, point  # a log bucket's half width
    requests = statistics(None, "Requests", dimensions=[], namespace=ns, stats=("SampleCount", "Sum", "Minimum", "Maximum"))
    assert (requests["SampleCount"], requests["Sum"], requests["Minimum"], requests["Maximum"]) == (4, 10, 1, 4), requests
    listed = CW.list_metrics(Namespace=ns, MetricName="Latency")["Metrics"]
    assert sorted(m["Dimensions"][0]["Value"] for m in listed) == ["orders", "users"], listed
    filtered = CW.list_metrics(Namespace=ns, Dimensions=[{"Name": "Api", "Value": "users"}])["Metrics"]
    assert [m["MetricName"] for m in filtered] == ["Latency"], filtered


def case_validation_errors():
    ns = "Nimbus/Validation"
    expect(lambda: CW.put_metric_data(Namespace="AWS/Lambda", MetricData=[{"MetricName": "x", "Value": 1}]),
           "InvalidParameterValue", 400, "The value AWS/Lambda for parameter Namespace is invalid.")
    expect(lambda: CW.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "x", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}]),
        "InvalidParameterCombination", 400,
        "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both.")
    expect(lambda: CW.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "x", "Values": [1, 2], "Counts": [1]}]),
           "InvalidParameterValue", 400,
           "The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size.")
    expect(lambda: CW.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "x", "Value": 1,
                                                                 "Timestamp": now() - datetime.timedelta(days=15)}]),
           "InvalidParameterValue", 400,
           "The parameter MetricData.member.1.Timestamp must specify a time no more than two weeks in the past.")
    end = now().replace(second=0, microsecond=0)
    start = end - datetime.timedelta(days=2)
    get = dict(Namespace="AWS/Lambda", MetricName="Invocations", StartTime=start, EndTime=end)
    expect(lambda: CW.get_metric_statistics(**get, Period=90, Statistics=["Sum"]), "InvalidParameterValue", 400,
           "The parameter Period must be a multiple of 60.")
    expect(lambda: CW.get_metric_statistics(**get, Period=60, Statistics=["Sum"]), "InvalidParameterCombination", 400,
           "You have requested up to 2,880 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints "
           "requested by increasing Period, or decreasing the time range.")
    expect(lambda: CW.get_metric_statistics(Namespace="AWS/Lambda", MetricName="Invocations", StartTime=end, EndTime=start,
                                            Period=60, Statistics=["Sum"]),
           "InvalidParameterValue", 400, "The parameter StartTime must be less than the parameter EndTime.")
    expect(lambda: CW.get_metric_statistics(**get, Period=3600), "InvalidParameterCombination", 400)
    expect(lambda: CW.get_metric_data(MetricDataQueries=[{"Id": "m", "Expression": "SUM(METRICS())"}], StartTime=start, EndTime=end),
           "InvalidParameterValue", 400,
           "The parameter MetricDataQueries.member.1.Expression is not supported: Nimbus serves MetricStat queries only, "
           "not metric math expressions.")


def case_denied_without_cloudwatch_permission():
    name = unique("user")
    arn = IAM.create_user(UserName=name)["User"]["Arn"]
    IAM.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=policy(allow(["cloudwatch:ListMetrics"], "*")))
    key = IAM.create_access_key(UserName=name)["AccessKey"]
    cw = boto3.client("cloudwatch", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                      aws_secret_access_key=key["SecretAccessKey"], config=CONFIG)
    cw.list_metrics(Namespace="AWS/Lambda")
    expect(lambda: cw.put_metric_data(Namespace="Mine", MetricData=[{"MetricName": "x", "Value": 1}]), "AccessDenied", 403,
           f"User: {arn} is not authorized to perform: cloudwatch:PutMetricData on resource: * because no identity-based "
           "policy allows the cloudwatch:PutMetricData action")


def case_cbor_protocol_round_trip():
    """CloudWatch's first protocol, Smithy RPC v2 CBOR, as botocore sends it when the model offers only that one."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    load = loader.load_service_model

    def cbor_only(service_name, type_name, api_version=None):
        model = load(service_name, type_name, api_version)
        if service_name == "cloudwatch" and type_name == "service-2":
            model = copy.deepcopy(model)
            model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
        return model

    loader.load_service_model = cbor_only
    cw = session.create_client("cloudwatch", endpoint_url=ENDPOINT, region_name=REGION, config=CONFIG)
    paths = []
    cw.meta.events.register("before-send.cloudwatch.*", lambda request, **_: paths.append(request.url))
    ns = f"Nimbus/Cbor{uuid.uuid4().hex[:8]}"
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "Hits", "Values": [1, 2, 4], "Unit": "Count"}])
    point = cw.get_metric_statistics(Namespace=ns, MetricName="Hits", StartTime=now() - datetime.timedelta(minutes=5),
                                     EndTime=now() + datetime.timedelta(minutes=2), Period=60,
                                     Statistics=["Sum", "Maximum"], ExtendedStatistics=["p100"])["Datapoints"]
    assert len(point) == 1 and point[0]["Sum"] == 7 and point[0]["ExtendedStatistics"]["p100"] == 4, point
    assert point[0]["Timestamp"].tzinfo is not None, point
    expect(lambda: cw.put_metric_data(Namespace="AWS/SQS", MetricData=[{"MetricName": "x", "Value": 1}]),
           "InvalidParameterValue", 400, "The value AWS/SQS for parameter Namespace is invalid.")
    assert all("/service/GraniteServiceVersion20100801/operation/" in url for url in paths), paths


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
