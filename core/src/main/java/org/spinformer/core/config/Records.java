package org.spinformer.core.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Typed run configurations are Java records whose canonical constructor validates them (one place). This class
 * gives every such record, without per-field code:
 * <ul>
 *   <li>named updates ({@link #with(Record, Map)}): a copy with some components changed by name, through the
 *       canonical constructor, so the copy is validated too; an unknown name or a value of the wrong type is an
 *       IllegalArgumentException naming it;</li>
 *   <li>one JSON form ({@link #toJson}): components in declaration order with snake_case keys, enums in lower
 *       case, arrays as arrays, nested records as objects; {@link #fromJson} reads records of scalars, strings and
 *       enums back.</li>
 * </ul>
 */
public final class Records {
    private Records() {
    }

    /** An ordered map from alternating names and values: {@code named("steps", 30, "lr", 0.05)}. */
    public static Map<String, Object> named(Object... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("named(...) needs name/value pairs, got " + kv.length + " items");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (m.put((String) kv[i], kv[i + 1]) != null) {
                throw new IllegalArgumentException("setting '" + kv[i] + "' given twice");
            }
        }
        return m;
    }

    /** A copy of {@code r} with {@code name} set to {@code value}. */
    public static <R extends Record> R with(R r, String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(name, value);
        return with(r, m);
    }

    /** A copy of {@code r} with the named components replaced (validated by the canonical constructor). */
    public static <R extends Record> R with(R r, Map<String, ?> changes) {
        RecordComponent[] cs = r.getClass().getRecordComponents();
        Object[] args = new Object[cs.length];
        Map<String, Object> left = new LinkedHashMap<>(changes);
        for (int i = 0; i < cs.length; i++) {
            String n = cs[i].getName();
            if (left.containsKey(n)) {
                args[i] = coerce(left.remove(n), cs[i].getType(), n);
            } else {
                args[i] = get(r, cs[i]);
            }
        }
        if (!left.isEmpty()) {
            throw new IllegalArgumentException(r.getClass().getSimpleName() + " has no setting " + left.keySet());
        }
        @SuppressWarnings("unchecked")
        Class<R> type = (Class<R>) r.getClass();
        return construct(type, args);
    }

    /**
     * The record of {@code type} that {@link #toJson} wrote (keys other than its components' are ignored):
     * scalars, strings and enums by their JSON form, through the canonical constructor; a missing or mistyped
     * component is an IllegalArgumentException naming its key.
     */
    public static <R extends Record> R fromJson(Class<R> type, JsonObject o) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            String key = snake(cs[i].getName());
            JsonElement e = o.get(key);
            Class<?> t = cs[i].getType();
            if (e == null || e.isJsonNull() || !e.isJsonPrimitive()) {
                throw new IllegalArgumentException(type.getSimpleName() + " JSON lacks a value for '" + key + "'");
            }
            JsonPrimitive p = e.getAsJsonPrimitive();
            try {
                args[i] = t == int.class ? (Object) p.getAsBigDecimal().intValueExact()
                        : t == long.class ? (Object) p.getAsBigDecimal().longValueExact()
                        : t == double.class ? (Object) p.getAsDouble()
                        : t == boolean.class && p.isBoolean() ? (Object) p.getAsBoolean()
                        : t == String.class && p.isString() ? p.getAsString()
                        : t.isEnum() && p.isString() ? enumValue(t, p.getAsString())
                        : null;
            } catch (ArithmeticException | NumberFormatException | UnsupportedOperationException ex) {
                args[i] = null;
            }
            if (args[i] == null) {
                throw new IllegalArgumentException(type.getSimpleName() + " JSON: '" + key + "' must be a "
                        + t.getSimpleName() + ", got " + e);
            }
        }
        return construct(type, args);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> t, String name) {
        try {
            return Enum.valueOf((Class) t, name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The constant of enum {@code type} named by {@code text}: through the enum's own {@code static parse(String)}
     * when it has one (aliases such as "spin-1/2"), else by name ignoring case, with '-' for '_'.
     */
    private static Object enumFrom(Class<?> type, String text, String name) {
        try {
            java.lang.reflect.Method parse = type.getMethod("parse", String.class);
            if (java.lang.reflect.Modifier.isStatic(parse.getModifiers()) && parse.getReturnType() == type) {
                try {
                    return parse.invoke(null, text);
                } catch (InvocationTargetException e) {
                    // falls through to the uniform message
                }
            }
        } catch (NoSuchMethodException | IllegalAccessException e) {
            // no parse method: by name
        }
        Object c = enumValue(type, text.trim());
        if (c != null) {
            return c;
        }
        StringBuilder names = new StringBuilder();
        for (Object k : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : ", ").append(((Enum<?>) k).name().toLowerCase(Locale.ROOT)
                    .replace('_', '-'));
        }
        throw new IllegalArgumentException(option(name) + " must be one of " + names + ", got '" + text + "'");
    }

    /** An enum constant's name as options and JSON write it: lower case, '-' for '_'. */
    public static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <R extends Record> R construct(Class<R> type, Object[] args) {
        RecordComponent[] cs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
        }
        try {
            Constructor<R> k = type.getDeclaredConstructor(types);
            k.setAccessible(true);
            return k.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re; // the record's own validation message
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName() + ": " + e, e);
        }
    }

    /** The record as JSON: snake_case keys in declaration order. */
    public static JsonObject toJson(Record r) {
        return toJson(r, Map.of());
    }

    /** The same, with the JSON key of some components given ({@code component name → key}). */
    public static JsonObject toJson(Record r, Map<String, String> keys) {
        JsonObject o = new JsonObject();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            o.add(keys.getOrDefault(c.getName(), snake(c.getName())), json(get(r, c)));
        }
        return o;
    }

    /**
     * Settings of a {@code type} record from {@code key=value} words (the key as component name, snake_case or
     * kebab-case: {@code diagShift}, {@code diag_shift}, {@code diag-shift}), each value parsed by its
     * component's type; enums stay text for {@link #with(Record, Map)}.
     *
     * @throws IllegalArgumentException naming a word without '=', an unknown key (with the known ones) or a value
     *                                  of the wrong type
     */
    public static Map<String, Object> parse(Class<? extends Record> type, java.util.List<String> words) {
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            byKey.put(snake(c.getName()), c);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected KEY=VALUE, got '" + w + "'");
            }
            String key = snake(w.substring(0, eq).trim()).replace('-', '_');
            String text = w.substring(eq + 1).trim();
            RecordComponent c = byKey.get(key);
            if (c == null) {
                throw new IllegalArgumentException("unknown setting '" + w.substring(0, eq).trim() + "' (one of "
                        + String.join(", ", byKey.keySet()) + ")");
            }
            Class<?> t = c.getType();
            try {
                Object v = t == int.class ? Integer.valueOf(text) : t == long.class ? Long.valueOf(text)
                        : t == double.class ? Double.valueOf(text) : t == boolean.class ? parseBoolean(text) : text;
                out.put(c.getName(), v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("setting '" + key + "' must be a " + t.getSimpleName()
                        + ", got '" + text + "'");
            }
        }
        return out;
    }

    private static Boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.valueOf(text);
        }
        throw new NumberFormatException(text);
    }

    /** {@code bertSteps} → {@code bert_steps}. */
    public static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** {@code bertSteps} → {@code --bert-steps} (record components are named like the CLI options). */
    public static String option(String camel) {
        return "--" + snake(camel).replace('_', '-');
    }

    private static Object get(Record r, RecordComponent c) {
        try {
            var acc = c.getAccessor();
            acc.setAccessible(true);
            return acc.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getName(), e);
        }
    }

    private static Object coerce(Object v, Class<?> type, String name) {
        if (v == null) {
            if (type.isPrimitive()) {
                throw new IllegalArgumentException(option(name) + " needs a value");
            }
            return null;
        }
        Class<?> boxed = box(type);
        if (boxed.isInstance(v)) {
            return v;
        }
        if (type.isEnum() && v instanceof String text) {
            return enumFrom(type, text, name);
        }
        if (v instanceof Number n) {
            if (boxed == Long.class && (v instanceof Integer || v instanceof Short)) {
                return n.longValue();
            }
            if (boxed == Double.class && !(v instanceof Float)) {
                return n.doubleValue();
            }
            if (boxed == Integer.class && v instanceof Long l && l == (int) (long) l) {
                return (int) (long) l;
            }
        }
        throw new IllegalArgumentException(option(name) + " must be a " + type.getSimpleName() + ", got "
                + v.getClass().getSimpleName() + " " + v);
    }

    private static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        return t == int.class ? Integer.class : t == long.class ? Long.class : t == double.class ? Double.class
                : t == boolean.class ? Boolean.class : t == float.class ? Float.class : t == short.class ? Short.class
                : t == byte.class ? Byte.class : Character.class;
    }

    private static JsonElement json(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof Number n) {
            return new JsonPrimitive(n);
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (v instanceof Enum<?> e) {
            return new JsonPrimitive(lower(e));
        }
        if (v instanceof Record r) {
            return toJson(r);
        }
        if (v.getClass().isArray()) {
            JsonArray a = new JsonArray();
            for (int i = 0; i < Array.getLength(v); i++) {
                a.add(json(Array.get(v, i)));
            }
            return a;
        }
        return new JsonPrimitive(v.toString());
    }
}
