// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Nimbus.Bench.Fuzz;

/// <summary>
/// Well-formed requests of the write operations, with every member set, of which the fuzz pass breaks one or two
/// members at a time (JSON null, a list or map holding null, the wrong type, out-of-range numbers, removal): so that
/// requests pass the signature, routing and JSON parsing and reach the checks of each member, as a client's request
/// with one wrong field does.
/// </summary>
internal sealed class FuzzTemplates
{
    private readonly (string Method, string Path, string? Target, string Body)[] _templates;
    private readonly (string Name, string Value)[][] _forms;

    public FuzzTemplates(string functionName, string queueUrl)
    {
        var zip = Convert.ToBase64String(NoOpZip());
        const string queueArn = "arn:aws:sqs:us-east-1:000000000000:" + FuzzRunner.QueueName;
        var logging = """{"LogFormat":"JSON","ApplicationLogLevel":"INFO","SystemLogLevel":"WARN","LogGroup":"/aws/lambda/fz"}""";
        var settings = $$$"""
            "Description":"d","Timeout":3,"MemorySize":128,"Environment":{"Variables":{"A1":"v","B2":""}},"Layers":[],
            "TracingConfig":{"Mode":"PassThrough"},"LoggingConfig":{{{logging}}},"EphemeralStorage":{"Size":512},
            "DeadLetterConfig":{"TargetArn":"{{{queueArn}}}"},"SnapStart":{"ApplyOn":"None"},"ImageConfig":{"EntryPoint":["/bin/sh"],"Command":["x"],"WorkingDirectory":"/"}
            """;
        var function = "/2015-03-31/functions/" + functionName;
        var destinations = $$$"""{"OnSuccess":{"Destination":"{{{queueArn}}}"},"OnFailure":{"Destination":"{{{queueArn}}}"}}""";
        var cors = """{"AllowOrigins":["*"],"AllowMethods":["GET"],"AllowHeaders":["x-a"],"ExposeHeaders":["x-b"],"MaxAge":10,"AllowCredentials":true}""";
        _templates =
        [
            ("POST", "/2015-03-31/functions", null, $$$"""{"FunctionName":"fz-new","Runtime":"python3.11","Handler":"index.handler","Role":"arn:aws:iam::000000000000:role/r","Code":{"ZipFile":"{{{zip}}}"},"Publish":false,"PackageType":"Zip","Architectures":["x86_64"],"Tags":{"k":"v"},{{{settings}}}}"""),
            ("PUT", function + "/configuration", null, $$$"""{"Handler":"index.handler","Runtime":"python3.11","Role":"arn:aws:iam::000000000000:role/r",{{{settings}}}}"""),
            ("PUT", function + "/code", null, $$$"""{"ZipFile":"{{{zip}}}","Publish":false,"DryRun":true,"Architectures":["x86_64"]}"""),
            ("POST", function + "/aliases", null, """{"Name":"fz-alias","FunctionVersion":"$LATEST","Description":"d","RoutingConfig":{"AdditionalVersionWeights":{"1":0.5}}}"""),
            ("PUT", function + "/aliases/fz-alias", null, """{"FunctionVersion":"$LATEST","Description":"d","RoutingConfig":{"AdditionalVersionWeights":{"1":0.5}}}"""),
            ("POST", function + "/versions", null, """{"Description":"d","CodeSha256":"x","RevisionId":"x"}"""),
            ("POST", function + "/policy", null, """{"StatementId":"s1","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::b","SourceAccount":"000000000000","EventSourceToken":"t","PrincipalOrgID":"o-abc1234567","FunctionUrlAuthType":"NONE","InvokedViaFunctionUrl":true}"""),
            ("POST", "/2017-03-31/tags/arn:aws:lambda:us-east-1:000000000000:function:" + functionName, null, """{"Tags":{"k":"v","k2":""}}"""),
            ("PUT", "/2017-10-31/functions/" + functionName + "/concurrency", null, """{"ReservedConcurrentExecutions":1}"""),
            ("PUT", "/2019-09-25/functions/" + functionName + "/event-invoke-config", null, $$$"""{"MaximumRetryAttempts":1,"MaximumEventAgeInSeconds":60,"DestinationConfig":{{{destinations}}}}"""),
            ("POST", "/2019-09-25/functions/" + functionName + "/event-invoke-config", null, $$$"""{"MaximumRetryAttempts":1,"MaximumEventAgeInSeconds":60,"DestinationConfig":{{{destinations}}}}"""),
            ("PUT", "/2019-09-30/functions/" + functionName + "/provisioned-concurrency?Qualifier=1", null, """{"ProvisionedConcurrentExecutions":1}"""),
            ("POST", "/2021-10-31/functions/" + functionName + "/url", null, $$$"""{"AuthType":"NONE","InvokeMode":"BUFFERED","Cors":{{{cors}}}}"""),
            ("PUT", "/2021-10-31/functions/" + functionName + "/url", null, $$$"""{"AuthType":"AWS_IAM","InvokeMode":"RESPONSE_STREAM","Cors":{{{cors}}}}"""),
            ("POST", "/2018-10-31/layers/fuzz-layer/versions", null, $$$"""{"Description":"d","Content":{"ZipFile":"{{{zip}}}"},"CompatibleRuntimes":["python3.11"],"CompatibleArchitectures":["x86_64"],"LicenseInfo":"MIT"}"""),
            ("POST", "/2018-10-31/layers/fuzz-layer/versions/1/policy", null, """{"StatementId":"s1","Action":"lambda:GetLayerVersion","Principal":"*","OrganizationId":"o-abc1234567"}"""),
            ("POST", "/2015-03-31/event-source-mappings", null, $$$"""{"EventSourceArn":"{{{queueArn}}}","FunctionName":"{{{functionName}}}","Enabled":false,"BatchSize":10,"MaximumBatchingWindowInSeconds":0,"FunctionResponseTypes":["ReportBatchItemFailures"],"ScalingConfig":{"MaximumConcurrency":2},"FilterCriteria":{"Filters":[{"Pattern":"{\"body\":[\"x\"]}"}]},"Tags":{"k":"v"}}"""),
            ("PUT", "/2024-08-31/functions/" + functionName + "/recursion-config", null, """{"RecursiveLoop":"Allow"}"""),
            ("PUT", "/2021-07-20/functions/" + functionName + "/runtime-management-config", null, """{"UpdateRuntimeOn":"Auto"}"""),
            ("POST", "/", "CreateQueue", """{"QueueName":"fz-q2","Attributes":{"DelaySeconds":"0","VisibilityTimeout":"30"},"tags":{"k":"v"}}"""),
            ("POST", "/", "SendMessage", $$$$"""{"QueueUrl":"{{{{queueUrl}}}}","MessageBody":"x","DelaySeconds":0,"MessageAttributes":{"a":{"DataType":"String","StringValue":"v"},"b":{"DataType":"Binary","BinaryValue":"AQI="}},"MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"String","StringValue":"Root=1-5759e988-bd862e3fe1be46a994272793"}}}"""),
            ("POST", "/", "SendMessageBatch", $$$$"""{"QueueUrl":"{{{{queueUrl}}}}","Entries":[{"Id":"1","MessageBody":"x","DelaySeconds":0,"MessageAttributes":{"a":{"DataType":"Number","StringValue":"1"}}}]}"""),
            ("POST", "/", "ReceiveMessage", $$$"""{"QueueUrl":"{{{queueUrl}}}","MaxNumberOfMessages":1,"WaitTimeSeconds":0,"VisibilityTimeout":0,"AttributeNames":["All"],"MessageAttributeNames":["All"],"MessageSystemAttributeNames":["All"],"ReceiveRequestAttemptId":"x"}"""),
            ("POST", "/", "DeleteMessageBatch", $$$"""{"QueueUrl":"{{{queueUrl}}}","Entries":[{"Id":"1","ReceiptHandle":"x"}]}"""),
            ("POST", "/", "ChangeMessageVisibilityBatch", $$$"""{"QueueUrl":"{{{queueUrl}}}","Entries":[{"Id":"1","ReceiptHandle":"x","VisibilityTimeout":0}]}"""),
            ("POST", "/", "SetQueueAttributes", $$$"""{"QueueUrl":"{{{queueUrl}}}","Attributes":{"VisibilityTimeout":"30","RedrivePolicy":"{\"deadLetterTargetArn\":\"{{{queueArn}}}\",\"maxReceiveCount\":\"3\"}"}}"""),
            ("POST", "/", "GetQueueAttributes", $$$"""{"QueueUrl":"{{{queueUrl}}}","AttributeNames":["All"]}"""),
            ("POST", "/", "TagQueue", $$$"""{"QueueUrl":"{{{queueUrl}}}","Tags":{"k":"v"}}"""),
            ("POST", "/", "UntagQueue", $$$"""{"QueueUrl":"{{{queueUrl}}}","TagKeys":["k"]}"""),
        ];

        // SQS's query protocol: the same operations as form fields, lists and maps as numbered members.
        var redrive = $$$"""{"deadLetterTargetArn":"{{{queueArn}}}","maxReceiveCount":"3"}""";
        _forms =
        [
            [("Action", "SendMessage"), ("QueueUrl", queueUrl), ("MessageBody", "x"), ("DelaySeconds", "0"),
             ("MessageAttribute.1.Name", "a"), ("MessageAttribute.1.Value.DataType", "String"), ("MessageAttribute.1.Value.StringValue", "v"),
             ("MessageAttribute.2.Name", "b"), ("MessageAttribute.2.Value.DataType", "Binary"), ("MessageAttribute.2.Value.BinaryValue", "AQI="),
             ("MessageSystemAttribute.1.Name", "AWSTraceHeader"), ("MessageSystemAttribute.1.Value.DataType", "String"),
             ("MessageSystemAttribute.1.Value.StringValue", "Root=1-5759e988-bd862e3fe1be46a994272793")],
            [("Action", "SendMessageBatch"), ("QueueUrl", queueUrl),
             ("SendMessageBatchRequestEntry.1.Id", "1"), ("SendMessageBatchRequestEntry.1.MessageBody", "x"), ("SendMessageBatchRequestEntry.1.DelaySeconds", "0"),
             ("SendMessageBatchRequestEntry.1.MessageAttribute.1.Name", "a"), ("SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType", "Number"),
             ("SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue", "1"),
             ("SendMessageBatchRequestEntry.2.Id", "2"), ("SendMessageBatchRequestEntry.2.MessageBody", "y")],
            [("Action", "ReceiveMessage"), ("QueueUrl", queueUrl), ("MaxNumberOfMessages", "1"), ("WaitTimeSeconds", "0"), ("VisibilityTimeout", "0"),
             ("AttributeName.1", "All"), ("MessageAttributeName.1", "All"), ("MessageSystemAttributeName.1", "All")],
            [("Action", "DeleteMessageBatch"), ("QueueUrl", queueUrl), ("DeleteMessageBatchRequestEntry.1.Id", "1"), ("DeleteMessageBatchRequestEntry.1.ReceiptHandle", "x")],
            [("Action", "ChangeMessageVisibilityBatch"), ("QueueUrl", queueUrl), ("ChangeMessageVisibilityBatchRequestEntry.1.Id", "1"),
             ("ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle", "x"), ("ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout", "0")],
            [("Action", "ChangeMessageVisibility"), ("QueueUrl", queueUrl), ("ReceiptHandle", "x"), ("VisibilityTimeout", "0")],
            [("Action", "CreateQueue"), ("QueueName", "fz-q3"), ("Attribute.1.Name", "DelaySeconds"), ("Attribute.1.Value", "0"),
             ("Attribute.2.Name", "RedrivePolicy"), ("Attribute.2.Value", redrive), ("Tag.1.Key", "k"), ("Tag.1.Value", "v")],
            [("Action", "SetQueueAttributes"), ("QueueUrl", queueUrl), ("Attribute.1.Name", "VisibilityTimeout"), ("Attribute.1.Value", "30"),
             ("Attribute.2.Name", "RedrivePolicy"), ("Attribute.2.Value", redrive)],
            [("Action", "GetQueueAttributes"), ("QueueUrl", queueUrl), ("AttributeName.1", "All")],
            [("Action", "TagQueue"), ("QueueUrl", queueUrl), ("Tag.1.Key", "k"), ("Tag.1.Value", "v")],
            [("Action", "UntagQueue"), ("QueueUrl", queueUrl), ("TagKey.1", "k")],
            [("Action", "ListQueues"), ("QueueNamePrefix", "f"), ("MaxResults", "10"), ("NextToken", "x")],
            [("Action", "GetQueueUrl"), ("QueueName", FuzzRunner.QueueName), ("QueueOwnerAWSAccountId", "000000000000")],
            [("Action", "ListDeadLetterSourceQueues"), ("QueueUrl", queueUrl), ("MaxResults", "10")],
        ];
    }

