// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Nimbus.Init.RuntimeApi;

/// <summary>Error types and error bodies posted by the runtime, made into what the host expects.</summary>
internal static class ErrorPayload
{
    private const string ErrorCauseContentType = "application/vnd.aws.lambda.error.cause+json";

    /// <summary>
    /// Keeps a <c>Lambda-Runtime-Function-Error-Type</c> value only if it is <c>Runtime.</c> or <c>Function.</c>
    /// followed by <c>[A-Z][a-zA-Z]+</c>; otherwise <c>Function.Unknown</c> or <c>Runtime.Unknown</c> (RUNTIME_API_NOTES.md §3.2).
    /// </summary>
    public static string NormalizeType(string value)
    {
        if (IsValid(value, "Runtime.") || IsValid(value, "Function."))
        {
            return value;
        }

        return value.StartsWith("Function.", StringComparison.Ordinal) ? "Function.Unknown" : "Runtime.Unknown";
    }

    /// <summary>
    /// The error type and the body to forward. The type comes from the header (normalized) or, when the header is
    /// absent (the Node.js client sends it only on init errors), from the body's <c>errorType</c> as the function
    /// named it, else <c>Runtime.Unknown</c>. A JSON object body is forwarded as posted, minus <c>errorCause</c> for
    /// the error-cause content type; anything else becomes <c>{"errorMessage": text, "errorType": type}</c>, as Lambda
    /// builds the error from the header when the payload cannot be read.
    /// </summary>
    public static (string ErrorType, byte[] Body) Read(string? headerType, string? contentType, byte[] body)
    {
        var parsed = Parse(body);
        var errorType = headerType is not null
            ? NormalizeType(headerType.Trim())
            : parsed.ErrorType is { Length: > 0 and <= 256 } bodyType && !bodyType.AsSpan().ContainsAnyInRange('\0', '\x1f') ? bodyType : "Runtime.Unknown";

        if (!parsed.IsObject)
        {
            return (errorType, Create(Encoding.UTF8.GetString(body), errorType));
        }

        var withCause = contentType is not null && contentType.StartsWith(ErrorCauseContentType, StringComparison.OrdinalIgnoreCase);
        return (errorType, withCause ? WithoutCause(body) : body);
    }

    /// <summary><c>{"errorMessage": message, "errorType": type}</c>.</summary>
    public static byte[] Create(string message, string type)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + type.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", message);
            writer.WriteString("errorType", type);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool IsValid(string value, string prefix)
    {
        if (!value.StartsWith(prefix, StringComparison.Ordinal) || value.Length < prefix.Length + 2 || !char.IsAsciiLetterUpper(value[prefix.Length]))
        {
            return false;
        }

        foreach (var c in value.AsSpan(prefix.Length + 1))
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    private static (bool IsObject, string? ErrorType) Parse(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (false, null);
            }

            string? errorType = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("errorType"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    errorType = reader.GetString();
                }

                reader.Skip();
            }

            // The object must close the document: nothing but whitespace may follow.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? (true, errorType) : (false, null);
        }
        catch (JsonException)
        {
            return (false, null);
        }
        catch (InvalidOperationException)
        {
            return (false, null);
        }
    }

    /// <summary>Keeps <c>errorMessage</c>, <c>errorType</c> and <c>stackTrace</c>; the emulator sends <c>errorCause</c> to X-Ray only.</summary>
    private static byte[] WithoutCause(byte[] body)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var reader = new Utf8JsonReader(body);
            reader.Read();
            writer.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var keep = reader.ValueTextEquals("errorMessage"u8) || reader.ValueTextEquals("errorType"u8) || reader.ValueTextEquals("stackTrace"u8);
                // A property name token always has a value.
                var name = reader.GetString()!;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (keep)
                {
                    writer.WritePropertyName(name);
                    writer.WriteRawValue(body.AsSpan(start, (int)reader.BytesConsumed - start), skipInputValidation: true);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
