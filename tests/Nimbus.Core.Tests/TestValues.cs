// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Core.Tests;

/// <summary>Values shared by the Core tests.</summary>
internal static class TestValues
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";
    public const string Role = "arn:aws:iam::123456789012:role/lambda-role";

    public static readonly Scope Scope = new(Account, Region);

    /// <summary>The same account in another region.</summary>
    public static readonly Scope OtherRegion = new(Account, "eu-west-1");

    /// <summary>The smallest valid CreateFunction configuration.</summary>
    public static FunctionChange ValidCreate() => new()
    {
        Runtime = "python3.12",
        Role = Role,
        Handler = "app.handler",
    };

    public static string Arn(string name) => $"arn:aws:lambda:{Region}:{Account}:function:{name}";
}
