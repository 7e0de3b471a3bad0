// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;

namespace Nimbus.Core.Tests.Access.Iam;

public sealed class IamArnsTests
{
    [Theory]
    [InlineData("arn:aws:iam::000000000000:user/alice", IamEntityKind.User, "/", "alice")]
    [InlineData("arn:aws:iam::000000000000:role/service/app/reader", IamEntityKind.Role, "/service/app/", "reader")]
    [InlineData("arn:aws:iam::000000000000:group/g", IamEntityKind.Group, "/", "g")]
    public void ParseEntity_UserRoleGroup_GivesKindPathAndName(string arn, IamEntityKind kind, string path, string name)
    {
        Assert.Equal((kind, path, name), IamArns.ParseEntity(arn));
        Assert.Equal(arn, IamArns.Of(kind, "000000000000", path, name));
    }

    [Theory]
    [InlineData("arn:aws:iam::000000000000:root")]
    [InlineData("arn:aws:iam::000000000000:policy/p")]
    [InlineData("arn:aws:iam::000000000000:user/")]
    [InlineData("arn:aws:sts::000000000000:assumed-role/r/s")]
    [InlineData("not an arn")]
    public void ParseEntity_Others_IsNull(string arn) => Assert.Null(IamArns.ParseEntity(arn));

    [Fact]
    public void ParseAssumedRole_SessionArn_GivesRoleAndSession()
    {
        Assert.Equal(("reader", "build"), IamArns.ParseAssumedRole("arn:aws:sts::000000000000:assumed-role/reader/build"));
        Assert.Null(IamArns.ParseAssumedRole("arn:aws:iam::000000000000:user/alice"));
        Assert.Equal("000000000000", IamArns.AccountOf("arn:aws:sts::000000000000:assumed-role/reader/build"));
    }

    [Fact]
    public void Ids_AreIamsPrefixAnd21Characters()
    {
        foreach (var (kind, prefix) in new[] { (IamEntityKind.User, "AIDA"), (IamEntityKind.Role, "AROA"), (IamEntityKind.Group, "AGPA") })
        {
            var id = IamIds.For(kind);
            Assert.StartsWith(prefix, id, StringComparison.Ordinal);
            Assert.Equal(21, id.Length);
            Assert.Matches("^[A-Z2-7]+$", id);
        }
    }
}
