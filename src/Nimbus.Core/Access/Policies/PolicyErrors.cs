// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// IAM's refusals of a policy document. The texts marked "IAM's" are the ones IAM returns (seen in its responses and
/// quoted in the IAM User Guide and AWS re:Post answers); the others are ours where IAM's exact wording is not known,
/// and each says so.
/// </summary>
public static class PolicyErrors
{
    public const string MalformedPolicyDocument = "MalformedPolicyDocument";
    public const string LimitExceeded = "LimitExceeded";

    /// <summary>IAM's catch-all: invalid JSON, a wrong JSON type, an unknown element, a missing Statement.</summary>
    public const string SyntaxErrors = "Syntax errors in policy.";

    /// <summary>IAM's: a Version other than 2012-10-17 or 2008-10-17.</summary>
    public const string LegacyParsing = "The policy failed legacy parsing";

    /// <summary>IAM's: a Principal or NotPrincipal in an identity-based policy.</summary>
    public const string PrincipalNotAllowed = "Policy document should not specify a principal.";

    /// <summary>IAM's: neither Action nor NotAction.</summary>
    public const string MissingActions = "Policy statement must contain actions.";

    /// <summary>IAM's: an action or condition key without a service prefix.</summary>
    public const string MissingVendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";

    /// <summary>IAM's: two statements with one Sid.</summary>
    public const string DuplicateSid = "Statement IDs (SID) in a single policy must be unique.";

    /// <summary>IAM's: a Sid of an identity-based policy with other than letters and digits.</summary>
    public const string SidNotAlphanumeric =
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";

    /// <summary>IAM's: a trust policy with a Resource.</summary>
    public const string ProhibitedResource = "Has prohibited field Resource";

    public static PolicyError Syntax() => Malformed(SyntaxErrors);

    public static PolicyError Malformed(string message) => new(MalformedPolicyDocument, message);

    /// <summary>IAM's: a required element is absent ("Missing required field Resource", "... Principal").
    /// For Effect the same form is assumed: IAM's exact text for a missing Effect is not known.</summary>
    public static PolicyError MissingField(string field) => Malformed($"Missing required field {field}");

    /// <summary>IAM's form for a Resource that is neither an ARN nor "*".</summary>
    public static PolicyError ResourceNotArn(string resource) => Malformed($"Resource {resource} must be in ARN format or \"*\".");

    /// <summary>IAM's form for a principal value it cannot resolve: <c>Invalid principal in policy: "AWS":"bob"</c>.</summary>
    public static PolicyError InvalidPrincipal(string type, string value) => Malformed($"Invalid principal in policy: \"{type}\":\"{value}\"");

    /// <summary>An unknown condition operator. IAM's exact text is not known; this follows its
    /// "Invalid Condition type" wording seen in answers, kept as one form.</summary>
    public static PolicyError InvalidConditionType(string type) => Malformed($"Invalid Condition type : {type}");

    /// <summary>An Effect other than Allow or Deny. IAM's exact text is not known; ours names the value.</summary>
    public static PolicyError InvalidEffect(string effect) => Malformed($"Invalid effect: {effect}");

    /// <summary>IAM's LimitExceeded for a document over its quota: "Cannot exceed quota for PolicySize: 6144".</summary>
    public static PolicyError OverQuota(PolicySizeLimit limit) =>
        new(LimitExceeded, $"Cannot exceed quota for {limit.Quota}: {limit.Size}");
}
