// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Globalization;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Arns;

/// <summary>
/// A function as a caller names it: a plain name, a partial ARN (<c>123456789012:function:name</c>) or a full
/// ARN, each optionally with a <c>:qualifier</c>, plus an optional <c>Qualifier</c> parameter.
/// </summary>
public sealed record FunctionReference(Scope Scope, string Name, string? Qualifier)
{
    public const int MaxNameLength = 64;

    private static readonly SearchValues<char> s_plainNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    private static readonly SearchValues<char> s_plainQualifierChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_$");

    public string UnqualifiedArn => Scope.FunctionArn(Name);

    public string Arn => Scope.FunctionArn(Name, Qualifier);

    /// <summary>Parses a FunctionName path parameter the way Lambda does, checked against the caller's scope.</summary>
    /// <param name="value">The name or ARN from the request.</param>
    /// <param name="qualifier">The <c>Qualifier</c> query parameter, if any.</param>
    /// <param name="scope">The caller's account and region.</param>
    /// <param name="forWrite">
    /// True for CreateFunction and updates: AWS checks those names against the 64-character limit and quotes the
    /// create pattern; reads and deletes quote the read pattern and answer "not found" for a long name.
    /// </param>
    /// <param name="otherAccounts">
    /// True where a resource-based policy may let another account in (Invoke): an ARN naming another account than
    /// the caller's gives a reference in that account's scope, for the authorizer to decide on. False: AWS's
    /// AccessDeniedException for such an ARN.
    /// </param>
    public static FunctionReference Parse(string value, string? qualifier, Scope scope, bool forWrite, bool otherAccounts = false)
    {
        if (IsPlain(value, qualifier, forWrite))
        {
            // What most callers send, a bare name: the pattern would take all of it as the name and find no region,
            // account or qualifier in it. Said without the regex, which runs twice per invoke otherwise.
            return new FunctionReference(scope, value, qualifier);
        }

        const string field = "functionName";
        var errors = new ValidationErrors();
        errors.Length(value, field, 1, forWrite ? 140 : 256);
        var match = Patterns.FunctionName().Match(value);
        if (!match.Success || (forWrite && match.Groups["name"].Value.Contains('.', StringComparison.Ordinal)))
        {
            var pattern = forWrite ? Patterns.FunctionNameText : Patterns.FunctionNameGetText;
            errors.Add(value, field, $"Member must satisfy regular expression pattern: {pattern}");
        }

        if (qualifier is not null)
        {
            errors.Length(qualifier, "qualifier", 1, 128);
            errors.Pattern(qualifier, "qualifier", Patterns.Qualifier(), Patterns.QualifierText);
        }

        errors.ThrowIfAny();

        var name = match.Groups["name"].Value;
        if (forWrite && name.Length > MaxNameLength)
        {
            // AWS reports this one as InvalidParameterValueException, in the validation wording.
            throw LambdaErrors.InvalidParameter(
                $"1 validation error detected: Value '{name}' at '{field}' failed to satisfy constraint: Member must have length less than or equal to {MaxNameLength.ToString(CultureInfo.InvariantCulture)}");
        }

        var region = match.Groups["region"];
        if (region.Success && region.Value != scope.Region)
        {
            throw LambdaErrors.NotFound($"Functions from '{region.Value}' are not reachable in this region ('{scope.Region}')");
        }

        var account = match.Groups["account"];
        if (account.Success && account.Value != scope.Account && otherAccounts)
        {
            scope = scope with { Account = account.Value };
        }
        else if (account.Success && account.Value != scope.Account)
        {
            throw new LambdaException(
                "AccessDeniedException",
                403,
                $"User is not authorized to access function {value} in account {account.Value}");
        }

        var derived = match.Groups["qualifier"];
        var effective = qualifier;
        if (derived.Success)
        {
            if (qualifier is not null && qualifier != derived.Value)
            {
                throw LambdaErrors.InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.");
            }

            effective = derived.Value;
        }

        return new FunctionReference(scope, name, string.IsNullOrEmpty(effective) ? null : effective);
    }

    /// <summary>
    /// A name of the pattern's name characters only, within the length the parse allows, with no qualifier or a valid
    /// one: such a value passes every check of <see cref="Parse"/> unchanged.
    /// </summary>
    private static bool IsPlain(string value, string? qualifier, bool forWrite) =>
        value.Length >= 1
        && value.Length <= (forWrite ? MaxNameLength : 256)
        && !value.AsSpan().ContainsAnyExcept(s_plainNameChars)
        && !(forWrite && value.Contains('.', StringComparison.Ordinal))
        && (qualifier is null || (qualifier.Length is >= 1 and <= 128 && !qualifier.AsSpan().ContainsAnyExcept(s_plainQualifierChars)));
}
