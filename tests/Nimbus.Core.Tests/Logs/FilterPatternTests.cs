// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Logs.Patterns;

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

    [Theory]
    [InlineData("{ $.eventType = \"UpdateTrail\" }", true)]
    [InlineData("{ $.eventType = UpdateTrail }", true)]
    [InlineData("{$.eventType=\"Update*\"}", true)]
    [InlineData("{ $.eventType != \"UpdateTrail\" }", false)]
    [InlineData("{ $.sourceIPAddress != 123.123.* }", false)]
    [InlineData("{ $.sourceIPAddress = 123.*.123.* }", true)]
    [InlineData("{ $.arrayKey[0] = \"value\" }", true)]
    [InlineData("{ $.arrayKey[1] = \"another*\" }", true)]
    [InlineData("{ $.arrayKey[2] = * }", false)]
    [InlineData("{ $.objectList[1].id = 2 }", true)]
    [InlineData("{ $.objectList[1].id > 2 }", false)]
    [InlineData("{ $.SomeObject IS NULL }", true)]
    [InlineData("{ $.ThisFlag IS NULL }", false)]
    [InlineData("{ $.SomeOtherObject NOT EXISTS }", true)]
    [InlineData("{ $.SomeObject NOT EXISTS }", false)]
    [InlineData("{ $.ThisFlag IS TRUE }", true)]
    [InlineData("{ $.ThisFlag IS FALSE }", false)]
    [InlineData("{ $.bandwidth > 75 }", true)]
    [InlineData("{ $.bandwidth >= 80 && $.latency <= 500 }", true)]
    [InlineData("{ $.latency < 500 }", false)]
    [InlineData("{ $.latency = 5e2 }", true)]
    [InlineData("{ $.latency != 500 }", false)]
    [InlineData("{ $.missing != 500 }", false)]
    [InlineData("{ ($.user.id = 1) && ($.user.email = \"John.Doe@example.com\") }", true)]
    [InlineData("{ ($.user.id = 2 && $.user.email = \"nonmatch\") || $.arrayKey[1] = \"another value\" }", true)]
    [InlineData("{ $.user.id = 2 && ($.user.email = \"nonmatch\" || $.arrayKey[1] = \"another value\") }", false)]
    [InlineData("{ $.level = \"error\" }", false)]
    [InlineData("{ $.user = * }", true)]
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

    [Theory]
    [InlineData("[ip, user, username, timestamp, request, status_code, bytes]", true)]
    [InlineData("[ip, user, username, timestamp, request, status_code]", false)]
    [InlineData("[ip, user, ..., status_code = 404, bytes]", true)]
    [InlineData("[ip, user, ..., status_code = 4*, bytes > 1000]", true)]
    [InlineData("[ip, user, ..., status_code = 5*, bytes > 1000]", false)]
    [InlineData("[..., status_code = 4* || status_code = 5*, bytes]", true)]
    [InlineData("[..., status_code >= 400 && status_code < 500, bytes]", true)]
    [InlineData("[ip = 127.0.0.1, ...]", true)]
    [InlineData("[ip != 127.0.0.1, ...]", false)]
    [InlineData("[ip, user, username = frank, timestamp = \"10/Oct/2000*\", request = \"GET *\", ...]", true)]
    [InlineData("[..., request = *html*, status_code, bytes]", false)]
    [InlineData("[..., request = *gif*, status_code, bytes]", true)]
    [InlineData("[...]", true)]
    [InlineData("[..., bytes < 1534]", false)]
    [InlineData("[a, ..., ..., b = 1534]", true)]
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
    }

    [Fact]
    public void IsMatch_CompiledTermsAndDelimited_AllocateNothing()
    {
        var terms = FilterPattern.Compile("ERROR ?400 ?401 -INVALID");
        var delimited = FilterPattern.Compile("[ip, user, ..., status_code = 4*, bytes > 1000]");
        Assert.True(terms.IsMatch(s_errors[0]));
        Assert.True(delimited.IsMatch(Apache));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            terms.IsMatch(s_errors[1]);
            delimited.IsMatch(Apache);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
