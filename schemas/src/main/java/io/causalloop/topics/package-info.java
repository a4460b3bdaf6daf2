/**
 * The project's topics: their names and defaults ({@link io.causalloop.topics.CausalLoopTopics}),
 * what each must look like ({@link io.causalloop.topics.TopicSpec}) and typed descriptors that
 * carry the serdes with the name ({@link io.causalloop.topics.Topic}).
 */
package io.causalloop.topics;
