// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Error documents as AWS's Java runtime writes them: errorMessage (the exception's message, or its class name when
 * it has none), errorType (the exception's class name), stackTrace (StackTraceElement.toString() per frame, the
 * runtime's own frames cut off); a runtime fault carries no stack trace.
 */
final class Errors {
    private static final String RUNTIME_PACKAGE = "nimbus.lambda.";

    private Errors() {
    }

    static byte[] exception(Throwable t) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("errorMessage", t.getLocalizedMessage() == null ? t.getClass().getName() : t.getLocalizedMessage());
        error.put("errorType", t.getClass().getName());
        error.put("stackTrace", frames(t));
        return Json.write(error).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] fault(Fault f) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("errorMessage", f.getMessage());
        error.put("errorType", f.errorType);
        if (f.getCause() != null) {
            Throwable cause = f.getCause();
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("errorMessage", cause.getLocalizedMessage() == null ? cause.getClass().getName() : cause.getLocalizedMessage());
            inner.put("errorType", cause.getClass().getName());
            inner.put("stackTrace", frames(cause));
            error.put("cause", inner);
        }
        return Json.write(error).getBytes(StandardCharsets.UTF_8);
    }

    static List<Object> frames(Throwable t) {
        List<Object> frames = new ArrayList<>();
        for (StackTraceElement frame : t.getStackTrace()) {
            String name = frame.getClassName();
            if (name.startsWith(RUNTIME_PACKAGE) || name.startsWith("jdk.internal.reflect.") || name.startsWith("java.lang.reflect.Method")) {
                break;
            }
            frames.add(frame.toString());
        }
        return frames;
    }

    /** The exception as the function's log shows it on AWS: the throwable's own printout. */
    static void log(Throwable t) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(t.toString()).append('\n');
        for (Object frame : frames(t)) {
            sb.append("\tat ").append(frame).append('\n');
        }
        System.err.print(sb);
        System.err.flush();
    }
}
