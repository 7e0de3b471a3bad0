// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Logs.Patterns;
using Nimbus.TestKit;

namespace Nimbus.Core.Tests.Logs;

/// <summary>The filter-pattern language, on the examples of AWS's CloudWatch Logs User Guide (filter pattern syntax).</summary>
public sealed class FilterPatternTests
{
    // The User Guide's unstructured examples.
    private static readonly string[] s_errors =
    [
        "[ERROR 400] BAD REQUEST",
        "[ERROR 401] UNAUTHORIZED REQUEST",
        "[ERROR 419] MISSING ARGUMENTS",
        "[ERROR 420] INVALID ARGUMENTS",
    ];

    private const string JsonEvent = """
        {"eventType": "UpdateTrail", "sourceIPAddress": "123.123.123.123", "arrayKey": ["value", "another value"],
         "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null, "ThisFlag": true,
         "bandwidth": 80, "latency": 500, "user": {"id": 1, "email": "John.Doe@example.com"}, "level": "ERROR"}
        """;

    private const string Apache = "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /apache_pb.gif HTTP/1.0\" 404 1534";

    [Theory]
    [InlineData("", new[] { 0, 1, 2, 3 })]
    [InlineData("ERROR", new[] { 0, 1, 2, 3 })]
    [InlineData("ERROR ARGUMENTS", new[] { 2, 3 })]
    [InlineData("?ARGUMENTS ?REQUEST", new[] { 0, 1, 2, 3 })]
    [InlineData("?UNAUTHORIZED ?MISSING", new[] { 1, 2 })]
    [InlineData("ERROR -ARGUMENTS", new[] { 0, 1 })]
    [InlineData("\"BAD REQUEST\"", new[] { 0 })]
    [InlineData("\"ERROR 4\" -\"BAD REQUEST\" -INVALID", new[] { 1, 2 })]
    [InlineData("error", new int[0])]
    [InlineData("%ERROR 4[01]9?%", new[] { 0, 1, 2 })]
    [InlineData("%4[12][09]%", new[] { 2, 3 })]
    public void Terms_MatchAsTheUserGuideSays(string pattern, int[] expected)
    {
        var compiled = FilterPattern.Compile(pattern);

        Assert.Equal(expected, Enumerable.Range(0, s_errors.Length).Where(i => compiled.IsMatch(s_errors[i])));
    }