    /// <summary>
    /// One query-protocol form, one or two fields broken: a value replaced, the field removed or repeated, or its
    /// member number made 0, negative, huge or not a number.
    /// </summary>
    public string CreateForm(Random random, Func<Random, string> anyValue)
    {
        var fields = new List<(string Name, string Value)>(_forms[random.Next(_forms.Length)]);
        for (var n = random.Next(2) == 0 ? 1 : 2; n > 0 && fields.Count > 0; n--)
        {
            var i = random.Next(fields.Count);
            var (name, value) = fields[i];
            switch (random.Next(5))
            {
                case 0:
                    fields.RemoveAt(i);
                    break;
                case 1:
                    fields.Insert(i + 1, (name, anyValue(random)));
                    break;
                case 2 when name.Contains(".1", StringComparison.Ordinal):
                    fields[i] = (name.Replace(".1", "." + s_memberNumbers[random.Next(s_memberNumbers.Length)], StringComparison.Ordinal), value);
                    break;
                default:
                    fields[i] = (name, anyValue(random));
                    break;
            }
        }

        return string.Join('&', fields.ConvertAll(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));
    }

    private static readonly string[] s_memberNumbers = ["0", "-1", "99999999999", "a", "", "2", "1.1"];

    /// <summary>One template's request, one or two of its members broken; Target: SQS's X-Amz-Target action, or null for Lambda.</summary>
    public (string Method, string Path, string? Target, string Body) Create(Random random, Func<Random, string> anyValue)
    {
        var (method, path, target, body) = _templates[random.Next(_templates.Length)];
        var root = JsonNode.Parse(body)!;
        var slots = new List<(JsonNode Parent, object Key)>();
        Collect(root, slots);
        for (var n = random.Next(2) == 0 ? 1 : 2; n > 0 && slots.Count > 0; n--)
        {
            var (parent, key) = slots[random.Next(slots.Count)];
            var remove = random.Next(8) == 0;
            var value = remove ? null : Replacement(random, anyValue);
            if (parent is JsonObject obj)
            {
                if (remove)
                {
                    obj.Remove((string)key);
                }
                else
                {
                    obj[(string)key] = value;
                }
            }
            else
            {
                ((JsonArray)parent)[(int)key] = value;
            }

            slots.Clear();
            Collect(root, slots);
        }

        return (method, path, target, root.ToJsonString());
    }

