// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.io.File;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nimbus's Java runtime: a Lambda Runtime API client for java17, JDK standard library only. Started by the platform
 * as {@code java <AWS's JVM flags> -cp <this client> nimbus.lambda.Bootstrap [opt directory]} with cwd =
 * LAMBDA_TASK_ROOT. The function's classes are loaded from the task root, its lib/*.jar and the layers'
 * /opt/java/lib/*.jar, as AWS lays them out; the handler's class is loaded and initialized before the first /next.
 */
public final class Bootstrap {
    // The error types AWS's Java runtime client reports for a failed CRaC hook (the body keeps the exception's class).
    private static final String BEFORE_CHECKPOINT_ERROR = "Runtime.BeforeCheckpointError";
    private static final String AFTER_RESTORE_ERROR = "Runtime.AfterRestoreError";

    private Bootstrap() {
    }

    public static void main(String[] args) throws Exception {
        String address = System.getenv("AWS_LAMBDA_RUNTIME_API");
        if (address == null || address.isEmpty()) {
            System.err.println("nimbus-runtime: AWS_LAMBDA_RUNTIME_API is not set");
            System.exit(2);
        }
        RuntimeApiClient client = new RuntimeApiClient(address);
        // The connection's set-up overlaps the handler's loading (see Connector).
        client.connectAhead();
        // stdout and stderr unbuffered in effect: each write reaches the platform's log as it happens.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(out);
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));

        String taskRoot = env("LAMBDA_TASK_ROOT", System.getProperty("user.dir"));
        String opt = args.length > 0 ? args[0] : "/opt";
        String handlerName = env("_HANDLER", "");

        Handler handler;
        try {
            ClassLoader loader = functionClassLoader(taskRoot, opt);
            Thread.currentThread().setContextClassLoader(loader);
            handler = HandlerLoader.load(handlerName, loader);
        } catch (Fault f) {
            byte[] error = Errors.fault(f);
            System.out.println(new String(error, StandardCharsets.UTF_8));
            client.postInitError(error, f.errorType);
            System.exit(1);
            return;
        }

        if ("snap-start".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"))) {
            snapStart(client);
        }

        while (true) {
            RuntimeApiClient.Response next = client.next();
            handle(client, handler, next, out);
        }
    }

    /**
     * SnapStart (docs/java.md#snapstart): the function's CRaC resources hear of the checkpoint once init is over, then
     * GET /runtime/restore/next returns when this environment is taken for use (at once when it was started for it),
     * and they hear of the restore before the first /next. A failing before-checkpoint hook fails the init (the version);
     * a failing after-restore hook is posted to /runtime/restore/error.
     */
    private static void snapStart(RuntimeApiClient client) throws Exception {
        try {
            nimbus.crac.Core.beforeCheckpoint();
        } catch (nimbus.crac.CheckpointException e) {
            Throwable hook = firstCause(e);
            byte[] error = Errors.exception(hook);
            logAll(e);
            client.postInitError(error, BEFORE_CHECKPOINT_ERROR);
            System.exit(1);
        }
        client.restoreNext();
        try {
            nimbus.crac.Core.afterRestore();
        } catch (nimbus.crac.RestoreException e) {
            Throwable hook = firstCause(e);
            byte[] error = Errors.exception(hook);
            logAll(e);
            client.postRestoreError(error, AFTER_RESTORE_ERROR);
            System.exit(1);
        }
    }

    /** Every failing hook's exception, to the function's log. */
    private static void logAll(Exception notification) {
        Throwable[] suppressed = notification.getSuppressed();
        if (suppressed.length == 0) {
            Errors.log(notification);
        }
        for (Throwable hook : suppressed) {
            Errors.log(hook);
        }
    }

    /** What the first failing hook threw (the context attaches each as a suppressed exception). */
    private static Throwable firstCause(Exception notification) {
        Throwable[] suppressed = notification.getSuppressed();
        return suppressed.length > 0 ? suppressed[0] : notification;
    }

    private static void handle(RuntimeApiClient client, Handler handler, RuntimeApiClient.Response next, PrintStream out) throws Exception {
        Map<String, String> h = next.headers;
        String requestId = h.getOrDefault("lambda-runtime-aws-request-id", "");
        String traceId = h.get("lambda-runtime-trace-id");
        if (traceId != null) {
            System.setProperty("com.amazonaws.xray.traceHeader", traceId);
        } else {
            System.clearProperty("com.amazonaws.xray.traceHeader");
        }
        byte[] response = null;
        byte[] error;
        String errorType;
        try {
            long deadline = 0;
            try {
                deadline = Long.parseLong(h.getOrDefault("lambda-runtime-deadline-ms", "0"));
            } catch (NumberFormatException e) {
                // No deadline: the host's own ends the invocation.
            }
            LambdaContext context = new LambdaContext(requestId, deadline, h.get("lambda-runtime-invoked-function-arn"),
                identity(h.get("lambda-runtime-cognito-identity")), clientContext(h.get("lambda-runtime-client-context")),
                traceId, h.get("lambda-runtime-aws-tenant-id"), out);
            response = handler.invoke(next.body, context);
            error = null;
            errorType = null;
        } catch (Fault f) {
            error = Errors.fault(f);
            errorType = f.errorType;
        } catch (InvocationTargetException e) {
            Throwable user = e.getCause();
            error = Errors.exception(user);
            errorType = user.getClass().getName();
            Errors.log(user);
        } catch (Throwable e) {
            error = Errors.exception(e);
            errorType = e.getClass().getName();
            Errors.log(e);
        }
        // Outside the try: posting the result waits for its 202, which comes with the next event (the next /next goes
        // with it), and a lost connection then is the runtime's end, not this invocation's error.
        System.out.flush();
        if (error == null) {
            client.postResponse(requestId, response, "application/json");
            return;
        }
        System.err.flush();
        client.postError(requestId, error, errorType);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** /var/task, then its lib/*.jar, then /opt/java/lib/*.jar (each directory's jars in name order). */
    static ClassLoader functionClassLoader(String taskRoot, String opt) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(new File(taskRoot).toURI().toURL());
        addJars(urls, new File(taskRoot, "lib"));
        addJars(urls, new File(opt, "java/lib"));
        return new FunctionClassLoader(urls.toArray(new URL[0]), Bootstrap.class.getClassLoader());
    }

    private static void addJars(List<URL> urls, File directory) throws Exception {
        // No lambda here: the first one costs the JVM its invokedynamic bootstrap, milliseconds of a cold start.
        String[] names = directory.list();
        if (names == null) {
            return;
        }
        Arrays.sort(names);
        for (String name : names) {
            if (name.endsWith(".jar")) {
                urls.add(new File(directory, name).toURI().toURL());
            }
        }
    }

    /** Lambda-Runtime-Cognito-Identity's JSON under CognitoIdentity's property names. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> identity(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        Object parsed = Json.parse(header);
        if (!(parsed instanceof Map)) {
            return null;
        }
        Map<String, Object> json = (Map<String, Object>) parsed;
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("identityId", json.getOrDefault("cognitoIdentityId", json.get("identityId")));
        identity.put("identityPoolId", json.getOrDefault("cognitoIdentityPoolId", json.get("identityPoolId")));
        return identity;
    }

    /** Lambda-Runtime-Client-Context's JSON (client, custom, env) under ClientContext's property names. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> clientContext(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        Object parsed = Json.parse(header);
        if (!(parsed instanceof Map)) {
            return null;
        }
        Map<String, Object> json = (Map<String, Object>) parsed;
        Map<String, Object> context = new LinkedHashMap<>();
        if (json.get("client") instanceof Map) {
            Map<String, Object> c = (Map<String, Object>) json.get("client");
            Map<String, Object> client = new LinkedHashMap<>();
            client.put("installationId", c.get("installation_id"));
            client.put("appTitle", c.get("app_title"));
            client.put("appVersionName", c.get("app_version_name"));
            client.put("appVersionCode", c.get("app_version_code"));
            client.put("appPackageName", c.get("app_package_name"));
            context.put("client", client);
        }
        context.put("custom", json.get("custom"));
        context.put("environment", json.get("env"));
        return context;
    }
}
