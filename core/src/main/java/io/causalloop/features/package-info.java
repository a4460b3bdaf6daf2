/**
 * Feature extraction shared by the stream and the trainer: text, context and reader covariates
 * hashed into a sparse vector of fixed dimension {@code 2^hashBits}.
 *
 * <p>The one thing to know: {@link io.causalloop.features.FeatureExtractor} is the only feature
 * extractor in causal-loop. Its output depends only on the {@link io.causalloop.schemas.FeatureSpec}
 * and the input, never on the JVM (MurmurHash3 over UTF-16 code units, not
 * {@link java.lang.String#hashCode()}), so a model trained in the stream scores the trainer's samples.
 */
package io.causalloop.features;
