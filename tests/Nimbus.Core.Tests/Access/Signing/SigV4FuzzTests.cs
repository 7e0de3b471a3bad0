// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Core.Tests.Access.Signing;

/// <summary>
/// Malformed signatures, paths, queries and header values from a fixed-seed generator: the parser and the verifier
/// answer each with a status, never an exception, and never call a mutated request valid.
/// </summary>
public sealed class SigV4FuzzTests
{
    private const int Cases = 20_000;

    private static readonly string[] Seeds =
    [
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request,SignedHeaders=content-type;host;x-amz-date,Signature=00",
    ];

    private static readonly string[] Queries =
    [
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=df240d007665a41cd6eb99785e904ccfbdfbc81abfcab4dc93d6ec204b329f87",
        "Param2=value2&Param1=value1&a=%ZZ&b=%&c=%4&%F0%9F%98%80=x",
    ];

    private static readonly string[] Pieces = ["/", "//", "..", ".", "%", "%2", "%2F", "%C3%A9", "=", "&", ",", ";", " ", "\t", "\0", "é", "😀", "\uD800", "aws4_request", "Credential=", "Signature=", "SignedHeaders=", "X-Amz-"];

    [Fact]
    public void ParseAndVerify_MutatedInput_NeverThrowsNorValidates()
    {
        var random = new Random(20261203);
        var verifier = new SigV4Verifier(new SigningKeyCache());
        var statuses = new Dictionary<SignatureStatus, int>();
        for (var i = 0; i < Cases; i++)
        {
            var header = Mutate(random, Seeds[random.Next(Seeds.Length)]);
            var query = random.Next(3) == 0 ? Mutate(random, Queries[random.Next(Queries.Length)]) : string.Empty;
            var path = random.Next(2) == 0 ? "/" : Mutate(random, "/2015-03-31/functions/arn%3Aaws%3Alambda/invocations");
            var request = new TestRequest("GET", "https://example.amazonaws.com/") { RawPath = path, RawQuery = query }
                .With("x-amz-date", random.Next(8) == 0 ? Mutate(random, "20150830T123600Z") : "20150830T123600Z")
                .With("content-type", Mutate(random, "application/json"));
            if (random.Next(6) != 0)
            {
                request.With("Authorization", header);
            }

            var check = SigV4Parser.Parse(request, out var authorization);
            if (check.IsValid)
            {
                check = verifier.Verify(request, authorization, SigV4VerifierTests.Secret, Mutate(random, SigV4.EmptyPayloadSha256), SigV4VerifierTests.SignedAt, random.Next(2) == 0 ? null : "lambda");
            }

            statuses[check.Status] = statuses.GetValueOrDefault(check.Status) + 1;
            if (check.Status != SignatureStatus.Valid)
            {
                Assert.False(string.IsNullOrEmpty(check.Message));
            }
        }

        // Every mutated case fails somewhere: nothing here is signed right except by a vanishing chance.
        Assert.False(statuses.ContainsKey(SignatureStatus.Valid), string.Join(", ", statuses));
        Assert.True(statuses.Count >= 4, string.Join(", ", statuses));
    }

    private static string Mutate(Random random, string seed)
    {
        var text = new StringBuilder(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0:
                    text.Insert(at, Pieces[random.Next(Pieces.Length)]);
                    break;
                case 1 when text.Length > 0:
                    text.Remove(at, Math.Min(text.Length - at, random.Next(1, 12)));
                    break;
                case 2 when text.Length > 0:
                    text[at] = (char)random.Next(0, 0x3000);
                    break;
                case 3:
                    text.Length = Math.Min(text.Length, at);
                    break;
                default:
                    text.Insert(at, new string((char)random.Next(32, 127), random.Next(1, 300)));
                    break;
            }
        }

        return text.ToString();
    }
}
