// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Converts between JSON trees and the function's own classes by the rules of the ObjectMapper AWS's Java runtime
 * configures (aws-lambda-java-serialization's JacksonFactory): properties are public fields and getters/setters named
 * by the JavaBeans convention (getURL is "URL"), matched case-sensitively; unknown properties are ignored, an
 * unknown enum constant and an empty string for an object become null, a single value is accepted for a list, nulls
 * are left out of the output, and objects need a no-argument constructor (of any visibility).
 */
final class PojoMapper {
    private static final int MAX_DEPTH = 512;
    private final Map<Class<?>, Map<String, Setter>> setters = new HashMap<>();
    private final Map<Class<?>, List<Getter>> getters = new HashMap<>();

    /** How one property is written into an object: a setter or a public field, with its generic type. */
    private static final class Setter {
        final Method method;
        final Field field;
        final Type type;

        Setter(Method method, Field field, Type type) {
            this.method = method;
            this.field = field;
            this.type = type;
        }
    }

    /** How one property is read from an object. */
    private static final class Getter {
        final String name;
        final Method method;
        final Field field;

        Getter(String name, Method method, Field field) {
            this.name = name;
            this.method = method;
            this.field = field;
        }
    }

    Object fromTree(Object node, Type type) throws ReflectiveOperationException {
        if (type instanceof Class) {
            return fromTree(node, (Class<?>) type, null);
        }
        if (type instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) type;
            return fromTree(node, (Class<?>) p.getRawType(), p.getActualTypeArguments());
        }
        if (type instanceof GenericArrayType) {
            Type component = ((GenericArrayType) type).getGenericComponentType();
            List<?> list = asList(node);
            if (list == null) {
                return null;
            }
            Object array = Array.newInstance(rawClass(component), list.size());
            for (int i = 0; i < list.size(); i++) {
                Array.set(array, i, fromTree(list.get(i), component));
            }
            return array;
        }
        if (type instanceof WildcardType) {
            return fromTree(node, ((WildcardType) type).getUpperBounds()[0]);
        }
        return node; // a type variable: the natural mapping
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class) {
            return (Class<?>) type;
        }
        if (type instanceof ParameterizedType) {
            return (Class<?>) ((ParameterizedType) type).getRawType();
        }
        if (type instanceof GenericArrayType) {
            return Array.newInstance(rawClass(((GenericArrayType) type).getGenericComponentType()), 0).getClass();
        }
        return Object.class;
    }

    private static List<?> asList(Object node) {
        if (node == null) {
            return null;
        }
        if (node instanceof List) {
            return (List<?>) node;
        }
        List<Object> single = new ArrayList<>(1); // ACCEPT_SINGLE_VALUE_AS_ARRAY
        single.add(node);
        return single;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object fromTree(Object node, Class<?> c, Type[] args) throws ReflectiveOperationException {
        if (c == Object.class) {
            return node;
        }
        if (node == null) {
            return c.isPrimitive() ? primitiveDefault(c) : null;
        }
        if (c == String.class || c == CharSequence.class) {
            if (node instanceof Map || node instanceof List) {
                throw mismatch(c, node);
            }
            return node.toString();
        }
        if (c.isPrimitive() || Number.class.isAssignableFrom(c) || c == Boolean.class || c == Character.class) {
            return scalar(node, c);
        }
        if (c.isEnum()) {
            if (node instanceof String) {
                for (Object constant : c.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equals(node)) {
                        return constant;
                    }
                }
                return null; // READ_UNKNOWN_ENUM_VALUES_AS_NULL
            }
            if (node instanceof Integer) {
                Object[] constants = c.getEnumConstants();
                int i = (Integer) node;
                return i >= 0 && i < constants.length ? constants[i] : null;
            }
            throw mismatch(c, node);
        }
        if (c == byte[].class && node instanceof String) {
            return Base64.getDecoder().decode((String) node);
        }
        if (c.isArray()) {
            List<?> list = asList(node);
            Class<?> component = c.getComponentType();
            Object array = Array.newInstance(component, list.size());
            for (int i = 0; i < list.size(); i++) {
                Array.set(array, i, fromTree(list.get(i), component));
            }
            return array;
        }
        if (Map.class.isAssignableFrom(c)) {
            if (!(node instanceof Map)) {
                if ("".equals(node)) {
                    return null;
                }
                throw mismatch(c, node);
            }
            Type valueType = args != null && args.length == 2 ? args[1] : Object.class;
            Map map = c.isInterface() || Modifier.isAbstract(c.getModifiers())
                ? (SortedMap.class.isAssignableFrom(c) ? new TreeMap() : new LinkedHashMap())
                : (Map) instantiate(c);
            for (Map.Entry<String, Object> e : ((Map<String, Object>) node).entrySet()) {
                map.put(e.getKey(), fromTree(e.getValue(), valueType));
            }
            return map;
        }
        if (Collection.class.isAssignableFrom(c)) {
            List<?> list = asList(node);
            Type elementType = args != null && args.length == 1 ? args[0] : Object.class;
            Collection collection;
            if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
                collection = SortedSet.class.isAssignableFrom(c) ? new TreeSet()
                    : Set.class.isAssignableFrom(c) ? new LinkedHashSet() : new ArrayList();
            } else {
                collection = (Collection) instantiate(c);
            }
            for (Object item : list) {
                collection.add(fromTree(item, elementType));
            }
            return collection;
        }
        if (c == Optional.class) {
            return Optional.ofNullable(fromTree(node, args != null && args.length == 1 ? args[0] : Object.class));
        }
        if (c == Date.class && node instanceof Number) {
            return new Date(((Number) node).longValue());
        }
        if (!(node instanceof Map)) {
            if ("".equals(node)) {
                return null; // ACCEPT_EMPTY_STRING_AS_NULL_OBJECT
            }
            if (node instanceof List && ((List<?>) node).size() == 1) {
                return fromTree(((List<?>) node).get(0), c, args); // UNWRAP_SINGLE_VALUE_ARRAYS
            }
            throw mismatch(c, node);
        }
        Object target = instantiate(c);
        Map<String, Setter> properties = settersOf(c);
        for (Map.Entry<String, Object> e : ((Map<String, Object>) node).entrySet()) {
            Setter setter = properties.get(e.getKey());
            if (setter == null) {
                continue; // FAIL_ON_UNKNOWN_PROPERTIES is off
            }
            Object value = fromTree(e.getValue(), setter.type);
            if (setter.method != null) {
                setter.method.invoke(target, value);
            } else {
                setter.field.set(target, value);
            }
        }
        return target;
    }

    private static IllegalArgumentException mismatch(Class<?> c, Object node) {
        String what = node instanceof Map ? "Object value" : node instanceof List ? "Array value"
            : node instanceof String ? "String value" : node instanceof Boolean ? "Boolean value" : "Number value";
        return new IllegalArgumentException("Cannot deserialize value of type `" + c.getName() + "` from " + what);
    }

    private static Object instantiate(Class<?> c) throws ReflectiveOperationException {
        Constructor<?> constructor;
        try {
            constructor = c.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("Cannot construct instance of `" + c.getName()
                + "` (no Creators, like default constructor, exist): cannot deserialize from Object value");
        }
        constructor.setAccessible(true);
        return constructor.newInstance();
    }

    private static Object primitiveDefault(Class<?> c) {
        if (c == boolean.class) {
            return Boolean.FALSE;
        }
        if (c == char.class) {
            return '\0';
        }
        return scalar(0, c);
    }

    private static Object scalar(Object node, Class<?> c) {
        if (c == boolean.class || c == Boolean.class) {
            if (node instanceof Boolean) {
                return node;
            }
            if (node instanceof String && ("true".equals(node) || "false".equals(node))) {
                return Boolean.valueOf((String) node);
            }
            if (node instanceof Integer) {
                return ((Integer) node) != 0;
            }
            throw mismatch(c, node);
        }
        if (c == char.class || c == Character.class) {
            if (node instanceof String && ((String) node).length() == 1) {
                return ((String) node).charAt(0);
            }
            throw mismatch(c, node);
        }
        Number n;
        if (node instanceof Number) {
            n = (Number) node;
        } else if (node instanceof String) {
            try {
                n = new BigDecimal(((String) node).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Cannot deserialize value of type `" + c.getName() + "` from String \""
                    + node + "\": not a valid representation");
            }
        } else {
            throw mismatch(c, node);
        }
        if (c == int.class || c == Integer.class) {
            return n.intValue();
        }
        if (c == long.class || c == Long.class) {
            return n.longValue();
        }
        if (c == double.class || c == Double.class) {
            return n.doubleValue();
        }
        if (c == float.class || c == Float.class) {
            return n.floatValue();
        }
        if (c == short.class || c == Short.class) {
            return n.shortValue();
        }
        if (c == byte.class || c == Byte.class) {
            return n.byteValue();
        }
        if (c == BigDecimal.class) {
            return n instanceof BigDecimal ? n : new BigDecimal(n.toString());
        }
        if (c == BigInteger.class) {
            return n instanceof BigInteger ? n : new BigDecimal(n.toString()).toBigInteger();
        }
        return n;
    }

    private Map<String, Setter> settersOf(Class<?> c) {
        Map<String, Setter> found = setters.get(c);
        if (found != null) {
            return found;
        }
        found = new HashMap<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isPublic(m) && !Modifier.isStatic(m) && !Modifier.isTransient(m) && !found.containsKey(f.getName())) {
                    f.setAccessible(true);
                    found.put(f.getName(), new Setter(null, f, f.getGenericType()));
                }
            }
        }
        // Setters (of any visibility, as Jackson's default) win over fields.
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Method method : k.getDeclaredMethods()) {
                String name = method.getName();
                if (name.length() > 3 && name.startsWith("set") && method.getParameterCount() == 1
                    && !Modifier.isStatic(method.getModifiers()) && !method.isBridge() && !method.isSynthetic()) {
                    String property = decapitalize(name.substring(3));
                    Setter existing = found.get(property);
                    if (existing == null || existing.method == null) {
                        method.setAccessible(true);
                        found.put(property, new Setter(method, null, method.getGenericParameterTypes()[0]));
                    }
                }
            }
        }
        setters.put(c, found);
        return found;
    }

    /** JavaBeans' Introspector.decapitalize, which USE_STD_BEAN_NAMING follows: URL stays URL, Name is name. */
    static String decapitalize(String name) {
        if (name.isEmpty() || (name.length() > 1 && Character.isUpperCase(name.charAt(1)) && Character.isUpperCase(name.charAt(0)))) {
            return name;
        }
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** A value of the function's to a JSON tree Json.write can write. */
    Object toTree(Object value) throws ReflectiveOperationException {
        return toTree(value, new IdentityHashMap<>(), 0);
    }

    private Object toTree(Object value, IdentityHashMap<Object, Boolean> path, int depth) throws ReflectiveOperationException {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        if (value instanceof Character || value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof Enum) {
            return ((Enum<?>) value).name();
        }
        if (value instanceof byte[]) {
            return Base64.getEncoder().encodeToString((byte[]) value);
        }
        if (value instanceof Date) {
            return ((Date) value).getTime();
        }
        if (value instanceof Optional) {
            return toTree(((Optional<?>) value).orElse(null), path, depth);
        }
        if (value instanceof java.time.temporal.TemporalAccessor || value instanceof java.time.temporal.TemporalAmount
            || value instanceof java.util.UUID || value instanceof java.net.URI || value instanceof java.net.URL
            || value instanceof Class) {
            return value instanceof Class ? ((Class<?>) value).getName() : value.toString();
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("Document nesting depth exceeds the maximum allowed (" + MAX_DEPTH + ")");
        }
        if (path.put(value, Boolean.TRUE) != null) {
            throw new IllegalArgumentException("Direct self-reference leading to cycle (through " + value.getClass().getName() + ")");
        }
        try {
            if (value instanceof Map) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    map.put(String.valueOf(e.getKey()), toTree(e.getValue(), path, depth + 1));
                }
                return map;
            }
            if (value instanceof Iterable) {
                List<Object> list = new ArrayList<>();
                for (Object item : (Iterable<?>) value) {
                    list.add(toTree(item, path, depth + 1));
                }
                return list;
            }
            if (value.getClass().isArray()) {
                int n = Array.getLength(value);
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(toTree(Array.get(value, i), path, depth + 1));
                }
                return list;
            }
            Map<String, Object> object = new LinkedHashMap<>();
            for (Getter getter : gettersOf(value.getClass())) {
                Object property = getter.method != null ? getter.method.invoke(value) : getter.field.get(value);
                if (property != null) { // Include.NON_NULL
                    object.put(getter.name, toTree(property, path, depth + 1));
                }
            }
            return object;
        } finally {
            path.remove(value);
        }
    }

    /** Public getters and public fields, in the order of the class's declared fields, then of the remaining getters. */
    private List<Getter> gettersOf(Class<?> c) {
        List<Getter> found = getters.get(c);
        if (found != null) {
            return found;
        }
        Map<String, Getter> byName = new LinkedHashMap<>();
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            chain.add(0, k);
        }
        for (Class<?> k : chain) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
                    Getter getter = null;
                    if (Modifier.isPublic(m)) {
                        f.setAccessible(true); // a public field of a non-public class
                        getter = new Getter(f.getName(), null, f);
                    }
                    byName.putIfAbsent(f.getName(), getter);
                }
            }
        }
        for (Method method : c.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0 || method.isBridge()
                || method.getDeclaringClass() == Object.class || method.getReturnType() == void.class) {
                continue;
            }
            String name = method.getName();
            String property;
            if (name.length() > 3 && name.startsWith("get")) {
                property = decapitalize(name.substring(3));
            } else if (name.length() > 2 && name.startsWith("is") && (method.getReturnType() == boolean.class || method.getReturnType() == Boolean.class)) {
                property = decapitalize(name.substring(2));
            } else {
                continue;
            }
            Getter existing = byName.get(property);
            if (existing == null || existing.method == null) {
                try {
                    method.setAccessible(true); // a public method of a non-public class
                } catch (RuntimeException e) {
                    continue;
                }
                byName.put(property, new Getter(property, method, null));
            }
        }
        found = new ArrayList<>();
        for (Getter getter : byName.values()) {
            if (getter != null) {
                found.add(getter);
            }
        }
        getters.put(c, found);
        return found;
    }
}
