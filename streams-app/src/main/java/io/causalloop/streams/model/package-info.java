/** The models on the joined stream: propensity, rating propensity, prequential outcome model, delta merging, SRM. */
package io.causalloop.streams.model;
