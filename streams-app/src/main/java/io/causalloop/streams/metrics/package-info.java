/** The app's counters and the Prometheus text-format endpoint. */
package io.causalloop.streams.metrics;
