// Prints what Apache Kafka's own converters write and read for the cases the converter tests of
// this folder check, so that the expected bytes pasted into those tests can be regenerated and
// compared. Not part of the build. Run (JVM in UTC; JDK 19+ prints doubles as the tests expect):
//   mvn -q -f pom.xml dependency:copy-dependencies -DoutputDirectory=/tmp/kafka-golden-lib
//   java -Duser.timezone=UTC -cp '/tmp/kafka-golden-lib/*' KafkaGolden.java
import org.apache.kafka.connect.data.*;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.*;

import java.math.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.apache.kafka.connect.data.Date;

public class KafkaGolden {
  static JsonConverter json(boolean schemas, String decimalFormat, boolean replace) {
    JsonConverter c = new JsonConverter();
    Map<String, Object> cfg = new HashMap<>();
    cfg.put("schemas.enable", schemas);
    cfg.put("decimal.format", decimalFormat);
    cfg.put("replace.null.with.default", replace);
    c.configure(cfg, false);
    return c;
  }
  static void out(String name, byte[] b) {
    System.out.println(name + "\t" + (b == null ? "<null>" : new String(b, StandardCharsets.UTF_8)));
  }
  static void w(String name, JsonConverter c, Schema s, Object v) {
    try { out(name, c.fromConnectData("t", s, v)); } catch (Exception e) { System.out.println(name + "\tERROR " + e.getMessage()); }
  }
  static void r(String name, JsonConverter c, String text) {
    try {
      SchemaAndValue sv = c.toConnectData("t", text == null ? null : text.getBytes(StandardCharsets.UTF_8));
      System.out.println(name + "\t" + sv.schema() + " | " + (sv.value() instanceof byte[] ? Arrays.toString((byte[]) sv.value()) : String.valueOf(sv.value())) + " | " + (sv.value() == null ? "null" : sv.value().getClass().getSimpleName()));
    } catch (Exception e) { System.out.println(name + "\tERROR " + e.getMessage()); }
  }
  public static void main(String[] a) throws Exception {
    JsonConverter on = json(true, "BASE64", true), off = json(false, "BASE64", true), num = json(true, "NUMERIC", true), noreplace = json(true, "BASE64", false);
    w("int8", on, Schema.INT8_SCHEMA, (byte) -12);
    w("int16", on, Schema.INT16_SCHEMA, (short) 1234);
    w("int32", on, Schema.INT32_SCHEMA, 123456);
    w("int64", on, Schema.INT64_SCHEMA, 1234567890123L);
    w("float32", on, Schema.FLOAT32_SCHEMA, 1.5f);
    w("float32_tenth", on, Schema.FLOAT32_SCHEMA, 0.1f);
    w("float64", on, Schema.FLOAT64_SCHEMA, 1.5e10);
    w("float64_small", on, Schema.FLOAT64_SCHEMA, 1.0e-4);
    w("float64_one", on, Schema.FLOAT64_SCHEMA, 1.0);
    w("float64_nan", on, Schema.FLOAT64_SCHEMA, Double.NaN);
    w("float64_inf", off, Schema.FLOAT64_SCHEMA, Double.NEGATIVE_INFINITY);
    w("float32_nan", off, Schema.FLOAT32_SCHEMA, Float.POSITIVE_INFINITY);
    w("boolean", on, Schema.BOOLEAN_SCHEMA, true);
    w("string", on, Schema.STRING_SCHEMA, "a\"b\\c/d\n\t\r\b\f\u0001\u001f\u007f\u00e9\u20ac\ud83d\ude00");
    w("bytes", on, Schema.BYTES_SCHEMA, new byte[] {0, 1, 2, (byte) 0xFF});
    w("opt_string_null", on, Schema.OPTIONAL_STRING_SCHEMA, null);
    w("opt_string_null_off", off, Schema.OPTIONAL_STRING_SCHEMA, null);
    w("tombstone", on, null, null);
    w("required_null", on, Schema.INT32_SCHEMA, null);
    Schema withDefault = SchemaBuilder.int32().optional().defaultValue(42).name("n").version(3).doc("d\"oc").parameter("k", "v").parameter("a", "b").build();
    w("default_replaced", on, withDefault, null);
    w("default_not_replaced", noreplace, withDefault, null);
    w("default_value", on, withDefault, 7);
    w("decimal", on, Decimal.schema(2), new BigDecimal(new BigInteger("156"), 2));
    w("decimal_neg", on, Decimal.schema(2), new BigDecimal(new BigInteger("-156"), 2));
    w("decimal_numeric", num, Decimal.schema(2), new BigDecimal(new BigInteger("156"), 2));
    w("decimal_numeric_trailing", num, Decimal.schema(4), new BigDecimal(new BigInteger("15600"), 4));
    w("decimal_numeric_sci", num, Decimal.schema(10), new BigDecimal(new BigInteger("1"), 10));
    w("decimal_numeric_neg_scale", num, Decimal.schema(-3), new BigDecimal(new BigInteger("12"), -3));
    w("decimal_numeric_big", num, Decimal.schema(3), new BigDecimal(new BigInteger("1208925819614629174706177"), 3));
    w("date", on, Date.SCHEMA, Date.toLogical(Date.SCHEMA, 19737));
    w("time", on, Time.SCHEMA, Time.toLogical(Time.SCHEMA, 45296789));
    w("timestamp", on, Timestamp.SCHEMA, Timestamp.toLogical(Timestamp.SCHEMA, 1700000000000L));
    Schema arr = SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build();
    w("array", on, arr, Arrays.asList(1, null, 3));
    w("array_off", off, arr, Arrays.asList(1, null, 3));
    Schema smap = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build();
    Map<String, Long> sm = new LinkedHashMap<>(); sm.put("a", 1L); sm.put("b\"", 2L);
    w("map_string_keys", on, smap, sm);
    Schema imap = SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build();
    Map<Integer, String> im = new LinkedHashMap<>(); im.put(1, "a"); im.put(2, "b");
    w("map_int_keys", on, imap, im);
    Schema onull = SchemaBuilder.map(Schema.OPTIONAL_STRING_SCHEMA, Schema.INT32_SCHEMA).build();
    Map<String, Integer> nm = new LinkedHashMap<>(); nm.put(null, 1);
    w("map_null_key", off, onull, nm);
    Map<Object, Object> sl = new LinkedHashMap<>(); sl.put("x", Arrays.asList(1L, "two", null)); sl.put("y", true);
    w("schemaless_map", off, null, sl);
    Map<Object, Object> il = new LinkedHashMap<>(); il.put(1L, "a"); il.put("b", 2.5);
    w("schemaless_mixed_keys", off, null, il);
    w("schemaless_bytes_on", on, null, new byte[] {1, 2, 3});
    Schema row = SchemaBuilder.struct().name("com.example.Row")
        .field("id", Schema.INT32_SCHEMA)
        .field("name", Schema.OPTIONAL_STRING_SCHEMA)
        .field("ts", Timestamp.SCHEMA)
        .field("m", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
        .build();
    Map<Integer, String> rm = new LinkedHashMap<>(); rm.put(1, "a"); rm.put(2, "b");
    Struct rv = new Struct(row).put("id", 1).put("name", null).put("ts", new java.util.Date(1700000000000L)).put("m", rm);
    w("struct_example", on, row, rv);
    w("struct_example_off", off, row, rv);
    Schema inner = SchemaBuilder.struct().name("Inner").optional().field("x", Schema.FLOAT64_SCHEMA).build();
    Schema outer = SchemaBuilder.struct().name("Outer").version(2).doc("outer doc")
        .field("inner", inner)
        .field("list", SchemaBuilder.array(inner).build())
        .field("dflt", SchemaBuilder.string().optional().defaultValue("zz").build())
        .field("dec", Decimal.builder(2).optional().defaultValue(new BigDecimal("0.05")).build())
        .build();
    Struct ov = new Struct(outer).put("inner", new Struct(inner).put("x", 2.0)).put("list", Arrays.asList(new Struct(inner).put("x", 0.5), null));
    w("struct_nested", on, outer, ov);
    w("struct_nested_noreplace", noreplace, outer, ov);
    w("struct_nested_numeric", num, outer, ov);
    Schema req = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    w("struct_missing_required", on, req, new Struct(req));
    Schema boolDefault = SchemaBuilder.bool().defaultValue(true).build();
    w("bool_default_schema", on, boolDefault, false);
    Schema bytesDefault = SchemaBuilder.bytes().optional().defaultValue(new byte[] {9, 8}).build();
    w("bytes_default_schema", on, bytesDefault, null);
    Schema arrDefault = SchemaBuilder.array(Schema.STRING_SCHEMA).optional().defaultValue(Arrays.asList("x")).build();
    w("array_default_schema", on, arrDefault, null);
    // ---- reading ----
    r("read_decimal_example", on, "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":\"AJw=\"}");
    r("read_decimal_numeric", on, "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":1.56}");
    r("read_envelope_extra", on, "{\"schema\":null,\"payload\":1,\"x\":2}");
    r("read_envelope_missing", on, "{\"payload\":1}");
    r("read_envelope_not_object", on, "[1]");
    r("read_plain", off, "{\"a\":1,\"b\":[1.5,\"x\",null,true],\"c\":{\"d\":null}}");
    r("read_int", off, "42");
    r("read_float", off, "4.0");
    r("read_null_bytes", on, null);
    r("read_empty_on", on, "");
    r("read_empty_off", off, "");
    r("read_json_null_off", off, "null");
    r("read_required_null", on, "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"}],\"optional\":false},\"payload\":{}}");
    r("read_default", on, "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"default\":5},\"payload\":null}");
    r("read_int8_overflow", on, "{\"schema\":{\"type\":\"int8\",\"optional\":false},\"payload\":300}");
    r("read_int32_fraction", on, "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":-2.9}");
    r("read_malformed", on, "{\"schema\":null,\"payload\":[1,}");
    r("read_payload_first", on, "{\"payload\":[1,2],\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"int16\",\"optional\":false},\"optional\":false}}");
    r("read_unknown_type", on, "{\"schema\":{\"type\":\"uuid\"},\"payload\":1}");
    r("read_no_type", on, "{\"schema\":{\"optional\":true},\"payload\":1}");
    r("read_map_not_object", on, "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"int32\"}},\"payload\":[]}");
    r("read_map_bad_entry", on, "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\"},\"values\":{\"type\":\"int32\"}},\"payload\":[[1,2,3]]}");
    r("read_struct_not_object", on, "{\"schema\":{\"type\":\"struct\",\"fields\":[]},\"payload\":1}");
    r("read_date_not_int", on, "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Date\",\"version\":1},\"payload\":\"x\"}");
    r("read_timestamp_not_integral", on, "{\"schema\":{\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1},\"payload\":1.5}");
    r("read_decimal_bad", on, "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":true}");
    r("read_params_not_string", on, "{\"schema\":{\"type\":\"int32\",\"parameters\":{\"a\":1}},\"payload\":1}");
    r("read_bytes_bad", on, "{\"schema\":{\"type\":\"bytes\"},\"payload\":\"%%%\"}");
    r("read_big_int_off", off, "123456789012345678901234567890");
    r("read_trailing", off, "{} {}");
    // ---- other converters ----
    StringConverter sc = new StringConverter(); sc.configure(Collections.emptyMap(), false);
    out("string_int", sc.fromConnectData("t", Schema.INT32_SCHEMA, 42));
    out("string_double", sc.fromConnectData("t", Schema.FLOAT64_SCHEMA, 1.0e7));
    out("string_struct", sc.fromConnectData("t", row, rv));
    out("string_list", sc.fromConnectData("t", null, Arrays.asList("a", 1, null)));
    out("string_map", sc.fromConnectData("t", null, sm));
    out("string_date", sc.fromConnectData("t", Timestamp.SCHEMA, new java.util.Date(1700000000000L)));
    out("string_decimal", sc.fromConnectData("t", Decimal.schema(10), new BigDecimal(new BigInteger("1"), 10)));
    SimpleHeaderConverter sh = new SimpleHeaderConverter();
    Object[][] hv = {
      {"h_int", Schema.INT32_SCHEMA, 42}, {"h_str", Schema.STRING_SCHEMA, "he said \"hi\""},
      {"h_list", SchemaBuilder.array(Schema.STRING_SCHEMA).build(), Arrays.asList("a\"b", "c\\d")},
      {"h_map", smap, sm}, {"h_struct", row, rv}, {"h_bytes", Schema.BYTES_SCHEMA, new byte[] {1, 2, 3}},
      {"h_date", Date.SCHEMA, Date.toLogical(Date.SCHEMA, 19737)}, {"h_date_epoch", Date.SCHEMA, Date.toLogical(Date.SCHEMA, 0)},
      {"h_time", Time.SCHEMA, Time.toLogical(Time.SCHEMA, 45296789)},
      {"h_ts", Timestamp.SCHEMA, new java.util.Date(1700000000000L)}, {"h_ts_midnight", Timestamp.SCHEMA, new java.util.Date(19737L * 86400000L)},
      {"h_decimal", Decimal.schema(2), new BigDecimal(new BigInteger("156"), 2)}, {"h_float", Schema.FLOAT32_SCHEMA, 0.1f},
      {"h_double", Schema.FLOAT64_SCHEMA, 1.0e10}, {"h_bool", Schema.BOOLEAN_SCHEMA, false},
      {"h_nested", null, Arrays.asList(Arrays.asList(1, 2), sm)},
    };
    for (Object[] h : hv) out((String) h[0], sh.fromConnectHeader("t", "k", (Schema) h[1], h[2]));
    String[] ps = {"42", "300", "70000", "5000000000", "12345678901234567890", "1.5", "0.1", "1.0", "1e3", "1e30", "-7", "+7", "true", "false", "null",
      "hello world", "[1,2,3]", "[1, 300]", "[1, 2.5]", "[\"a\",\"b\"]", "{\"a\":1,\"b\":2}", "{1:\"x\"}", "2024-01-15", "12:34:56.789Z", "2024-01-15T12:34:56.789Z",
      "[2024-01-15,2024-01-16]", "[\"2024-01-15\"]", "[1,\"a\"]", "[1,\"a\",2]", "[]", "{}", "[null]", "[1,null]", "true}", "[1,2", "{a:1}", "   ", "1,2", "\"quoted\"", "[\"a\\\"b\"]", "-", "1e400", "[[1,2],[3]]"};
    for (String p : ps) {
      SchemaAndValue sv = sh.toConnectHeader("t", "k", p.getBytes(StandardCharsets.UTF_8));
      System.out.println("parse " + p + "\t" + (sv == null ? "JAVA-NULL" : (sv.schema() + " | " + sv.value() + " | " + (sv.value() == null ? "null" : sv.value().getClass().getSimpleName()))));
    }
    for (double d : new double[] {0.1, 100.0, 1.0e-3, 9.99e-4, 1234567.0, 1.0e7, 1.0e23, 4.9e-324, 0.30000000000000004, 2.2250738585072014E-308})
      System.out.println("dtoa " + d);
    for (float f : new float[] {0.1f, 3.4028235E38f, 1.4e-45f, 1.5e10f, 3.1415927f, -2.5e-5f}) System.out.println("ftoa " + f);
  }
}
