/**
 * Avro serdes in Confluent's wire format and a client for Confluent's Schema Registry REST API.
 *
 * <p>Byte- and configuration-compatible with Confluent's {@code SpecificAvroSerde} and
 * {@code CachedSchemaRegistryClient}: a deployment can swap Confluent's serde in, or point
 * {@code schema.registry.url} at a real Confluent registry, without code changes. Start with
 * {@link io.causalloop.serde.AvroSerdes#specific}; tests use {@code mock://<scope>} URLs served by
 * {@link io.causalloop.serde.MockSchemaRegistry}. Every failure is a
 * {@link org.apache.kafka.common.errors.SerializationException} subclass whose message names the
 * topic (serdes) or the registry URL (client).
 */
package io.causalloop.serde;
