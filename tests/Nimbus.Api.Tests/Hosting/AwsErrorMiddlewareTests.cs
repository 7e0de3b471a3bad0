// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Api.Hosting;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Tests.Hosting;

public sealed class AwsErrorMiddlewareTests
{
    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static JsonElement Body(HttpContext context)
    {
        var body = (MemoryStream)context.Response.Body;
        return JsonDocument.Parse(body.ToArray()).RootElement;
    }

    private static string[] Members(JsonElement body) => [.. body.EnumerateObject().Select(p => p.Name)];

    private static Task InvokeAsync(HttpContext context, Exception error) =>
        new AwsErrorMiddleware(_ => throw error, NullLogger<AwsErrorMiddleware>.Instance).InvokeAsync(context);

    [Fact]
    public async Task WriteAsync_InvalidParameterValue_TypeUserAndLowercaseMessage()
    {
        var context = NewContext();

        await AwsErrorMiddleware.WriteAsync(context, LambdaErrors.InvalidParameter("Cannot reference more than 5 layers."));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("InvalidParameterValueException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("application/json", context.Response.ContentType);
        var body = Body(context);
        Assert.Equal(["Type", "message"], Members(body));
        Assert.Equal("User", body.GetProperty("Type").GetString());
        Assert.Equal("Cannot reference more than 5 layers.", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task WriteAsync_ResourceNotFound_CapitalMessage()
    {
        var context = NewContext();

        await AwsErrorMiddleware.WriteAsync(context, LambdaErrors.FunctionNotFound("arn:aws:lambda:us-west-1:716333212585:function:dprTestLambda123"));

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("ResourceNotFoundException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        var body = (MemoryStream)context.Response.Body;

        // The exact 111-byte body of a captured real AWS response (aws-lambda-errors.md §16).
        Assert.Equal(
            """{"Type":"User","Message":"Function not found: arn:aws:lambda:us-west-1:716333212585:function:dprTestLambda123"}""",
            System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task WriteAsync_Service_CapitalMessage()
    {
        var context = NewContext();

        await AwsErrorMiddleware.WriteAsync(context, new LambdaException(LambdaErrors.ServiceType, 500, "boom"));

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal(["Type", "Message"], Members(Body(context)));
    }

    [Fact]
    public async Task WriteAsync_Validation_NoTypeAndLowercaseMessage()
    {
        var context = NewContext();
        const string message = "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null";

        await AwsErrorMiddleware.WriteAsync(context, LambdaErrors.Validation(message));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("ValidationException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        var body = Body(context);
        Assert.Equal(["message"], Members(body));
        Assert.Equal(message, body.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(LambdaErrors.ResourceConflictType, 409)]
    [InlineData(LambdaErrors.PreconditionFailedType, 412)]
    [InlineData(LambdaErrors.RequestEntityTooLargeType, 413)]
    public async Task WriteAsync_OtherUserErrors_TypeUserAndLowercaseMessage(string errorType, int status)
    {
        var context = NewContext();

        await AwsErrorMiddleware.WriteAsync(context, new LambdaException(errorType, status, "m"));

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(errorType, context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal(["Type", "message"], Members(Body(context)));
    }

    [Fact]
    public async Task WriteAsync_ExtraFields_WrittenAtTopLevel()
    {
        var context = NewContext();

        await AwsErrorMiddleware.WriteAsync(
            context,
            new LambdaException("TooManyRequestsException", 429, "Rate exceeded") { Fields = new Dictionary<string, string> { ["Reason"] = "ReservedFunctionConcurrentInvocationLimitExceeded" } });

        var body = Body(context);
        Assert.Equal(["Type", "message", "Reason"], Members(body));
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", body.GetProperty("Reason").GetString());
    }

    [Fact]
    public async Task WriteAsync_Throttle_ReasonInBodyAndRetryAfterHeader()
    {
        var context = NewContext();

        await AwsErrorMiddleware.WriteAsync(context, LambdaErrors.TooManyRequests("FunctionInvocationRateLimitExceeded", 4));

        var body = Body(context);
        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("TooManyRequestsException", context.Response.Headers["x-amzn-ErrorType"]);
        Assert.Equal("4", context.Response.Headers["Retry-After"]);
        Assert.Equal(["Type", "message", "Reason"], Members(body));
        Assert.Equal("Rate Exceeded.", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task InvokeAsync_LambdaException_WritesErrorAndRequestId()
    {
        var context = NewContext();

        await InvokeAsync(context, LambdaErrors.Conflict("Function already exist: fn"));

        Assert.Equal(409, context.Response.StatusCode);
        Assert.Equal("ResourceConflictException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("Function already exist: fn", Body(context).GetProperty("message").GetString());
        Assert.True(Guid.TryParse(context.Response.Headers[AwsErrorMiddleware.RequestIdHeader].ToString(), out _));
    }

    [Fact]
    public async Task InvokeAsync_UnexpectedException_ServiceExceptionWithoutDetails()
    {
        var context = NewContext();

        await InvokeAsync(context, new InvalidOperationException("secret internals"));

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("ServiceException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        var body = Body(context);
        Assert.Equal(["Type", "Message"], Members(body));
        Assert.DoesNotContain("secret internals", body.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_JsonException_InvalidRequestContent()
    {
        var context = NewContext();

        await InvokeAsync(context, new JsonException("bad token"));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("InvalidRequestContentException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.StartsWith("Could not parse request body into json: ", Body(context).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_NoError_OnlyRequestId()
    {
        var context = NewContext();
        var middleware = new AwsErrorMiddleware(c => { c.Response.StatusCode = 204; return Task.CompletedTask; }, NullLogger<AwsErrorMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        Assert.Equal(204, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("x-amzn-ErrorType"));
        Assert.Equal(0, context.Response.Body.Length);
        Assert.Equal(AwsErrorMiddleware.RequestIdOf(context), context.Response.Headers[AwsErrorMiddleware.RequestIdHeader].ToString());
    }

    [Fact]
    public async Task InvokeAsync_FormReaderLimit_400InvalidRequestContent()
    {
        var context = NewContext();

        await InvokeAsync(context, new InvalidDataException("Form key length limit 2048 exceeded."));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("InvalidRequestContentException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("Could not read the request: Form key length limit 2048 exceeded.", Body(context).GetProperty("message").GetString());
    }

    [Fact]
    public async Task InvokeAsync_BodyOverTheLimit_413RequestEntityTooLarge()
    {
        var context = NewContext();
        context.Features.Set<IHttpMaxRequestBodySizeFeature>(new BodyLimit { MaxRequestBodySize = 1_048_576 });

        await InvokeAsync(context, new BadHttpRequestException("Request body too large. The max request body size is 1048576 bytes.", 413));

        Assert.Equal(413, context.Response.StatusCode);
        Assert.Equal("RequestEntityTooLargeException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("Request must be smaller than 1048576 bytes", Body(context).GetProperty("message").GetString());
    }

    [Fact]
    public async Task InvokeAsync_UnreadableBody_400InvalidRequestContent()
    {
        var context = NewContext();

        await InvokeAsync(context, new BadHttpRequestException("Unexpected end of request content.", 400));

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("InvalidRequestContentException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("Could not read the request: Unexpected end of request content.", Body(context).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(405, "UnknownOperationException", "Nimbus does not serve PUT /2015-03-31/functions yet. See the compatibility table in the README.")]
    [InlineData(404, "UnknownOperationException", "Nimbus does not serve PUT /2015-03-31/functions yet. See the compatibility table in the README.")]
    [InlineData(400, "InvalidRequestContentException", "The request could not be read.")]
    [InlineData(415, "UnsupportedMediaTypeException", "The content type 'text/csv' is not supported.")]
    public async Task InvokeAsync_ErrorStatusWithoutBody_GetsAwsShape(int status, string errorType, string message)
    {
        var context = NewContext();
        context.Request.Method = "PUT";
        context.Request.Path = "/2015-03-31/functions";
        context.Request.ContentType = "text/csv";

        await new AwsErrorMiddleware(c => { c.Response.StatusCode = status; return Task.CompletedTask; }, NullLogger<AwsErrorMiddleware>.Instance).InvokeAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(errorType, context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal(["Type", "message"], Members(Body(context)));
        Assert.Equal(message, Body(context).GetProperty("message").GetString());
    }

    [Fact]
    public async Task InvokeAsync_SuccessWithoutBody_LeftAlone()
    {
        var context = NewContext();

        await new AwsErrorMiddleware(c => { c.Response.StatusCode = 204; return Task.CompletedTask; }, NullLogger<AwsErrorMiddleware>.Instance).InvokeAsync(context);

        Assert.Equal(204, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Body.Length);
    }

    private sealed class BodyLimit : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => false;

        public long? MaxRequestBodySize { get; set; }
    }
}
