package io.causalloop.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class one {@link EmbeddedStack} (broker, project topics, schema registry),
 * started before the first test and stopped after the last. Declare a parameter of type {@link
 * EmbeddedStack} (or {@link EmbeddedKafkaBroker}, or {@link
 * io.causalloop.registry.SchemaRegistryServer}) on a test, {@code @BeforeAll} or
 * {@code @BeforeEach} method, or a constructor, to get it.
 *
 * <p>The stack is shared by every test of the class, so tests should use their own topic names,
 * subjects and consumer groups. {@code @Nested} classes share their outer class's stack.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedStackExtension.class)
public @interface EmbeddedKafkaStack {

  /** Partitions of every event topic; 0 keeps the project's defaults. Default 1: fast tests. */
  int partitions() default 1;

  /** Whether to create the project's topics. */
  boolean projectTopics() default true;
}
