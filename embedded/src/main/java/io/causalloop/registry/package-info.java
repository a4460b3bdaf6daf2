/**
 * A schema registry that speaks Confluent's REST API and stores its state in a compacted Kafka
 * topic with Confluent's record formats, so the project's Avro serdes (and Confluent's) work
 * against it unchanged. {@link io.causalloop.registry.SchemaRegistryServer} is the entry point;
 * compatibility follows {@link io.causalloop.registry.CompatibilityLevel}; failures carry
 * Confluent's error codes ({@link io.causalloop.registry.RegistryException}).
 *
 * <p>Scope: Avro only, one writer per topic at a time, soft deletes only; no schema references,
 * contexts, modes other than READWRITE, or authentication.
 */
package io.causalloop.registry;