    public static TheoryData<string, bool> JsonCases => new()
    {
        { "{ $.eventType = \"UpdateTrail\" }", true },
        { "{ $.eventType = UpdateTrail }", true },
        { "{$.eventType=\"Update*\"}", true },
        { "{ $.eventType != \"UpdateTrail\" }", false },
        { "{ $.sourceIPAddress != 123.123.* }", false },
        { "{ $.sourceIPAddress = 123.*.123.* }", true },
        { "{ $.arrayKey[0] = \"value\" }", true },
        { "{ $.arrayKey[1] = \"another*\" }", true },
        { "{ $.arrayKey[2] = * }", false },
        { "{ $.objectList[1].id = 2 }", true },
        { "{ $.objectList[1].id > 2 }", false },
        { "{ $.SomeObject IS NULL }", true },
        { "{ $.ThisFlag IS NULL }", false },
        { "{ $.SomeOtherObject NOT EXISTS }", true },
        { "{ $.SomeObject NOT EXISTS }", false },
        { "{ $.ThisFlag IS TRUE }", true },
        { "{ $.ThisFlag IS FALSE }", false },
        { "{ $.bandwidth > 75 }", true },
        { "{ $.bandwidth >= 80 && $.latency <= 500 }", true },
        { "{ $.latency < 500 }", false },
        { "{ $.latency = 5e2 }", true },
        { "{ $.latency != 500 }", false },
        { "{ $.missing != 500 }", false },
        { "{ ($.user.id = 1) && ($.user.email = \"John.Doe@example.com\") }", true },
        { "{ ($.user.id = 2 && $.user.email = \"nonmatch\") || $.arrayKey[1] = \"another value\" }", true },
        { "{ $.user.id = 2 && ($.user.email = \"nonmatch\" || $.arrayKey[1] = \"another value\") }", false },
        { "{ $.level = \"error\" }", false },
        { "{ $.user = * }", true },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public void Json_MatchesAsTheUserGuideSays(string pattern, bool expected)
    {
        Assert.Equal(expected, FilterPattern.Compile(pattern).IsMatch(JsonEvent));
    }

    [Theory]
    [InlineData("ERROR plain text")]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    public void Json_NonObjectEvents_DoNotMatch(string message)
    {
        Assert.False(FilterPattern.Compile("{ $.level = * }").IsMatch(message));
        Assert.True(FilterPattern.Compile("{ $.level NOT EXISTS }").IsMatch("{}"));
    }

    public static TheoryData<string, bool> DelimitedCases => new()
    {
        { "[ip, user, username, timestamp, request, status_code, bytes]", true },
        { "[ip, user, username, timestamp, request, status_code]", false },
        { "[ip, user, ..., status_code = 404, bytes]", true },
        { "[ip, user, ..., status_code = 4*, bytes > 1000]", true },
        { "[ip, user, ..., status_code = 5*, bytes > 1000]", false },
        { "[..., status_code = 4* || status_code = 5*, bytes]", true },
        { "[..., status_code >= 400 && status_code < 500, bytes]", true },
        { "[ip = 127.0.0.1, ...]", true },
        { "[ip != 127.0.0.1, ...]", false },
        { "[ip, user, username = frank, timestamp = \"10/Oct/2000*\", request = \"GET *\", ...]", true },
        { "[..., request = *html*, status_code, bytes]", false },
        { "[..., request = *gif*, status_code, bytes]", true },
        { "[...]", true },
        { "[..., bytes < 1534]", false },
        { "[a, ..., ..., b = 1534]", true },
    };

    [Theory]
    [MemberData(nameof(DelimitedCases))]
    public void Delimited_MatchesTheApacheExample(string pattern, bool expected)
    {
        Assert.Equal(expected, FilterPattern.Compile(pattern).IsMatch(Apache));
    }

    [Theory]
    [InlineData("\"unclosed")]
    [InlineData("{ $.a = 1")]
    [InlineData("{ a = 1 }")]
    [InlineData("{ $.a }")]
    [InlineData("{ $.a = }")]
    [InlineData("{ $.a > \"x\" }")]
    [InlineData("{ $.a IS MAYBE }")]
    [InlineData("{ $.a NOT THERE }")]
    [InlineData("{ ($.a = 1 }")]
    [InlineData("{ $.a = 1 } trailing")]
    [InlineData("{ $.a[x] = 1 }")]
    [InlineData("{ $..a = 1 }")]
    [InlineData("[a, b")]
    [InlineData("[a, , b]")]
    [InlineData("[a = 1 || b = 2]")]
    [InlineData("[a > x]")]
    [InlineData("%unclosed")]
    [InlineData("%(%")]
    [InlineData("a\"b")]
    public void Compile_Malformed_ThrowsInvalidFilterPattern(string pattern)
    {
        var error = Assert.Throws<InvalidFilterPatternException>(() => FilterPattern.Compile(pattern));
        Assert.StartsWith("Invalid filter pattern", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_RandomText_NeverThrowsAnythingElse()
    {
        // A fuzz pass: pattern-like text from the grammar's alphabet either compiles (and then matches without
        // throwing) or is refused as an invalid filter pattern.
        const string alphabet = "{}[]()$.a0 =!<>&|\"?-*%,ISNULTREFXOa1_\\";
        var random = new Random(1234);
        var events = new[] { JsonEvent, Apache, s_errors[0], "{}", string.Empty };
        for (var n = 0; n < 20_000; n++)
        {
            var chars = new char[random.Next(1, 24)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            FilterPattern compiled;
            try
            {
                compiled = FilterPattern.Compile(text);
            }
            catch (InvalidFilterPatternException)
            {
                continue;
            }

            foreach (var message in events)
            {
                compiled.IsMatch(message);
            }
        }
    }

    [Fact]
    public void RequiredSubstrings_NameThePlainTerms()
    {
        Assert.Equal(["ERROR", "BAD REQUEST"], FilterPattern.Compile("ERROR \"BAD REQUEST\" ?x -y %z%").RequiredSubstrings);
        Assert.Empty(FilterPattern.Compile("{ $.a = 1 }").RequiredSubstrings);
        Assert.False(FilterPattern.Compile("ERROR").RequiredUnlessUnicodeEscaped);
    }

    [Theory]
    [InlineData("{ $.eventType = \"UpdateTrail\" }", new[] { "UpdateTrail" })]
    [InlineData("{$.eventType=\"Update*\"}", new[] { "Update" })]
    [InlineData("{ $.sourceIPAddress = 123.*.123.* }", new[] { "123.", ".123." })]
    [InlineData("{ $.objectList[1].id = 2 }", new string[0])]
    [InlineData("{ $.eventType != \"UpdateTrail\" }", new string[0])]
    [InlineData("{ ($.user.id = 1) && ($.user.email = \"John.Doe@example.com\") }", new[] { "John.Doe@example.com" })]
    [InlineData("{ $.a = \"x\" || $.b = \"y\" }", new string[0])]
    [InlineData("{ $.ThisFlag IS TRUE && $.SomeObject IS NULL }", new[] { "true", "null" })]
    [InlineData("{ $.url = \"http://host\" }", new string[0])]
    [InlineData("{ $.quote = \"say \\\"hi\\\"*\" }", new string[0])]
    [InlineData("[ip, user, username = frank, timestamp = \"10/Oct/2000*\", request = \"GET *\", ...]", new[] { "frank", "10/Oct/2000", "GET " })]
    [InlineData("[..., status_code = 4* || status_code = 5*, bytes]", new string[0])]
    [InlineData("[..., request = *GET* && request = *gif*, status_code, bytes]", new[] { "GET", "gif" })]
    [InlineData("[ip != 127.0.0.1, ...]", new string[0])]
    public void RequiredSubstrings_OfJsonAndDelimited_AreTheirEqualitiesLiterals(string pattern, string[] expected)
    {
        var compiled = FilterPattern.Compile(pattern);

        Assert.Equal(expected, compiled.RequiredSubstrings);
        Assert.Equal(pattern.StartsWith('{'), compiled.RequiredUnlessUnicodeEscaped);
    }

    /// <summary>A store may drop events without the required text: no event a pattern matches may lack it.</summary>
    [Theory]
    [MemberData(nameof(JsonCases))]
    [MemberData(nameof(DelimitedCases))]
    public void RequiredSubstrings_AreInEveryEventThePatternMatches(string pattern, bool _)
    {
        var compiled = FilterPattern.Compile(pattern);
        foreach (var message in (string[])[JsonEvent, Apache, .. s_errors])
        {
            if (compiled.IsMatch(message))
            {
                Assert.All(compiled.RequiredSubstrings, text => Assert.Contains(text, message, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Json_AValueSpelledWithUnicodeEscapes_StillMatches_WhichIsWhyTheStoreKeepsSuchEvents()
    {
        var compiled = FilterPattern.Compile("{ $.level = \"ERROR\" }");

        Assert.True(compiled.IsMatch("{\"level\": \"\\u0045RROR\"}"));
        Assert.True(compiled.RequiredUnlessUnicodeEscaped);
    }

    [Fact]
    public void IsMatch_CompiledTermsAndDelimited_AllocateNothing()
    {
        var terms = FilterPattern.Compile("ERROR ?400 ?401 -INVALID");
        var delimited = FilterPattern.Compile("[ip, user, ..., status_code = 4*, bytes > 1000]");
        Assert.True(terms.IsMatch(s_errors[0]));
        Assert.True(delimited.IsMatch(Apache));

        var allocated = Allocations.LeastOf(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                terms.IsMatch(s_errors[1]);
                delimited.IsMatch(Apache);
            }
        });

        Assert.Equal(0, allocated);
    }
}
