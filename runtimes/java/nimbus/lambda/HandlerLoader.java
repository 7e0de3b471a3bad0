// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves _HANDLER (package.Class::method or package.Class) in the function's class loader and loads the class
 * (its static initializers run in the init phase). A bare class must implement RequestHandler or
 * RequestStreamHandler; both are found by name, since aws-lambda-java-core comes with the function, not with the
 * runtime.
 */
final class HandlerLoader {
    static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
    static final String REQUEST_HANDLER = "com.amazonaws.services.lambda.runtime.RequestHandler";
    static final String STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";

    private HandlerLoader() {
    }

    static Handler load(String handler, ClassLoader loader) throws Fault {
        int sep = handler.indexOf("::");
        String className = sep < 0 ? handler : handler.substring(0, sep);
        String methodName = sep < 0 ? null : handler.substring(sep + 2);
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new Fault("Class not found: " + className, e.getClass().getName());
        } catch (Throwable e) {
            // An exception in a static initializer (ExceptionInInitializerError) or a linkage error.
            throw new Fault("Error loading class " + className + (e.getMessage() == null ? "" : ": " + e.getMessage()), e.getClass().getName(), e);
        }

        Method method = methodName == null ? interfaceMethod(type, className) : namedMethod(type, methodName, className);
        Object instance = null;
        if (!Modifier.isStatic(method.getModifiers())) {
            try {
                Constructor<?> constructor = type.getDeclaredConstructor();
                constructor.setAccessible(true);
                instance = constructor.newInstance();
            } catch (NoSuchMethodException e) {
                throw new Fault("Class " + className + " has no public zero-argument constructor", e.getClass().getName());
            } catch (java.lang.reflect.InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw new Fault("Error loading class " + className + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause.getClass().getName(), cause);
            } catch (ReflectiveOperationException e) {
                throw new Fault("Error loading class " + className + ": " + e.getMessage(), e.getClass().getName(), e);
            }
        }
        try {
            method.setAccessible(true); // a public method of a non-public class
        } catch (RuntimeException e) {
            // Left as it is; invoking it reports the error.
        }
        return new Handler(instance, method, inputType(type, method));
    }

    /** handleRequest of the RequestStreamHandler or RequestHandler the class implements. */
    private static Method interfaceMethod(Class<?> type, String className) throws Fault {
        if (implementsNamed(type, STREAM_HANDLER)) {
            for (Method m : type.getMethods()) {
                if (m.getName().equals("handleRequest") && m.getParameterCount() == 3 && !m.isBridge()
                    && m.getParameterTypes()[0] == InputStream.class && m.getParameterTypes()[1] == OutputStream.class) {
                    return m;
                }
            }
        }
        if (implementsNamed(type, REQUEST_HANDLER)) {
            Method bridge = null;
            for (Method m : type.getMethods()) {
                if (m.getName().equals("handleRequest") && m.getParameterCount() == 2 && !Modifier.isAbstract(m.getModifiers())) {
                    if (!m.isBridge()) {
                        return m;
                    }
                    bridge = m;
                }
            }
            if (bridge != null) {
                return bridge;
            }
        }
        // The exact text AWS uses here is not known; it names the interfaces the same way.
        throw new Fault("Class " + className + " does not implement RequestHandler or RequestStreamHandler", "java.lang.IllegalArgumentException");
    }

    /** The public method of that name AWS's runtime would pick: the stream form first, then one ending in Context, then the most parameters. */
    private static Method namedMethod(Type type0, String methodName, String className) throws Fault {
        Class<?> type = (Class<?>) type0;
        List<Method> candidates = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(methodName) && !m.isBridge() && !m.isSynthetic() && m.getParameterCount() <= 3) {
                candidates.add(m);
            }
        }
        Method best = null;
        int bestScore = -1;
        for (Method m : candidates) {
            Class<?>[] p = m.getParameterTypes();
            int score;
            if (p.length >= 2 && p[0] == InputStream.class && p[1] == OutputStream.class
                && (p.length == 2 || p[2].getName().equals(CONTEXT))) {
                score = 100 + p.length;
            } else if (p.length == 3) {
                continue;
            } else if (p.length == 2 && !p[1].getName().equals(CONTEXT)) {
                continue;
            } else {
                score = (p.length > 0 && p[p.length - 1].getName().equals(CONTEXT) ? 10 : 0) + p.length;
            }
            if (score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        if (best == null) {
            throw new Fault("No public method named " + methodName + " with appropriate method signature found on class " + className,
                "java.lang.NoSuchMethodException");
        }
        return best;
    }

    static boolean implementsNamed(Class<?> type, String name) {
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                if (i.getName().equals(name) || implementsNamed(i, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The event's type: the method's first parameter, with a RequestHandler's type argument through bridges. */
    private static Type inputType(Class<?> type, Method method) {
        Class<?>[] p = method.getParameterTypes();
        if (p.length == 0 || p[0].getName().equals(CONTEXT) || p[0] == InputStream.class) {
            return null;
        }
        if (method.isBridge()) {
            Type argument = requestHandlerArgument(type);
            if (argument != null) {
                return argument;
            }
        }
        return method.getGenericParameterTypes()[0];
    }

    private static Type requestHandlerArgument(Class<?> type) {
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            for (Type i : k.getGenericInterfaces()) {
                if (i instanceof ParameterizedType && ((Class<?>) ((ParameterizedType) i).getRawType()).getName().equals(REQUEST_HANDLER)) {
                    return ((ParameterizedType) i).getActualTypeArguments()[0];
                }
            }
        }
        return null;
    }
}
