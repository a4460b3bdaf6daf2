/**
 * Operational metrics shared by the project's processes: a Prometheus text-format HTTP endpoint
 * that renders Kafka client metrics plus whatever exposition text the process adds.
 */
package io.causalloop.metrics;
