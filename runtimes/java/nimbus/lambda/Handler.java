// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/** The resolved handler: how one event is turned into the method's arguments and its result into the response. */
final class Handler {
    private final Object instance;
    private final Method method;
    private final Type inputType;
    private final Class<?>[] parameters;
    private final boolean stream;
    private final PojoMapper mapper = new PojoMapper();

    Handler(Object instance, Method method, Type inputType) {
        this.instance = instance;
        this.method = method;
        this.inputType = inputType;
        this.parameters = method.getParameterTypes();
        this.stream = parameters.length >= 2 && parameters[0] == InputStream.class;
    }

    /** Calls the handler; the user's exception comes out as InvocationTargetException, bad input as a Fault. */
    byte[] invoke(byte[] event, LambdaContext context) throws Throwable {
        Object[] args = new Object[parameters.length];
        if (stream) {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            args[0] = new ByteArrayInputStream(event);
            args[1] = output;
            if (parameters.length == 3) {
                args[2] = context.proxy(parameters[2]);
            }
            method.invoke(instance, args);
            return output.toByteArray();
        }
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].getName().equals(HandlerLoader.CONTEXT) && i == parameters.length - 1) {
                args[i] = context.proxy(parameters[i]);
            } else if (i == 0) {
                args[0] = input(event);
            }
        }
        Object result = method.invoke(instance, args);
        try {
            return Json.write(mapper.toTree(result)).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException | ReflectiveOperationException e) {
            throw new Fault("An error occurred during JSON serialization of response", "java.lang.RuntimeException", e);
        }
    }

    private Object input(byte[] event) throws Fault {
        try {
            return mapper.fromTree(Json.parse(new String(event, StandardCharsets.UTF_8)), inputType);
        } catch (RuntimeException | ReflectiveOperationException e) {
            // AWS's wording for an event its serializer cannot read into the handler's type.
            throw new Fault("An error occurred during JSON parsing", "java.lang.RuntimeException", e);
        }
    }
}
