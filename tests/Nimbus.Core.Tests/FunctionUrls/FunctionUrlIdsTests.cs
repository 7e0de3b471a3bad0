// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.FunctionUrls;

namespace Nimbus.Core.Tests.FunctionUrls;

public sealed class FunctionUrlIdsTests
{
    [Fact]
    public void For_SameTarget_IsTheSameWellFormedId()
    {
        var first = FunctionUrlIds.For("000000000000", "us-east-1", "fn", "$LATEST");

        Assert.Equal(first, FunctionUrlIds.For("000000000000", "us-east-1", "fn", "$LATEST"));
        Assert.Equal(32, first.Length);
        Assert.True(FunctionUrlIds.IsWellFormed(first));
        Assert.Equal(first, first.ToLowerInvariant());
    }

    [Fact]
    public void For_OtherQualifierFunctionOrAccount_Differs()
    {
        var ids = new HashSet<string>
        {
            FunctionUrlIds.For("000000000000", "us-east-1", "fn", "$LATEST"),
            FunctionUrlIds.For("000000000000", "us-east-1", "fn", "live"),
            FunctionUrlIds.For("000000000000", "us-east-1", "fn2", "$LATEST"),
            FunctionUrlIds.For("111111111111", "us-east-1", "fn", "$LATEST"),
            FunctionUrlIds.For("000000000000", "eu-west-1", "fn", "$LATEST"),
        };

        Assert.Equal(5, ids.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")]
    [InlineData("abcdefghijklmnopqrstuvwxyz23456")]
    [InlineData("abcdefghijklmnopqrstuvwxyz234560")]
    public void IsWellFormed_OtherShapes_AreNot(string value) => Assert.False(FunctionUrlIds.IsWellFormed(value));
}
