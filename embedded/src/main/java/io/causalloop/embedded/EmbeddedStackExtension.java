package io.causalloop.embedded;

import io.causalloop.registry.SchemaRegistryServer;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link EmbeddedKafkaStack}: starts one {@link EmbeddedStack} per
 * test class in {@code beforeAll}, keeps it in the class's {@link ExtensionContext.Store}, closes
 * it in {@code afterAll}, and injects it (or its broker or registry) into parameters.
 *
 * <p>Usable alone with {@code @ExtendWith(EmbeddedStackExtension.class)}; then the stack has the
 * settings of a bare {@code @EmbeddedKafkaStack}.
 */
public final class EmbeddedStackExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedStackExtension.class);
  private static final String KEY = "stack";

  @Override
  public void beforeAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    if (store.get(KEY, EmbeddedStack.class) != null) {
      return; // a @Nested class: the enclosing class's stack serves
    }
    store.put(KEY, EmbeddedStack.start(configFor(context.getRequiredTestClass())));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // remove() only sees this class's own store, so a @Nested class never closes its outer stack
    EmbeddedStack stack = context.getStore(NAMESPACE).remove(KEY, EmbeddedStack.class);
    if (stack != null) {
      stack.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedStack.class || type == EmbeddedKafkaBroker.class || type == SchemaRegistryServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    EmbeddedStack stack = context.getStore(NAMESPACE).get(KEY, EmbeddedStack.class);
    if (stack == null) {
      throw new ParameterResolutionException("No embedded stack: annotate the test class with "
          + "@EmbeddedKafkaStack (or @ExtendWith(EmbeddedStackExtension.class)); the stack lives per class");
    }
    Class<?> type = parameter.getParameter().getType();
    if (type == EmbeddedKafkaBroker.class) {
      return stack.broker();
    }
    if (type == SchemaRegistryServer.class) {
      return stack.schemaRegistry();
    }
    return stack;
  }

  /** The config from the nearest {@link EmbeddedKafkaStack} on the class or its enclosing classes. */
  static EmbeddedStackConfig configFor(Class<?> testClass) {
    Optional<EmbeddedKafkaStack> annotation = Optional.empty();
    for (Class<?> c = testClass; c != null && annotation.isEmpty(); c = c.getEnclosingClass()) {
      annotation = AnnotationSupport.findAnnotation(c, EmbeddedKafkaStack.class);
    }
    int partitions = annotation.map(EmbeddedKafkaStack::partitions).orElse(1);
    boolean projectTopics = annotation.map(EmbeddedKafkaStack::projectTopics).orElse(true);
    return EmbeddedStackConfig.defaults().withPartitions(partitions).withProjectTopics(projectTopics);
  }
}
