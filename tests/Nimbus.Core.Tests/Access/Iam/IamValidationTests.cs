// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;

namespace Nimbus.Core.Tests.Access.Iam;

/// <summary>The botocore model's constraints on IAM's parameters, refused with AWS's ValidationError text.</summary>
public sealed class IamValidationTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("a+b=c,d.e@f-g_h")]
    public void UserName_InPattern_IsAccepted(string name) => Assert.Equal(name, IamValidation.UserName(name));

    [Fact]
    public void UserName_Over64_IsRefusedButGroupNameTo128IsNot()
    {
        var name = new string('a', 65);

        Assert.Equal(
            $"1 validation error detected: Value '{name}' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64",
            Assert.Throws<IamException>(() => IamValidation.UserName(name)).Message);
        Assert.Equal(name, IamValidation.EntityName(IamEntityKind.Group, name));
    }

    [Theory]
    [InlineData("a b", "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")]
    [InlineData("", "1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1")]
    [InlineData(null, "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")]
    [InlineData("é", "1 validation error detected: Value 'é' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")]
    public void UserName_OutOfModel_IsValidationError(string? name, string message)
    {
        var error = Assert.Throws<IamException>(() => IamValidation.UserName(name));

        Assert.Equal(("ValidationError", 400, message), (error.Code, error.StatusCode, error.Message));
    }

    [Theory]
    [InlineData(null, "/")]
    [InlineData("/", "/")]
    [InlineData("/a/b/", "/a/b/")]
    public void Path_Valid_DefaultsToSlash(string? path, string expected) => Assert.Equal(expected, IamValidation.Path(path));

    [Theory]
    [InlineData("a")]
    [InlineData("/a")]
    [InlineData("//x")]
    public void Path_WithoutSlashes_IsRefused(string path)
    {
        var error = Assert.Throws<IamException>(() => IamValidation.Path(path));

        Assert.Equal("ValidationError", error.Code);
        Assert.Contains("Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("800", "Member must have value greater than or equal to 900")]
    [InlineData("43201", "Member must have value less than or equal to 43200")]
    [InlineData("x", "Member must be a number")]
    public void Number_OutOfRange_NamesTheBound(string value, string constraint)
    {
        var error = Assert.Throws<IamException>(() => IamValidation.Number(value, "durationSeconds", 900, 43200));

        Assert.Equal($"1 validation error detected: Value '{value}' at 'durationSeconds' failed to satisfy constraint: {constraint}", error.Message);
    }

    [Theory]
    [InlineData("v1", true)]
    [InlineData("v12", true)]
    [InlineData("v0", false)]
    [InlineData("1", false)]
    public void VersionId_FollowsThePattern(string id, bool valid)
    {
        if (valid)
        {
            Assert.Equal(id, IamValidation.VersionId(id));
        }
        else
        {
            Assert.Equal("ValidationError", Assert.Throws<IamException>(() => IamValidation.VersionId(id)).Code);
        }
    }

    [Fact]
    public void Tags_RepeatedKeyOtherCase_IsRefused()
    {
        var error = Assert.Throws<IamException>(() => IamTags.Validate([new IamTag("Team", "a"), new IamTag("team", "b")]));

        Assert.Equal("InvalidInput", error.Code);
        Assert.Equal([new IamTag("team", "b"), new IamTag("x", "y")], IamTags.Merge([new IamTag("Team", "a"), new IamTag("x", "y")], [new IamTag("team", "b")]).OrderBy(t => t.Key, StringComparer.Ordinal));
    }
}
