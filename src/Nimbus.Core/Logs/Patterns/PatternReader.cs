// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>
/// The scanner the JSON and space-delimited pattern parsers share: punctuation, operators, quoted strings and bare
/// words, over the pattern's text.
/// </summary>
internal struct PatternReader(string text)
{
    private int _position;

    public readonly string Text => text;

    public readonly bool AtEnd => _position >= text.Length;

    public void SkipSpace()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position]))
        {
            _position++;
        }
    }

    /// <summary>Consumes <paramref name="token"/> (after any space) when it comes next.</summary>
    public bool Accept(string token)
    {
        SkipSpace();
        if (string.CompareOrdinal(text, _position, token, 0, token.Length) == 0)
        {
            _position += token.Length;
            return true;
        }

        return false;
    }

    /// <summary>Consumes a keyword (IS, NULL, ...) when it comes next as a whole word.</summary>
    public bool AcceptWord(string word)
    {
        SkipSpace();
        var end = _position + word.Length;
        if (string.CompareOrdinal(text, _position, word, 0, word.Length) == 0 && (end >= text.Length || !IsWordChar(text[end])))
        {
            _position = end;
            return true;
        }

        return false;
    }

    public void Expect(string token)
    {
        if (!Accept(token))
        {
            throw Error($"expected '{token}'");
        }
    }

    public readonly char Peek() => _position < text.Length ? text[_position] : '\0';

    public ComparisonOperator? AcceptOperator()
    {
        SkipSpace();
        if (Accept("!="))
        {
            return ComparisonOperator.NotEqual;
        }

        if (Accept("<="))
        {
            return ComparisonOperator.LessOrEqual;
        }

        if (Accept(">="))
        {
            return ComparisonOperator.GreaterOrEqual;
        }

        if (Accept("="))
        {
            return ComparisonOperator.Equal;
        }

        if (Accept("<"))
        {
            return ComparisonOperator.Less;
        }

        return Accept(">") ? ComparisonOperator.Greater : null;
    }

    /// <summary>A word up to space or punctuation that ends an expression; <paramref name="brackets"/> lets <c>[n]</c> through (JSON selectors).</summary>
    public string ReadWord(bool brackets = false)
    {
        SkipSpace();
        var start = _position;
        while (_position < text.Length)
        {
            var c = text[_position];
            if (char.IsWhiteSpace(c) || c is '(' or ')' or '{' or '}' or ',' or '"' or '=' or '!' or '<' or '>' || (!brackets && c is '[' or ']'))
            {
                break;
            }

            if ((c == '&' || c == '|') && _position + 1 < text.Length && text[_position + 1] == c)
            {
                break;
            }

            _position++;
        }

        return text[start.._position];
    }

    /// <summary>A comparison's value: a quoted string or a bare word.</summary>
    public PatternValue ReadValue()
    {
        SkipSpace();
        if (Peek() == '"')
        {
            return PatternValue.Create(TermPattern.ReadQuoted(text, ref _position), quoted: true);
        }

        var word = ReadWord();
        return word.Length == 0 ? throw Error("expected a value") : PatternValue.Create(word, quoted: false);
    }

    public readonly InvalidFilterPatternException Error(string what) =>
        new(_position < text.Length ? $"{what} at position {_position + 1}" : $"{what} at the end");

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
