/**
 * The local infrastructure in one JVM, for tests, demos and the one-command loop: {@link
 * io.causalloop.embedded.EmbeddedKafkaBroker} (a real KRaft broker), {@link
 * io.causalloop.embedded.EmbeddedStack} (broker, the project's topics and the schema registry)
 * with its {@link io.causalloop.embedded.EmbeddedStackConfig}, and the JUnit 5 annotation {@link
 * io.causalloop.embedded.EmbeddedKafkaStack} that gives a test class one running stack.
 *
 * <p>Nothing here is a mock: the same apps run unchanged against a real cluster and a real
 * Confluent Schema Registry by changing {@code bootstrap.servers} and {@code schema.registry.url}.
 */
package io.causalloop.embedded;
