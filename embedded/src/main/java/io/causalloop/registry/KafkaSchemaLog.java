package io.causalloop.registry;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code _schemas} topic as the registry's log, like Confluent's {@code KafkaStore}: one
 * partition, compacted; a reader thread applies every record to the {@link RegistryState}; a write
 * is acknowledged only once it is written with {@code acks=all} and the reader has applied it
 * (read-your-writes).
 */
final class KafkaSchemaLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);

  private final String topic;
  private final TopicPartition partition;
  private final Duration timeout;
  private final RegistryState state;
  private final Admin admin;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final Thread reader;
  private final Object positionLock = new Object();
  private long readPosition;
  private volatile boolean running = true;

  KafkaSchemaLog(Map<String, Object> clientConfig, String topic, Duration timeout, RegistryState state) {
    this.topic = topic;
    this.partition = new TopicPartition(topic, 0);
    this.timeout = timeout;
    this.state = state;
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());

    Map<String, Object> adminConfig = new HashMap<>(clientConfig);
    adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(timeoutMs, 1000));
    adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(timeoutMs, 1000));
    this.admin = Admin.create(adminConfig);
    try {
      ensureTopic();

      Map<String, Object> producerConfig = new HashMap<>(clientConfig);
      producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
      producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      // KAFKA-15591: an idempotent producer with several batches in flight can lose one.
      producerConfig.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
      producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
      producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(timeoutMs / 2, 500));
      producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(timeoutMs, 1000));
      this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());

      Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
      consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
      consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
    } catch (RuntimeException e) {
      admin.close(Duration.ZERO);
      throw e;
    }
    this.reader = new Thread(this::readLoop, "schema-registry-reader-" + topic);
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits until the reader has applied every record written so far. */
  void syncToEnd() {
    long end;
    try {
      end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
          .partitionResult(partition).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.storeError("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw RegistryException.storeError("cannot read the end offset of " + topic + ": " + e, e);
    }
    awaitPosition(end);
  }

  /** Writes a record ({@code value} null for a tombstone) and waits until it is applied. */
  void write(String key, String value) {
    long offset;
    try {
      offset = producer.send(new ProducerRecord<>(topic, 0, key, value))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.storeError("interrupted", e);
    } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
      throw RegistryException.storeError("cannot write to " + topic + ": " + e, e);
    }
    awaitPosition(offset + 1);
  }

  private void awaitPosition(long position) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (positionLock) {
      while (readPosition < position) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || !running) {
          throw RegistryException.storeError("the reader of " + topic + " did not reach offset "
              + position + " in " + timeout + " (it is at " + readPosition + ")", null);
        }
        try {
          positionLock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw RegistryException.storeError("interrupted", e);
        }
      }
    }
  }

  private void readLoop() {
    while (running) {
      try {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null) {
            state.apply(r.key(), r.value(), r.offset());
          }
        }
        long position = consumer.position(partition);
        synchronized (positionLock) {
          if (position != readPosition) {
            readPosition = position;
            positionLock.notifyAll();
          }
        }
      } catch (WakeupException e) {
        // close() asked us to stop
      } catch (RuntimeException e) {
        if (running) {
          LOG.warn("reading {} failed; retrying", topic, e);
          sleepQuietly(500);
        }
      }
    }
  }

  private void ensureTopic() {
    try {
      try {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        if (d.partitions().size() != 1) {
          throw RegistryException.storeError("topic " + topic + " has " + d.partitions().size()
              + " partitions; the registry needs exactly 1", null);
        }
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      Collection<?> nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      short rf = (short) Math.min(3, Math.max(1, nodes.size()));
      NewTopic t = new NewTopic(topic, 1, rf).configs(Map.of("cleanup.policy", "compact"));
      try {
        admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("created the schema topic {} (1 partition, replication {}, compacted)", topic, rf);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.storeError("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw RegistryException.storeError("cannot create or describe topic " + topic + ": " + e, e);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (positionLock) {
      positionLock.notifyAll();
    }
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    producer.close(Duration.ofSeconds(2));
    admin.close(Duration.ofSeconds(2));
  }
}
