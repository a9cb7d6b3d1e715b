package kstreamsim.conformance;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.DoubleSerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Bytes of Kafka's built-in serializers: "<type>:<value> -> [hex]" ("null" for a null result), and what the
 * matching deserializers make of some byte strings (value, or the exception's simple class name).
 */
final class SerdeBytes implements Scenario {
    @Override public String name() { return "serde_bytes"; }
    @Override public int brokers() { return 0; }

    @Override public void run(Env env, Out out) {
        StringSerializer s = new StringSerializer();
        for (String v : new String[]{"", "a", "alice", "h\u00e9llo", "\u65e5\u672c", "\uD83D\uDE00", "tab\there", null})
            out.line("string:" + Out.quote(v) + " -> " + b(s.serialize("t", v)));

        IntegerSerializer i = new IntegerSerializer();
        for (Integer v : new Integer[]{0, 1, -1, 42, 256, Integer.MIN_VALUE, Integer.MAX_VALUE, null})
            out.line("int:" + v + " -> " + b(i.serialize("t", v)));

        LongSerializer l = new LongSerializer();
        for (Long v : new Long[]{0L, 1L, -1L, 1234567890123L, Long.MIN_VALUE, Long.MAX_VALUE, null})
            out.line("long:" + v + " -> " + b(l.serialize("t", v)));

        DoubleSerializer d = new DoubleSerializer();
        double[] ds = {0.0, -0.0, 1.5, -2.25, 0.1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, Double.MAX_VALUE};
        String[] dn = {"0.0", "-0.0", "1.5", "-2.25", "0.1", "NaN", "Infinity", "-Infinity", "4.9e-324", "1.7976931348623157e308"};
        for (int k = 0; k < ds.length; k++) out.line("double:" + dn[k] + " -> " + b(d.serialize("t", ds[k])));
        // A NaN with other bits: Java's doubleToLongBits (used by DoubleSerializer) writes the canonical NaN.
        for (long bits : new long[]{0xfff8000000000000L, 0x7ff0000000000001L})
            out.line("double:bits(" + String.format("%016x", bits) + ") -> " + b(d.serialize("t", Double.longBitsToDouble(bits))));
        out.line("double:null -> " + b(d.serialize("t", null)));

        ByteArraySerializer a = new ByteArraySerializer();
        for (byte[] v : new byte[][]{{}, {0}, {0, (byte) 0xff, 0x7f, (byte) 0x80}, null})
            out.line("bytearray:" + (v == null ? "null" : "[" + Out.hex(v) + "]") + " -> " + b(a.serialize("t", v)));

        // Deserializers.
        de(out, "string", Serdes.String(), new byte[]{0x61, (byte) 0xc3, (byte) 0xa9});
        de(out, "string", Serdes.String(), new byte[]{});
        de(out, "string", Serdes.String(), null);
        de(out, "int", Serdes.Integer(), new byte[]{0, 0, 1, 0});
        de(out, "int", Serdes.Integer(), new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe});
        de(out, "int", Serdes.Integer(), new byte[]{0, 0, 1});
        de(out, "int", Serdes.Integer(), new byte[]{0, 0, 0, 0, 1});
        de(out, "int", Serdes.Integer(), new byte[]{});
        de(out, "int", Serdes.Integer(), null);
        de(out, "long", Serdes.Long(), new byte[]{0, 0, 0, 0, 0, 0, 1, 0});
        de(out, "long", Serdes.Long(), new byte[]{0, 0, 0, 1});
        de(out, "long", Serdes.Long(), null);
        de(out, "double", Serdes.Double(), new byte[]{0x3f, (byte) 0xf8, 0, 0, 0, 0, 0, 0});
        de(out, "double", Serdes.Double(), new byte[]{0x3f, (byte) 0xf8, 0, 0});
        de(out, "double", Serdes.Double(), null);
        de(out, "bytearray", Serdes.ByteArray(), new byte[]{1, 2});
        de(out, "bytearray", Serdes.ByteArray(), null);
    }

    private static String b(byte[] bytes) { return bytes == null ? "null" : "[" + Out.hex(bytes) + "]"; }

    private static <T> void de(Out out, String type, Serde<T> serde, byte[] bytes) {
        String label = "deserialize " + type + ":" + b(bytes) + " -> ";
        try (Deserializer<T> d = serde.deserializer()) {
            T v = d.deserialize("t", bytes);
            String shown;
            if (v == null) shown = "null";
            else if (v instanceof String) shown = Out.quote((String) v);
            else if (v instanceof byte[]) shown = b((byte[]) v);
            else shown = v.toString();
            out.line(label + shown);
        } catch (Exception e) {
            out.line(label + Out.exceptionName(e));
        }
    }
}