    private static void Collect(JsonNode node, List<(JsonNode Parent, object Key)> slots)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                slots.Add((obj, name));
                if (child is not null)
                {
                    Collect(child, slots);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                slots.Add((array, i));
                if (array[i] is { } child)
                {
                    Collect(child, slots);
                }
            }
        }
    }

    private static JsonNode? Replacement(Random random, Func<Random, string> anyValue) => random.Next(10) switch
    {
        0 => null,
        1 => new JsonArray((JsonNode?)null),
        2 => new JsonObject { ["k"] = null },
        3 => new JsonArray(),
        4 => new JsonObject(),
        5 => JsonValue.Create(random.Next(2) == 0),
        _ => Parse(anyValue(random)),
    };

    /// <summary>A random JSON value as a node; one whose objects repeat a member name (which JsonNode refuses) as a string.</summary>
    private static JsonNode? Parse(string json)
    {
        try
        {
            var node = JsonNode.Parse(json);
            if (node is not null)
            {
                Collect(node, []); // Walks every object, which is when JsonNode finds a repeated name.
            }

            return node;
        }
        catch (ArgumentException)
        {
            return JsonValue.Create(json);
        }
    }

    private static byte[] NoOpZip()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("index.py").Open();
            entry.Write("def handler(event, context):\n    return event\n"u8);
        }

        return zip.ToArray();
    }
}
