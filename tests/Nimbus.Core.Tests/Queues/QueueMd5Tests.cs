// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Queues;

namespace Nimbus.Core.Tests.Queues;

/// <summary>
/// The digests against values real SQS returned (recorded in LocalStack's AWS-validated snapshots of its SQS tests),
/// so that SDKs that verify them (Java, .NET) accept ours.
/// </summary>
public sealed class QueueMd5Tests
{
    [Theory]
    [InlineData("test", "098f6bcd4621d373cade4e832627b4f6")]
    [InlineData("message-1", "3d6b824fd8c1520e9a047d21fee6fb1f")]
    [InlineData("msg", "6e2baaf3b97dbeef01c0043275f9a0e7")]
    public void OfBody_KnownSqsValues_Match(string body, string expected) => Assert.Equal(expected, QueueMd5.OfBody(body));

    [Fact]
    public void OfAttributes_OneString_MatchesSqs()
    {
        var attributes = new Dictionary<string, MessageAttributeValue> { ["MyAttribute"] = String("foobar") };

        Assert.Equal("adb59cd4678ea5a855436b949cd07ab6", QueueMd5.OfAttributes(attributes));
    }

    [Fact]
    public void OfAttributes_SeveralStrings_AreTakenInNameOrder()
    {
        var attributes = new Dictionary<string, MessageAttributeValue>
        {
            ["Help.Me"] = String("Me"),
            ["Hello"] = String("There"),
            ["General"] = String("Kenobi"),
        };

        Assert.Equal("4c360f3fdafd970e05fae2f149d997f5", QueueMd5.OfAttributes(attributes));
    }

    [Fact]
    public void OfAttributes_Binary_UsesTheBinaryTransportType()
    {
        var value = "traceparent\u001e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01"u8.ToArray();
        var attributes = new Dictionary<string, MessageAttributeValue> { ["attr1"] = new() { DataType = "Binary", BinaryValue = value } };

        Assert.Equal("8cbe4db156db8a94db8b801b7addb984", QueueMd5.OfAttributes(attributes));
    }

    [Fact]
    public void OfAttributes_Number_IsEncodedLikeAString()
    {
        // Computed with SQS's documented algorithm (the Java SDK's MessageMD5ChecksumHandler does the same).
        var attributes = new Dictionary<string, MessageAttributeValue> { ["n"] = new() { DataType = "Number", StringValue = "42" } };

        Assert.Equal("30e7543857de47826ea2a48bbec32fd7", QueueMd5.OfAttributes(attributes));
    }

    [Fact]
    public void OfAttributes_None_IsNull()
    {
        Assert.Null(QueueMd5.OfAttributes(null));
        Assert.Null(QueueMd5.OfAttributes(new Dictionary<string, MessageAttributeValue>()));
    }

    private static MessageAttributeValue String(string value) => new() { DataType = "String", StringValue = value };
}
