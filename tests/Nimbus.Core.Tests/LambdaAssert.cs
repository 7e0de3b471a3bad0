// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;

namespace Nimbus.Core.Tests;

/// <summary>Assertions on the AWS error a call throws.</summary>
internal static class LambdaAssert
{
    public static LambdaException Throws(string errorType, int statusCode, string message, Action action)
    {
        var ex = Assert.Throws<LambdaException>(action);
        AssertError(ex, errorType, statusCode, message);
        return ex;
    }

    public static async Task<LambdaException> ThrowsAsync(string errorType, int statusCode, string message, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<LambdaException>(action);
        AssertError(ex, errorType, statusCode, message);
        return ex;
    }

    public static void Validation(string message, Action action) =>
        Throws(LambdaErrors.ValidationType, 400, message, action);

    public static void InvalidParameter(string message, Action action) =>
        Throws(LambdaErrors.InvalidParameterValueType, 400, message, action);

    private static void AssertError(LambdaException ex, string errorType, int statusCode, string message)
    {
        Assert.Equal(message, ex.Message);
        Assert.Equal(errorType, ex.ErrorType);
        Assert.Equal(statusCode, ex.StatusCode);
    }
}
