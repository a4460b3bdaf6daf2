package io.causalloop.streams.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * What the write-behind store writes to its changelog, read from the changelog topic of a real
 * (in-memory, change-logged) Kafka Streams store under the test driver, which commits after every
 * input record: the commands of one record run between two commits.
 */
class WriteBehindKeyValueStoreTest {

    private static final String STORE = "wb-store";
    private static final String CHANGELOG = "wb-test-" + STORE + "-changelog";

    /** Runs the commands of a record's value: {@code putNew k v}, {@code put k v}, {@code delete k}, separated by ';'. */
    private static final class Commands implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, String> store;
        private WriteBehindKeyValueStore<String, String> writeBehind;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
            writeBehind = WriteBehindKeyValueStore.find(store);
        }

        @Override
        public void process(Record<String, String> record) {
            for (String command : record.value().split(";")) {
                String[] w = command.trim().split(" ");
                switch (w[0]) {
                    case "putNew" -> writeBehind.putNew(w[1], w[2]);
                    case "put" -> store.put(w[1], w[2]);
                    case "delete" -> store.delete(w[1]);
                    default -> throw new IllegalArgumentException(command);
                }
            }
        }
    }

    private static List<KeyValue<String, String>> run(String... records) {
        Topology t = new Topology();
        t.addSource("in", new StringDeserializer(), new StringDeserializer(), "commands");
        t.addProcessor("commands", Commands::new, "in");
        t.addStateStore(new WriteBehindStoreBuilder<>(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.String()).withCachingDisabled(),
                1000, false, null), "commands");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "wb-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(t, p)) {
            TestInputTopic<String, String> in = driver.createInputTopic("commands", new StringSerializer(),
                    new StringSerializer());
            for (String r : records) {
                in.pipeInput("k", r);
            }
            TestOutputTopic<String, String> changelog = driver.createOutputTopic(CHANGELOG, new StringDeserializer(),
                    new StringDeserializer());
            return new ArrayList<>(changelog.readKeyValuesToList());
        }
    }

    @Test
    void shouldFindItselfBehindTheDecoratorKafkaStreamsHandsProcessors() {
        // the driver would fail in init (null writeBehind) on the first putNew otherwise
        assertEquals(List.of(KeyValue.pair("a", "1")), run("putNew a 1"));
        assertNotNull(WriteBehindKeyValueStore.find(new WriteBehindKeyValueStore<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("x"), Serdes.String(), Serdes.String())
                        .withLoggingDisabled().build(), 1, false, null)));
    }

    @Test
    void shouldWriteNothingForANewKeyDeletedBeforeTheCommit() {
        assertEquals(List.of(), run("putNew a 1; put a 2; delete a"));
    }

    @Test
    void shouldStillDeleteBelowWhenAKeyIsPutAsNewOverAHeldDelete() {
        // b is below after the first commit; its delete is held when putNew comes: putNew must not
        // claim b absent below, or the final delete would be skipped and b=1 come back on restore
        assertEquals(List.of(KeyValue.pair("b", "1"), KeyValue.pair("b", null)),
                run("put b 1", "delete b; putNew b 2; delete b"));
    }

    @Test
    void shouldWriteAPlainPutsDeleteAsATombstone() {
        assertEquals(List.of(KeyValue.pair("c", null)), run("put c 1; delete c"));
    }
}
