// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The invocation's context, given to the handler as an implementation of the function's own
 * com.amazonaws.services.lambda.runtime.Context (aws-lambda-java-core ships in the function's zip, not in the
 * runtime): a java.lang.reflect.Proxy answering its methods by name, and the same for the CognitoIdentity,
 * ClientContext, Client and LambdaLogger it returns.
 */
final class LambdaContext implements InvocationHandler {
    private final String requestId;
    private final long deadlineMs;
    private final String functionArn;
    private final Map<String, Object> identity;
    private final Map<String, Object> clientContext;
    private final String traceId;
    private final String tenantId;
    private final PrintStream log;

    LambdaContext(String requestId, long deadlineMs, String functionArn, Map<String, Object> identity,
                  Map<String, Object> clientContext, String traceId, String tenantId, PrintStream log) {
        this.requestId = requestId;
        this.deadlineMs = deadlineMs;
        this.functionArn = functionArn;
        this.identity = identity;
        this.clientContext = clientContext;
        this.traceId = traceId;
        this.tenantId = tenantId;
        this.log = log;
    }

    /** A proxy implementing the given Context interface. */
    Object proxy(Class<?> contextInterface) {
        return Proxy.newProxyInstance(contextInterface.getClassLoader(), new Class<?>[] {contextInterface}, this);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "getAwsRequestId":
                return requestId;
            case "getLogGroupName":
                return System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
            case "getLogStreamName":
                return System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
            case "getFunctionName":
                return System.getenv("AWS_LAMBDA_FUNCTION_NAME");
            case "getFunctionVersion":
                return System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
            case "getInvokedFunctionArn":
                return functionArn;
            case "getMemoryLimitInMB":
                return parseInt(System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
            case "getRemainingTimeInMillis":
                return (int) Math.max(0, deadlineMs - System.currentTimeMillis());
            case "getXrayTraceId":
                return traceId;
            case "getTenantId":
                return tenantId;
            case "getIdentity":
                return identity == null || !method.getReturnType().isInterface() ? null
                    : Proxy.newProxyInstance(method.getReturnType().getClassLoader(), new Class<?>[] {method.getReturnType()}, new Values(identity, null));
            case "getClientContext":
                return clientContext == null || !method.getReturnType().isInterface() ? null
                    : Proxy.newProxyInstance(method.getReturnType().getClassLoader(), new Class<?>[] {method.getReturnType()}, new Values(clientContext, null));
            case "getLogger":
                return method.getReturnType().isInterface()
                    ? Proxy.newProxyInstance(method.getReturnType().getClassLoader(), new Class<?>[] {method.getReturnType()}, new Values(null, log))
                    : null;
            default:
                return common(proxy, method, args, "LambdaContext[" + requestId + "]");
        }
    }

    static int parseInt(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Object common(Object proxy, Method method, Object[] args, String text) throws Throwable {
        switch (method.getName()) {
            case "toString":
                return text;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return args != null && args.length == 1 && args[0] == proxy;
            default:
                if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                Class<?> type = method.getReturnType();
                if (type == int.class || type == long.class || type == short.class || type == byte.class) {
                    return (type == int.class) ? (Object) 0 : type == long.class ? (Object) 0L : type == short.class ? (Object) (short) 0 : (Object) (byte) 0;
                }
                return type == boolean.class ? Boolean.FALSE : null;
        }
    }

    /**
     * CognitoIdentity (identityId, identityPoolId), ClientContext (client, custom, environment), its Client
     * (installationId, appTitle, appVersionName, appVersionCode, appPackageName) from the invocation's JSON by the
     * getter's name; LambdaLogger's log(String | byte[] [, LogLevel]) to the function's log.
     */
    private static final class Values implements InvocationHandler {
        private final Map<String, Object> values;
        private final PrintStream log;

        Values(Map<String, Object> values, PrintStream log) {
            this.values = values;
            this.log = log;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (log != null && name.equals("log") && args != null && args.length >= 1) {
                String message = args[0] instanceof byte[] ? new String((byte[]) args[0], StandardCharsets.UTF_8) : String.valueOf(args[0]);
                // Each call is one log record, as with AWS's framed log sink.
                log.print(message.endsWith("\n") ? message : message + "\n");
                log.flush();
                return null;
            }
            if (values != null && name.startsWith("get") && name.length() > 3 && method.getParameterCount() == 0) {
                String key = PojoMapper.decapitalize(name.substring(3));
                Object value = values.get(key);
                if (value == null && key.equals("client")) {
                    value = values.get("client");
                }
                if (value instanceof Map && method.getReturnType().isInterface() && method.getReturnType() != Map.class) {
                    return Proxy.newProxyInstance(method.getReturnType().getClassLoader(), new Class<?>[] {method.getReturnType()},
                        new Values((Map<String, Object>) value, null));
                }
                if (value != null && method.getReturnType() == String.class) {
                    return value.toString();
                }
                return method.getReturnType().isInstance(value) ? value : common(proxy, method, args, String.valueOf(values));
            }
            return common(proxy, method, args, String.valueOf(values));
        }
    }
}
