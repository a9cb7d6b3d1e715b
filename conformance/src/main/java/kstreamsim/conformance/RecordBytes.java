package kstreamsim.conformance;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * The v2 record format as Kafka's MemoryRecordsBuilder writes one uncompressed batch: its size, record count and
 * max timestamp, each record's bytes (DefaultRecord: length, attributes, timestamp and offset deltas, key, value,
 * headers, with zig-zag varints), and what reading the batch back gives.
 */
final class RecordBytes implements Scenario {
    @Override public String name() { return "record_bytes"; }
    @Override public int brokers() { return 0; }

    private static ByteBuffer bytes(String s) { return s == null ? null : ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)); }

    private static String hex(ByteBuffer b) {
        if (b == null) return "null";
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return "[" + Out.hex(a) + "]";
    }

    @Override public void run(Env env, Out out) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1 << 16), Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.append(1000L, bytes("k"), bytes("v"), Record.EMPTY_HEADERS);
        builder.append(990L, (ByteBuffer) null, (ByteBuffer) null, new Header[]{new RecordHeader("trace", "abc".getBytes(StandardCharsets.UTF_8)), new RecordHeader("none", null)});
        builder.append(1200L, bytes("k"), bytes(""), Record.EMPTY_HEADERS);
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < 100; i++) value.append((char) ('a' + i % 26));
        builder.append(1000L, bytes("key-042"), bytes(value.toString()), Record.EMPTY_HEADERS);  // the benchmark's record
        for (int i = 4; i < 70; i++) builder.append(1000L + i, bytes("f"), bytes("x"), Record.EMPTY_HEADERS);  // offset deltas past 63
        builder.append(1000L + 100000L, bytes("K".repeat(200)), bytes("v"), Record.EMPTY_HEADERS);  // wide deltas and key length
        builder.append(5L, bytes("early"), (ByteBuffer) null, Record.EMPTY_HEADERS);  // long before the first record
        MemoryRecords records = builder.build();

        MutableRecordBatch batch = records.batches().iterator().next();
        out.line("batch: count=" + batch.countOrNull() + " sizeInBytes=" + batch.sizeInBytes() + " maxTimestamp=" + batch.maxTimestamp());
        ByteBuffer all = records.buffer().duplicate();
        int position = 61;  // DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the records follow the batch header
        List<String> read = new ArrayList<>();
        for (Record r : batch) {
            ByteBuffer slice = all.duplicate();
            slice.position(position).limit(position + r.sizeInBytes());
            out.line("record " + r.offset() + ": size=" + r.sizeInBytes() + " " + hex(slice));
            position += r.sizeInBytes();
            StringBuilder headers = new StringBuilder();
            for (Header h : r.headers())
                headers.append(headers.length() == 0 ? "" : ",").append(h.key()).append('=').append(h.value() == null ? "null" : "[" + Out.hex(h.value()) + "]");
            read.add("read " + r.offset() + ": ts=" + r.timestamp() + " key=" + hex(r.key()) + " value=" + hex(r.value()) + " headers=" + headers);
        }
        for (String line : read) out.line(line);
    }
}
