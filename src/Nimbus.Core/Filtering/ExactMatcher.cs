// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Core.Filtering;

/// <summary>
/// An exact value: a string (character by character), a number, true, false or null. Numbers compare as numbers, as
/// EventBridge's rule compiler adds a numeric-equals beside the literal: 300 matches 300.0 (LocalStack's AWS-validated
/// number_comparison_float template), though the Lambda guide's note says otherwise.
/// </summary>
internal sealed class ExactMatcher : ValueMatcher
{
    private readonly JsonValueKind _kind;
    private readonly string? _text;
    private readonly double _number;

    private ExactMatcher(JsonValueKind kind, string? text, double number)
    {
        _kind = kind;
        _text = text;
        _number = number;
    }

    public static ExactMatcher String(string text) => new(JsonValueKind.String, text, 0);

    public static ExactMatcher Number(double number) => new(JsonValueKind.Number, null, number);

    public static ExactMatcher Literal(JsonValueKind kind) => new(kind, null, 0);

    public override bool NeedsText => _kind == JsonValueKind.String;

    public override bool Matches(in EventScalar value)
    {
        if (value.Kind != _kind)
        {
            return false;
        }

        return _kind switch
        {
            JsonValueKind.String => value.Text.SequenceEqual(_text),
            JsonValueKind.Number => value.Element.TryGetDouble(out var n) && n == _number,
            _ => true,
        };
    }
}
