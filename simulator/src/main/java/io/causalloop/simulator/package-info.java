/**
 * A simulated chat product and reader population whose preferences are known exactly, so the
 * TRUE value of any policy can be computed and every estimator and trainer checked against it.
 *
 * <ul>
 *   <li>{@link io.causalloop.simulator.Corpus} and {@link io.causalloop.simulator.Prompts}:
 *       seeded grammars of short chat replies and user messages (the reference policy's
 *       pre-training text; nothing is downloaded).</li>
 *   <li>{@link io.causalloop.simulator.Lexicon}: the AFINN-165 word-valence list, vendored.</li>
 *   <li>{@link io.causalloop.simulator.ReaderPopulation}: segments with an explicit
 *       {@code g(c, x) = E[Y(x) | c]}, a rating probability that depends on text and reader
 *       (missing not at random), and a preference shift at a configured time.</li>
 *   <li>{@link io.causalloop.simulator.TrueValue}: Monte-Carlo value of any
 *       {@link io.causalloop.simulator.PolicySampler}.</li>
 *   <li>{@link io.causalloop.simulator.ConfoundedLog}: an observational log with selection on
 *       the outcome, and its sign-flipped worst case.</li>
 * </ul>
 *
 * <p>Everything takes an explicit seed or random generator; nothing calls {@code Math.random}.
 */
package io.causalloop.simulator;
